import type { Readable } from 'node:stream';
import type { CatalogService, Facets, ListQuery, Resource, Viewer } from '../catalog/index.js';
import { HubError, invalid, isHubError, msg } from '../kernel/index.js';
import {
  PUBLIC_QUERY_MS,
  conditionFields,
  type Condition,
  type RecordQuery,
  type RecordStore,
} from '../records/index.js';
import type { OpenCounters } from './counters.js';
import { codeOfName, datasetId, datasetName, isResourceCode, parseId, type Distribution } from './ids.js';
import { openFieldsOf, openRecord, type OpenFields } from './rules.js';

/** The open types the portal serves: `open` to everyone, `conditional` to approved applicants only. */
type OpenKind = 'open' | 'conditional';

/** Everybody outside the providers: the published content of published entries only. */
const PUBLIC: Viewer = { org: null, all: false };

/**
 * An open dataset (开放数据集): a catalog entry whose published content says open type `open`
 * (无条件开放). Conditional (有条件开放) and closed (不予开放) entries, drafts and entries never
 * published are not open datasets: every public answer goes through `find` or `search`, which
 * know no others, and the same "not found" answers a closed entry and one that does not exist.
 */
export interface OpenDataset {
  /** The catalog entry's number. */
  entry: number;
  code: string;
  /** CKAN's `name`: the code in lower case. */
  name: string;
  id: string;
  resource: Resource;
  open: OpenFields;
}

export interface DatasetSearch {
  q?: string | undefined;
  provider?: string | undefined;
  category?: string | undefined;
  updateFrequency?: string | undefined;
  sort?: ListQuery['sort'];
  offset: number;
  limit: number;
}

/** What a client asks of a dataset's records: CKAN datastore_search's parameters, checked. */
export interface RecordAsk {
  filters?: Record<string, unknown> | undefined;
  q?: string | undefined;
  fields?: string[] | undefined;
  sort?: Array<{ field: string; desc: boolean }> | undefined;
  offset: number;
  limit: number;
  /** Further conditions, on queryable fields only (a parsed SQL WHERE). */
  where?: Condition | undefined;
}

export interface RecordPage {
  fields: OpenFields['fields'];
  records: Array<Record<string, unknown>>;
  total: number;
}

/** The database cancelled a public query at its time limit (records' PUBLIC_QUERY_MS): the caller's to narrow. */
function tooSlow(e: unknown): never {
  if ((e as { code?: unknown } | null)?.code === '57014')
    throw new HubError('OPN_QUERY_TOO_SLOW', msg('open.queryTooSlow', { seconds: PUBLIC_QUERY_MS / 1000 }));
  throw e;
}

/** Field types whose values are numbers: their cells are tested for a number first (records/csv-copy.ts). */
const NUMERIC: ReadonlySet<string> = new Set(['integer', 'number']);

const notFound = (name: string) => new HubError('OPN_NOT_FOUND', msg('open.noDataset', { name }));

export class OpenDatasets {
  constructor(
    private readonly catalog: CatalogService,
    private readonly records: RecordStore,
    readonly counters: OpenCounters,
  ) {}

  /** The open dataset an entry's code names, or OPN_NOT_FOUND for any other entry or none. */
  async byCode(code: string, asked = code, openType: OpenKind = 'open'): Promise<OpenDataset> {
    if (!isResourceCode(code)) throw notFound(asked);
    let resource: Resource;
    try {
      resource = await this.catalog.read(code, PUBLIC);
    } catch (e) {
      if (isHubError(e) && e.code === 'CAT_RESOURCE_NOT_FOUND') throw notFound(asked);
      throw e;
    }
    return this.asOpen(resource, asked, openType);
  }

  /**
   * A published conditional (有条件开放) entry by name or code, for its metadata and for the one
   * path that reads its records: a developer's approved application (conditional.ts). Never used
   * by the public answers, which know open datasets only.
   */
  async findConditional(nameOrId: string): Promise<OpenDataset> {
    const code = codeOfName(nameOrId) ?? (isResourceCode(nameOrId) ? nameOrId : undefined);
    if (code) return this.byCode(code, nameOrId, 'conditional');
    const id = parseId(nameOrId);
    if (!id) throw notFound(nameOrId);
    const working = await this.catalog.getById(id.entry);
    if (!working) throw notFound(nameOrId);
    return this.byCode(working.code, nameOrId, 'conditional');
  }

  /** A window of the published conditional entries (their metadata only), in code order. */
  async searchConditional(offset: number, limit: number): Promise<{ items: OpenDataset[]; total: number }> {
    const { items, total } = await this.catalog.search(
      { sort: 'code', openType: 'conditional', status: 'published' },
      PUBLIC,
      offset,
      limit,
    );
    return { items: items.map((r) => this.asOpen(r, r.code, 'conditional')), total };
  }

  /** By CKAN name or id: `jngaj-0001`, the dataset's UUID-shaped id, or the entry's code. */
  async find(nameOrId: string): Promise<OpenDataset> {
    const code = codeOfName(nameOrId) ?? (isResourceCode(nameOrId) ? nameOrId : undefined);
    if (code) return this.byCode(code, nameOrId);
    const id = parseId(nameOrId);
    if (id?.kind !== 'dataset') throw notFound(nameOrId);
    return this.byEntry(id.entry, nameOrId);
  }

  /**
   * A dataset and which of its distributions an id names: a distribution's id (CSV, JSON,
   * XLSX), or — as a datastore alias — the dataset's name or id (then the CSV, whose table it is).
   */
  async findDistribution(id: string): Promise<{ dataset: OpenDataset; distribution: Distribution }> {
    const parsed = parseId(id);
    if (parsed && parsed.kind !== 'dataset') {
      return { dataset: await this.byEntry(parsed.entry, id), distribution: parsed.kind };
    }
    try {
      return { dataset: await this.find(id), distribution: 'csv' };
    } catch (e) {
      if (isHubError(e) && e.code === 'OPN_NOT_FOUND')
        throw new HubError('OPN_NOT_FOUND', msg('open.noResource', { id }));
      throw e;
    }
  }

  private async byEntry(entry: number, asked: string): Promise<OpenDataset> {
    const working = await this.catalog.getById(entry);
    if (!working) throw notFound(asked);
    return this.byCode(working.code, asked);
  }

  private asOpen(resource: Resource, asked: string, openType: OpenKind = 'open'): OpenDataset {
    if (resource.openType !== openType || resource.status !== 'published' || resource.publishedAt === null)
      throw notFound(asked);
    return {
      entry: resource.id,
      code: resource.code,
      name: datasetName(resource.code),
      id: datasetId(resource.id),
      resource,
      open: openFieldsOf(resource.fields),
    };
  }

  /** A window of the open datasets matching a search, the total and the facet counts. */
  async search(s: DatasetSearch): Promise<{ items: OpenDataset[]; total: number; facets: Facets }> {
    const { items, total, facets } = await this.catalog.search(
      {
        q: s.q,
        provider: s.provider,
        category: s.category,
        updateFrequency: s.updateFrequency,
        sort: s.sort,
        openType: 'open',
        status: 'published',
      },
      PUBLIC,
      s.offset,
      s.limit,
    );
    return { items: items.map((r) => this.asOpen(r, r.code)), total, facets };
  }

  /**
   * The most viewed open datasets, most first (the counted views of package_show). A dataset no
   * longer open is passed over, as it is everywhere: counts are kept by entry, openness is asked now.
   */
  async mostViewed(limit: number): Promise<OpenDataset[]> {
    const out: OpenDataset[] = [];
    // A few more than asked, for entries closed since they were viewed.
    for (const entry of await this.counters.top('view', limit + 50)) {
      if (out.length >= limit) break;
      try {
        out.push(await this.byEntry(entry, String(entry)));
      } catch (e) {
        if (!(isHubError(e) && e.code === 'OPN_NOT_FOUND')) throw e;
      }
    }
    return out;
  }

  /** Every open dataset, a batch at a time in code order (data.json). */
  async *all(batchSize = 500): AsyncGenerator<OpenDataset[]> {
    for (let offset = 0; ; offset += batchSize) {
      const { items } = await this.search({ sort: 'code', offset, limit: batchSize });
      if (items.length > 0) yield items;
      if (items.length < batchSize) return;
    }
  }

  /** Names of the open datasets, in name order. */
  async names(offset: number, limit: number): Promise<string[]> {
    const codes = await this.catalog.codesOf({ openType: 'open', status: 'published' }, PUBLIC, offset, limit);
    return codes.map(datasetName);
  }

  /** The keywords of the open datasets (CKAN tags), most used first. */
  keywords(limit: number): Promise<Array<{ keyword: string; n: number }>> {
    return this.catalog.publishedKeywords('open', limit);
  }

  /**
   * A page of a dataset's records as the public sees them: filters, full text and sort on its
   * queryable fields only (rules.ts), the masked fields masked, the left-out ones absent.
   */
  async recordPage(ds: OpenDataset, ask: RecordAsk): Promise<RecordPage> {
    const byName = new Map(ds.open.fields.map((f) => [f.name, f]));
    const queryable = (field: string, at: string) => {
      if (!byName.has(field)) throw invalid(at, msg('open.noField', { field }));
      if (!ds.open.queryable.has(field)) throw invalid(at, msg('open.notQueryable', { field }));
      return field;
    };
    const conditions: Condition[] = [];
    for (const [field, value] of Object.entries(ask.filters ?? {})) {
      queryable(field, `filters/${field}`);
      const values = (Array.isArray(value) ? value : [value]).map((v) => scalarOf(v, `filters/${field}`));
      conditions.push({ op: 'in', field, values });
    }
    if (ask.q?.trim()) conditions.push({ op: 'text', fields: [...ds.open.queryable], text: ask.q.trim() });
    if (ask.where) {
      for (const field of conditionFields(ask.where)) queryable(field, 'sql');
      conditions.push(ask.where);
    }
    const order = (ask.sort ?? []).map((o) => ({ field: queryable(o.field, 'sort'), desc: o.desc }));
    const shown = ask.fields?.length
      ? ask.fields.map((f) => {
          const field = byName.get(f);
          if (!field) throw invalid('fields', msg('open.noField', { field: f }));
          return field;
        })
      : ds.open.fields;
    const query: RecordQuery = {
      where: conditions.length > 0 ? { op: 'and', of: conditions } : undefined,
      order,
      offset: ask.offset,
      limit: ask.limit,
    };
    const { docs, total } = await this.records.query(ds.entry, query, conditions.length > 0).catch(tooSlow);
    const records = docs.map((doc) => {
      const open = openRecord(doc, ds.open);
      return Object.fromEntries(shown.map((f) => [f.name, open[f.name] ?? null]));
    });
    return { fields: shown, records, total: total ?? ds.resource.recordCount };
  }

  /**
   * A dataset's CSV rows (no header) written by the database itself (records' `copyCsv`): where
   * the public sees every shown field as held — none masked — and the engine can (PostgreSQL).
   * Undefined otherwise: the download then streams `stream` through csv-stringify, to the same bytes.
   */
  async csvRows(ds: OpenDataset): Promise<Readable | undefined> {
    if (ds.open.masked.size > 0) return undefined;
    const fields = ds.open.fields.map((f) => ({ name: f.name, numeric: NUMERIC.has(f.type) }));
    return this.records.copyCsv(ds.entry, fields);
  }

  /** Every record of a dataset as the public sees it, a batch at a time: what downloads stream. */
  async *stream(ds: OpenDataset, batchSize = 5000): AsyncGenerator<Array<Record<string, unknown>>> {
    for await (const batch of this.records.scan(ds.entry, batchSize)) yield batch.map((d) => openRecord(d, ds.open));
  }
}

function scalarOf(value: unknown, at: string): string | number | boolean {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw invalid(at, msg('open.badText', { max: 1000 }));
}
