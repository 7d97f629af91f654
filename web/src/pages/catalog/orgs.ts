import { useEffect, useState } from 'react';
import { api } from '../../api';
import type { Org } from '../../types';

let cached: Promise<Org[]> | null = null;

/** Organization names by code, fetched once per page load; codes stay as they are if the list is not readable. */
export function useOrgs(): Org[] {
  const [orgs, setOrgs] = useState<Org[]>([]);
  useEffect(() => {
    cached ??= api<Org[]>('/api/v1/orgs').catch(() => ((cached = null), []));
    let live = true;
    void cached.then((o) => live && setOrgs(o));
    return () => {
      live = false;
    };
  }, []);
  return orgs;
}

export const namesOf = (orgs: Org[]): Record<string, string> => Object.fromEntries(orgs.map((o) => [o.code, o.name]));
