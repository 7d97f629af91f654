import type { Kysely, Transaction } from '../db/index.js';
import { sql } from '../db/index.js';
import { HubError, msg } from '../kernel/index.js';
import type { RecordTables } from './tables.js';

/**
 * Where a resource's records live (docs/records.md). `records.record` is LIST-partitioned by
 * resource id, and its DEFAULT partition `records.record_shared` (itself HASH-partitioned into
 * SHARED_LEAVES leaves) holds every small resource, so that the number of partitions — and with
 * it the cost of planning, locking and DDL — does not grow with the number of resources. A
 * resource gets a partition of its own (`records.record_r<id>`) only when a load big enough to
 * make it large arrives while it is empty; from then on its loads swap as whole tables.
 *
 * A partition attached beside a DEFAULT partition is proven not to overlap it by a validated
 * `check (resource_id <> id)` on the default (`record_shared_not_r<id>`, one per own partition):
 * without it PostgreSQL would scan every row of the shared partition under an ACCESS EXCLUSIVE
 * lock, stopping every small resource's reads for the length of the scan.
 */

/** How many hash leaves the shared partition has: fixed, whatever the number of resources. */
export const SHARED_LEAVES = 16;
/** Rows a load must stage into an empty resource for it to get a partition of its own. */
export const DEFAULT_OWN_PARTITION_ROWS = 100_000;
/** The advisory lock class of merges (one per resource); 7301 is migrations', 7401 the base's. */
export const MERGE_LOCK = 7501;

/** QDH_OWN_PARTITION_ROWS, else the default; a bad value stops the hub at start. */
export function ownPartitionRowsFrom(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.QDH_OWN_PARTITION_ROWS;
  if (text === undefined || text === '') return DEFAULT_OWN_PARTITION_ROWS;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new HubError('KRN_CONFIG', msg('config.positive', { name: 'QDH_OWN_PARTITION_ROWS', value: text }));
  }
  return n;
}

export const ownPartition = (resourceId: number) => `record_r${resourceId}`;
/** The check constraint on the shared partition that keeps a resource's rows out of it. */
export const shield = (resourceId: number) => `record_shared_not_r${resourceId}`;

/** Whether the resource has a partition of its own (else its rows, if any, are in the shared one). */
export async function hasOwnPartition(db: Kysely<RecordTables>, resourceId: number): Promise<boolean> {
  const { rows } = await sql<{ own: boolean }>`
    select to_regclass(${`records.${ownPartition(resourceId)}`}) is not null as own`.execute(db);
  return rows[0]!.own;
}

/** Whether the resource holds no record (wherever they live: the lookup is pruned to one leaf). */
export async function isEmpty(db: Kysely<RecordTables>, resourceId: number): Promise<boolean> {
  const row = await db
    .selectFrom('records.record')
    .select('key')
    .where('resource_id', '=', resourceId)
    .limit(1)
    .executeTakeFirst();
  return row === undefined;
}

/** The shield's state: absent, added but not yet validated, or validated (an attach needs no scan). */
export async function shieldState(
  db: Kysely<RecordTables>,
  resourceId: number,
): Promise<'absent' | 'unvalidated' | 'valid'> {
  const { rows } = await sql<{ valid: boolean }>`
    select convalidated as valid from pg_constraint
    where conrelid = 'records.record_shared'::regclass and conname = ${shield(resourceId)}`.execute(db);
  if (rows.length === 0) return 'absent';
  return rows[0]!.valid ? 'valid' : 'unvalidated';
}

/**
 * Makes the resource's shield valid before a merge attaches a partition for it, each step in a
 * transaction of its own: adding it NOT VALID takes an ACCESS EXCLUSIVE lock but only for the
 * catalog change; validating it reads the shared partition under SHARE UPDATE EXCLUSIVE, which
 * lets every read and write of the small resources go on. Held under the resource's merge lock
 * (for the session), so that no merge of the same resource puts rows into the shared partition
 * meanwhile. Returns false — and leaves no shield — when the resource turns out to have rows in
 * the shared partition: it stays there.
 */
export async function raiseShield(db: Kysely<RecordTables>, resourceId: number): Promise<boolean> {
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MERGE_LOCK}, ${resourceId}::int)`.execute(conn);
    try {
      const state = await shieldState(conn, resourceId);
      if (state === 'valid') return true;
      if (!(await hasOwnPartition(conn, resourceId)) && !(await isEmpty(conn, resourceId))) {
        if (state !== 'absent') await lowerShield(conn, resourceId);
        return false;
      }
      const name = sql.raw(shield(resourceId));
      if (state === 'absent') {
        await sql`alter table records.record_shared
          add constraint ${name} check (resource_id <> ${sql.lit(resourceId)}) not valid`.execute(conn);
      }
      await sql`alter table records.record_shared validate constraint ${name}`.execute(conn);
      return true;
    } finally {
      await sql`select pg_advisory_unlock(${MERGE_LOCK}, ${resourceId}::int)`.execute(conn);
    }
  });
}

/**
 * Drops the resource's shield: when its rows are to go into the shared partition after all (a
 * promotion that never merged), or when its own partition is dropped for good.
 */
export async function lowerShield(db: Kysely<RecordTables> | Transaction<RecordTables>, resourceId: number) {
  await sql`alter table records.record_shared drop constraint if exists ${sql.raw(shield(resourceId))}`.execute(db);
}
