import { client, ok, useQuery, type Query } from '../api';
import type { Resource } from './types';

/** One resource as the caller may see it, with the flags of what they may do to it. */
export const useResource = (code: string): Query<Resource> =>
  useQuery(() => ok(client.GET('/api/v1/catalog/resources/{code}', { params: { path: { code } } })), [code]);
