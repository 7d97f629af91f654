import { Type, type Static } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authorize, type Actor } from '../../access/index.js';
import { BASES, feedOf, type SubjectView } from '../../base/index.js';
import type { Resource } from '../../catalog/index.js';
import type { Hub } from '../../hub/index.js';
import { HubError, msg } from '../../kernel/index.js';
import { readEntry, type LedgerEntry, type ShareReadEntry } from '../../ledger/index.js';

type AttestEntry = Extract<LedgerEntry, { kind: 'attest.answered' }>;
import { Hex, NamesSchema, Size, namesFrom } from './ledger.js';

/** A calendar month in China time, YYYY-MM. */
export const MONTH_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])$';
export const Month = Type.String({ pattern: MONTH_PATTERN, description: 'YYYY-MM, China time' });

const Use = Type.Object({
  index: Type.Integer({
    description: 'the entry’s index in the ledger (its inclusion proof: /api/v1/ledger/proof/inclusion)',
  }),
  leafHash: Hex,
  at: Type.String(),
  org: Type.Union([Type.String(), Type.Null()], { description: 'the organization that read, by code (names.orgs)' }),
  actor: Type.String({ description: 'the user who read (names.users)' }),
  resource: Type.String({ description: 'what was read (names.resources)' }),
  purpose: Type.String({ description: 'the purpose stated, by code (GET /api/v1/purposes)' }),
  op: Type.String({ description: 'the kind of read (`share.read`, docs/ledger.md)' }),
  outcome: Type.Union([Type.Literal('allowed'), Type.Literal('denied'), Type.Literal('not_found')]),
  own: Type.Boolean({ description: 'the caller’s own look at their data, not a use by others' }),
  grant: Type.Union([Type.Integer(), Type.Null()], {
    description: 'the legal basis: the sharing grant the read was made under (GET /api/v1/grants), if any',
  }),
  consent: Type.Union([Type.String(), Type.Null()], {
    description: 'the consent id a third party fetched under (op `consent.fetch`); its requester is `org`',
  }),
  entry: Type.String({
    description: 'the exact text that was hashed, so that the caller recomputes its leaf hash and checks its proof',
  }),
  attestation: Type.Union(
    [
      Type.Object({
        item: Type.String({ description: 'the proof item asked about' }),
        name: Type.Object({ 'zh-CN': Type.String(), en: Type.String() }),
        ruleVersion: Type.Union([Type.Integer(), Type.Null()]),
        answer: Type.Union([Type.Boolean(), Type.Null()], { description: 'the yes or no given; null when refused' }),
        legalBasis: Type.Union([Type.String(), Type.Null()]),
      }),
      Type.Null(),
    ],
    { description: 'op `attest.answer`: a window or system asked whether the caller satisfies a proof item' },
  ),
});

/** The kinds of entry that are uses of a subject's data: reads, and questions answered from it. */
/** What "who used my data" lists, and its monthly digest counts: reads of the subject's records and questions about it. */
export const USES = ['share.read', 'attest.answered'] as const;

/**
 * 我的数据: what the hub knows of the signed-in person. Only the caller's own subject is ever
 * read (the policy's `self`); the identifier comes from the account, never from the request.
 */
export function meRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  const names = namesFrom(hub);
  return async (app) => {
    app.get(
      '/records',
      {
        schema: {
          tags: ['base'],
          summary:
            'My data: what the departments hold about the caller, by provider, with source of record and freshness',
          security: [{ bearer: [] }],
          response: {
            200: Type.Object({
              key: Type.String({ description: 'the caller’s own ID number' }),
              providers: Type.Array(
                Type.Object({
                  org: Type.Object({ code: Type.String(), name: Type.String() }),
                  elements: Type.Array(Held),
                }),
              ),
              labels: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
            }),
          },
        },
      },
      async (request) => {
        authorize(request.actor, 'base:read-own', { self: true });
        if (!request.citizenId) throw new HubError('ACC_FORBIDDEN', msg('ledger.citizenOnly'));
        const key = request.citizenId;
        // The person base's view of the caller, read (and recorded) as the caller's own look.
        const view = await hub.base.subject('person', key, request.actor).catch((e: unknown) => {
          if (e instanceof HubError && e.code === 'BAS_SUBJECT_NOT_FOUND') return null;
          throw e;
        });
        const based = view ? await byProvider(hub, view) : [];
        const others = await themeRecords(hub, request.actor, key);
        return { key: view?.key ?? key, providers: merged(based, others), labels: view?.labels ?? [] };
      },
    );

    app.get(
      '/usage',
      {
        schema: {
          tags: ['ledger'],
          summary:
            'Who used my data: the ledger’s reads of the caller’s records, newest first, by month and organization',
          security: [{ bearer: [] }],
          querystring: Type.Object({
            month: Type.Optional(Month),
            org: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_]{1,40}$', description: 'organization code' })),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            before: Type.Optional(Size),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(Use),
              next: Type.Union([Type.Integer(), Type.Null()], { description: 'the `before` of the next page' }),
              names: NamesSchema,
              totals: Type.Object({
                byOthers: Type.Integer({ description: 'reads of the caller’s data by anyone else, ever' }),
                own: Type.Integer({ description: 'the caller’s own looks' }),
              }),
            }),
          },
        },
      },
      async (request) => {
        authorize(request.actor, 'ledger:read-own-entries', { self: true });
        const actor = request.actor;
        if (!request.citizenId) throw new HubError('ACC_FORBIDDEN', msg('ledger.citizenOnly'));
        const tag = hub.ledger.subjectTag(request.citizenId);
        const q = request.query;
        const [page, reads, asked] = await Promise.all([
          hub.ledger.search({ subject: tag, kind: USES, org: q.org, ...monthOf(q.month), before: q.before }, q.limit),
          hub.ledger.countBySubjectActor(tag, 'share.read'),
          hub.ledger.countBySubjectActor(tag, 'attest.answered'),
        ]);
        const counts = new Map(reads);
        for (const [who, n] of asked) counts.set(who, (counts.get(who) ?? 0) + n);
        const uses = page.items.flatMap((row) => {
          const use = readEntry(row.entry) as ShareReadEntry | AttestEntry | undefined;
          return use?.kind === 'share.read' || use?.kind === 'attest.answered' ? [{ row, use }] : [];
        });
        const itemNames = await hub.attest.names(
          uses.flatMap(({ use }) => (use.kind === 'attest.answered' ? [use.item] : [])),
        );
        const items = uses.map(({ row, use }) => ({
          index: row.index,
          leafHash: row.leafHash,
          at: use.at,
          org: use.org,
          actor: use.actor,
          own: use.actor === actor.username,
          consent: use.consent ?? null,
          entry: row.entry,
          ...(use.kind === 'share.read'
            ? {
                resource: use.resource,
                purpose: use.purpose,
                op: use.op,
                outcome: use.outcome,
                grant: use.grant ?? null,
                attestation: null,
              }
            : {
                resource: `attest:${use.item}`,
                purpose: use.purpose,
                op: 'attest.answer',
                outcome: use.outcome === 'answered' ? ('allowed' as const) : ('denied' as const),
                grant: null,
                attestation: {
                  item: use.item,
                  name: itemNames.get(use.item) ?? { 'zh-CN': use.item, en: use.item },
                  ruleVersion: use.ruleVersion ?? null,
                  answer: use.answer ?? null,
                  legalBasis: use.legalBasis ?? null,
                },
              }),
        }));
        const own = counts.get(actor.username) ?? 0;
        const all = [...counts.values()].reduce((a, b) => a + b, 0);
        return {
          items,
          next: page.next,
          names: await names(uses.map((u) => u.use)),
          totals: { byOthers: all - own, own },
        };
      },
    );
  };
}

const Held = Type.Object({
  element: Type.String({ description: 'the data element (names: its name)' }),
  name: Type.String(),
  value: Type.Unknown({ description: 'the value as held, unmasked: it is the caller’s own' }),
  authoritative: Type.Boolean({ description: 'from the declared source of record of the element (一数一源)' }),
  valid: Type.Boolean(),
  invalidReason: Type.Union([Type.String(), Type.Null()]),
  confirmations: Type.Integer({ description: 'other providers reporting the same value' }),
  disputed: Type.Boolean({ description: 'another provider reports a different value, under review' }),
  resource: Type.Object({ code: Type.String(), name: Type.String() }),
  field: Type.Union([Type.String(), Type.Null()], {
    description:
      'the field of `resource` the value came from, as a correction (POST /api/v1/corrections) names it; null when the resource no longer feeds the element',
  }),
  loadedAt: Type.Union([Type.String(), Type.Null()], { description: 'when the load it came from finished' }),
  updateFrequency: Type.String({ description: 'how often its resource is to be updated (catalog)' }),
  stale: Type.Boolean({ description: 'older than its resource’s update frequency allows' }),
});

/** Days a value may age before it is stale, by its resource's update frequency (a week's grace beyond it). */
const FRESH_DAYS: Record<string, number | undefined> = {
  realtime: 7,
  daily: 8,
  weekly: 14,
  monthly: 38,
  quarterly: 99,
  yearly: 372,
};

/**
 * A subject's values grouped by the department that provided each, with the resource it came
 * from and its freshness: when that load finished, against the resource's update frequency.
 */
async function byProvider(hub: Hub, view: SubjectView) {
  const loaded = await hub.ingest.finishedAt(view.elements.map((e) => e.origin.job));
  const codes = [...new Set(view.elements.map((e) => e.origin.resource))];
  const resources = new Map(
    await Promise.all(codes.map(async (code) => [code, await hub.catalog.get(code).catch(() => null)] as const)),
  );
  // Which field of each resource feeds which element: what a correction of the value names.
  const feeds = new Map(
    [...resources].map(([code, r]) => [
      code,
      new Map((r ? feedOf(r)?.feeds : undefined)?.map((f) => [f.element.code, f.field.name])),
    ]),
  );
  const groups = new Map<string, { org: { code: string; name: string }; elements: Static<typeof Held>[] }>();
  for (const e of view.elements) {
    const resource = resources.get(e.origin.resource);
    const at = loaded.get(e.origin.job) ?? null;
    const frequency = resource?.updateFrequency ?? 'irregular';
    const group = groups.get(e.origin.provider) ?? {
      org: { code: e.origin.provider, name: e.providerName },
      elements: [],
    };
    groups.set(e.origin.provider, group);
    group.elements.push({
      element: e.element,
      name: e.name,
      value: e.value,
      authoritative: e.authoritative,
      valid: e.valid,
      invalidReason: e.invalidReason,
      confirmations: e.confirmations,
      disputed: e.openConflicts.length > 0,
      resource: { code: e.origin.resource, name: resource?.name ?? e.origin.resource },
      field: feeds.get(e.origin.resource)?.get(e.element) ?? null,
      loadedAt: at?.toISOString() ?? null,
      updateFrequency: frequency,
      stale: isStale(at, frequency),
    });
  }
  return [...groups.values()];
}

type Group = { org: { code: string; name: string }; elements: Static<typeof Held>[] };

/**
 * The caller's records in the theme and topic resources keyed by citizen ID that the person
 * base does not absorb (社会保险参保信息, a settlement…), each field as a held value of its
 * provider. One lookup per such resource holding data: the cost grows with those resources (which
 * the page is about), not with their records.
 */
async function themeRecords(hub: Hub, actor: Actor | null, key: string): Promise<Group[]> {
  const codes = await hub.catalog.resourcesWithRecords();
  const all = await Promise.all(codes.map((code) => hub.catalog.get(code).catch(() => null)));
  const keyedByCitizen = all.filter(
    (r): r is Resource =>
      r !== null &&
      feedOf(r)?.kind !== 'person' &&
      r.fields.find((f) => f.name === r.keyField)?.element === BASES.person.keyElement,
  );
  const held = await hub.share.ownRecords(actor, key, keyedByCitizen);
  return held.map(({ resource, doc, loadedAt }) => ({
    org: { code: resource.provider.code, name: resource.provider.name },
    elements: resource.fields
      .filter((f) => f.name !== resource.keyField && f.name in doc)
      .map((f) => ({
        element: f.element ?? f.name,
        name: f.label,
        value: doc[f.name],
        authoritative: false,
        valid: true,
        invalidReason: null,
        confirmations: 0,
        disputed: false,
        resource: { code: resource.code, name: resource.name },
        field: f.name,
        loadedAt: loadedAt.toISOString(),
        updateFrequency: resource.updateFrequency,
        stale: isStale(loadedAt, resource.updateFrequency),
      })),
  }));
}

/** The base's groups and the other resources' as one list, a provider once. */
function merged(...lists: Group[][]): Group[] {
  const byOrg = new Map<string, Group>();
  for (const g of lists.flat()) {
    const known = byOrg.get(g.org.code);
    if (known) known.elements.push(...g.elements);
    else byOrg.set(g.org.code, { org: g.org, elements: [...g.elements] });
  }
  return [...byOrg.values()];
}

/** Older than the resource's update frequency allows; a value of unknown age or of an irregular resource never is. */
function isStale(loadedAt: Date | null, frequency: string): boolean {
  const days = FRESH_DAYS[frequency];
  return loadedAt !== null && days !== undefined && Date.now() - loadedAt.getTime() > days * 86_400_000;
}

/** A calendar month in China time as [from, to). */
export function monthOf(month: string | undefined): { from?: Date; to?: Date } {
  if (month === undefined) return {};
  const [y, m] = month.split('-').map(Number) as [number, number];
  const start = (year: number, mon: number) => new Date(`${year}-${String(mon).padStart(2, '0')}-01T00:00:00+08:00`);
  return { from: start(y, m), to: m === 12 ? start(y + 1, 1) : start(y, m + 1) };
}
