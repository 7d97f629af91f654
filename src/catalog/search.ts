import { sql, type Kysely, type RawBuilder } from '../db/index.js';
import { nameTerm, queryPhrases, queryTerms } from './search-terms.js';
import type { CatalogTables } from './tables.js';
import { visibleRows, type Viewer } from './visibility.js';

export interface ListQuery {
  q?: string | undefined;
  provider?: string | undefined;
  category?: string | undefined;
  shareType?: string | undefined;
  openType?: string | undefined;
  level?: string | undefined;
  updateFrequency?: string | undefined;
  status?: string | undefined;
  sort?: 'relevance' | 'code' | 'name' | 'updated' | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

export type Facets = Record<
  'provider' | 'category' | 'shareType' | 'openType' | 'level' | 'updateFrequency',
  Record<string, number>
>;
export interface SearchPage {
  ids: number[];
  total: number;
  facets: Facets;
}
type Db = Kysely<CatalogTables>;
/** Matches above which a one-term page is read by walking an ordered index (see oneTermPage). */
const DENSE = 10_000;

/** Facet name → column, in the order of the GROUPING SETS below. */
const FACETS = [
  ['provider', 'provider_org'],
  ['category', 'category'],
  ['shareType', 'share_type'],
  ['openType', 'open_type'],
  ['level', 'level'],
  ['updateFrequency', 'update_frequency'],
] as const;
const FACET_COLUMNS = FACETS.map(([, c]) => sql.ref(c));
const GROUPING_SETS = sql`grouping sets (${sql.join(FACET_COLUMNS.map((c) => sql`(${c})`))})`;

/**
 * Visibility and the facet filters. Both catalog.resource_search and catalog.search_count carry
 * these columns under the same names, so one WHERE serves the entries and their counts.
 */
function filters(query: ListQuery, viewer: Viewer): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [visibleRows(viewer)];
  const equal = (column: string, value: string | undefined) => value && where.push(sql`${sql.ref(column)} = ${value}`);
  equal('provider_org', query.provider);
  equal('category', query.category);
  equal('share_type', query.shareType);
  equal('open_type', query.openType);
  equal('level', query.level);
  equal('update_frequency', query.updateFrequency);
  equal('status', query.status);
  return where;
}

const and = (where: RawBuilder<unknown>[]) => (where.length === 0 ? sql`true` : sql.join(where, sql` and `));

function orderBy(query: ListQuery, q: string): RawBuilder<unknown> {
  const sort = query.sort ?? (q ? 'relevance' : 'code');
  if (sort === 'name') return sql`name, code`;
  if (sort === 'updated') return sql`updated_at desc, code`;
  if (sort === 'relevance' && q) return sql`strpos(lower(name), ${q}) = 0, code`;
  return sql`code`;
}

/**
 * One page (`size` entries from `offset`) of matching entry ids, the total and the facet counts. A browse or a one-term query
 * (a word of one or two Han characters, a code, a filter alone) — the broad and common cases —
 * counts from catalog.search_count and pages through an index in order; a longer query, which
 * the bigram index makes selective, reads its matches once and counts them.
 */
export async function searchPage(
  db: Db,
  query: ListQuery,
  viewer: Viewer,
  offset: number,
  size: number,
): Promise<SearchPage> {
  const q = query.q?.trim().toLowerCase() ?? '';
  const terms = queryTerms(q);
  if (terms.length <= 1 && queryPhrases(q).length === 0)
    return oneTermPage(db, query, viewer, terms[0] ?? '', offset, size);
  return matchedPage(db, query, viewer, q, terms, offset, size);
}

async function oneTermPage(db: Db, query: ListQuery, viewer: Viewer, term: string, offset: number, size: number) {
  const where = filters(query, viewer);
  const count = async (t: string) =>
    (
      await sql<{ n: number }>`select coalesce(sum(n), 0)::int as n from catalog.search_count
        where term = ${t} and ${and(where)}`.execute(db)
    ).rows[0]!.n;
  const { rows } = await sql<Record<string, string | number>>`
    select ${sql.join(FACET_COLUMNS)}, sum(n)::int as n, grouping(${sql.join(FACET_COLUMNS)})::int as g
    from catalog.search_count where term = ${term} and ${and(where)}
    group by ${GROUPING_SETS} having sum(n) > 0`.execute(db);
  const { total, facets } = readFacets(rows);
  // A broad term is dense, so walking an index in order finds a page at once; a narrower one is
  // read through the term index first (OFFSET 0 keeps the planner from walking the order),
  // because its entries may all sit far along that order — a code prefix, one department's
  // words — which the planner's statistics cannot see. Filters alone walk their own indexes.
  const ids = async (holding: RawBuilder<unknown>, order: RawBuilder<unknown>, offset: number, limit: number) => {
    if (limit <= 0) return [];
    const matching = sql`select resource_id, code, name, updated_at from catalog.resource_search
      where ${holding} and ${and(where)}`;
    const from = !term || total > DENSE ? sql`(${matching}) s` : sql`(${matching} offset 0) s`;
    const { rows } = await sql<{ resource_id: number }>`select resource_id from ${from}
      order by ${order} limit ${limit} offset ${offset}`.execute(db);
    return rows.map((x) => Number(x.resource_id));
  };
  const has = (t: string) => (t ? sql`terms @> ${[t]}::text[]` : sql`true`);
  const sort = query.sort ?? (term ? 'relevance' : 'code');
  if (sort !== 'relevance' || !term)
    return { ids: await ids(has(term), orderBy(query, ''), offset, size), total, facets };
  // Relevance: entries whose name holds the term first, each group in code order.
  const named = await count(nameTerm(term));
  const first = await ids(has(nameTerm(term)), sql`code`, offset, Math.min(size, named - offset));
  const rest = await ids(
    sql`${has(term)} and not ${has(nameTerm(term))}`,
    sql`code`,
    Math.max(0, offset - named),
    size - first.length,
  );
  return { ids: [...first, ...rest], total, facets };
}

/** Reads the matches once (a materialized CTE), then pages them and counts them per facet. */
async function matchedPage(
  db: Db,
  query: ListQuery,
  viewer: Viewer,
  q: string,
  terms: string[],
  offset: number,
  size: number,
) {
  const order = orderBy(query, q);
  const { rows } = await sql<{ ids: number[] | null; facets: Array<Record<string, string | number>> | null }>`
    with m as materialized (
      select s.resource_id, s.code, s.name, s.updated_at, s.provider_org, s.category, s.share_type, s.open_type, s.level,
        s.update_frequency
      from catalog.resource_search s where ${matches(query, viewer, q, terms)}
    )
    select
      (select array_agg(resource_id order by ${order}) from
        (select * from m order by ${order} limit ${size} offset ${offset}) p) as ids,
      (select json_agg(f) from
        (select ${sql.join(FACET_COLUMNS)}, count(*)::int as n, grouping(${sql.join(FACET_COLUMNS)})::int as g
         from m group by ${GROUPING_SETS}) f) as facets
  `.execute(db);
  return { ids: (rows[0]?.ids ?? []).map(Number), ...readFacets(rows[0]?.facets ?? []) };
}

/** The WHERE of a word search: the GIN index narrows by terms; a long Han phrase is confirmed in the text. */
function matches(query: ListQuery, viewer: Viewer, q: string, terms: string[]): RawBuilder<unknown> {
  const where = filters(query, viewer);
  if (terms.length > 0) where.push(sql`s.terms @> ${terms}::text[]`);
  for (const phrase of queryPhrases(q)) {
    // The name is at hand in the index row and holds the phrase in most matches; only the
    // others are looked up in the whole text of the content the row holds.
    where.push(sql`(strpos(lower(s.name), ${phrase}) > 0 or exists (select 1 from catalog.resource r
      where r.id = s.resource_id
        and strpos(case when s.working then r.search_text else r.published_text end, ${phrase}) > 0))`);
  }
  return and(where);
}

/** `grouping()` marks which facet a row counts: its column's bit is 0, the first column the highest bit. */
function readFacets(rows: Array<Record<string, string | number>>): { total: number; facets: Facets } {
  const facets = Object.fromEntries(FACETS.map(([name]) => [name, {}])) as Facets;
  let total = 0;
  for (const row of rows) {
    const g = Number(row.g);
    const i = FACETS.findIndex((_, i) => (g & (1 << (FACETS.length - 1 - i))) === 0);
    const [name, column] = FACETS[i]!;
    facets[name][String(row[column])] = Number(row.n);
    if (i === 0) total += Number(row.n);
  }
  return { total, facets };
}

/** Every matching entry id in order, up to `limit` (exports). */
export async function searchIds(db: Db, query: ListQuery, viewer: Viewer, limit: number): Promise<number[]> {
  const q = query.q?.trim().toLowerCase() ?? '';
  const { rows } = await sql<{ resource_id: number }>`
    select s.resource_id from catalog.resource_search s where ${matches(query, viewer, q, queryTerms(q))}
    order by ${orderBy(query, q)} limit ${limit}
  `.execute(db);
  return rows.map((r) => Number(r.resource_id));
}
