import { ROLES, type Role } from './tables.js';

/**
 * Where a grant of an action holds, compared with the target's `ownerOrg`:
 * - `any`: whatever the target;
 * - `own`: the actor's organization answers for the target;
 * - `other`: the actor has an organization and the target names owners, none of them it;
 * - `self`: the target is the actor (a citizen and the records about them; an enterprise the
 *   citizen is the legal representative of).
 */
export type Scope = 'any' | 'own' | 'other' | 'self';

/** Holders of any of `roles` may act where `scope` holds. */
export interface Grant {
  readonly roles: readonly Role[];
  readonly scope: Scope;
}

const grant =
  (scope: Scope) =>
  (...roles: Role[]): Grant => ({ roles, scope });
const any = grant('any');
const own = grant('own');
const other = grant('other');
const self = grant('self');
const EVERY_ROLE: Role[] = [...ROLES];

/**
 * The whole access policy in one table, as data: each action lists who may do it and where.
 * An action that is not listed is denied: adding a route means adding its rule here, where it
 * can be reviewed next to the others. `docs/access.md` is generated from this table
 * (`npm run docs:access`) and the authorization matrix test reads it.
 */
export const POLICY = {
  'catalog:read': [any(...EVERY_ROLE)],
  'catalog:register': [own('officer')],
  // Drafts and the workflow: the provider's officers edit and submit, operators review.
  'catalog:read-drafts': [any('operator'), own('officer')],
  'catalog:edit': [own('officer')],
  'catalog:submit': [own('officer')],
  'catalog:review': [any('operator')],
  'catalog:publish': [any('operator'), own('officer')],
  'catalog:export': [any('operator', 'officer', 'consumer', 'auditor')],
  'catalog:indicators': [any('operator', 'officer', 'consumer', 'auditor')],
  'officers:manage': [any('operator')],
  'tasks:read': [any('operator', 'officer')],
  // Tasks addressed to the platform rather than to one organization.
  'tasks:read-platform': [any('operator')],
  'records:browse': [any('operator'), own('officer')],
  // Which fields of a record a reader sees: the provider's own staff all of them; operators all,
  // the sensitive ones masked; anyone else what an active grant names (checked as data).
  'records:read-all-fields': [own(...EVERY_ROLE)],
  'records:read-masked-fields': [any('operator')],
  // Reading one subject's record: roles that may ever read; the grant check that follows is data-level.
  'records:lookup': [any('operator', 'officer', 'consumer', 'third_party')],
  'ingest:upload': [own('officer')],
  // Source jobs and schedules: the provider's officers for their own resources, operators for all.
  'ingest:run': [any('operator'), own('officer')],
  'ingest:read': [any('operator'), own('officer')],
  'ingest:schedule': [any('operator'), own('officer')],
  'ingest:list-all': [any('operator')],
  // A load held below its resource's quality threshold: released or discarded by the provider's officers only.
  'ingest:decide-held': [own('officer')],
  // A named source connection (QDH_SOURCE_<NAME>, owner QDH_SOURCE_<NAME>_ORG): its organization's officers, operators.
  'ingest:use-connection': [any('operator'), own('officer')],
  'grant:manage': [any('operator')],
  // A grant is owned by both parties: its consumer and the provider of its resource.
  'grant:read': [any('operator', 'auditor'), own(...EVERY_ROLE)],
  'grant:list-all': [any('operator', 'auditor')],
  // The purpose registry (用途) that grants and consents name: operators add to it.
  'purpose:read': [any(...EVERY_ROLE)],
  'purpose:manage': [any('operator')],
  'service:list': [any('operator', 'officer', 'consumer', 'third_party', 'auditor')],
  // Every service, also those the caller sees no field of (auditors watch them all).
  'service:list-all': [any('operator', 'auditor')],
  'service:publish': [any('operator'), own('officer')],
  'monitoring:read': [any('operator', 'auditor')],
  'alerts:acknowledge': [any('auditor', 'operator')],
  'org:read': [any(...EVERY_ROLE)],
  'user:manage': [any('operator')],
  // Account and organization administration (#14): each a step of its own, so that it can be
  // given to a role of its own later; today the operators hold them all.
  'user:list': [any('operator')],
  'user:assign-roles': [any('operator')],
  'user:reset-password': [any('operator')],
  'org:manage': [any('operator')],
  // Enterprise accounts (#16). Operators bind an enterprise to its legal representative (a citizen
  // account; in a deployment the market-regulation registry says who) and list them all. On an
  // enterprise's own routes `self` is its legal representative, who appoints and revokes its agents
  // (经办人); a citizen's own enterprises are those they represent or are an agent for.
  'enterprise:bind': [any('operator')],
  'enterprise:list-all': [any('operator')],
  'enterprise:read-own': [self('citizen')],
  'enterprise:read-agents': [any('operator'), self('citizen')],
  'enterprise:appoint-agents': [self('citizen')],
  'enterprise:revoke-agents': [self('citizen')],
  'ledger:read-entries': [any('auditor', 'operator')],
  // The entries about oneself ("who used my data"): the subject of a citizen account.
  'ledger:read-own-entries': [self('citizen')],
  // Searching the ledger by a citizen ID or credit code (who read this person's data): auditors.
  'ledger:search-subject': [any('auditor')],
  'stats:read': [any(...EVERY_ROLE)],
  // Demands (供需对接). The target of a demand is owned by both parties: the consumer that filed
  // it and the provider of its resource; a demand is filed for the caller's own organization.
  // A third party (a bank, say) applies from the catalog like a department; the provider answers.
  'demand:file': [own('consumer', 'officer', 'operator', 'third_party')],
  'demand:read': [any('operator', 'auditor'), own(...EVERY_ROLE)],
  'demand:list-all': [any('operator', 'auditor')],
  'demand:review-basis': [any('operator')],
  // A free-text demand names no resource yet: the operators route or refuse it.
  'demand:answer': [any('operator')],
  // …and assign it to the department that should provide the data, which then answers it.
  'demand:assign': [any('operator')],
  'demand:confirm': [own('officer')],
  'demand:refuse': [own('officer')],
  'demand:publish': [any('operator'), own('officer')],
  'demand:export': [any('operator', 'officer', 'consumer', 'auditor')],
  // Base databases (#4): aggregates and subjects for operators and auditors, a citizen's own
  // person subject for that citizen; reviewing conflicts and naming sources of record for operators.
  'base:read': [any('operator', 'auditor')],
  'base:read-subjects': [any('operator', 'auditor'), self('citizen')],
  // 我的数据: what the bases hold about oneself, by provider (a citizen account's own subject).
  'base:read-own': [self('citizen')],
  'base:review': [any('operator')],
  'base:govern': [any('operator')],
  // Quality (#4): the provider's officers and the operators set rules.
  'quality:edit-rules': [any('operator'), own('officer')],
  'quality:indicators': [any('operator', 'officer', 'consumer', 'auditor')],
  // Corrections (纠错). Reporting is open to these roles; which record is theirs to report is
  // then one of the three below, and the grant or the citizen's own ID is checked as data.
  'quality:report': [any('operator', 'consumer', 'officer', 'citizen')],
  'quality:report-any-record': [any('operator')],
  // The provider's own staff correct their data at the source, not by reporting it to themselves.
  'quality:report-granted': [other('consumer', 'officer')],
  'quality:report-own-record': [self('citizen')],
  'quality:decide': [own('officer')],
  // Anyone signed in reads the corrections they are party to (the service narrows the list); a key
  // shown in clear is a recorded read. Operators and auditors watch every correction (masked).
  'quality:read-corrections': [any(...EVERY_ROLE)],
  'quality:read-all-corrections': [any('operator', 'auditor')],
  'quality:read-own-corrections': [self('citizen')],
  // Consents (授权, #16): a third party requests and fetches for its own organization; the data
  // subject (a citizen, or who acts for an enterprise: checked as data) reads and decides.
  'consent:request': [own('third_party')],
  'consent:read': [any('operator', 'auditor'), own('third_party'), self('citizen')],
  'consent:list-all': [any('operator', 'auditor')],
  'consent:decide': [self('citizen')],
  'consent:fetch': [own('third_party')],
  // Proof-free attestations (无证明核验, #17): everyone reads the items; a window (a department's
  // officer or clerk) or a system (its API key) asks, on a basis checked as data (a consent, or a
  // department's stated legal basis); operators and the responsible department's officers keep the rules.
  'attest:read': [any(...EVERY_ROLE)],
  'attest:ask': [any('officer', 'consumer', 'third_party')],
  'attest:manage': [any('operator'), own('officer')],
  'attest:stats': [any('operator', 'auditor', 'officer', 'consumer')],
  // E-licences (电子证照, #17): an issuer department's officers issue, revise and revoke the
  // licences of their own department; the holder (a citizen, or who acts for the enterprise:
  // checked as data) lists, presents (亮证) and exports them; operators and auditors read the counts.
  'licence:issue': [own('officer')],
  'licence:revoke': [own('officer')],
  'licence:read-issued': [own('officer')],
  'licence:hold': [self('citizen')],
  'licence:stats': [any('operator', 'auditor')],
  // 驾驶舱 (#19): officials read the city's indicators, dashboards and the evaluation index;
  // a department's figures and the rows behind them are its own officers', and any for operators
  // and auditors; operators edit the topic dashboards.
  'cockpit:read': [any('operator', 'auditor', 'officer')],
  'cockpit:read-department': [any('operator', 'auditor'), own('officer')],
  'cockpit:edit-dashboards': [any('operator')],
  // 级联 (#20): operators and auditors watch the nodes; operators enrol districts and retry syncs.
  'cascade:read': [any('operator', 'auditor')],
  'cascade:manage': [any('operator')],
  // 开放门户评论审核 (#18): the platform's operators review developers' comments before they are
  // shown — never the providing department, which must not suppress criticism of its own data.
  'open:moderate': [any('operator')],
} as const satisfies Record<string, readonly Grant[]>;

export type Action = keyof typeof POLICY;

export const ACTIONS = Object.keys(POLICY) as Action[];
