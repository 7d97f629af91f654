import type { Database, Kysely, Transaction } from '../db/index.js';
import { copyText, sql } from '../db/index.js';
import {
  hasOwnPartition,
  isEmpty,
  lowerShield,
  DEFAULT_OWN_PARTITION_ROWS,
  MERGE_LOCK,
  ownPartition,
  raiseShield,
  shieldState,
} from './layout.js';
import type { RecordTables } from './tables.js';

/**
 * Loading a resource's records: stage, then merge.
 *
 *  stage — every batch is streamed by COPY into a table of its own beside the live data
 *          (`records.stage_<job>`), outside any transaction, so a crash at any moment leaves only
 *          that table behind and the live rows as they were;
 *  key   — a primary key on the staged keys, and the table analyzed; when a key came twice,
 *          the later rows are taken out and returned as duplicates (the caller quarantines them);
 *  place — where the rows go (layout.ts, docs/records.md): a resource with a partition of its
 *          own keeps it; an empty resource whose load reaches the threshold gets one, its shield
 *          on the shared partition validated first; every other resource lives in the shared one;
 *  merge — one transaction: a full snapshot, or a first load into an empty resource, replaces
 *          the resource's rows — by swapping the staged table in as its partition when it has
 *          (or now gets) one of its own, by delete and insert in the shared partition — and
 *          otherwise rows are inserted or updated by key. The new record count and the caller's
 *          `onMerge` run in the same transaction, so that the count and the job's outcome commit
 *          with the data or not at all.
 * Re-running the same job drops what an earlier, interrupted run staged and starts again.
 *
 * A load may also be staged over many calls and merged once (`stageRows`, `mergeStagedLoad`: a
 * district's full push, one batch per call): its staged table is named by the caller and kept
 * between calls — and across a crash — until the merge swaps it in.
 */

/** One validated record ready to load: its subject key, its typed values, and where it came from. */
export interface RecordRow {
  key: string;
  doc: Record<string, unknown>;
  sourceRow: number;
}

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
  /** Rows whose key an earlier row of the same load already had, and the job that staged each. */
  duplicates: Array<{ key: string; sourceRow: number; jobId: string }>;
  /** 'swap' (the load replaced the resource's data whole) or 'upsert' (merged by key). */
  merge: 'swap' | 'upsert';
}

/**
 * A resource's record count after a merge: the count itself (a load that replaced the data), or
 * the records a merge by key added to the count before it.
 */
export type RecordCount = { set: number } | { add: number };

/** Where the count of a resource's records is kept, written in the merge transaction. */
export type WriteCount = (trx: Transaction<object>, resourceId: number, count: RecordCount) => Promise<void>;

const COLUMNS = ['resource_id', 'key', 'doc', 'job_id', 'source_row'] as const;

export function stageName(jobId: string): string {
  return `stage_${jobId.replace(/[^0-9a-f]/gi, '').toLowerCase()}`;
}

export async function loadRecords(
  database: Database,
  writeCount: WriteCount,
  resourceId: number,
  jobId: string,
  batches: AsyncIterable<RecordRow[]>,
  opts: LoadOptions = {},
  ownPartitionRows = DEFAULT_OWN_PARTITION_ROWS,
): Promise<LoadOutcome> {
  const db = database.kysely.withTables<RecordTables>();
  const stage = stageName(jobId);
  await sql`drop table if exists records.${sql.raw(stage)}`.execute(db);
  try {
    await createStage(db, resourceId, stage);
    const staged = { rows: 0 };
    await database.copyIn(`records.${stage}`, COLUMNS, copyLines(resourceId, jobId, batches, staged));
    return await mergeStage(db, writeCount, resourceId, stage, staged.rows, opts, ownPartitionRows);
  } finally {
    await sql`drop table if exists records.${sql.raw(stage)}`.execute(db).catch(() => {});
  }
}

/**
 * A load staged over many calls and merged once (a district's full push, one batch per call):
 * its staged table, named by the caller, outlives each call — and a crash of the process — so
 * that the live rows stay as they were until `mergeStagedLoad` swaps it in. Each call's rows
 * carry its job, by which `unstage` takes out the rows of a call whose outcome was not kept.
 * Returns the rows staged.
 */
export async function stageRows(
  database: Database,
  resourceId: number,
  stage: string,
  jobId: string,
  batches: AsyncIterable<RecordRow[]>,
): Promise<number> {
  const db = database.kysely.withTables<RecordTables>();
  await createStage(db, resourceId, stage);
  const staged = { rows: 0 };
  await database.copyIn(`records.${stage}`, COLUMNS, copyLines(resourceId, jobId, batches, staged));
  return staged.rows;
}

/** Takes the rows of these jobs out of a staged load (their stage calls' outcomes were not kept). */
export async function unstage(database: Database, stage: string, jobIds: string[]): Promise<void> {
  if (jobIds.length === 0) return;
  const db = database.kysely.withTables<RecordTables>();
  await sql`delete from records.${sql.raw(stage)} where job_id in (${sql.join(jobIds)})`.execute(db);
}

/**
 * Merges a load staged by `stageRows` as one load: key, place, merge (see the top), the staged
 * table swapped in or dropped after. A merge interrupted before it commits leaves the staged
 * table, and may run again.
 */
export async function mergeStagedLoad(
  database: Database,
  writeCount: WriteCount,
  resourceId: number,
  stage: string,
  opts: LoadOptions = {},
  ownPartitionRows = DEFAULT_OWN_PARTITION_ROWS,
): Promise<LoadOutcome> {
  const db = database.kysely.withTables<RecordTables>();
  await createStage(db, resourceId, stage);
  const { rows } = await sql<{ n: string }>`select count(*) as n from records.${sql.raw(stage)}`.execute(db);
  const outcome = await mergeStage(db, writeCount, resourceId, stage, Number(rows[0]!.n), opts, ownPartitionRows);
  await sql`drop table if exists records.${sql.raw(stage)}`.execute(db);
  return outcome;
}

/** Drops a staged load that will not merge. */
export async function dropStage(database: Database, stage: string): Promise<void> {
  await sql`drop table if exists records.${sql.raw(stage)}`.execute(database.kysely);
}

/** The staged table beside the live data, unless it is there already (a staged load going on). */
async function createStage(db: Kysely<RecordTables>, resourceId: number, stage: string): Promise<void> {
  if (await tableExists(db, stage)) return;
  try {
    await sql`create table records.${sql.raw(stage)} (like records.record including defaults,
      check (resource_id = ${sql.lit(resourceId)}))`.execute(db);
  } catch (e) {
    // Two calls of one staged load made it at once: the relation exists (42P07), its row type
    // exists (42710: the other committed between the two checks), or both inserted it (23505).
    if (!['42P07', '42710', '23505'].includes((e as { code?: string }).code ?? '')) throw e;
  }
}

async function tableExists(db: Kysely<RecordTables>, table: string): Promise<boolean> {
  const { rows } = await sql<{ there: boolean }>`
    select to_regclass(${`records.${table}`}) is not null as there`.execute(db);
  return rows[0]!.there;
}

/** Key, place and merge of a staged table's rows (see the top). */
async function mergeStage(
  db: Kysely<RecordTables>,
  writeCount: WriteCount,
  resourceId: number,
  stage: string,
  stagedRows: number,
  opts: LoadOptions,
  ownPartitionRows: number,
): Promise<LoadOutcome> {
  let promoting = false;
  try {
    const duplicates = await uniqueKeys(db, stage);
    const loaded = stagedRows - duplicates.length;
    const snapshot = opts.snapshot ?? false;
    const large = loaded >= ownPartitionRows;
    promoting = await prepareSwap(db, resourceId, large, snapshot);
    await opts.beforeMerge?.();
    const outcome = await db.transaction().execute(async (trx) => {
      const { merge, count } = await mergeStaged(trx, resourceId, stage, loaded, snapshot, large);
      // Others narrow the transaction to their own tables (withTables), not to ours.
      const theirs = trx as unknown as Transaction<object>;
      await writeCount(theirs, resourceId, count);
      const result: LoadOutcome = { loaded, merge, duplicates };
      await opts.onMerge?.(theirs, result);
      return result;
    });
    promoting = false;
    return outcome;
  } finally {
    // A promotion that did not merge leaves no shield behind for a resource still without its partition.
    if (promoting) await dropOrphanShield(db, resourceId).catch(() => {});
  }
}

/**
 * Before the merge, outside its transaction: a merge that will attach a partition for the
 * resource needs its shield validated (layout.ts), which reads the shared partition, so that is
 * done here where it holds up no one. Returns whether a promotion was prepared (the resource had
 * no partition of its own); whether it happens is decided again under the merge lock.
 */
async function prepareSwap(
  db: Kysely<RecordTables>,
  resourceId: number,
  large: boolean,
  snapshot: boolean,
): Promise<boolean> {
  if (await hasOwnPartition(db, resourceId)) {
    if ((await shieldState(db, resourceId)) !== 'valid' && (snapshot || (await isEmpty(db, resourceId)))) {
      await raiseShield(db, resourceId);
    }
    return false;
  }
  if (!large || !(await isEmpty(db, resourceId))) return false;
  return raiseShield(db, resourceId);
}

async function dropOrphanShield(db: Kysely<RecordTables>, resourceId: number): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MERGE_LOCK}, ${resourceId}::int)`.execute(conn);
    try {
      if (!(await hasOwnPartition(conn, resourceId))) await lowerShield(conn, resourceId);
    } finally {
      await sql`select pg_advisory_unlock(${MERGE_LOCK}, ${resourceId}::int)`.execute(conn);
    }
  });
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
async function uniqueKeys(db: Kysely<RecordTables>, stage: string): Promise<LoadOutcome['duplicates']> {
  // A primary key, not just a unique index: attaching the table as a partition then adopts it as
  // the partition's share of records.record's key, where a plain index would be built again.
  const index = sql`alter table records.${sql.raw(stage)}
    add constraint ${sql.raw(`${stage}_key`)} primary key (resource_id, key)`;
  // Statistics before the staged rows go live: a swapped-in partition has none, and without
  // autovacuum (PGlite, or the minute before it runs) every read of it would be planned blind.
  const analyze = sql`analyze records.${sql.raw(stage)}`;
  // A staged load whose merge was interrupted after its key was made has it still.
  if (await keyMade(db, stage)) {
    await analyze.execute(db);
    return [];
  }
  try {
    await index.execute(db);
    await analyze.execute(db);
    return [];
  } catch (e) {
    if ((e as { code?: string }).code !== '23505') throw e;
  }
  const { rows } = await sql<{ key: string; source_row: number; job_id: string }>`
    delete from records.${sql.raw(stage)} s
    using (select ctid, row_number() over (partition by key order by job_id, source_row) as n
           from records.${sql.raw(stage)}) d
    where s.ctid = d.ctid and d.n > 1
    returning s.key, s.source_row, s.job_id`.execute(db);
  await index.execute(db);
  await analyze.execute(db);
  return rows
    .map((r) => ({ key: r.key, sourceRow: r.source_row, jobId: r.job_id }))
    .sort((a, b) => a.sourceRow - b.sourceRow);
}

async function keyMade(db: Kysely<RecordTables>, stage: string): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_constraint
    where conrelid = ${`records.${stage}`}::regclass and conname = ${`${stage}_key`}`.execute(db);
  return rows[0]!.n > 0;
}

/**
 * Swaps the staged rows in, replaces the resource's rows with them or upserts them; returns how
 * and the resource's record count after. Under the resource's merge lock, so that the place
 * decided here (own partition, promotion, shared) holds until commit.
 */
async function mergeStaged(
  trx: Transaction<RecordTables>,
  resourceId: number,
  stage: string,
  staged: number,
  snapshot: boolean,
  large: boolean,
): Promise<{ merge: LoadOutcome['merge']; count: RecordCount }> {
  // One load of a resource merges at a time; readers are not held up.
  await sql`select pg_advisory_xact_lock(${MERGE_LOCK}, ${resourceId}::int)`.execute(trx);
  if (await hasOwnPartition(trx, resourceId)) {
    if (!snapshot && !(await isEmpty(trx, resourceId))) return upsert(trx, resourceId, stage, staged);
    await swapIn(trx, resourceId, stage, true);
    return { merge: 'swap', count: { set: staged } };
  }
  const shield = await shieldState(trx, resourceId);
  // A valid shield proves the shared partition holds none of the resource's rows: it is empty.
  if (large && shield === 'valid') {
    await swapIn(trx, resourceId, stage, false);
    return { merge: 'swap', count: { set: staged } };
  }
  // A shield left by a promotion that never merged would refuse the rows their place.
  if (shield !== 'absent') await lowerShield(trx, resourceId);
  if (!snapshot && !(await isEmpty(trx, resourceId))) return upsert(trx, resourceId, stage, staged);
  await trx.deleteFrom('records.record').where('resource_id', '=', resourceId).execute();
  await sql`insert into records.record (resource_id, key, doc, job_id, source_row)
    select resource_id, key, doc, job_id, source_row from ${sql.raw(`records.${stage}`)}`.execute(trx);
  return { merge: 'swap', count: { set: staged } };
}

/**
 * The staged table becomes the resource's partition (its old one, if any, detached and dropped).
 * The attach is proven by the shield without reading the shared partition; it and the detach
 * lock the tables they change until commit, a moment since neither reads any rows.
 */
async function swapIn(trx: Transaction<RecordTables>, resourceId: number, stage: string, replace: boolean) {
  const live = sql.raw(`records.${ownPartition(resourceId)}`);
  const staging = sql.raw(`records.${stage}`);
  if (replace) await sql`alter table records.record detach partition ${live}`.execute(trx);
  await sql`alter table records.record attach partition ${staging} for values in (${sql.lit(resourceId)})`.execute(trx);
  if (replace) await sql`drop table ${live}`.execute(trx);
  await sql`alter table ${staging} rename to ${sql.raw(ownPartition(resourceId))}`.execute(trx);
  // Its index too, so that a later run of the same job may stage under the same names.
  await sql`alter index ${sql.raw(`records.${stage}_key`)} rename to ${sql.raw(`${ownPartition(resourceId)}_key`)}`.execute(
    trx,
  );
}

/**
 * Rows inserted or updated by key; a record written again loses its correction marks. The count
 * grows by the staged keys the resource did not hold, found by key from the staged rows: a merge
 * costs what it writes, never a count of the resource's other records (a 1 000-row load into a
 * resource of a hundred million rows would count them all on every load).
 */
async function upsert(
  trx: Transaction<RecordTables>,
  resourceId: number,
  stage: string,
  staged: number,
): Promise<{ merge: LoadOutcome['merge']; count: RecordCount }> {
  // A probe of the key index per staged row: as a plain semi-join the planner would rather scan
  // the resource's whole partition (the push bench's city spent twice the database time so); a
  // LATERAL with LIMIT is always run as a loop of index lookups.
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from ${sql.raw(`records.${stage}`)} s
    cross join lateral (
      select 1 from records.record r where r.resource_id = ${resourceId} and r.key = s.key limit 1
    ) held`.execute(trx);
  await sql`
    insert into records.record (resource_id, key, doc, job_id, source_row)
    select resource_id, key, doc, job_id, source_row from ${sql.raw(`records.${stage}`)}
    on conflict (resource_id, key) do update
      set doc = excluded.doc, job_id = excluded.job_id, source_row = excluded.source_row, loaded_at = now(),
          corrected = '{}'`.execute(trx);
  return { merge: 'upsert', count: { add: staged - Number(rows[0]!.n) } };
}
