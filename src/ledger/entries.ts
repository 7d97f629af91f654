import { Type, type Static, type TLiteral, type TSchema, type TUnion } from 'typebox';
import { Compile } from 'typebox/compile';

/**
 * The kinds of ledger entry (docs/ledger.md): one discriminated union on `kind`, named
 * `<module>.<event>`, each with the schema version `v`. An entry is hashed forever, so a kind's
 * fields never change meaning: a new meaning is a new kind or a new `v`.
 */
export const ENTRY_VERSION = 1;

const V = Type.Literal(ENTRY_VERSION);
const At = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T', description: 'ISO 8601 time of the event' });
const Actor = Type.String({ description: 'username of whoever caused the entry' });
const Org = Type.Union([Type.String(), Type.Null()], { description: "the actor's organization code" });
const Digest = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'H of the RFC 8785 JSON of the thing named' });
const SubjectTag = Type.String({
  pattern: '^[0-9a-f]{64}$',
  description: 'keyed tag of the data subject (HMAC of the citizen ID or credit code)',
});
const Strict = { additionalProperties: false } as const;

/** A union of string literals that keeps each literal in its static type. */
function literals<const T extends readonly string[]>(values: T) {
  type Each = { -readonly [K in keyof T]: TLiteral<T[K]> };
  return Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<Each>;
}

/** What a recorded read was: a data-service call, a resource page, a base view or a demo sample. */
export const READ_OPS = [
  'lookup',
  'service.lookup',
  'service.batch',
  'service.filter',
  'browse',
  'sample',
  'base.subject',
  'base.members',
  'base.conflicts',
  'correction.view',
  'consent.fetch',
  'self.records',
  'licence.source',
  'open.conditional',
  'cascade.serve',
] as const;
export type ReadOp = (typeof READ_OPS)[number];

export const ShareRead = Type.Object(
  {
    v: V,
    kind: Type.Literal('share.read'),
    op: literals(READ_OPS),
    actor: Actor,
    org: Org,
    resource: Type.String({ description: 'catalog resource code, or base:person / base:legal_entity / base:all' }),
    purpose: Type.String({ description: 'purpose code (data services) or the stated reason (base views)' }),
    subject: Type.Union([SubjectTag, Type.Null()], { description: 'null for a page of several subjects' }),
    outcome: Type.Union([Type.Literal('allowed'), Type.Literal('denied'), Type.Literal('not_found')]),
    reason: Type.Optional(
      Type.Union([
        Type.Literal('forbidden'),
        Type.Literal('no_grant'),
        Type.Literal('purpose'),
        Type.Literal('quota'),
        Type.Literal('consent'),
        Type.Literal('frequency'),
      ]),
    ),
    grant: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    consent: Type.Optional(Type.String({ description: 'the consent a third party fetched under (consent.fetch)' })),
    fields: Type.Optional(Type.Array(Type.String())),
    rows: Type.Optional(Type.Integer({ minimum: 0 })),
    resultDigest: Type.Optional(Digest),
    label: Type.Optional(Type.String({ description: 'the label whose members were read (base.members)' })),
    at: At,
  },
  Strict,
);

export const CatalogResourceChanged = Type.Object(
  {
    v: V,
    kind: Type.Literal('catalog.resource.changed'),
    action: literals(['create', 'edit', 'submit', 'approve', 'return', 'publish', 'import', 'withdraw']),
    resource: Type.String(),
    version: Type.Integer({ minimum: 1 }),
    status: Type.String(),
    digest: Digest,
    actor: Actor,
    at: At,
  },
  Strict,
);

export const QualityRulesSet = Type.Object(
  {
    v: V,
    kind: Type.Literal('quality.rules.set'),
    resource: Type.String(),
    version: Type.Integer({ minimum: 1 }),
    digest: Digest,
    actor: Actor,
    at: At,
  },
  Strict,
);

export const IngestJobDecided = Type.Object(
  {
    v: V,
    kind: Type.Literal('ingest.job.decided'),
    action: Type.Union([Type.Literal('release'), Type.Literal('discard')]),
    job: Type.String({ description: 'the ingest job id' }),
    resource: Type.String(),
    rowsRead: Type.Integer({ minimum: 0 }),
    rowsRejected: Type.Integer({ minimum: 0 }),
    minPassRate: Type.Number({ description: 'the threshold the load fell below, in percent' }),
    actor: Actor,
    org: Org,
    at: At,
  },
  Strict,
);

export const QualityCorrectionChanged = Type.Object(
  {
    v: V,
    kind: Type.Literal('quality.correction.changed'),
    action: Type.Union([Type.Literal('report'), Type.Literal('accept'), Type.Literal('reject')]),
    correction: Type.Integer(),
    resource: Type.String(),
    field: Type.String(),
    provider: Type.String(),
    reporter: Type.String({
      description: 'who reported: citizen, consumer, operator or portal (a developer of the open-data portal)',
    }),
    state: Type.String(),
    subject: SubjectTag,
    actor: Actor,
    org: Org,
    at: At,
  },
  Strict,
);

export const ShareGrantCreated = Type.Object(
  {
    v: V,
    kind: Type.Literal('share.grant.created'),
    grant: Type.Integer(),
    consumer: Type.String(),
    resource: Type.String(),
    fields: Type.Array(Type.String()),
    masked: Type.Array(Type.String()),
    purposes: Type.Array(Type.String()),
    expiresAt: Type.Union([Type.String(), Type.Null()]),
    dailyQuota: Type.Union([Type.Integer(), Type.Null()]),
    actor: Actor,
    at: At,
  },
  Strict,
);

export const ShareGrantChanged = Type.Object(
  {
    v: V,
    kind: Type.Literal('share.grant.changed'),
    action: Type.Union([Type.Literal('suspend'), Type.Literal('resume'), Type.Literal('revoke')]),
    grant: Type.Integer(),
    actor: Actor,
    at: At,
  },
  Strict,
);

export const ShareDemandChanged = Type.Object(
  {
    v: V,
    kind: Type.Literal('share.demand.changed'),
    action: literals(['file', 'assign', 'accept-basis', 'reject-basis', 'confirm', 'refuse', 'publish']),
    demand: Type.Integer(),
    consumer: Type.String(),
    resource: Type.Union([Type.String(), Type.Null()], {
      description: 'null: a demand for data not yet in the catalog',
    }),
    provider: Type.Optional(
      Type.String({ description: 'assign: the department a demand for data not yet in the catalog goes to' }),
    ),
    state: Type.String(),
    actor: Actor,
    at: At,
  },
  Strict,
);

export const PurposeAdded = Type.Object(
  {
    v: V,
    kind: Type.Literal('purpose.added'),
    code: Type.String(),
    name: Type.String(),
    description: Type.String(),
    actor: Actor,
    at: At,
  },
  Strict,
);

const BaseKindOf = Type.Union([Type.Literal('person'), Type.Literal('legal_entity')]);

export const BaseConflictDecided = Type.Object(
  {
    v: V,
    kind: Type.Literal('base.conflict.decided'),
    conflict: Type.Integer(),
    kept: Type.Union([Type.Literal('authoritative'), Type.Literal('other'), Type.Null()]),
    state: Type.String(),
    subject: SubjectTag,
    actor: Actor,
    at: At,
  },
  Strict,
);

export const BaseLabelDefined = Type.Object(
  { v: V, kind: Type.Literal('base.label.defined'), code: Type.String(), digest: Digest, actor: Actor, at: At },
  Strict,
);

export const BaseAuthoritySet = Type.Object(
  {
    v: V,
    kind: Type.Literal('base.authority.set'),
    base: BaseKindOf,
    element: Type.String(),
    provider: Type.Union([Type.String(), Type.Null()], { description: 'null: the authority was cleared' }),
    actor: Actor,
    at: At,
  },
  Strict,
);

export const LedgerAuditExported = Type.Object(
  {
    v: V,
    kind: Type.Literal('ledger.audit.exported'),
    format: Type.Union([Type.Literal('csv'), Type.Literal('jsonl')]),
    filter: Type.Object(
      {
        org: Type.Optional(Type.String()),
        kind: Type.Optional(Type.String()),
        from: Type.Optional(Type.String()),
        to: Type.Optional(Type.String()),
      },
      { ...Strict, description: 'the search the export was of (its subject, if any, is `subject`)' },
    ),
    subject: Type.Union([SubjectTag, Type.Null()], { description: 'the subject searched for, if any' }),
    treeSize: Type.Integer({ minimum: 0, description: 'size of the signed tree head the proofs are relative to' }),
    rows: Type.Integer({ minimum: 0 }),
    actor: Actor,
    org: Org,
    at: At,
  },
  Strict,
);

export const AccessAccountChanged = Type.Object(
  {
    v: V,
    kind: Type.Literal('access.account.changed'),
    action: literals(['create', 'edit', 'disable', 'enable', 'reset-password', 'change-password']),
    account: Type.String({ description: 'username of the account changed' }),
    roles: Type.Optional(Type.Array(Type.String(), { description: 'the roles the account holds after the change' })),
    accountOrg: Type.Optional(
      Type.Union([Type.String(), Type.Null()], { description: "the account's organization code after the change" }),
    ),
    changed: Type.Optional(
      Type.Array(literals(['displayName', 'org', 'roles', 'citizenId']), { description: 'edit: what was changed' }),
    ),
    citizenBound: Type.Optional(Type.Boolean({ description: 'a citizen ID is bound to the account (never the ID)' })),
    generated: Type.Optional(
      Type.Boolean({ description: 'a password set by the hub (shown once) rather than by the operator' }),
    ),
    mustChangePassword: Type.Optional(Type.Boolean()),
    via: Type.Optional(
      Type.Literal('oidc', {
        description: "create: the person's first login through the unified identity made it; the actor is the account",
      }),
    ),
    actor: Actor,
    at: At,
  },
  Strict,
);

export const AccessOrganizationChanged = Type.Object(
  {
    v: V,
    kind: Type.Literal('access.organization.changed'),
    action: literals(['create', 'edit', 'officers']),
    organization: Type.String({ description: 'code of the organization changed' }),
    name: Type.Optional(Type.String()),
    orgKind: Type.Optional(Type.String({ description: 'platform, department, district, enterprise, third_party' })),
    division: Type.Optional(Type.String()),
    parent: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    changed: Type.Optional(
      Type.Array(literals(['name', 'kind', 'division', 'parent', 'creditCode', 'purposes']), {
        description: 'edit: what was changed',
      }),
    ),
    purposes: Type.Optional(
      Type.Array(Type.String(), { description: 'a third party’s registered consent purposes after the change' }),
    ),
    chief: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'officers: the chief data officer' })),
    stewards: Type.Optional(Type.Array(Type.String(), { description: 'officers: the data stewards' })),
    actor: Actor,
    at: At,
  },
  Strict,
);

export const AccessEnterpriseBound = Type.Object(
  {
    v: V,
    kind: Type.Literal('access.enterprise.bound'),
    subject: SubjectTag,
    name: Type.String({ description: 'the enterprise’s name as bound' }),
    representative: Type.String({ description: 'username of the legal representative’s citizen account' }),
    previous: Type.Union([Type.String(), Type.Null()], {
      description: 'the representative before, when the enterprise was bound already; null on the first binding',
    }),
    agentsRevoked: Type.Integer({
      minimum: 0,
      description: 'live appointments of agents ended because the representative changed',
    }),
    actor: Actor,
    at: At,
  },
  Strict,
);

export const AccessEnterpriseAgentChanged = Type.Object(
  {
    v: V,
    kind: Type.Literal('access.enterprise.agent.changed'),
    action: Type.Union([Type.Literal('appoint'), Type.Literal('revoke')]),
    subject: SubjectTag,
    agent: Type.String({ description: 'username of the agent’s citizen account' }),
    purposes: Type.Optional(
      Type.Union([Type.Array(Type.String()), Type.Null()], {
        description: 'appoint: the purpose codes the appointment covers; null: any purpose',
      }),
    ),
    validUntil: Type.Optional(
      Type.Union([Type.String(), Type.Null()], { description: 'appoint: when it ends (ISO 8601); null: when revoked' }),
    ),
    replaced: Type.Optional(Type.Boolean({ description: 'appoint: it replaced a live appointment of the same agent' })),
    actor: Actor,
    at: At,
  },
  Strict,
);

export const LedgerSubjectSearched = Type.Object(
  {
    v: V,
    kind: Type.Literal('ledger.subject.searched'),
    subject: SubjectTag,
    filter: Type.Object(
      {
        org: Type.Optional(Type.String()),
        kind: Type.Optional(Type.String()),
        from: Type.Optional(Type.String()),
        to: Type.Optional(Type.String()),
      },
      { ...Strict, description: 'the other filters of the search' },
    ),
    rows: Type.Integer({ minimum: 0, description: 'entries on the page answered' }),
    actor: Actor,
    org: Org,
    at: At,
  },
  Strict,
);

export const ConsentChanged = Type.Object(
  {
    v: V,
    kind: Type.Literal('consent.changed'),
    action: literals(['request', 'approve', 'reject', 'pause', 'resume', 'revoke']),
    consent: Type.String({ description: 'the consent id' }),
    version: Type.Integer({ minimum: 1, description: 'the version of the consent artefact after the change' }),
    state: Type.String(),
    requester: Type.String({ description: 'the third party, by organization code' }),
    purpose: Type.String(),
    subject: SubjectTag,
    signature: Type.String({ description: "the hub's signature of the consent artefact in this version" }),
    actor: Actor,
    org: Org,
    at: At,
  },
  Strict,
);

export const AttestItemChanged = Type.Object(
  {
    v: V,
    kind: Type.Literal('attest.item.changed'),
    action: Type.Union([Type.Literal('create'), Type.Literal('revise')]),
    item: Type.String({ description: 'the proof item code' }),
    version: Type.Integer({ minimum: 1, description: 'the rule version the save created' }),
    provider: Type.String({ description: 'the department that answers for the item' }),
    digest: Digest,
    actor: Actor,
    org: Org,
    at: At,
  },
  Strict,
);

export const CockpitDashboardChanged = Type.Object(
  {
    v: V,
    kind: Type.Literal('cockpit.dashboard.changed'),
    dashboard: Type.String({ description: 'the topic dashboard (数据专题) id' }),
    version: Type.Integer({ minimum: 2, description: 'the version the edit created' }),
    digest: Digest,
    actor: Actor,
    org: Org,
    at: At,
  },
  Strict,
);

export const AttestAnswered = Type.Object(
  {
    v: V,
    kind: Type.Literal('attest.answered'),
    outcome: Type.Union([Type.Literal('answered'), Type.Literal('denied')]),
    reason: Type.Optional(
      Type.Union([Type.Literal('forbidden'), Type.Literal('no_basis'), Type.Literal('consent')], {
        description: 'denied: why',
      }),
    ),
    attestation: Type.Optional(Type.String({ description: 'answered: the answer’s id (its signed statement’s `id`)' })),
    item: Type.String({ description: 'the proof item asked about' }),
    ruleVersion: Type.Optional(Type.Integer({ minimum: 1, description: 'answered: the rule version that decided' })),
    provider: Type.Optional(Type.String({ description: 'the department that answers for the item' })),
    subject: SubjectTag,
    purpose: Type.String(),
    consent: Type.Optional(Type.String({ description: 'the consent the question was asked under' })),
    legalBasis: Type.Optional(Type.String({ description: 'the legal basis the asker stated (masked)' })),
    answer: Type.Optional(Type.Boolean({ description: 'answered: yes or no — never any value of the records' })),
    signature: Type.Optional(Type.String({ description: 'answered: the hub’s signature of the statement' })),
    actor: Actor,
    org: Org,
    at: At,
  },
  Strict,
);

export const LicenceChanged = Type.Object(
  {
    v: V,
    kind: Type.Literal('licence.changed'),
    action: literals(['issue', 'revise', 'revoke']),
    licence: Type.String({ description: 'the licence version id' }),
    identifier: Type.String({ description: 'the GB/T 36902 licence identifier of this version' }),
    type: Type.String({ description: 'the licence type code' }),
    issuer: Type.String({ description: 'the issuing department, by organization code' }),
    version: Type.Integer({ minimum: 1 }),
    state: Type.String(),
    subject: SubjectTag,
    reason: Type.Optional(Type.String({ description: 'why it was revoked (revoke)' })),
    actor: Actor,
    org: Org,
    at: At,
  },
  Strict,
);

export const LicencePresented = Type.Object(
  {
    v: V,
    kind: Type.Literal('licence.presented'),
    licence: Type.String({ description: 'the licence version id' }),
    type: Type.String(),
    issuer: Type.String(),
    subject: SubjectTag,
    fields: Type.Array(Type.String(), { description: 'the fields the presentation shows (names, never values)' }),
    expiresAt: At,
    actor: Actor,
    org: Org,
    at: At,
  },
  Strict,
);

export const CascadeReturned = Type.Object(
  {
    v: V,
    kind: Type.Literal('cascade.returned'),
    action: literals(['sent', 'received']),
    base: literals(['person', 'legal_entity']),
    node: Type.String({
      description: 'the other node: the district it went to (sent), the city it came from (received)',
    }),
    division: Type.String({ pattern: '^[0-9]{6}$', description: 'the district whose slice it is' }),
    subjects: Type.Integer({ minimum: 0, description: 'subjects returned new or changed' }),
    deletions: Type.Integer({ minimum: 0, description: 'subjects gone from the district (moved, or left the base)' }),
    from: Type.Integer({ minimum: 0, description: "the city's change number the transfer started after" }),
    to: Type.Integer({ minimum: 0, description: 'the change number it reached' }),
    actor: Actor,
    at: At,
  },
  Strict,
);

export const OpenCommentModerated = Type.Object(
  {
    v: V,
    kind: Type.Literal('open.comment.moderated'),
    action: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
    rating: Type.Integer({ description: 'the rating whose comment was decided' }),
    resource: Type.String({ description: 'the rated open dataset, by code' }),
    provider: Type.String({ description: 'the department the catalog names as its provider' }),
    state: Type.Union([Type.Literal('published'), Type.Literal('rejected')]),
    digest: Digest,
    actor: Actor,
    org: Org,
    at: At,
  },
  Strict,
);

/** Every kind an append may write, by kind name. */
export const ENTRY_SCHEMAS = {
  'share.read': ShareRead,
  'catalog.resource.changed': CatalogResourceChanged,
  'quality.rules.set': QualityRulesSet,
  'quality.correction.changed': QualityCorrectionChanged,
  'ingest.job.decided': IngestJobDecided,
  'share.grant.created': ShareGrantCreated,
  'share.grant.changed': ShareGrantChanged,
  'share.demand.changed': ShareDemandChanged,
  'purpose.added': PurposeAdded,
  'base.conflict.decided': BaseConflictDecided,
  'base.label.defined': BaseLabelDefined,
  'base.authority.set': BaseAuthoritySet,
  'access.account.changed': AccessAccountChanged,
  'access.organization.changed': AccessOrganizationChanged,
  'access.enterprise.bound': AccessEnterpriseBound,
  'access.enterprise.agent.changed': AccessEnterpriseAgentChanged,
  'ledger.audit.exported': LedgerAuditExported,
  'ledger.subject.searched': LedgerSubjectSearched,
  'consent.changed': ConsentChanged,
  'attest.item.changed': AttestItemChanged,
  'attest.answered': AttestAnswered,
  'cockpit.dashboard.changed': CockpitDashboardChanged,
  'licence.changed': LicenceChanged,
  'licence.presented': LicencePresented,
  'cascade.returned': CascadeReturned,
  'open.comment.moderated': OpenCommentModerated,
} satisfies Record<string, TSchema>;

export type EntryKind = keyof typeof ENTRY_SCHEMAS;
export const ENTRY_KINDS = Object.keys(ENTRY_SCHEMAS) as EntryKind[];

export const LedgerEntrySchema = Type.Union(
  [
    ShareRead,
    CatalogResourceChanged,
    QualityRulesSet,
    QualityCorrectionChanged,
    IngestJobDecided,
    ShareGrantCreated,
    ShareGrantChanged,
    ShareDemandChanged,
    PurposeAdded,
    BaseConflictDecided,
    BaseLabelDefined,
    BaseAuthoritySet,
    AccessAccountChanged,
    AccessOrganizationChanged,
    AccessEnterpriseBound,
    AccessEnterpriseAgentChanged,
    LedgerAuditExported,
    LedgerSubjectSearched,
    ConsentChanged,
    AttestItemChanged,
    CockpitDashboardChanged,
    AttestAnswered,
    LicenceChanged,
    LicencePresented,
    CascadeReturned,
    OpenCommentModerated,
  ],
  { description: 'A ledger entry as written since schema version 1 (docs/ledger.md)' },
);

export type ShareReadEntry = Static<typeof ShareRead>;
export type LedgerEntry = Static<typeof LedgerEntrySchema>;
/** An entry as its writer builds it: `v` is added by `append`. */
export type NewEntry = LedgerEntry extends infer E ? (E extends LedgerEntry ? Omit<E, 'v'> : never) : never;

/** A catalog resource code names its provider: `<ORG>-<n>`. */
const RESOURCE_CODE = /^([A-Z][A-Z0-9]*)-[0-9]+$/;

/** Whether an entry's `resource` is a catalog resource's code (not `base:<kind>` or a pseudo-code). */
export const isResourceCode = (resource: string) => RESOURCE_CODE.test(resource);

/**
 * The organizations an entry concerns, for search (docs/ledger.md, "Search"): the actor's, a grant's
 * or demand's consumer, a consent's requester, a correction's provider, and the provider of a catalog resource it names.
 * Kept beside the entry when it is appended (ledger.entry_org), never hashed with it.
 */
export function orgsOf(written: object): string[] {
  const entry = written as Partial<Record<'org' | 'consumer' | 'provider' | 'requester' | 'resource', unknown>>;
  const orgs = new Set<string>();
  for (const o of [entry.org, entry.consumer, entry.provider, entry.requester]) if (typeof o === 'string') orgs.add(o);
  const owner = typeof entry.resource === 'string' ? RESOURCE_CODE.exec(entry.resource)?.[1] : undefined;
  if (owner !== undefined) orgs.add(owner);
  return [...orgs];
}

/** One compiled checker per kind: the kind picks it, so a bad entry is reported against its own schema. */
const CHECKERS = new Map(ENTRY_KINDS.map((k) => [k, Compile(ENTRY_SCHEMAS[k])]));

/** Why an entry is not one of the documented kinds, or undefined when it is. */
export function entryProblem(entry: unknown): string | undefined {
  const kind = (entry as { kind?: unknown } | null)?.kind;
  const checker = typeof kind === 'string' ? CHECKERS.get(kind as EntryKind) : undefined;
  if (!checker) return `unknown ledger entry kind ${JSON.stringify(kind)}`;
  if (checker.Check(entry)) return undefined;
  const first = checker.Errors(entry)[0];
  return `a ${kind} entry ${first ? `${first.instancePath || '/'} ${first.message}` : 'does not match its schema'}`;
}
