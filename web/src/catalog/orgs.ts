import { client, ok, useQuery } from '../api';
import type { Org } from './types';

let cached: Promise<Org[]> | null = null;
/** One empty list, so a page's memo over the names holds until they arrive. */
const NONE: Org[] = [];

/** Organization names by code, fetched once per page load; codes stay as they are if the list is not readable. */
export function useOrgs(): Org[] {
  const orgs = useQuery(() => (cached ??= ok(client.GET('/api/v1/orgs')).catch(() => ((cached = null), []))), []);
  return orgs.data ?? NONE;
}

export const namesOf = (orgs: Org[]): Record<string, string> => Object.fromEntries(orgs.map((o) => [o.code, o.name]));
