import type { Database, Kysely, Selectable } from '../db/index.js';
import type { RecordRow } from './records.js';
import { upsertRecords } from './records.js';
import { json, sql } from '../db/index.js';
import { HubError, digestJson, invalid } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import type { Field } from './fields.js';
import type { Resource, ResourceInput, ResourceSummary } from './schemas.js';
import type { CatalogTables } from './tables.js';

/** Resolves organization codes to names; provided by the composition root from `access`. */
export type OrgNames = (codes: string[]) => Promise<Map<string, string>>;

export interface ListQuery {
  q?: string;
  provider?: string;
  category?: string;
  shareType?: string;
  openType?: string;
  level?: string;
  page?: number;
  pageSize?: number;
}

const FACETS = ['provider_org', 'category', 'share_type', 'open_type', 'level'] as const;
const FACET_NAMES: Record<(typeof FACETS)[number], string> = {
  provider_org: 'provider',
  category: 'category',
  share_type: 'shareType',
  open_type: 'openType',
  level: 'level',
};

type ResourceRow = Selectable<CatalogTables['catalog.resource']>;

/** How long a process may serve a resource definition it read (see `get`). */
const CACHE_MS = 5000;

export class CatalogService {
  readonly db: Kysely<CatalogTables>;
  private readonly cache = new Map<string, { resource: Resource; until: number }>();

  constructor(
    database: Database,
    private readonly orgNames: OrgNames,
    private readonly ledger: Ledger,
  ) {
    this.db = database.kysely.withTables<CatalogTables>();
  }

  /** Registers a resource under its provider; the code `{org}-{nnnn}` is stable for its life. */
  /** `by` is who registers: recorded with the resource and, by name, on the ledger. */
  async register(
    providerOrg: string,
    by: { userId: number; username: string },
    input: ResourceInput,
  ): Promise<Resource> {
    const createdBy = by.userId;
    checkFields(input.keyField, input.fields);
    const code = await this.db.transaction().execute(async (trx) => {
      const seq = await trx
        .insertInto('catalog.code_sequence')
        .values({ provider_org: providerOrg, last: 1 })
        .onConflict((oc) => oc.column('provider_org').doUpdateSet({ last: sql`catalog.code_sequence.last + 1` }))
        .returning('last')
        .executeTakeFirstOrThrow();
      const code = `${providerOrg}-${String(seq.last).padStart(4, '0')}`;
      await trx
        .insertInto('catalog.resource')
        .values({
          code,
          name: input.name,
          summary: input.summary,
          provider_org: providerOrg,
          category: input.category,
          share_type: input.shareType,
          open_type: input.openType,
          level: input.level,
          key_field: input.keyField,
          fields: json(input.fields),
          created_by: createdBy,
        })
        .execute();
      return code;
    });
    const resource = await this.get(code);
    // Every published version goes on the ledger by its digest, whoever registered it and how.
    await this.ledger.append({
      kind: 'catalog.version',
      resource: resource.code,
      version: resource.version,
      digest: digestJson(this.ledger.suite, resource),
      actor: by.username,
      at: new Date().toISOString(),
    });
    return resource;
  }

  /**
   * A resource by code. Definitions are read on every data-service call, so each process keeps
   * them for a few seconds; its own changes and loads drop the entry at once, another process's
   * are seen within CACHE_MS.
   */
  async get(code: string): Promise<Resource> {
    const hit = this.cache.get(code);
    if (hit && hit.until > Date.now()) return hit.resource;
    const resource = await this.read(code);
    this.cache.set(code, { resource, until: Date.now() + CACHE_MS });
    return resource;
  }

  private async read(code: string): Promise<Resource> {
    const row = await this.db.selectFrom('catalog.resource').selectAll().where('code', '=', code).executeTakeFirst();
    if (!row) throw new HubError('CAT_RESOURCE_NOT_FOUND', `no resource ${code}`);
    const [summary] = await this.summarize([row]);
    return { ...summary!, id: row.id, fields: row.fields };
  }

  async list(
    query: ListQuery,
  ): Promise<{ items: ResourceSummary[]; total: number; facets: Record<string, Record<string, number>> }> {
    const page = Math.max(1, query.page ?? 1);
    const pageSize = Math.min(200, Math.max(1, query.pageSize ?? 20));
    let base = this.db.selectFrom('catalog.resource');
    if (query.q) {
      const like = `%${query.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
      base = base.where((eb) =>
        eb.or([eb('name', 'ilike', like), eb('summary', 'ilike', like), eb('code', 'ilike', like)]),
      );
    }
    if (query.provider) base = base.where('provider_org', '=', query.provider);
    if (query.category) base = base.where('category', '=', query.category as ResourceRow['category']);
    if (query.shareType) base = base.where('share_type', '=', query.shareType as ResourceRow['share_type']);
    if (query.openType) base = base.where('open_type', '=', query.openType as ResourceRow['open_type']);
    if (query.level) base = base.where('level', '=', query.level as ResourceRow['level']);
    const rows = await base
      .selectAll()
      .orderBy('code')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute();
    const total = (await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const facets: Record<string, Record<string, number>> = {};
    for (const col of FACETS) {
      const counts = await base
        .select([col, (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy(col)
        .execute();
      facets[FACET_NAMES[col]] = Object.fromEntries(counts.map((c) => [String(c[col]), c.n]));
    }
    return { items: await this.summarize(rows), total, facets };
  }

  private async summarize(rows: ResourceRow[]): Promise<ResourceSummary[]> {
    if (rows.length === 0) return [];
    const names = await this.orgNames([...new Set(rows.map((r) => r.provider_org))]);
    return rows.map((r) => ({
      code: r.code,
      name: r.name,
      summary: r.summary,
      provider: { code: r.provider_org, name: names.get(r.provider_org) ?? r.provider_org },
      category: r.category,
      shareType: r.share_type,
      openType: r.open_type,
      level: r.level,
      keyField: r.key_field,
      recordCount: r.record_count,
      version: r.version,
      updatedAt: r.updated_at.toISOString(),
    }));
  }

  /**
   * Loads batches of validated records in one transaction: either every batch is in, or none
   * is (a parse error or a crash midway leaves the previous data as it was).
   */
  async loadRecords(resourceId: number, jobId: string, batches: AsyncIterable<RecordRow[]>): Promise<number> {
    return this.db
      .transaction()
      .execute(async (trx) => {
        let loaded = 0;
        for await (const batch of batches) {
          await upsertRecords(trx, resourceId, jobId, batch);
          loaded += batch.length;
        }
        await trx
          .updateTable('catalog.resource')
          .set({ record_count: sql`(select count(*) from catalog.record where resource_id = ${resourceId})` })
          .where('id', '=', resourceId)
          .execute();
        return loaded;
      })
      .finally(() => {
        for (const [code, hit] of this.cache) if (hit.resource.id === resourceId) this.cache.delete(code);
      });
  }

  async findRecord(resourceId: number, key: string): Promise<Record<string, unknown> | undefined> {
    const row = await this.db
      .selectFrom('catalog.record')
      .select('doc')
      .where('resource_id', '=', resourceId)
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.doc;
  }

  /** A page of a resource's records in key order; the total is the count kept by the last load. */
  async pageRecords(
    resource: Resource,
    page: number,
    pageSize: number,
  ): Promise<{ items: Record<string, unknown>[]; total: number }> {
    const rows = await this.db
      .selectFrom('catalog.record')
      .select('doc')
      .where('resource_id', '=', resource.id)
      .orderBy('key')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute();
    return { items: rows.map((r) => r.doc), total: resource.recordCount };
  }

  async countAll(): Promise<{ resources: number; records: number }> {
    const row = await this.db
      .selectFrom('catalog.resource')
      .select([
        (eb) => eb.fn.countAll<number>().as('resources'),
        sql<number>`coalesce(sum(record_count), 0)::bigint`.as('records'),
      ])
      .executeTakeFirstOrThrow();
    return row;
  }
}

function checkFields(keyField: string, fields: Field[]): void {
  const names = new Set<string>();
  fields.forEach((f, i) => {
    if (names.has(f.name)) throw invalid(`fields/${i}/name`, `duplicate field name ${f.name}`);
    names.add(f.name);
  });
  const key = fields.find((f) => f.name === keyField);
  if (!key) throw invalid('keyField', `${keyField} is not one of the fields`);
  if (!key.required) throw invalid('keyField', `key field ${keyField} must be required`);
}
