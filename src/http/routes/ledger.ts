import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../access/index.js';
import type { Hub } from '../../hub/index.js';
import { HubError, isCitizenId, isCreditCode, invalid, msg } from '../../kernel/index.js';
import {
  ENTRY_KINDS,
  LedgerEntrySchema,
  auditExport,
  readEntry,
  isResourceCode,
  orgsOf,
  subjectSearch,
  type EntryKind,
  type EntrySearch,
  type Ledger,
  type LedgerEntryRow,
} from '../../ledger/index.js';

export const Hex = Type.String({ pattern: '^[0-9a-f]{64}$' });
export const HeadSchema = Type.Object({
  treeSize: Type.Integer(),
  rootHash: Hex,
  timestamp: Type.Integer({ description: 'milliseconds since the Unix epoch' }),
  suite: Type.String({ enum: ['gm', 'intl'] }),
  signature: Type.String({ description: 'base64; covers the RFC 8785 JSON of the other four fields' }),
});
const EntrySchema = Type.Object({
  index: Type.Integer(),
  entry: Type.String({ description: 'the exact canonical JSON text that was hashed' }),
  leafHash: Hex,
  record: Type.Union([LedgerEntrySchema, Type.Null()], {
    description:
      'the entry read as its documented kind (docs/ledger.md); a legacy kind is shown as the kind that replaced it; null for a shape no longer known',
  }),
});
export const Size = Type.Integer({ minimum: 0 });
const NameMap = Type.Record(Type.String(), Type.String());
/** The names of what a page of entries mentions (`LedgerNames`). */
export const NamesSchema = Type.Object({
  orgs: NameMap,
  users: NameMap,
  resources: NameMap,
  fields: Type.Record(Type.String(), NameMap, { description: 'field labels by resource code' }),
});
/** The filters of a search and of its export (docs/ledger.md, "Search and audit export"). */
const SearchFilters = {
  org: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_]{1,40}$', description: 'organization code' })),
  kind: Type.Optional(Type.Union(ENTRY_KINDS.map((k) => Type.Literal(k)))),
  from: Type.Optional(Type.String({ description: 'recorded at or after (ISO 8601)' })),
  to: Type.Optional(Type.String({ description: 'recorded before (ISO 8601)' })),
  subject: Type.Optional(
    Type.String({ maxLength: 18, description: 'a citizen ID or credit code (roles with ledger:search-subject)' }),
  ),
};
const ConsistencySchema = Type.Object({ first: Type.Integer(), second: Type.Integer(), proof: Type.Array(Hex) });

/** Names of what entries mention, for people who read them: organizations, users, resources. */
export interface LedgerNames {
  orgs: Record<string, string>;
  users: Record<string, string>;
  resources: Record<string, string>;
  /** The labels of the fields entries name, by resource code and field name. */
  fields: Record<string, Record<string, string>>;
}
export type NameEntries = (records: ReturnType<typeof readEntry>[]) => Promise<LedgerNames>;

export interface LedgerRouteOptions {
  ledger: Ledger;
  /** Throws 401/403 unless the caller may read entries by range. */
  requireAuditor: (request: FastifyRequest) => void;
  /** The caller's own citizen ID, for `?subject=me`; never taken from the query string. */
  subjectOf: (request: FastifyRequest) => string | undefined;
  /** Throws 403 unless the caller may search by another person's or enterprise's identifier. */
  requireSubjectSearch: (request: FastifyRequest) => void;
  /** Names of the organizations, users and resources a page of entries mentions. */
  names: NameEntries;
}

/**
 * The ledger's public contract (docs/ledger.md): heads, key and proofs are public so that
 * anyone can verify; entries by range are for auditors; a citizen reads only their own.
 */
export function ledgerRoutes({
  ledger,
  requireAuditor,
  subjectOf,
  requireSubjectSearch,
  names,
}: LedgerRouteOptions): FastifyPluginAsyncTypebox {
  /** The query's filters as a search: the subject by its tag only, never kept as given. */
  const searchOf = (request: FastifyRequest, q: SearchQuery): EntrySearch => {
    const search: EntrySearch = { org: q.org, kind: q.kind, from: time(q.from, 'from'), to: time(q.to, 'to') };
    if (q.subject !== undefined) {
      requireSubjectSearch(request);
      const id = q.subject.trim().toUpperCase();
      if (!isCitizenId(id) && !isCreditCode(id)) {
        throw invalid('querystring/subject', msg('ledger.subjectKey'));
      }
      search.subject = ledger.subjectTag(id);
    }
    return search;
  };
  return async (app) => {
    app.get(
      '/search',
      {
        schema: {
          tags: ['ledger'],
          summary: 'Entries by organization, kind, time and subject, newest first (auditors)',
          security: [{ bearer: [] }],
          querystring: Type.Object({
            ...SearchFilters,
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
            before: Type.Optional(Size),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(EntrySchema),
              next: Type.Union([Type.Integer(), Type.Null()], { description: 'the `before` of the next page' }),
              names: NamesSchema,
            }),
          },
        },
      },
      async (request) => {
        requireAuditor(request);
        const q = request.query;
        const search = { ...searchOf(request, q), before: q.before };
        const actor = request.actor as Actor;
        const page =
          search.subject === undefined
            ? await ledger.search(search, q.limit)
            : await subjectSearch(ledger, {
                search: { ...search, subject: search.subject },
                filter: { org: q.org, kind: q.kind, from: q.from, to: q.to },
                limit: q.limit,
                actor: actor.username,
                org: actor.org?.code ?? null,
              });
        const items = typed(page.items);
        return { items, next: page.next, names: await names(items.map((i) => i.record ?? undefined)) };
      },
    );

    app.get(
      '/export',
      {
        schema: {
          tags: ['ledger'],
          summary:
            'Audit export: the entries of a search with inclusion proofs to the latest head, as CSV or JSON lines',
          security: [{ bearer: [] }],
          querystring: Type.Object({
            ...SearchFilters,
            format: Type.Union([Type.Literal('csv'), Type.Literal('jsonl')], { default: 'csv' }),
          }),
        },
      },
      async (request, reply) => {
        requireAuditor(request);
        const q = request.query;
        const actor = request.actor as Actor;
        const out = await auditExport(ledger, {
          search: searchOf(request, q),
          filter: { org: q.org, kind: q.kind, from: q.from, to: q.to },
          format: q.format,
          actor: actor.username,
          org: actor.org?.code ?? null,
        });
        const name = `ledger-audit-${out.head.treeSize}.${q.format === 'csv' ? 'csv' : 'jsonl'}`;
        return reply
          .type(q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('x-ledger-tree-size', String(out.head.treeSize))
          .header('x-ledger-rows', String(out.rows))
          .send(Readable.from(out.chunks));
      },
    );

    app.get(
      '/heads/recent',
      {
        config: { public: true },
        schema: {
          tags: ['ledger'],
          summary: 'Signed tree heads newest first, each with the consistency proof from the head before it',
          querystring: Type.Object({
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
            before: Type.Optional(Size),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  head: HeadSchema,
                  previous: Type.Union([HeadSchema, Type.Null()], {
                    description: 'the head before it; null: the first',
                  }),
                  consistency: Type.Union([ConsistencySchema, Type.Null()], {
                    description: 'from the previous head to this one; null when there is nothing to prove',
                  }),
                }),
              ),
              next: Type.Union([Type.Integer(), Type.Null()], { description: 'the `before` of the next page' }),
            }),
          },
        },
      },
      async (request) => {
        const { limit, before } = request.query;
        const heads = await ledger.recentHeads(limit + 1, before);
        const items = await Promise.all(
          heads.slice(0, limit).map(async (head, i) => {
            const previous = heads[i + 1] ?? null;
            const consistency =
              previous && previous.treeSize >= 1
                ? await ledger.consistencyProof(previous.treeSize, head.treeSize)
                : null;
            return { head, previous, consistency };
          }),
        );
        return { items, next: heads.length > limit ? items[items.length - 1]!.head.treeSize : null };
      },
    );

    app.get(
      '/head',
      {
        config: { public: true },
        schema: { tags: ['ledger'], summary: 'The latest signed tree head', response: { 200: HeadSchema } },
      },
      async () => ledger.latestHead(),
    );

    app.get(
      '/heads',
      {
        config: { public: true },
        schema: {
          tags: ['ledger'],
          summary: 'Past signed tree heads with tree sizes from..to (at most 1000)',
          querystring: Type.Object({ from: Type.Optional(Size), to: Type.Optional(Size) }),
          response: { 200: Type.Array(HeadSchema) },
        },
      },
      async (request) => ledger.heads(request.query.from, request.query.to),
    );

    app.get(
      '/key',
      {
        config: { public: true },
        schema: {
          tags: ['ledger'],
          summary: 'The public key that signs tree heads',
          response: {
            200: Type.Object({
              suite: Type.String(),
              algorithm: Type.String(),
              hash: Type.String(),
              publicKeyPem: Type.String(),
              publicKeyHex: Type.Optional(Type.String()),
              sm2UserId: Type.Optional(Type.String()),
            }),
          },
        },
      },
      async () => ledger.publicKey(),
    );

    app.get(
      '/entries',
      {
        schema: {
          tags: ['ledger'],
          summary: 'Entries [start, end) for auditors, or ?subject=me: the caller’s own entries (citizens)',
          security: [{ bearer: [] }],
          querystring: Type.Object({
            start: Type.Optional(Size),
            end: Type.Optional(Size),
            subject: Type.Optional(Type.Literal('me')),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
            before: Type.Optional(Size),
          }),
          response: { 200: Type.Array(EntrySchema) },
        },
      },
      async (request) => {
        const q = request.query;
        if (q.subject === 'me') {
          const id = subjectOf(request);
          if (!id)
            throw new HubError(request.actor ? 'ACC_FORBIDDEN' : 'ACC_UNAUTHENTICATED', msg('ledger.citizenOnly'));
          return typed(await ledger.entriesBySubject(ledger.subjectTag(id), { limit: q.limit, beforeIndex: q.before }));
        }
        requireAuditor(request);
        if (q.start === undefined || q.end === undefined) {
          throw invalid('querystring/start', msg('ledger.startEndRequired'));
        }
        return typed(await ledger.entries(q.start, q.end));
      },
    );

    app.get(
      '/proof/inclusion',
      {
        config: { public: true },
        schema: {
          tags: ['ledger'],
          summary: 'RFC 9162 inclusion proof of an entry (by index or leaf hash) in the tree of treeSize',
          querystring: Type.Object({
            index: Type.Optional(Size),
            leafHash: Type.Optional(Hex),
            treeSize: Type.Optional(Size),
          }),
          response: {
            200: Type.Object({
              leafIndex: Type.Integer(),
              treeSize: Type.Integer(),
              leafHash: Hex,
              auditPath: Type.Array(Hex),
            }),
          },
        },
      },
      async (request) => {
        const { index, leafHash, treeSize } = request.query;
        if (index === undefined && leafHash === undefined) {
          throw invalid('querystring/index', msg('ledger.indexOrLeaf'));
        }
        return ledger.inclusionProof(index ?? (await ledger.indexOfLeaf(leafHash!)), treeSize);
      },
    );

    app.get(
      '/proof/consistency',
      {
        config: { public: true },
        schema: {
          tags: ['ledger'],
          summary: 'RFC 9162 consistency proof between tree sizes first and second',
          querystring: Type.Object({ first: Size, second: Type.Optional(Size) }),
          response: { 200: Type.Object({ first: Type.Integer(), second: Type.Integer(), proof: Type.Array(Hex) }) },
        },
      },
      async (request) => ledger.consistencyProof(request.query.first, request.query.second),
    );
  };
}

type SearchQuery = { org?: string; kind?: EntryKind; from?: string; to?: string; subject?: string };

function time(value: string | undefined, field: 'from' | 'to'): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) {
    throw invalid(`querystring/${field}`, msg('ledger.notATime'));
  }
  return at;
}

/**
 * Names from the modules that own them, for the codes a page of entries carries: a page names
 * a handful of users and resources, each looked up once (the catalog caches its resources).
 */
export function namesFrom(hub: Hub): NameEntries {
  return async (records) => {
    const users = new Set<string>();
    const resources = new Set<string>();
    const codes = new Set<string>();
    for (const r of records) {
      if (!r) continue;
      users.add(r.actor);
      for (const c of orgsOf(r)) codes.add(c);
      const resource = (r as { resource?: unknown }).resource;
      if (typeof resource === 'string' && isResourceCode(resource)) resources.add(resource);
    }
    const [orgs, people] = await Promise.all([hub.access.listOrganizations(), hub.access.displayNames([...users])]);
    const out: LedgerNames = { orgs: {}, users: Object.fromEntries(people), resources: {}, fields: {} };
    for (const org of orgs) if (codes.has(org.code)) out.orgs[org.code] = org.name;
    await Promise.all([
      ...[...resources].map(async (code) => {
        const resource = await hub.catalog.get(code).catch(() => undefined);
        if (!resource) return;
        out.resources[code] = resource.name;
        out.fields[code] = Object.fromEntries(resource.fields.map((f) => [f.name, f.label]));
      }),
    ]);
    return out;
  };
}

/** Rows with their typed reading beside the hashed text, which stays exactly as it was. */
function typed(rows: LedgerEntryRow[]) {
  return rows.map((r) => ({ ...r, record: readEntry(r.entry) ?? null }));
}
