import { createContext, useContext } from 'react';
import type { User } from './api';

export interface Session {
  user: User | null;
  setUser: (u: User | null) => void;
}

export const SessionContext = createContext<Session>({ user: null, setUser: () => {} });
export const useSession = () => useContext(SessionContext);

/**
 * What an action is done to, as the server's policy compares it: the organizations that answer
 * for it (the provider of a resource, both parties of a demand), or the user themselves.
 */
export interface Target {
  ownerOrg?: string | readonly string[] | undefined;
  self?: boolean;
}

/**
 * Whether the user may take `action` (an action of src/access/policy.ts), as /auth/me says:
 * without a target, anywhere at all (for menus and pages); with one, on that target — the same
 * rule the server applies, so that a button the server would refuse is not shown.
 */
export function can(user: User | null, action: string, target?: Target): boolean {
  const scopes = user?.scopes?.[action];
  if (!scopes || scopes.length === 0) return false;
  if (target === undefined) return true;
  const org = user!.org?.code;
  const owners =
    target.ownerOrg === undefined ? [] : typeof target.ownerOrg === 'string' ? [target.ownerOrg] : target.ownerOrg;
  return scopes.some((scope) => {
    switch (scope) {
      case 'any':
        return true;
      case 'own':
        return org !== undefined && owners.includes(org);
      case 'other':
        return org !== undefined && owners.length > 0 && !owners.includes(org);
      case 'self':
        return target.self === true;
    }
  });
}

/** `can` for the logged-in user. */
export function useCan(action: string, target?: Target): boolean {
  return can(useSession().user, action, target);
}
