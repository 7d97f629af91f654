import type { Database, Kysely, Transaction } from '../db/index.js';
import { copyText, sql } from '../db/index.js';
import type { RecordRow } from './records.js';
import type { CatalogTables } from './tables.js';

/**
 * Loading a resource's records: stage, then merge.
 *
 *  stage — every batch is streamed by COPY into a table of its own beside the live data
 *          (`catalog.stage_<job>`), outside any transaction, so a crash at any moment leaves only
 *          that table behind and the live rows as they were;
 *  key   — a primary key on the staged keys, and the table analyzed; when a key came twice,
 *          the later rows are taken out and returned as duplicates (the caller quarantines them);
 *  merge — one transaction: a full snapshot, or a first load into an empty resource, swaps the
 *          staged table in as the resource's partition; otherwise rows are inserted or updated
 *          by key. The caller's `onMerge` runs in the same transaction, so that the job's outcome
 *          commits with the data or not at all.
 * Re-running the same job drops what an earlier, interrupted run staged and starts again.
 */
export interface LoadOptions {
  /** The load is the whole resource: keys it does not contain are removed. */
  snapshot?: boolean;
  /**
   * After staging, before the merge transaction: work of the caller's that must land first —
   * on PGlite nothing may await the one connection from inside the transaction.
   */
  beforeMerge?: () => Promise<void>;
  onMerge?: (trx: Transaction<object>, outcome: LoadOutcome) => Promise<void>;
}

export interface LoadOutcome {
  /** Rows of this load now in the resource (staged rows less duplicates). */
  loaded: number;
  /** Rows whose key an earlier row of the same load already had. */
  duplicates: Array<{ key: string; sourceRow: number }>;
  /** 'swap' (the staged table became the resource's data) or 'upsert'. */
  merge: 'swap' | 'upsert';
}

const COLUMNS = ['resource_id', 'key', 'doc', 'job_id', 'source_row'] as const;

export function stageName(jobId: string): string {
  return `stage_${jobId.replace(/[^0-9a-f]/gi, '').toLowerCase()}`;
}

export async function loadRecords(
  database: Database,
  resourceId: number,
  jobId: string,
  batches: AsyncIterable<RecordRow[]>,
  opts: LoadOptions = {},
): Promise<LoadOutcome> {
  const db = database.kysely.withTables<CatalogTables>();
  const stage = stageName(jobId);
  await sql`drop table if exists catalog.${sql.raw(stage)}`.execute(db);
  try {
    await sql`create table catalog.${sql.raw(stage)} (like catalog.record including defaults,
      check (resource_id = ${sql.lit(resourceId)}))`.execute(db);
    const staged = { rows: 0 };
    await database.copyIn(`catalog.${stage}`, COLUMNS, copyLines(resourceId, jobId, batches, staged));
    const duplicates = await uniqueKeys(db, stage);
    const loaded = staged.rows - duplicates.length;
    await opts.beforeMerge?.();
    const outcome = await db.transaction().execute(async (trx) => {
      const merge = await mergeStaged(trx, resourceId, stage, loaded, opts.snapshot ?? false);
      const result: LoadOutcome = { loaded, merge, duplicates };
      // The caller narrows the transaction to its own tables (withTables), not to ours.
      await opts.onMerge?.(trx as unknown as Transaction<object>, result);
      return result;
    });
    return outcome;
  } finally {
    await sql`drop table if exists catalog.${sql.raw(stage)}`.execute(db).catch(() => {});
  }
}

async function* copyLines(
  resourceId: number,
  jobId: string,
  batches: AsyncIterable<RecordRow[]>,
  staged: { rows: number },
) {
  const prefix = `${resourceId}\t`;
  const suffix = `\t${copyText(jobId)}\t`;
  for await (const batch of batches) {
    let text = '';
    for (const r of batch) {
      text += prefix + copyText(r.key) + '\t' + copyText(JSON.stringify(r.doc)) + suffix + r.sourceRow + '\n';
    }
    staged.rows += batch.length;
    yield text;
  }
}

/**
 * The primary key the partition needs. Duplicate keys are rare (a dirty file), so the key is
 * tried first and the staged rows searched for them only when it fails.
 */
async function uniqueKeys(db: Kysely<CatalogTables>, stage: string): Promise<LoadOutcome['duplicates']> {
  // A primary key, not just a unique index: attaching the table as a partition then adopts it as
  // the partition's share of catalog.record's key, where a plain index would be built again.
  const index = sql`alter table catalog.${sql.raw(stage)}
    add constraint ${sql.raw(`${stage}_key`)} primary key (resource_id, key)`;
  // Statistics before the staged rows go live: a swapped-in partition has none, and without
  // autovacuum (PGlite, or the minute before it runs) every read of it would be planned blind.
  const analyze = sql`analyze catalog.${sql.raw(stage)}`;
  try {
    await index.execute(db);
    await analyze.execute(db);
    return [];
  } catch (e) {
    if ((e as { code?: string }).code !== '23505') throw e;
  }
  const { rows } = await sql<{ key: string; source_row: number }>`
    delete from catalog.${sql.raw(stage)} s
    using (select ctid, row_number() over (partition by key order by source_row) as n
           from catalog.${sql.raw(stage)}) d
    where s.ctid = d.ctid and d.n > 1
    returning s.key, s.source_row`.execute(db);
  await index.execute(db);
  await analyze.execute(db);
  return rows.map((r) => ({ key: r.key, sourceRow: r.source_row })).sort((a, b) => a.sourceRow - b.sourceRow);
}

async function mergeStaged(
  trx: Transaction<CatalogTables>,
  resourceId: number,
  stage: string,
  staged: number,
  snapshot: boolean,
): Promise<LoadOutcome['merge']> {
  // One load of a resource merges at a time; readers are not held up.
  await trx.selectFrom('catalog.resource').select('id').where('id', '=', resourceId).forUpdate().execute();
  const live = sql.raw(`catalog.record_r${resourceId}`);
  const staging = sql.raw(`catalog.${stage}`);
  const empty = !(await trx
    .selectFrom('catalog.record')
    .select('key')
    .where('resource_id', '=', resourceId)
    .limit(1)
    .executeTakeFirst());
  if (snapshot || empty) {
    await sql`alter table catalog.record detach partition ${live}`.execute(trx);
    await sql`alter table catalog.record attach partition ${staging} for values in (${sql.lit(resourceId)})`.execute(
      trx,
    );
    await sql`drop table ${live}`.execute(trx);
    await sql`alter table ${staging} rename to ${sql.raw(`record_r${resourceId}`)}`.execute(trx);
    // Its index too, so that a later run of the same job may stage under the same names.
    await sql`alter index ${sql.raw(`catalog.${stage}_key`)} rename to ${sql.raw(`record_r${resourceId}_key`)}`.execute(
      trx,
    );
    await trx.updateTable('catalog.resource').set({ record_count: staged }).where('id', '=', resourceId).execute();
    return 'swap';
  }
  await sql`
    insert into catalog.record (resource_id, key, doc, job_id, source_row)
    select resource_id, key, doc, job_id, source_row from ${staging}
    on conflict (resource_id, key) do update
      set doc = excluded.doc, job_id = excluded.job_id, source_row = excluded.source_row, loaded_at = now(),
          corrected = '{}'`.execute(trx);
  await trx
    .updateTable('catalog.resource')
    .set({ record_count: sql`(select count(*) from catalog.record where resource_id = ${resourceId})` })
    .where('id', '=', resourceId)
    .execute();
  return 'upsert';
}
