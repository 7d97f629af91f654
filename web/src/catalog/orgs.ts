import { client, dataVersion, ok, useQuery } from '../api';
import type { Org } from './types';

/** The list as fetched, and the change counter it was fetched at: an action (a new or renamed organization) refetches it. */
let cached: { version: number; list: Promise<Org[]> } | null = null;
/** One empty list, so a page's memo over the names holds until they arrive. */
const NONE: Org[] = [];

/** Organization names by code, fetched once until the user changes something; codes stay as they are if the list is not readable. */
export function useOrgs(): Org[] {
  const orgs = useQuery(() => {
    const version = dataVersion();
    if (cached?.version !== version) {
      cached = { version, list: ok(client.GET('/api/v1/orgs')).catch(() => ((cached = null), [])) };
    }
    return cached.list;
  }, []);
  return orgs.data ?? NONE;
}

export const namesOf = (orgs: Org[]): Record<string, string> => Object.fromEntries(orgs.map((o) => [o.code, o.name]));
