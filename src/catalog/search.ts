import { sql, type Kysely, type SelectQueryBuilder } from '../db/index.js';
import { queryPhrases, queryTerms } from './search-terms.js';
import type { CatalogTables } from './tables.js';

export interface ListQuery {
  q?: string | undefined;
  provider?: string | undefined;
  category?: string | undefined;
  shareType?: string | undefined;
  openType?: string | undefined;
  level?: string | undefined;
  status?: string | undefined;
  sort?: 'relevance' | 'code' | 'name' | 'updated' | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

/** Whose drafts the caller may see: `all` for operators, else its own organization's only. */
export interface Viewer {
  org: string | null;
  all: boolean;
}

export const FACETS = {
  provider: 'provider_org',
  category: 'category',
  shareType: 'share_type',
  openType: 'open_type',
  level: 'level',
} as const;

type Tables = CatalogTables;
type Base = SelectQueryBuilder<Tables, 'catalog.resource', object>;

/** The entries matching a query and visible to the viewer, before paging. */
export function matching(db: Kysely<Tables>, query: ListQuery, viewer: Viewer): Base {
  let base: Base = db.selectFrom('catalog.resource');
  if (!viewer.all) {
    base = base.where((eb) => eb.or([eb('published_at', 'is not', null), eb('provider_org', '=', viewer.org ?? '')]));
  }
  const q = query.q?.trim();
  if (q) {
    const terms = queryTerms(q);
    // The GIN index narrows by terms; the phrase check removes bigrams that were not adjacent.
    if (terms.length > 0) base = base.where(sql<boolean>`search_terms @> ${terms}::text[]`);
    for (const phrase of queryPhrases(q)) base = base.where(sql<boolean>`strpos(search_text, ${phrase}) > 0`);
  }
  if (query.provider) base = base.where('provider_org', '=', query.provider);
  if (query.category) base = base.where(sql<boolean>`category = ${query.category}`);
  if (query.shareType) base = base.where(sql<boolean>`share_type = ${query.shareType}`);
  if (query.openType) base = base.where(sql<boolean>`open_type = ${query.openType}`);
  if (query.level) base = base.where(sql<boolean>`level = ${query.level}`);
  if (query.status) base = base.where(sql<boolean>`status = ${query.status}`);
  return base;
}

/** Order of a result page: with a query, entries whose name contains it come first. */
export function ordered<O>(
  base: SelectQueryBuilder<Tables, 'catalog.resource', O>,
  query: ListQuery,
): SelectQueryBuilder<Tables, 'catalog.resource', O> {
  const q = query.q?.trim().toLowerCase();
  const sort = query.sort ?? (q ? 'relevance' : 'code');
  if (sort === 'name') return base.orderBy('name').orderBy('code');
  if (sort === 'updated') return base.orderBy('updated_at', 'desc').orderBy('code');
  if (sort === 'relevance' && q) {
    return base.orderBy(sql`strpos(lower(name), ${q}) = 0`).orderBy('code');
  }
  return base.orderBy('code');
}

type FacetName = keyof typeof FACETS;
const FACET_ENTRIES = Object.entries(FACETS) as Array<[FacetName, (typeof FACETS)[FacetName]]>;
const COLUMNS = FACET_ENTRIES.map(([, column]) => column);

/**
 * Facet counts of the matching entries in one scan: GROUPING SETS gives every facet at once,
 * `grouping()` says which facet a row counts (its column's bit is 0; the first column is the
 * highest bit), and the total is the sum of any one facet's counts.
 */
export async function facetCounts(
  base: Base,
): Promise<{ total: number; facets: Record<FacetName, Record<string, number>> }> {
  const sets = sql.join(COLUMNS.map((c) => sql`(${sql.ref(c)})`));
  const rows = await base
    .select([
      ...COLUMNS,
      sql<number>`count(*)::int`.as('n'),
      sql<number>`grouping(${sql.join(COLUMNS.map((c) => sql.ref(c)))})::int`.as('g'),
    ])
    .groupBy(sql`grouping sets (${sets})` as never)
    .execute();
  const facets = Object.fromEntries(FACET_ENTRIES.map(([name]) => [name, {}])) as Record<
    FacetName,
    Record<string, number>
  >;
  let total = 0;
  for (const row of rows) {
    const i = COLUMNS.findIndex((_, i) => (row.g & (1 << (COLUMNS.length - 1 - i))) === 0);
    const [name, column] = FACET_ENTRIES[i]!;
    facets[name][String(row[column])] = row.n;
    if (i === 0) total += row.n;
  }
  return { total, facets };
}
