import { json, sql, transactionRetrying, type Kysely, type RawBuilder, type Transaction } from '../db/index.js';
import { contentOf, searchable } from './content.js';
import type { CatalogTables } from './tables.js';

// The catalog's search index (catalog.resource_search and its term counts, catalog.search_count),
// written in the same transaction as each change of an entry. An entry has a row for its working
// copy and, while an edit of its published content waits, one for the published content besides
// (visibility.ts says who matches which).

type Db = Kysely<CatalogTables>;

/**
 * Writes an entry's rows of the search index in the same transaction as its change: the working
 * copy's, with new terms or, when `terms` is null (a workflow step), the terms it has; and the
 * published content's while an edit of it waits (visibility.ts). Their term counts move with them.
 */
export async function writeSearchRows(
  trx: Transaction<CatalogTables>,
  id: number,
  terms: string[] | null,
): Promise<void> {
  const which = sql`resource_id = ${id}`;
  await countTerms(trx, which, -1);
  // A withdrawal: nothing published is left for outside readers.
  await sql`delete from catalog.resource_search s using catalog.resource r
    where r.id = s.resource_id and s.resource_id = ${id} and not s.working and r.published_version is null`.execute(
    trx,
  );
  // The first edit after a publish: the row of the published content stays for outside readers.
  await sql`update catalog.resource_search s set working = false from catalog.resource r
    where r.id = s.resource_id and s.resource_id = ${id} and s.working and s.published
      and r.version <> r.published_version`.execute(trx);
  // A publish: the working copy is the published content now.
  await sql`delete from catalog.resource_search s using catalog.resource r
    where r.id = s.resource_id and s.resource_id = ${id} and not s.working
      and r.version = r.published_version`.execute(trx);
  await sql`
    insert into catalog.resource_search
      (resource_id, code, name, provider_org, category, share_type, open_type, level, update_frequency, status,
       published, updated_at, terms)
    select id, code, name, provider_org, category, share_type, open_type, level, update_frequency, status,
      coalesce(published_version = version, false), updated_at, coalesce(${terms}::text[], '{}')
    from catalog.resource where id = ${id}
    on conflict (resource_id, working) do update set
      code = excluded.code, name = excluded.name, provider_org = excluded.provider_org, category = excluded.category,
      share_type = excluded.share_type, open_type = excluded.open_type, level = excluded.level,
      update_frequency = excluded.update_frequency, status = excluded.status, published = excluded.published, updated_at = excluded.updated_at,
      terms = coalesce(${terms}::text[], catalog.resource_search.terms)
  `.execute(trx);
  await countTerms(trx, which, 1);
}

/** Adds (1) or takes away (-1) the term counts of the index rows `which` selects; '' counts every entry. */
async function countTerms(db: Db, which: RawBuilder<unknown>, sign: 1 | -1): Promise<void> {
  await sql`
    insert into catalog.search_count as c
      (term, provider_org, category, share_type, open_type, level, update_frequency, status, published, working, n)
    select t, provider_org, category, share_type, open_type, level, update_frequency, status, published, working,
      ${sign} * count(*)::int
    from catalog.resource_search, unnest(terms || '{""}'::text[]) as t
    where ${which}
    group by t, provider_org, category, share_type, open_type, level, update_frequency, status, published, working
    on conflict (term, provider_org, category, share_type, open_type, level, update_frequency, status, published, working)
    do update set n = c.n + excluded.n
  `.execute(db);
}

/**
 * Fills the index rows entries lack: those registered before it existed (the migration cannot
 * segment text in SQL) and bulk-loaded ones, and the rows of published content under an edit
 * made before the index held them. Cheap when there is nothing to do: an update that finds
 * nothing and two anti-joins. Returns how many rows it wrote.
 */
export async function indexMissing(db: Db, batch: number): Promise<number> {
  // Entries bulk-loaded as published were published as they stand.
  await db
    .updateTable('catalog.resource')
    .set({ published_version: sql`version` })
    .where('published_at', 'is not', null)
    .where('published_version', 'is', null)
    .execute();
  return (await indexWorking(db, batch)) + (await indexPublished(db, batch));
}

async function indexWorking(db: Db, batch: number): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = await db
      .selectFrom('catalog.resource as r')
      .leftJoin('catalog.resource_search as s', (j) => j.onRef('s.resource_id', '=', 'r.id').on('s.working', '=', true))
      .selectAll('r')
      .where('s.resource_id', 'is', null)
      .orderBy('r.id')
      .limit(batch)
      .execute();
    if (rows.length === 0) return done;
    const entries = rows.map((row) => {
      const content = contentOf(row);
      return { id: row.id, version: row.version, doc: content, ...searchable(row.code, content) };
    });
    // One statement per batch for the text, the index row and a first version of each entry,
    // and its term counts in the same transaction, so that an interrupted run leaves no half.
    await transactionRetrying(db, async (trx) => {
      await sql`
      with d as (
        select (e->>'id')::int as id, (e->>'version')::int as version, e->'doc' as doc, e->>'text' as text,
          array(select jsonb_array_elements_text(e->'terms')) as terms
        from jsonb_array_elements(${json(entries)}) e
      ), texts as (
        update catalog.resource r set search_text = d.text,
          published_text = case when r.published_version = r.version then d.text else r.published_text end
        from d where r.id = d.id
      ), versions as (
        insert into catalog.resource_version (resource_id, version, doc)
        select id, version, doc from d on conflict do nothing
      )
      insert into catalog.resource_search
        (resource_id, code, name, provider_org, category, share_type, open_type, level, update_frequency, status,
         published, updated_at, terms)
      select r.id, r.code, r.name, r.provider_org, r.category, r.share_type, r.open_type, r.level, r.update_frequency, r.status,
        coalesce(r.published_version = r.version, false), r.updated_at, d.terms
      from catalog.resource r join d on d.id = r.id
    `.execute(trx);
      await countTerms(trx, sql`resource_id = any(${rows.map((r) => r.id)}::int[]) and working`, 1);
    });
    done += rows.length;
  }
}

/** Rows of published content under an edit, from the stored version (its index text with it). */
async function indexPublished(db: Db, batch: number): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = await db
      .selectFrom('catalog.resource as r')
      .innerJoin('catalog.resource_version as v', (j) =>
        j.onRef('v.resource_id', '=', 'r.id').onRef('v.version', '=', 'r.published_version'),
      )
      .leftJoin('catalog.resource_search as s', (j) =>
        j.onRef('s.resource_id', '=', 'r.id').on('s.published', '=', true),
      )
      .select(['r.id', 'r.code', 'v.doc'])
      .whereRef('r.published_version', '<>', 'r.version')
      .where('s.resource_id', 'is', null)
      .orderBy('r.id')
      .limit(batch)
      .execute();
    if (rows.length === 0) return done;
    const entries = rows.map((row) => ({ id: row.id, doc: row.doc, ...searchable(row.code, row.doc) }));
    await transactionRetrying(db, async (trx) => {
      await sql`
      with d as (
        select (e->>'id')::int as id, e->'doc' as doc, e->>'text' as text,
          array(select jsonb_array_elements_text(e->'terms')) as terms
        from jsonb_array_elements(${json(entries)}) e
      ), texts as (
        update catalog.resource r set published_text = d.text from d where r.id = d.id
      )
      insert into catalog.resource_search (resource_id, code, name, provider_org, category, share_type, open_type,
        level, update_frequency, status, published, working, updated_at, terms)
      select r.id, r.code, d.doc->>'name', r.provider_org, d.doc->>'category', d.doc->>'shareType',
        d.doc->>'openType', d.doc->>'level', coalesce(d.doc->>'updateFrequency', 'irregular'), 'published', true, false, coalesce(r.published_at, r.updated_at), d.terms
      from catalog.resource r join d on d.id = r.id
    `.execute(trx);
      await countTerms(trx, sql`resource_id = any(${rows.map((r) => r.id)}::int[]) and not working`, 1);
    });
    done += rows.length;
  }
}
