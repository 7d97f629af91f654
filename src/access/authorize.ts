import { HubError, msg } from '../kernel/index.js';
import { actionLabel } from './action-labels.js';
import type { Actor } from './actor.js';
import { POLICY, type Action, type Grant } from './policy.js';

/**
 * What an action is done to. `ownerOrg` is the organization that answers for it (the provider
 * of a resource, the consumer of a grant) — or several, when more than one party does (the
 * consumer and the provider of a demand); rules compare it with the actor's.
 */
export interface Target {
  ownerOrg?: string | readonly string[] | undefined;
  /**
   * The actor is the subject the data describes (a citizen reading their own record), or the legal
   * representative of the enterprise acted on (its agents).
   */
  self?: boolean;
}

function owners(target: Target): readonly string[] {
  const o = target.ownerOrg;
  return o === undefined ? [] : typeof o === 'string' ? [o] : o;
}

function holds(g: Grant, actor: Actor, target: Target): boolean {
  if (!g.roles.some((r) => actor.roles.includes(r))) return false;
  const org = actor.org?.code;
  switch (g.scope) {
    case 'any':
      return true;
    case 'own':
      return org !== undefined && owners(target).includes(org);
    case 'other':
      return org !== undefined && owners(target).length > 0 && !owners(target).includes(org);
    case 'self':
      return target.self === true;
  }
}

export function isAllowed(actor: Actor | null, action: Action, target: Target = {}): boolean {
  if (actor === null) return false;
  const grants: readonly Grant[] | undefined = (POLICY as Partial<Record<string, readonly Grant[]>>)[action];
  return grants !== undefined && grants.some((g) => holds(g, actor, target));
}

/** Throws 401 without an actor and 403 when the policy does not allow the action. */
export function authorize(actor: Actor | null, action: Action, target: Target = {}): asserts actor is Actor {
  if (actor === null) throw new HubError('ACC_UNAUTHENTICATED');
  if (!isAllowed(actor, action, target)) {
    throw new HubError('ACC_FORBIDDEN', msg('access.mayNot', { user: actor.username, action: actionLabel(action) }));
  }
}

export type { Action };
