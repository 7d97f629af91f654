import { POLICY, type Action, type Scope } from './policy.js';
import type { Role } from './tables.js';

/**
 * What a user's roles let them do, read from the policy table, for an interface that shows only
 * what the caller may do. `scopes` says where each action holds (`any`, or only for their own
 * organization, other organizations, or themselves); the server still checks every request.
 */
export interface Permissions {
  permissions: Action[];
  scopes: Partial<Record<Action, Scope[]>>;
}

export function permissionsOf(roles: readonly Role[]): Permissions {
  const scopes: Partial<Record<Action, Scope[]>> = {};
  for (const [action, grants] of Object.entries(POLICY) as Array<[Action, (typeof POLICY)[Action]]>) {
    const held = grants.filter((g) => g.roles.some((r: Role) => roles.includes(r))).map((g) => g.scope);
    if (held.length > 0) scopes[action] = [...new Set(held)];
  }
  return { permissions: Object.keys(scopes) as Action[], scopes };
}
