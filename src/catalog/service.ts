import type { Database, Kysely, Selectable, Transaction } from '../db/index.js';
import { json, sql, transactionRetrying } from '../db/index.js';
import { HubError, addWorkingDays, announce, digestJson, invalid, msg } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import { columnsOf, contentOf, diffContent, searchable, toContent, type ResourceContent } from './content.js';
import { gradingFlags, suggestLevel } from './grading.js';
import { catalogIndicators, type Indicators } from './indicators.js';
import type { Origin, Resource, ResourceInput, ResourceSummary, Status, VersionEvent } from './schemas.js';
import { indexMissing, writeSearchRows } from './search-index.js';
import { searchIds, searchPage, type Facets, type ListQuery } from './search.js';
import type { CatalogTables } from './tables.js';
import { seesWorkingCopy, type Viewer } from './visibility.js';

/** Resolves organization codes to names; provided by the composition root from `access`. */
export type OrgNames = (codes: string[]) => Promise<Map<string, string>>;

/** Where entries kept for other nodes come from, by code (the cascade's; none elsewhere). */
export type Origins = (codes: string[]) => Promise<Map<string, Origin>>;

/** A place in the order of changes (updated_at, id): `at` in microseconds since the epoch, as text. */
export interface ChangePosition {
  at: string;
  id: number;
}

/** An entry whose published state may have changed: its published version, or null (withdrawn, or never published). */
export interface PublishedChange {
  position: ChangePosition;
  code: string;
  resource: Resource | null;
}

/**
 * Where the catalog leaves work for people (the data officers' inbox); provided by the
 * composition root. `org` null addresses the platform operators.
 */
export interface TaskInbox {
  open(task: { org: string | null; kind: string; ref: string; title: string; dueDate: string | null }): Promise<void>;
  close(kind: string, ref: string): Promise<void>;
}

/** Who acts: recorded with every version and, by name, on the ledger. */
export interface Author {
  userId: number;
  username: string;
}

export type Transition = 'submit' | 'approve' | 'return' | 'publish';
type Action = CatalogTables['catalog.resource_event']['action'];

/** From which states each step of the workflow may be taken, and where it leads. */
const TRANSITIONS: Record<Transition, { from: Status[]; to: Status }> = {
  submit: { from: ['draft', 'returned'], to: 'submitted' },
  approve: { from: ['submitted'], to: 'approved' },
  return: { from: ['submitted'], to: 'returned' },
  publish: { from: ['approved'], to: 'published' },
};
const EDITABLE: Status[] = ['draft', 'returned', 'published'];
/** Working days an operator has to review a submission, and a provider to answer a return. */
export const REVIEW_DAYS = 5;

type ResourceRow = Selectable<CatalogTables['catalog.resource']>;
/** A resource's working copy and the version readers outside its provider see (null: none yet). */
interface Entry {
  resource: Resource;
  publishedVersion: number | null;
}

/** How long a process may serve a resource definition it read (see `get`); a safety net under NOTIFY. */
const CACHE_MS = 5000;
/** Announced with a resource's code (or `#id` after a load) when its definition changed. */
const CHANNEL = 'catalog_resource';

export class CatalogService {
  private readonly db: Kysely<CatalogTables>;
  private readonly cache = new Map<string, Entry & { until: number }>();
  /** Moves on with every change heard, so that a read that raced a change is not cached. */
  private generation = 0;
  /** Codes by id: a resource's code is stable for its life. */
  private readonly codes = new Map<number, string>();
  private origins: Origins = async () => new Map();

  constructor(
    private readonly database: Database,
    private readonly orgNames: OrgNames,
    private readonly ledger: Ledger,
    private readonly tasks: TaskInbox,
  ) {
    this.db = database.kysely.withTables<CatalogTables>();
  }

  /** Marks entries kept for other nodes (a district's resources on the city) with where they come from. */
  useOrigins(origins: Origins): void {
    this.origins = origins;
  }

  /** Forgets cached definitions that any hub process announces changed (all of them when it may have missed some). */
  async start(): Promise<void> {
    await this.database.listen(CHANNEL, (payload) => {
      this.generation++;
      if (payload === null) return this.cache.clear();
      if (!payload.startsWith('#')) return void this.cache.delete(payload);
      const id = Number(payload.slice(1));
      for (const [code, hit] of this.cache) if (hit.resource.id === id) this.cache.delete(code);
    });
  }

  /** Registers a draft under its provider; the code `{org}-{nnnn}` is stable for its life. */
  async register(providerOrg: string, by: Author, input: ResourceInput): Promise<Resource> {
    const content = toContent(input);
    const code = await transactionRetrying(this.db, (trx) => this.insert(trx, providerOrg, by, content, 'create'));
    return this.recorded(code, 'create', by);
  }

  /**
   * Registers many drafts in one transaction: all of them or, if any insert fails, none.
   * Callers check every entry first (see spreadsheet.ts), so a failure here is the database's.
   */
  async registerAll(providerOrg: string, by: Author, contents: ResourceContent[]): Promise<Resource[]> {
    const codes = await transactionRetrying(this.db, async (trx) => {
      const out: string[] = [];
      for (const c of contents) out.push(await this.insert(trx, providerOrg, by, c, 'import'));
      return out;
    });
    const resources: Resource[] = [];
    for (const code of codes) resources.push(await this.recorded(code, 'import', by));
    return resources;
  }

  private async insert(
    trx: Transaction<CatalogTables>,
    providerOrg: string,
    by: Author,
    content: ResourceContent,
    action: Action,
  ): Promise<string> {
    const seq = await trx
      .insertInto('catalog.code_sequence')
      .values({ provider_org: providerOrg, last: 1 })
      .onConflict((oc) => oc.column('provider_org').doUpdateSet({ last: sql`catalog.code_sequence.last + 1` }))
      .returning('last')
      .executeTakeFirstOrThrow();
    const code = `${providerOrg}-${String(seq.last).padStart(4, '0')}`;
    const search = searchable(code, content);
    const row = await trx
      .insertInto('catalog.resource')
      .values({
        code,
        provider_org: providerOrg,
        created_by: by.userId,
        ...columnsOf(content),
        search_text: search.text,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await writeSearchRows(trx, row.id, search.terms);
    await this.writeVersion(trx, row.id, 1, content, action, by.username, diffContent(null, content));
    return code;
  }

  /**
   * A new version of the content. `baseVersion` is the version the editor started from: if
   * another edit landed meanwhile, this one is refused (409), never silently lost.
   */
  async edit(code: string, by: Author, input: ResourceInput, baseVersion: number): Promise<Resource> {
    const content = toContent(input);
    await transactionRetrying(this.db, async (trx) => {
      const current = await this.lockRow(trx, code);
      if (current.version !== baseVersion) {
        throw new HubError(
          'CAT_VERSION_CONFLICT',
          msg('catalog.versionConflict', { code, version: current.version, base: baseVersion }),
        );
      }
      if (!EDITABLE.includes(current.status)) {
        throw new HubError(
          'CAT_BAD_STATE',
          msg('catalog.notEditable', { code, status: msg(`status.${current.status}`) }),
        );
      }
      const version = current.version + 1;
      const changes = diffContent(contentOf(current), content);
      if (changes.length === 0) throw invalid('body', msg('catalog.nothingChanged'));
      const search = searchable(code, content);
      await trx
        .updateTable('catalog.resource')
        .set({ ...columnsOf(content), search_text: search.text, version, status: 'draft', updated_at: new Date() })
        .where('id', '=', current.id)
        .execute();
      await writeSearchRows(trx, current.id, search.terms);
      await this.writeVersion(trx, current.id, version, content, 'edit', by.username, changes);
    });
    return this.recorded(code, 'edit', by);
  }

  /** One step of the registration workflow; `note` is the reason of a return. */
  async transition(code: string, by: Author, step: Transition, note?: string): Promise<Resource> {
    if (step === 'return' && !note?.trim()) throw invalid('reason', msg('catalog.returnReasonRequired'));
    const rule = TRANSITIONS[step];
    const resource = await transactionRetrying(this.db, async (trx) => {
      const current = await this.lockRow(trx, code);
      if (!rule.from.includes(current.status)) {
        throw new HubError(
          'CAT_BAD_STATE',
          msg('catalog.stepNeedsState', {
            code,
            status: msg(`status.${current.status}`),
            step: msg(`transition.${step}`),
            from: rule.from.map((s) => msg(`status.${s}`)),
          }),
        );
      }
      const now = new Date();
      await trx
        .updateTable('catalog.resource')
        .set({
          status: rule.to,
          updated_at: now,
          ...(step === 'submit' ? { submitted_at: now, return_reason: null } : {}),
          ...(step === 'return' ? { return_reason: note!.trim() } : {}),
          ...(step === 'publish'
            ? { published_at: now, published_version: current.version, published_text: current.search_text }
            : {}),
        })
        .where('id', '=', current.id)
        .execute();
      await writeSearchRows(trx, current.id, null);
      await trx
        .insertInto('catalog.resource_event')
        .values({
          resource_id: current.id,
          version: current.version,
          action: step,
          actor: by.username,
          note: note ?? null,
        })
        .execute();
      return current;
    });
    await this.routeTasks(resource, step);
    return this.recorded(code, step, by);
  }

  /**
   * Takes an entry's publication back: readers outside its provider no longer find it. The
   * working copy stays with the provider, a draft again when it was the published content.
   */
  async withdraw(code: string, by: Author): Promise<Resource> {
    await transactionRetrying(this.db, async (trx) => {
      const current = await this.lockRow(trx, code);
      if (current.published_version === null)
        throw new HubError('CAT_BAD_STATE', msg('catalog.noPublishedResource', { code }));
      await trx
        .updateTable('catalog.resource')
        .set({
          published_version: null,
          published_at: null,
          published_text: null,
          status: current.status === 'published' ? 'draft' : current.status,
          updated_at: new Date(),
        })
        .where('id', '=', current.id)
        .execute();
      await writeSearchRows(trx, current.id, null);
      await trx
        .insertInto('catalog.resource_event')
        .values({ resource_id: current.id, version: current.version, action: 'withdraw', actor: by.username })
        .execute();
    });
    return this.recorded(code, 'withdraw', by);
  }

  /**
   * An entry another node keeps (a district's, in the city's catalog), stored published as it
   * comes: its provider reviewed it on its own node, so it takes no step of the workflow here.
   * `code` null registers it under `providerOrg`; otherwise it becomes a new version when its
   * content changed or it was withdrawn. `also` runs in the same transaction with its code (the
   * caller's record of where it comes from). Returns the code, and whether anything was written.
   */
  async mirror(
    code: string | null,
    providerOrg: string,
    content: ResourceContent,
    by: Author,
    also: (trx: Transaction<CatalogTables>, code: string) => Promise<void>,
  ): Promise<{ code: string; written: boolean }> {
    const written = await transactionRetrying(this.db, async (trx) => {
      if (code === null) {
        const made = await this.insert(trx, providerOrg, by, content, 'import');
        await this.publishAsItStands(trx, (await this.lockRow(trx, made)).id);
        await also(trx, made);
        return made;
      }
      const current = await this.lockRow(trx, code);
      const changes = diffContent(contentOf(current), content);
      if (current.published_version === current.version && changes.length === 0) return null;
      const version = current.version + 1;
      const search = searchable(code, content);
      await trx
        .updateTable('catalog.resource')
        .set({ ...columnsOf(content), search_text: search.text, version, return_reason: null })
        .where('id', '=', current.id)
        .execute();
      await this.writeVersion(trx, current.id, version, content, 'import', by.username, changes);
      await this.publishAsItStands(trx, current.id, search.terms);
      await also(trx, code);
      return code;
    });
    if (written) await this.recorded(written, 'import', by);
    return { code: written ?? code!, written: written !== null };
  }

  private async publishAsItStands(trx: Transaction<CatalogTables>, id: number, terms?: string[]): Promise<void> {
    const now = new Date();
    await trx
      .updateTable('catalog.resource')
      .set({
        status: 'published',
        updated_at: now,
        published_at: now,
        published_version: sql`version`,
        published_text: sql`search_text`,
      })
      .where('id', '=', id)
      .execute();
    await writeSearchRows(trx, id, terms ?? null);
  }

  /**
   * The entries whose published state may have changed after `after` and by `until`, oldest first, by the index on (updated_at, id): each with what a reader outside
   * its provider reads of it, or null. A node keeping a copy asks for these; their cost follows the
   * changes, not the catalog's size. `until` lies a moment back, so that a change still committing
   * with an earlier time is not passed over.
   */
  async publishedChanges(after: ChangePosition | null, until: Date, limit: number): Promise<PublishedChange[]> {
    const from = after ?? { at: '0', id: 0 };
    const { rows } = await sql<{ id: number; code: string; at: string }>`
      select id, code, (extract(epoch from updated_at) * 1000000)::bigint::text as at from catalog.resource
      where (updated_at, id) > (timestamptz 'epoch' + ${from.at}::bigint * interval '1 microsecond', ${from.id}::int)
        and updated_at <= ${until}
      order by updated_at, id limit ${limit}`.execute(this.db);
    const outside: Viewer = { org: null, all: false };
    const seen = new Map(
      (
        await this.byIds(
          rows.map((r) => r.id),
          outside,
        )
      ).map((r) => [r.id, r]),
    );
    return rows.map((r) => ({
      position: { at: r.at, id: r.id },
      code: r.code,
      resource: seen.get(r.id) ?? null,
    }));
  }

  /** Submissions wait in the operators' inbox; returns in the provider's officers'. */
  private async routeTasks(r: ResourceRow, step: Transition): Promise<void> {
    const due = addWorkingDays(new Date(), REVIEW_DAYS);
    if (step === 'submit') {
      await this.tasks.close('catalog.returned', r.code);
      await this.tasks.open({ org: null, kind: 'catalog.review', ref: r.code, title: `审核 ${r.name}`, dueDate: due });
    } else if (step === 'return') {
      await this.tasks.close('catalog.review', r.code);
      await this.tasks.open({
        org: r.provider_org,
        kind: 'catalog.returned',
        ref: r.code,
        title: `修改退回的登记 ${r.name}`,
        dueDate: due,
      });
    } else if (step === 'approve') {
      await this.tasks.close('catalog.review', r.code);
    }
  }

  private async lockRow(trx: Transaction<CatalogTables>, code: string): Promise<ResourceRow> {
    const row = await trx
      .selectFrom('catalog.resource')
      .selectAll()
      .where('code', '=', code)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new HubError('CAT_RESOURCE_NOT_FOUND', msg('catalog.noResource', { code }));
    return row;
  }

  private async writeVersion(
    trx: Transaction<CatalogTables>,
    resourceId: number,
    version: number,
    content: ResourceContent,
    action: Action,
    actor: string,
    diff: unknown,
  ): Promise<void> {
    await trx
      .insertInto('catalog.resource_version')
      .values({ resource_id: resourceId, version, doc: json(content) })
      .execute();
    await trx
      .insertInto('catalog.resource_event')
      .values({ resource_id: resourceId, version, action, actor, note: null, diff: json(diff) })
      .execute();
  }

  /** After a change: drop the cached definition and put the step on the ledger by its digest. */
  private async recorded(code: string, action: Action, by: Author): Promise<Resource> {
    this.cache.delete(code);
    this.generation++;
    await announce(this.db, CHANNEL, code);
    const resource = await this.get(code);
    await this.ledger.append({
      kind: 'catalog.resource.changed',
      action,
      resource: resource.code,
      version: resource.version,
      status: resource.status,
      digest: digestJson(this.ledger.suite, contentOf(resource)),
      actor: by.username,
      at: new Date().toISOString(),
    });
    return resource;
  }

  /**
   * A resource by code, its working copy: what the hub works with (loads, data services, edits).
   * Readers get theirs through `read`. Definitions are read on every data-service call, so each
   * process keeps them for a few seconds; a change or load in any process is announced and drops
   * the entry in every process at once (CACHE_MS is only a safety net).
   */
  async get(code: string): Promise<Resource> {
    return (await this.entry(code)).resource;
  }

  /** A resource by id (the records module knows resources by id), as `get` gives it; undefined when there is none. */
  async getById(id: number): Promise<Resource | undefined> {
    let code = this.codes.get(id);
    if (code === undefined) {
      const row = await this.db.selectFrom('catalog.resource').select('code').where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      this.codes.set(id, (code = row.code));
    }
    return this.get(code);
  }

  private async entry(code: string): Promise<Entry> {
    const hit = this.cache.get(code);
    if (hit && hit.until > Date.now()) return hit;
    const generation = this.generation;
    const row = await this.db.selectFrom('catalog.resource').selectAll().where('code', '=', code).executeTakeFirst();
    if (!row) throw new HubError('CAT_RESOURCE_NOT_FOUND', msg('catalog.noResource', { code }));
    const entry = { resource: await this.describe(row), publishedVersion: row.published_version };
    if (generation === this.generation) this.cache.set(code, { ...entry, until: Date.now() + CACHE_MS });
    return entry;
  }

  /** The resource as `viewer` reads it (see visibility.ts); one it may not see is not found. */
  async read(code: string, viewer: Viewer): Promise<Resource> {
    const { resource, publishedVersion } = await this.entry(code);
    const view = viewFor(viewer, resource, publishedVersion, await this.publishedContent(resource, publishedVersion));
    if (!view) throw new HubError('CAT_RESOURCE_NOT_FOUND', msg('catalog.noResource', { code }));
    return view;
  }

  /**
   * Who changed what and when, newest first. Readers outside the provider get the published
   * history only: each publication with what it changed since the one before, so that no
   * unpublished content (a draft, a returned version, an edit under review) reaches them.
   */
  async versions(code: string, viewer: Viewer): Promise<VersionEvent[]> {
    const resource = await this.read(code, viewer);
    const inside = seesWorkingCopy(viewer, resource.provider.code);
    const rows = await this.db
      .selectFrom('catalog.resource_event')
      .select(['version', 'action', 'actor', 'at', 'note', 'diff'])
      .where('resource_id', '=', resource.id)
      .$if(!inside, (q) => q.where('action', '=', 'publish'))
      .orderBy('id', 'desc')
      .execute();
    const events = rows.map((e) => ({ ...e, at: e.at.toISOString(), diff: e.diff as VersionEvent['diff'] }));
    if (inside) return events;
    const docs = await this.contents(events.map((e) => [resource.id, e.version]));
    let before: ResourceContent | null = null;
    for (const e of [...events].reverse()) {
      const doc = docs.get(`${resource.id}:${e.version}`) ?? null;
      e.diff = doc ? diffContent(before, doc) : [];
      before = doc ?? before;
    }
    return events;
  }

  /** The resource with the content it had at `version`; outside the provider, published versions only. */
  async atVersion(code: string, version: number, viewer: Viewer): Promise<Resource> {
    const resource = await this.read(code, viewer);
    const inside = seesWorkingCopy(viewer, resource.provider.code);
    const published =
      inside ||
      version === resource.version ||
      (await this.db
        .selectFrom('catalog.resource_event')
        .select('id')
        .where('resource_id', '=', resource.id)
        .where('version', '=', version)
        .where('action', '=', 'publish')
        .executeTakeFirst()) !== undefined;
    const doc = published
      ? (await this.contents([[resource.id, version]])).get(`${resource.id}:${version}`)
      : undefined;
    if (!doc) throw new HubError('CAT_VERSION_NOT_FOUND', msg('catalog.noVersion', { code, version }));
    return { ...resource, ...withGrading(doc), version };
  }

  /** The content of the version readers outside the provider see, when it is not the working copy. */
  private async publishedContent(r: Resource, publishedVersion: number | null): Promise<ResourceContent | undefined> {
    if (publishedVersion === null || publishedVersion === r.version) return undefined;
    return (await this.contents([[r.id, publishedVersion]])).get(`${r.id}:${publishedVersion}`);
  }

  /** Stored versions by (resource id, version), keyed `id:version`. */
  private async contents(pairs: Array<[number, number]>): Promise<Map<string, ResourceContent>> {
    if (pairs.length === 0) return new Map();
    const { rows } = await sql<{ resource_id: number; version: number; doc: ResourceContent }>`
      select resource_id, version, doc from catalog.resource_version
      where (resource_id, version) in (${sql.join(pairs.map(([id, v]) => sql`(${id}::int, ${v}::int)`))})
    `.execute(this.db);
    return new Map(rows.map((r) => [`${r.resource_id}:${r.version}`, r.doc]));
  }

  async list(query: ListQuery, viewer: Viewer): Promise<{ items: ResourceSummary[]; total: number; facets: Facets }> {
    const page = Math.max(1, query.page ?? 1);
    const pageSize = Math.min(200, Math.max(1, query.pageSize ?? 20));
    const { ids, total, facets } = await searchPage(this.db, query, viewer, (page - 1) * pageSize, pageSize);
    const items = await this.byIds(ids, viewer);
    return { items: items.map(summaryOf), total, facets };
  }

  /**
   * `limit` entries whole from `offset` (not a page: CKAN's `start` and `rows`), the total and the
   * facet counts, as `viewer` reads them; the open-data portal searches through it.
   */
  async search(
    query: ListQuery,
    viewer: Viewer,
    offset: number,
    limit: number,
  ): Promise<{ items: Resource[]; total: number; facets: Facets }> {
    const { ids, total, facets } = await searchPage(this.db, query, viewer, offset, limit);
    return { items: await this.byIds(ids, viewer), total, facets };
  }

  /** The codes of matching entries from `offset`, in code order, as `viewer` reads them (a long list, cheaply). */
  async codesOf(query: ListQuery, viewer: Viewer, offset: number, limit: number): Promise<string[]> {
    const ids = await searchIds(this.db, { ...query, sort: 'code' }, viewer, offset + limit);
    if (ids.length <= offset) return [];
    const rows = await this.db
      .selectFrom('catalog.resource')
      .select('code')
      .where('id', 'in', ids.slice(offset))
      .orderBy('code')
      .execute();
    return rows.map((r) => r.code);
  }

  /**
   * The keywords of the published content of entries of an open type, with how many entries
   * have each, most used first: the open-data portal's tags. Published content only, whoever asks.
   */
  async publishedKeywords(openType: string, limit: number): Promise<Array<{ keyword: string; n: number }>> {
    const { rows } = await sql<{ keyword: string; n: number }>`
      select k as keyword, count(*)::int as n
      from catalog.resource_search s
      join catalog.resource r on r.id = s.resource_id
      join catalog.resource_version v on v.resource_id = r.id and v.version = r.published_version,
        jsonb_array_elements_text(coalesce(v.doc -> 'keywords', '[]'::jsonb)) k
      where s.published and s.open_type = ${openType}
      group by k order by n desc, k limit ${limit}`.execute(this.db);
    return rows;
  }

  /** Every matching entry whole, for exports; bounded so that one request cannot take the server. */
  async listAll(query: ListQuery, viewer: Viewer, limit = 20_000): Promise<Resource[]> {
    return this.byIds(await searchIds(this.db, query, viewer, limit), viewer);
  }

  /** Entries by id, in the order of the ids, as `viewer` reads them. */
  private async byIds(ids: number[], viewer: Viewer): Promise<Resource[]> {
    if (ids.length === 0) return [];
    const found = await this.db.selectFrom('catalog.resource').selectAll().where('id', 'in', ids).execute();
    const byId = new Map(found.map((r) => [r.id, r]));
    const rows = ids.map((id) => byId.get(id)!).filter(Boolean);
    const outside = rows.filter((r) => !seesWorkingCopy(viewer, r.provider_org) && r.published_version !== r.version);
    const docs = await this.contents(
      outside.flatMap((r) => (r.published_version ? [[r.id, r.published_version]] : [])),
    );
    const working = await this.describeAll(rows);
    return working.flatMap((w, i) => {
      const pv = rows[i]!.published_version;
      return viewFor(viewer, w, pv, docs.get(`${w.id}:${pv}`)) ?? [];
    });
  }

  private async describe(row: ResourceRow): Promise<Resource> {
    return (await this.describeAll([row]))[0]!;
  }

  private async describeAll(rows: ResourceRow[]): Promise<Resource[]> {
    if (rows.length === 0) return [];
    const names = await this.orgNames([...new Set(rows.map((r) => r.provider_org))]);
    const origins = await this.origins(rows.map((r) => r.code));
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      ...(origins.has(r.code) ? { remote: origins.get(r.code)! } : {}),
      provider: { code: r.provider_org, name: names.get(r.provider_org) ?? r.provider_org },
      ...withGrading(contentOf(r)),
      status: r.status,
      returnReason: r.return_reason,
      recordCount: Number(r.record_count),
      version: r.version,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      publishedAt: r.published_at?.toISOString() ?? null,
    }));
  }

  /** Codes of the resources that hold records (by the count each load keeps). */
  async resourcesWithRecords(): Promise<string[]> {
    const rows = await this.db.selectFrom('catalog.resource').select('code').where('record_count', '>', 0).execute();
    return rows.map((r) => r.code);
  }

  /**
   * Keeps a resource's record count with its entry: written by the records module inside the
   * transaction that merges a load, so that the count commits with the rows.
   */
  async writeRecordCount(
    trx: Transaction<object>,
    resourceId: number,
    count: { set: number } | { add: number },
  ): Promise<void> {
    await trx
      .withTables<CatalogTables>()
      .updateTable('catalog.resource')
      .set((eb) => ({ record_count: 'set' in count ? count.set : eb('record_count', '+', count.add) }))
      .where('id', '=', resourceId)
      .execute();
  }

  /** After a load of a resource: every process's cached definition (with its count) is stale. */
  recordsLoaded(resourceId: number): void {
    this.generation++;
    for (const [code, hit] of this.cache) if (hit.resource.id === resourceId) this.cache.delete(code);
    void announce(this.db, CHANNEL, `#${resourceId}`).catch(() => {});
  }

  /** The catalog's indicators per department (indicators.ts). */
  async indicators(departments: Array<{ code: string; name: string }>): Promise<Indicators> {
    return catalogIndicators(this.db, departments);
  }

  async countAll(): Promise<{ resources: number; records: number }> {
    const row = await this.db
      .selectFrom('catalog.resource')
      .select([
        (eb) => eb.fn.countAll<number>().as('resources'),
        sql<number>`coalesce(sum(record_count), 0)::bigint`.as('records'),
      ])
      .executeTakeFirstOrThrow();
    return { resources: Number(row.resources), records: Number(row.records) };
  }

  /**
   * Fills the search index of entries that have no row in it (see search-index.ts). Cheap when
   * there is nothing to do. Returns how many rows it wrote.
   */
  async reindexMissing(batch = 1000): Promise<number> {
    return indexMissing(this.db, batch);
  }
}

function withGrading(c: ResourceContent) {
  return { ...c, suggestedLevel: suggestLevel(c), flags: gradingFlags(c) };
}

/**
 * What `viewer` reads of an entry (visibility.ts): its working copy, its published version
 * (`published`: that version's content, when it is not the working copy's), or nothing.
 */
function viewFor(
  viewer: Viewer,
  working: Resource,
  publishedVersion: number | null,
  published: ResourceContent | undefined,
): Resource | undefined {
  if (seesWorkingCopy(viewer, working.provider.code) || publishedVersion === working.version) return working;
  if (publishedVersion === null || !published) return undefined;
  // The state of the edit under review (its status, return reason, time) is the provider's too.
  return {
    ...working,
    ...withGrading(published),
    version: publishedVersion,
    status: 'published',
    returnReason: null,
    updatedAt: working.publishedAt ?? working.updatedAt,
  };
}

function summaryOf(r: Resource): ResourceSummary {
  const { id: _id, fields: _f, levelReason: _l, mount: _m, returnReason: _r, createdAt: _c, ...summary } = r;
  return summary;
}
