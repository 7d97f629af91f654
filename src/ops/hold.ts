import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Database } from '../db/index.js';
import { HubError, msg, type Message } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';

/** The database a backup is taken from or restored onto: as `qdh serve` would open it. */
export interface Target {
  /** postgres://… selects PostgreSQL; otherwise PGlite in `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
}

/**
 * The hub as backup and restore need it, opened by the composition root (`openHub`): its ledger
 * signs the head a backup carries and holds the key a restore checks it with. `loadDataDir`
 * (PGlite): fill the empty data directory from this tarball as it opens.
 */
export interface OpenedHub {
  db: Database;
  ledger: Ledger;
  close(): Promise<void>;
}
export type OpenHub = (target: Target & { loadDataDir?: Blob | undefined }) => Promise<OpenedHub>;

/**
 * The record of the last restore onto a database. Anything but `verified` holds the database:
 * `qdh serve` refuses it until a restore verifies or the operator overrides. It is written as
 * `restoring` before the target is touched, so a restore that dies midway holds it too.
 */
export interface RestoreRecord {
  state: 'restoring' | 'failed' | 'verified';
  startedAt: string;
  finishedAt?: string;
  /** The backup's own time (its manifest's createdAt). */
  backupCreatedAt: string;
  problems: Message[];
}

/**
 * PGlite: a file beside the database in its data directory (read without opening PGlite, which
 * takes seconds). PostgreSQL: a table in the database itself, left out of every backup.
 */
export const HOLD_FILE = 'qdh-restore.json';
export const HOLD_TABLE = 'public.qdh_restore';

export async function writeRestoreRecord(target: Target, record: RestoreRecord, client?: pg.Client): Promise<void> {
  if (!target.databaseUrl) return writeRestoreRecordSync(target.dataDir, record);
  await withClient(target.databaseUrl, client, async (c) => {
    await c.query(`create table if not exists ${HOLD_TABLE} (
      id int primary key check (id = 1), record jsonb not null, written_at timestamptz not null default now())`);
    await c.query(
      `insert into ${HOLD_TABLE} (id, record) values (1, $1)
       on conflict (id) do update set record = excluded.record, written_at = now()`,
      [JSON.stringify(record)],
    );
  });
}

/** PGlite's record: written aside and renamed, so a crash never leaves half a file. */
export function writeRestoreRecordSync(dataDir: string, record: RestoreRecord): void {
  const file = join(dataDir, HOLD_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2));
  renameSync(`${file}.tmp`, file);
}

export async function readRestoreRecord(target: Target): Promise<RestoreRecord | null> {
  if (!target.databaseUrl) {
    const file = join(target.dataDir, HOLD_FILE);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RestoreRecord) : null;
  }
  return withClient(target.databaseUrl, undefined, async (c) => {
    const exists = await c.query<{ t: string | null }>(`select to_regclass('${HOLD_TABLE}')::text as t`);
    if (!exists.rows[0]?.t) return null;
    const r = await c.query<{ record: RestoreRecord }>(`select record from ${HOLD_TABLE} where id = 1`);
    return r.rows[0]?.record ?? null;
  });
}

/**
 * What `qdh serve` asks before it opens the database: a restore that did not verify (or did not
 * finish) stops it, with what failed, unless the operator accepts it explicitly (`override`).
 */
export async function refuseUnverifiedRestore(
  target: Target,
  opts: { override?: boolean; onOverride?: (record: RestoreRecord) => void } = {},
): Promise<void> {
  const record = await readRestoreRecord(target);
  if (!record || record.state === 'verified') return;
  if (opts.override) return opts.onOverride?.(record);
  throw new HubError('OPS_RESTORE_UNVERIFIED', heldMessage(target, record));
}

export function heldMessage(target: Target, record: RestoreRecord): Message {
  const problems =
    record.state === 'restoring' ? [msg('ops.restoreUnfinished', { when: record.startedAt })] : record.problems;
  return msg('ops.held', {
    target: describeTarget(target),
    when: record.startedAt,
    problems,
    flag: '--accept-unverified-restore',
  });
}

/** The target in words, never with a password. */
export function describeTarget(target: Target): string {
  if (!target.databaseUrl) return target.dataDir;
  const u = new URL(target.databaseUrl);
  return `postgresql://${u.hostname}:${u.port || 5432}${u.pathname}`;
}

async function withClient<T>(url: string, given: pg.Client | undefined, work: (c: pg.Client) => Promise<T>) {
  if (given) return work(given);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}
