import { HubError } from '../kernel/index.js';
import { hasRole, type Actor } from './actor.js';

/**
 * What an action is done to. `ownerOrg` is the organization that answers for it
 * (the provider of a resource, the consumer of a grant); rules compare it with the actor's.
 */
export interface Target {
  ownerOrg?: string;
  /** The actor is the subject the data describes (a citizen reading their own record). */
  self?: boolean;
}

type Rule = (actor: Actor, target: Target) => boolean;

const ownsTarget: Rule = (a, t) => a.org !== null && t.ownerOrg !== undefined && a.org.code === t.ownerOrg;

/**
 * The whole access policy in one table. An action that is not listed is denied: adding a route
 * means adding its rule here, where it can be reviewed next to the others.
 */
const POLICY = {
  'catalog:read': (a) => a.roles.length > 0,
  'catalog:register': (a, t) => hasRole(a, 'officer') && ownsTarget(a, t),
  // Drafts and the workflow: the provider's officers edit and submit, operators review.
  'catalog:read-drafts': (a, t) => hasRole(a, 'operator') || (hasRole(a, 'officer') && ownsTarget(a, t)),
  'catalog:edit': (a, t) => hasRole(a, 'officer') && ownsTarget(a, t),
  'catalog:submit': (a, t) => hasRole(a, 'officer') && ownsTarget(a, t),
  'catalog:review': (a) => hasRole(a, 'operator'),
  'catalog:publish': (a, t) => hasRole(a, 'operator') || (hasRole(a, 'officer') && ownsTarget(a, t)),
  'catalog:export': (a) => hasRole(a, 'operator', 'officer', 'consumer', 'auditor'),
  'catalog:indicators': (a) => hasRole(a, 'operator', 'officer', 'consumer', 'auditor'),
  'officers:manage': (a) => hasRole(a, 'operator'),
  'tasks:read': (a) => hasRole(a, 'operator', 'officer'),
  'records:browse': (a, t) => hasRole(a, 'operator') || (hasRole(a, 'officer') && ownsTarget(a, t)),
  // Reading one subject's record: roles that may ever read; the grant check that follows is data-level.
  'records:lookup': (a) => hasRole(a, 'operator', 'officer', 'consumer', 'third_party'),
  'ingest:upload': (a, t) => hasRole(a, 'officer') && ownsTarget(a, t),
  // Source jobs and schedules: the provider's officers for their own resources, operators for all.
  'ingest:run': (a, t) => hasRole(a, 'operator') || (hasRole(a, 'officer') && ownsTarget(a, t)),
  'ingest:read': (a, t) => hasRole(a, 'operator') || (hasRole(a, 'officer') && ownsTarget(a, t)),
  'ingest:schedule': (a, t) => hasRole(a, 'operator') || (hasRole(a, 'officer') && ownsTarget(a, t)),
  'ingest:list-all': (a) => hasRole(a, 'operator'),
  // A named source connection (QDH_SOURCE_<NAME>, owner QDH_SOURCE_<NAME>_ORG): its organization's officers, operators.
  'ingest:use-connection': (a, t) => hasRole(a, 'operator') || (hasRole(a, 'officer') && ownsTarget(a, t)),
  'grant:manage': (a) => hasRole(a, 'operator'),
  // The purpose registry (用途) that grants and consents name: operators add to it.
  'purpose:read': (a) => a.roles.length > 0,
  'purpose:manage': (a) => hasRole(a, 'operator'),
  'service:list': (a) => hasRole(a, 'operator', 'officer', 'consumer', 'third_party', 'auditor'),
  'service:publish': (a, t) => hasRole(a, 'operator') || (hasRole(a, 'officer') && ownsTarget(a, t)),
  'monitoring:read': (a) => hasRole(a, 'operator', 'auditor'),
  'alerts:acknowledge': (a) => hasRole(a, 'auditor', 'operator'),
  'grant:list-all': (a) => hasRole(a, 'operator', 'auditor'),
  'org:read': (a) => a.roles.length > 0,
  'user:manage': (a) => hasRole(a, 'operator'),
  'ledger:read-entries': (a) => hasRole(a, 'auditor', 'operator'),
  'stats:read': (a) => a.roles.length > 0,
  // Base databases (#4): aggregates and subjects for operators and auditors, a citizen's own
  // person subject for that citizen; reviewing conflicts and naming sources of record for operators.
  'base:read': (a) => hasRole(a, 'operator', 'auditor'),
  'base:read-subjects': (a, t) => hasRole(a, 'operator', 'auditor') || (hasRole(a, 'citizen') && t.self === true),
  'base:review': (a) => hasRole(a, 'operator'),
  'base:govern': (a) => hasRole(a, 'operator'),
  // Quality (#4): the provider's officers and the operators set rules; reporting a wrong value
  // is open to these roles, and the service then checks the grant or the citizen's own ID.
  'quality:edit-rules': (a, t) => hasRole(a, 'operator') || (hasRole(a, 'officer') && ownsTarget(a, t)),
  'quality:report': (a) => hasRole(a, 'operator', 'consumer', 'officer', 'citizen'),
  'quality:decide': (a, t) => hasRole(a, 'officer') && ownsTarget(a, t),
  'quality:indicators': (a) => hasRole(a, 'operator', 'officer', 'consumer', 'auditor'),
} satisfies Record<string, Rule>;

export type Action = keyof typeof POLICY;

export function isAllowed(actor: Actor | null, action: Action, target: Target = {}): boolean {
  if (actor === null) return false;
  const rule: Rule | undefined = POLICY[action];
  return rule !== undefined && rule(actor, target);
}

/** Throws 401 without an actor and 403 when the policy does not allow the action. */
export function authorize(actor: Actor | null, action: Action, target: Target = {}): asserts actor is Actor {
  if (actor === null) throw new HubError('ACC_UNAUTHENTICATED');
  if (!isAllowed(actor, action, target)) {
    throw new HubError('ACC_FORBIDDEN', `${actor.username} may not ${action}`);
  }
}
