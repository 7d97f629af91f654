import type { Facets, ListQuery } from '../catalog/index.js';
import { HubError, invalid, isHubError, msg } from '../kernel/index.js';
import {
  datastoreFields,
  groupDict,
  orgName,
  organizationDict,
  packageDict,
  resourceDict,
  tagDict,
  type Organization,
} from './ckan.js';
import type { OpenDataset, OpenDatasets } from './datasets.js';
import { DISTRIBUTIONS, distributionId } from './ids.js';
import { parseSelect } from './sql.js';
import { apiUrl } from './urls.js';
import { CATEGORY_TITLES, FREQUENCY_TITLES, OPEN_TYPE_TITLES } from './vocab.js';

/**
 * CKAN's Action API over the open datasets (docs/open.md): each action takes CKAN's parameters —
 * strings from a query string or JSON values from a body, as CKAN accepts both — and answers the
 * `result` CKAN would. The HTTP layer wraps it in CKAN's envelope. Only open datasets exist here.
 */
export type Params = Record<string, unknown>;

export interface ActionContext {
  origin: string;
  /** Every organization by code (names of providers). */
  organizations: () => Promise<Map<string, Organization>>;
  /**
   * The caller's way to a conditional (有条件开放) dataset, when it presented an API key: the
   * dataset and the approved application an id names (null: none — answered "not found" as
   * ever), and the recording of each use before its answer leaves (conditional.ts).
   */
  conditional?: ConditionalReader;
}

export interface ConditionalReader {
  find(id: string): Promise<{ dataset: OpenDataset; application: number } | null>;
  used(dataset: OpenDataset, application: number, answer: { rows: number; value: unknown }): Promise<void>;
}

export const ROWS_MAX = 1000;
export const DATASTORE_LIMIT = 100;
export const DATASTORE_MAX = 32_000;
const CKAN_VERSION = '2.10.4';

/** The parameters of one call, read the way CKAN reads them: a text from a query string, a value from JSON. */
class Read {
  constructor(private readonly p: Params) {}

  text(name: string, max = 1000): string | undefined {
    const v = this.p[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string' && typeof v !== 'number') throw invalid(name, msg('open.badText', { max }));
    const s = String(v);
    if (s.length > max) throw invalid(name, msg('open.badText', { max }));
    return s;
  }

  required(name: string): string {
    const v = this.text(name);
    if (v === undefined) throw invalid(name, msg('schema.required'));
    return v;
  }

  int(name: string, fallback: number, max: number): number {
    const v = this.p[name];
    if (v === undefined || v === null || v === '') return fallback;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,10}$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > max) throw invalid(name, msg('open.badInteger', { max }));
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.p[name];
    if (v === undefined || v === null || v === '') return fallback;
    if (typeof v === 'boolean') return v;
    const s = String(v).toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(s)) return true;
    if (['false', '0', 'no', 'off'].includes(s)) return false;
    throw invalid(name, msg('schema.type', { type: 'boolean' }));
  }

  /** A JSON value: as given in a body, parsed from text in a query string. */
  json(name: string): unknown {
    const v = this.p[name];
    if (typeof v !== 'string') return v;
    if (v.length > 10_000) throw invalid(name, msg('open.badText', { max: 10_000 }));
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }

  /** A list: a JSON array, or text separated by commas. */
  list(name: string): string[] | undefined {
    const v = this.json(name);
    if (v === undefined || v === null || v === '') return undefined;
    const items = Array.isArray(v) ? v : String(v).split(',');
    if (items.length > 500 || items.some((x) => typeof x !== 'string' || x.length > 200))
      throw invalid(name, msg('open.badText', { max: 200 }));
    return (items as string[]).map((s) => s.trim()).filter(Boolean);
  }
}

/** The actions of CKAN's API the hub answers, as CKAN names them. */
export const CKAN_ACTIONS = [
  'package_list',
  'package_search',
  'package_show',
  'organization_list',
  'organization_show',
  'group_list',
  'group_show',
  'tag_list',
  'resource_show',
  'status_show',
  'datastore_search',
  'datastore_search_sql',
  'help_show',
] as const;

export class CkanActions {
  constructor(private readonly datasets: OpenDatasets) {}

  readonly names = CKAN_ACTIONS;

  has(action: string): action is CkanAction {
    return (this.names as readonly string[]).includes(action);
  }

  async run(action: string, params: Params, ctx: ActionContext): Promise<unknown> {
    if (!this.has(action)) throw new HubError('OPN_UNKNOWN_ACTION', msg('open.unknownAction', { action }));
    const p = new Read(params);
    switch (action) {
      case 'package_list':
        return this.datasets.names(p.int('offset', 0, 10_000_000), p.int('limit', 100_000, 100_000));
      case 'package_search':
        return this.packageSearch(p, ctx);
      case 'package_show': {
        const ds = await this.datasets.find(p.required('id'));
        this.datasets.counters.add(ds.entry, 'view');
        return this.packageOf(ds, ctx, true);
      }
      case 'organization_list':
        return this.organizationList(p, ctx);
      case 'organization_show':
        return this.organizationShow(p, ctx);
      case 'group_list':
        return this.groupList(p);
      case 'group_show':
        return this.groupShow(p, ctx);
      case 'tag_list': {
        const query = p.text('query', 100);
        const tags = (await this.datasets.keywords(10_000)).filter((t) => !query || t.keyword.includes(query));
        return p.bool('all_fields', false) ? tags.map((t) => tagDict(t.keyword)) : tags.map((t) => t.keyword);
      }
      case 'resource_show': {
        const { dataset, distribution } = await this.datasets.findDistribution(p.required('id'));
        return resourceDict(dataset, distribution, ctx.origin);
      }
      case 'status_show':
        return {
          site_title: '泉城数据中枢 · 济南公共数据开放',
          site_description: 'Jinan public open data (泉城数据中枢 Quancheng Data Hub)',
          site_url: ctx.origin,
          ckan_version: CKAN_VERSION,
          error_emails_to: null,
          locale_default: 'zh_Hans_CN',
          extensions: ['datastore', 'dcat'],
        };
      case 'datastore_search':
        return this.datastoreSearch(p, ctx);
      case 'datastore_search_sql':
        return this.datastoreSql(p, ctx);
      case 'help_show': {
        const name = p.required('name');
        if (!this.has(name)) throw new HubError('OPN_UNKNOWN_ACTION', msg('open.unknownAction', { action: name }));
        return `${name}: CKAN's action of that name over Jinan's open datasets; see ${ctx.origin}/api/docs and docs/open.md.`;
      }
    }
  }

  private async packageOf(ds: OpenDataset, ctx: ActionContext, counted = false) {
    const orgs = await ctx.organizations();
    const code = ds.resource.provider.code;
    const org = orgs.get(code) ?? { code, name: ds.resource.provider.name };
    const counts = counted ? (await this.datasets.counters.of([ds.entry])).get(ds.entry) : undefined;
    return packageDict(ds, org, ctx.origin, counts);
  }

  private async packageSearch(p: Read, ctx: ActionContext) {
    const rows = p.int('rows', 10, ROWS_MAX);
    const start = p.int('start', 0, 10_000_000);
    const q = p.text('q', 500);
    const query: ListQuery = { q: q === '*:*' ? undefined : q, ...filterQuery(p.text('fq', 1000)) };
    const sortText = p.text('sort', 200);
    const facetFields = p.list('facet.field') ?? [];
    const facetLimit = p.int('facet.limit', 50, 1000);
    if (sortText && VIEW_SORTS.has(firstSort(sortText))) {
      if (query.q || query.provider || query.category || query.updateFrequency)
        throw new HubError('OPN_SEARCH_QUERY', msg('open.viewSortAlone', { sort: sortText.slice(0, 100) }));
      return this.mostViewed(start, rows, sortText, facetFields, facetLimit, ctx);
    }
    const sort = sortOf(sortText);
    const { items, total, facets } = await this.datasets.search({ ...query, sort, offset: start, limit: rows });
    const orgs = await ctx.organizations();
    const results = items.map((ds) => {
      const code = ds.resource.provider.code;
      return packageDict(ds, orgs.get(code) ?? { code, name: ds.resource.provider.name }, ctx.origin);
    });
    const searchFacets: Record<string, { title: string; items: FacetItem[] }> = {};
    for (const field of facetFields) {
      searchFacets[field] = { title: field, items: facetItems(field, facets, total, orgs).slice(0, facetLimit) };
    }
    return {
      count: total,
      results,
      sort: sortText ?? 'score desc, metadata_modified desc',
      facets: Object.fromEntries(
        Object.entries(searchFacets).map(([f, { items }]) => [
          f,
          Object.fromEntries(items.map((i) => [i.name, i.count])),
        ]),
      ),
      search_facets: searchFacets,
    };
  }

  /**
   * package_search sorted by views (CKAN's tracking sorts, `views_total desc`, `views_recent desc`:
   * the hub counts totals only): the viewed open datasets, most first, with their counts in
   * `extras`; `count` is how many of them the list holds (at most ROWS_MAX), so paging stays whole.
   */
  private async mostViewed(
    start: number,
    rows: number,
    sortText: string,
    facetFields: string[],
    facetLimit: number,
    ctx: ActionContext,
  ) {
    const viewed = await this.datasets.mostViewed(ROWS_MAX);
    const window = viewed.slice(start, start + rows);
    const [orgs, counts, facets] = await Promise.all([
      ctx.organizations(),
      this.datasets.counters.of(window.map((ds) => ds.entry)),
      facetFields.length > 0 ? this.facets() : undefined,
    ]);
    const total = facets ? Object.values(facets.category).reduce((a, b) => a + b, 0) : 0;
    const searchFacets: Record<string, { title: string; items: FacetItem[] }> = {};
    for (const field of facetFields) {
      searchFacets[field] = { title: field, items: facetItems(field, facets!, total, orgs).slice(0, facetLimit) };
    }
    return {
      count: viewed.length,
      results: window.map((ds) => {
        const code = ds.resource.provider.code;
        return packageDict(
          ds,
          orgs.get(code) ?? { code, name: ds.resource.provider.name },
          ctx.origin,
          counts.get(ds.entry),
        );
      }),
      sort: sortText,
      facets: Object.fromEntries(
        Object.entries(searchFacets).map(([f, { items }]) => [
          f,
          Object.fromEntries(items.map((i) => [i.name, i.count])),
        ]),
      ),
      search_facets: searchFacets,
    };
  }

  private async facets(): Promise<Facets> {
    return (await this.datasets.search({ offset: 0, limit: 0 })).facets;
  }

  private async organizationList(p: Read, ctx: ActionContext) {
    const counts = (await this.facets()).provider;
    const orgs = await ctx.organizations();
    const list = Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([code, n]) => ({ org: orgs.get(code) ?? { code, name: code }, n }))
      .sort(
        (a, b) => (p.text('sort')?.startsWith('package_count') ? b.n - a.n : 0) || a.org.code.localeCompare(b.org.code),
      );
    const window = list.slice(p.int('offset', 0, 100_000), p.int('offset', 0, 100_000) + p.int('limit', 1000, 1000));
    return p.bool('all_fields', false)
      ? window.map(({ org, n }) => organizationDict(org, ctx.origin, n))
      : window.map(({ org }) => orgName(org.code));
  }

  private async organizationShow(p: Read, ctx: ActionContext) {
    const id = p.required('id');
    const counts = (await this.facets()).provider;
    const code = Object.keys(counts).find((c) => orgName(c) === id.toLowerCase() && counts[c]! > 0);
    if (!code) throw new HubError('OPN_NOT_FOUND', msg('open.noDataset', { name: id }));
    const org = (await ctx.organizations()).get(code) ?? { code, name: code };
    const dict = organizationDict(org, ctx.origin, counts[code]);
    if (!p.bool('include_datasets', false)) return dict;
    const { items } = await this.datasets.search({ provider: code, offset: 0, limit: 1000 });
    return { ...dict, packages: items.map((ds) => packageDict(ds, org, ctx.origin)) };
  }

  private async groupList(p: Read) {
    const counts = (await this.facets()).category;
    const list = (Object.keys(CATEGORY_TITLES) as Array<keyof typeof CATEGORY_TITLES>).filter(
      (c) => (counts[c] ?? 0) > 0,
    );
    return p.bool('all_fields', false) ? list.map((c) => groupDict(c, counts[c])) : list;
  }

  private async groupShow(p: Read, ctx: ActionContext) {
    const id = p.required('id');
    const counts = (await this.facets()).category;
    if (!(id in CATEGORY_TITLES) || !(counts[id] ?? 0))
      throw new HubError('OPN_NOT_FOUND', msg('open.noDataset', { name: id }));
    const category = id as keyof typeof CATEGORY_TITLES;
    const dict = groupDict(category, counts[id]);
    if (!p.bool('include_datasets', false)) return dict;
    const orgs = await ctx.organizations();
    const { items } = await this.datasets.search({ category, offset: 0, limit: 1000 });
    return {
      ...dict,
      packages: items.map((ds) =>
        packageDict(ds, orgs.get(ds.resource.provider.code) ?? ds.resource.provider, ctx.origin),
      ),
    };
  }

  /** The dataset a data API call names: an open one, else a conditional one the caller was approved for. */
  private async dataOf(id: string, ctx: ActionContext): Promise<{ dataset: OpenDataset; application?: number }> {
    try {
      return await this.datasets.findDistribution(id);
    } catch (e) {
      if (!(isHubError(e) && e.code === 'OPN_NOT_FOUND' && ctx.conditional)) throw e;
      const approved = await ctx.conditional.find(id);
      if (!approved) throw e;
      return approved;
    }
  }

  private async datastoreSearch(p: Read, ctx: ActionContext) {
    const resourceId = p.required('resource_id');
    const { dataset, application } = await this.dataOf(resourceId, ctx);
    const limit = p.int('limit', DATASTORE_LIMIT, DATASTORE_MAX);
    const offset = p.int('offset', 0, 100_000_000);
    const filters = p.json('filters');
    if (filters !== undefined && (typeof filters !== 'object' || filters === null || Array.isArray(filters)))
      throw invalid('filters', msg('open.badObject'));
    const q = p.json('q');
    if (q !== undefined && typeof q !== 'string') throw invalid('q', msg('open.badText', { max: 1000 }));
    const sortText = p.text('sort', 500);
    const format = p.text('records_format') ?? 'objects';
    if (format !== 'objects') throw invalid('records_format', msg('schema.enum', { allowed: 'objects' }));
    const page = await this.datasets.recordPage(dataset, {
      filters: filters as Record<string, unknown> | undefined,
      q,
      fields: p.list('fields'),
      sort: sortText ? columnSort(sortText) : undefined,
      offset,
      limit,
    });
    this.datasets.counters.add(dataset.entry, 'call');
    const base = `/api/3/action/datastore_search?resource_id=${encodeURIComponent(resourceId)}`;
    if (application !== undefined)
      await ctx.conditional!.used(dataset, application, { rows: page.records.length, value: page.records });
    return {
      include_total: true,
      resource_id: resourceId,
      fields: [{ id: '_id', type: 'int' }, ...datastoreFields(page.fields, dataset.resource.keyField)],
      records_format: 'objects',
      records: page.records.map((r, i) => ({ _id: offset + i + 1, ...r })),
      limit,
      offset,
      ...(filters !== undefined ? { filters } : {}),
      ...(q !== undefined ? { q } : {}),
      ...(sortText ? { sort: sortText } : {}),
      _links: { start: base, next: `${base}&offset=${offset + limit}` },
      total: page.total,
      total_was_estimated: false,
    };
  }

  private async datastoreSql(p: Read, ctx: ActionContext) {
    const text = p.required('sql');
    const parsed = await parseSelect(text);
    const { dataset, application } = await this.dataOf(parsed.table, ctx).catch((e: unknown) => {
      if (isHubError(e) && e.code === 'OPN_APPLICATION_EXPIRED') throw e;
      throw new HubError('OPN_SQL_INVALID', msg('open.noResource', { id: parsed.table.slice(0, 100) }));
    });
    const limit = Math.min(parsed.limit ?? DATASTORE_MAX, DATASTORE_MAX);
    // CKAN says records_truncated when the rows' maximum, not the query's own LIMIT, cut the answer.
    const capped = parsed.limit === undefined || parsed.limit > DATASTORE_MAX;
    this.datasets.counters.add(dataset.entry, 'call');
    if (parsed.count !== null) {
      const page = await this.datasets.recordPage(dataset, {
        where: parsed.where ?? { op: 'and', of: [] },
        offset: 0,
        limit: 0,
      });
      if (application !== undefined) await ctx.conditional!.used(dataset, application, { rows: 1, value: page.total });
      return {
        sql: text,
        fields: [{ id: parsed.count, type: 'int8' }],
        records: parsed.offset > 0 || limit === 0 ? [] : [{ [parsed.count]: page.total }],
      };
    }
    const page = await this.datasets.recordPage(dataset, {
      fields: parsed.columns?.map((c) => c.field),
      where: parsed.where,
      sort: parsed.order,
      offset: parsed.offset,
      limit: capped ? limit + 1 : limit,
    });
    const truncated = capped && page.records.length > limit;
    const rename = parsed.columns;
    const fields = datastoreFields(page.fields).map((f, i) => (rename ? { ...f, id: rename[i]!.as } : f));
    const records = page.records
      .slice(0, limit)
      .map((r) => (rename ? Object.fromEntries(rename.map((c) => [c.as, r[c.field] ?? null])) : r));
    if (application !== undefined)
      await ctx.conditional!.used(dataset, application, { rows: records.length, value: records });
    return { sql: text, fields, records, ...(truncated ? { records_truncated: true } : {}) };
  }
}

export type CkanAction = CkanActions['names'][number];

interface FacetItem {
  name: string;
  display_name: string;
  count: number;
}

function facetItems(field: string, facets: Facets, total: number, orgs: Map<string, Organization>): FacetItem[] {
  const sorted = (items: FacetItem[]) => items.filter((i) => i.count > 0).sort((a, b) => b.count - a.count);
  switch (field) {
    case 'organization':
      return sorted(
        Object.entries(facets.provider).map(([code, count]) => ({
          name: orgName(code),
          display_name: orgs.get(code)?.name ?? code,
          count,
        })),
      );
    case 'groups':
      return sorted(
        Object.entries(facets.category).map(([c, count]) => ({
          name: c,
          display_name: CATEGORY_TITLES[c as keyof typeof CATEGORY_TITLES]?.zh ?? c,
          count,
        })),
      );
    case 'res_format':
      return sorted(DISTRIBUTIONS.map((d) => ({ name: d.toUpperCase(), display_name: d.toUpperCase(), count: total })));
    case 'license_id':
      return sorted([{ name: 'other-at', display_name: 'other-at', count: total }]);
    case 'update_frequency':
      return sorted(
        Object.entries(facets.updateFrequency).map(([f, count]) => ({
          name: f,
          display_name: FREQUENCY_TITLES[f as keyof typeof FREQUENCY_TITLES] ?? f,
          count,
        })),
      );
    // Every dataset of the public search is open (无条件开放): conditional ones are listed apart.
    case 'open_type':
      return sorted([{ name: 'open', display_name: OPEN_TYPE_TITLES.open, count: total }]);
    default:
      throw new HubError('OPN_SEARCH_QUERY', msg('open.badFacet', { field: field.slice(0, 50) }));
  }
}

/** CKAN's `sort` of package_search, as the catalog search sorts. */
/** CKAN's sorts by views (with its tracking on): the most viewed datasets, as the hub counts them. */
const VIEW_SORTS = new Set(['views_total desc', 'views_recent desc']);

const firstSort = (text: string) => text.split(',')[0]!.trim().toLowerCase().replace(/\s+/g, ' ');

function sortOf(text: string | undefined): ListQuery['sort'] {
  if (!text) return undefined;
  const first = firstSort(text);
  const sorts: Record<string, ListQuery['sort']> = {
    'score desc': 'relevance',
    'name asc': 'code',
    name: 'code',
    'title_string asc': 'name',
    title_string: 'name',
    'metadata_modified desc': 'updated',
  };
  const sort = sorts[first];
  if (!sort) throw new HubError('OPN_SEARCH_QUERY', msg('open.badSort', { sort: text.slice(0, 100) }));
  return sort;
}

/** CKAN's `fq` (Solr filter query), of the fields the catalog search filters on: `organization:x groups:y`. */
function filterQuery(fq: string | undefined): Pick<ListQuery, 'provider' | 'category' | 'updateFrequency'> {
  const out: Pick<ListQuery, 'provider' | 'category' | 'updateFrequency'> = {};
  if (!fq) return out;
  const terms = fq.match(/[+]?[\w.]+:(?:"[^"]*"|[^\s"]+)|\S+/g) ?? [];
  for (const term of terms) {
    if (term === 'AND') continue;
    const m = /^\+?([\w.]+):"?([^"]*)"?$/.exec(term);
    if (!m) throw new HubError('OPN_SEARCH_QUERY', msg('open.badFilter', { fq: term.slice(0, 100) }));
    const [, field, value] = m as unknown as [string, string, string];
    if (field === 'organization' || field === 'owner_org') out.provider = value.toUpperCase();
    else if (field === 'groups') out.category = value;
    else if (field === 'update_frequency' && value in FREQUENCY_TITLES) out.updateFrequency = value;
    else if (field === 'open_type' && value === 'open') continue;
    else if (field === 'res_format' && DISTRIBUTIONS.includes(value.toLowerCase() as never)) continue;
    else if (field === 'license_id' && value === 'other-at') continue;
    else if (field === 'dataset_type' && value === 'dataset') continue;
    else throw new HubError('OPN_SEARCH_QUERY', msg('open.badFilter', { fq: term.slice(0, 100) }));
  }
  return out;
}

/** datastore_search's `sort`: "field", "field desc", several separated by commas. */
function columnSort(text: string): Array<{ field: string; desc: boolean }> {
  return text.split(',').map((part) => {
    const m = /^\s*"?([\w\u0080-\uffff]+)"?(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!m) throw invalid('sort', msg('open.badSort', { sort: part.slice(0, 100) }));
    return { field: m[1]!, desc: (m[2] ?? '').toLowerCase() === 'desc' };
  });
}

export const helpUrl = (origin: string, action: string) => `${apiUrl(origin)}/help_show?name=${action}`;
export { distributionId };
