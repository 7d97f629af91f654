import type { Role } from './tables.js';

/**
 * Who is calling: built from a verified token or API key, never from request input.
 * It carries no personal data: a token is readable by whoever holds it.
 */
export interface Actor {
  userId: number;
  username: string;
  roles: readonly Role[];
  org: { id: number; code: string; name: string } | null;
  via: 'token' | 'api_key';
  /** The token's session (its jti), which logout revokes; absent for API keys. */
  session?: string;
}

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return roles.some((r) => actor.roles.includes(r));
}
