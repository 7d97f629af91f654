import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { HubError, msg, type Message } from '../kernel/index.js';
import { collect, type Progress } from './backup.js';
import { emptyDataDir, holdsData, lockDataDir, refuseIfInUse } from './data-dir.js';
import {
  HOLD_TABLE,
  describeTarget,
  writeRestoreRecord,
  writeRestoreRecordSync,
  type OpenHub,
  type RestoreRecord,
  type Target,
} from './hold.js';
import { checkPayload, payloadStream, readManifest, type Manifest } from './manifest.js';
import { findTool, majorOf, toolConnection } from './pg-tools.js';
import { verifyRestored } from './verify.js';

export interface RestoreOptions extends Target {
  file: string;
  /** Replace a target that holds data. */
  force?: boolean;
  /** Every migration this hub knows (`module/id`, and under a module's earlier name). */
  knownMigrations: readonly string[];
  /** Opens the restored hub for its verification: the ledger's key as the hub itself reads it. */
  open: OpenHub;
  onProgress?: Progress;
}

export interface RestoreResult {
  manifest: Manifest;
  /** The restored ledger verified and holds the backup's signed head: the hub may serve it. */
  verified: boolean;
  problems: Message[];
  seconds: number;
}

/**
 * Restores a backup onto the configured database, then verifies the restored ledger against the
 * head signed at the backup. Bad input (not a backup, truncated, damaged, the other engine, a
 * newer hub's) is refused before the target is touched. From the first change to the target
 * until the verification passes, the target is held: `qdh serve` refuses it (hold.ts).
 */
export async function restore(opts: RestoreOptions): Promise<RestoreResult> {
  const t0 = Date.now();
  const manifest = await readManifest(opts.file);
  const engine = opts.databaseUrl ? 'postgres' : 'pglite';
  if (manifest.engine !== engine)
    throw new HubError('OPS_BAD_TARGET', msg('ops.wrongEngine', { backup: manifest.engine, target: engine }));
  const known = new Set(opts.knownMigrations);
  const unknown = manifest.migrations.filter((m) => !known.has(m));
  if (unknown.length > 0)
    throw new HubError('OPS_BAD_TARGET', msg('ops.newerBackup', { version: manifest.hubVersion, migrations: unknown }));
  await checkPayload(opts.file, manifest, (done, total) => opts.onProgress?.('check', done, total));
  const record: RestoreRecord = {
    state: 'restoring',
    startedAt: new Date().toISOString(),
    backupCreatedAt: manifest.createdAt,
    problems: [],
  };
  let problems: Message[];
  if (opts.databaseUrl) {
    await loadPostgres(opts.databaseUrl, opts, manifest, record);
    problems = await verifyTarget(opts, manifest, record);
  } else {
    // PGlite loads the tarball as the hub opens the directory: one start of PGlite, not two.
    const unlock = preparePGlite(opts.dataDir, opts, record);
    try {
      problems = await verifyTarget(opts, manifest, record, await readPayload(opts.file, manifest, opts.onProgress));
    } finally {
      unlock();
    }
  }
  const verified = problems.length === 0;
  await writeRestoreRecord(opts, {
    ...record,
    state: verified ? 'verified' : 'failed',
    finishedAt: new Date().toISOString(),
    problems,
  });
  return { manifest, verified, problems, seconds: (Date.now() - t0) / 1000 };
}

async function verifyTarget(
  opts: RestoreOptions,
  manifest: Manifest,
  record: RestoreRecord,
  loadDataDir?: Blob,
): Promise<Message[]> {
  const hub = await opts.open({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, loadDataDir });
  try {
    // A tarball carries the record and lock files of the directory it was taken from.
    if (loadDataDir) await writeRestoreRecord(opts, record);
    return await verifyRestored(hub.db, hub.ledger, manifest, (done, total) =>
      opts.onProgress?.('verify', done, total),
    );
  } finally {
    await hub.close();
  }
}

/** Feeds the payload to `sink`, reporting bytes. */
async function feed(file: string, manifest: Manifest, sink: NodeJS.WritableStream, onProgress?: Progress) {
  let done = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, next) {
      done += chunk.length;
      onProgress?.('load', done, manifest.payload.bytes);
      next(null, chunk);
    },
  });
  await pipeline(payloadStream(file), count, sink);
}

/**
 * PostgreSQL: the target is emptied (every schema of the hub; only with `force` when it holds
 * data) and the hold written in one transaction, then `pg_restore` loads the dump in one more,
 * so a failed load leaves an empty, held database rather than half of one.
 */
async function loadPostgres(url: string, opts: RestoreOptions, manifest: Manifest, record: RestoreRecord) {
  const tool = await prepareDatabase(url, opts, manifest, record);
  const { dbname, env } = toolConnection(url);
  const child = spawn(
    tool,
    ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${dbname}`],
    { env, stdio: ['pipe', 'ignore', 'pipe'] },
  );
  const stderr = collect(child.stderr);
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
  // A pg_restore that stops early closes its input: the exit code says why, not the broken pipe.
  await feed(opts.file, manifest, child.stdin, opts.onProgress).catch(() => {});
  const code = await exited;
  if (code !== 0)
    throw new HubError('OPS_TOOLS', msg('ops.toolFailed', { tool: 'pg_restore', code, output: stderr().slice(-2000) }));
}

/** Checks the server and the target, empties it and writes the hold; returns the pg_restore to use. */
async function prepareDatabase(url: string, opts: RestoreOptions, manifest: Manifest, record: RestoreRecord) {
  const target = describeTarget(opts);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const num = await client.query<{ server_version_num: string }>('show server_version_num');
    const serverMajor = majorOf(Number(num.rows[0]!.server_version_num));
    const sourceMajor = Number(/^(\d+)/.exec(manifest.source.server ?? '')?.[1] ?? 0);
    if (serverMajor < sourceMajor)
      throw new HubError('OPS_BAD_TARGET', msg('ops.olderServer', { target: serverMajor, source: sourceMajor }));
    // pg_restore reads archives of its own major version and older ones, and must know the server.
    const dumpMajor = Number(/\(PostgreSQL\) (\d+)/.exec(manifest.source.tool ?? '')?.[1] ?? 0);
    const tool = await findTool('pg_restore', Math.max(serverMajor, dumpMajor));
    await refuseOtherConnections(client, target);
    if ((await holdsHubData(client)) && !opts.force)
      throw new HubError('OPS_BAD_TARGET', msg('ops.targetNotEmpty', { target, flag: '--force' }));
    await client.query('begin');
    try {
      await emptyDatabase(client);
      await writeRestoreRecord(opts, record, client);
      await client.query('commit');
    } catch (e) {
      await client.query('rollback').catch(() => {});
      throw e;
    }
    return tool.path;
  } finally {
    await client.end();
  }
}

/** How long connections of a hub that just stopped may still be listed before they count as in use. */
const CONNECTIONS_GONE_MS = 3000;

/** A running hub on the target would write into a database being replaced: refuse while one is connected. */
async function refuseOtherConnections(client: pg.Client, target: string): Promise<void> {
  const until = Date.now() + CONNECTIONS_GONE_MS;
  for (;;) {
    const r = await client.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
    );
    const count = r.rows[0]!.n;
    if (count === 0) return;
    if (Date.now() > until) throw new HubError('OPS_BAD_TARGET', msg('ops.databaseInUse', { target, count }));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Any relation outside PostgreSQL's own schemas, but the restore record, is data a restore would replace. */
async function holdsHubData(client: pg.Client): Promise<boolean> {
  const r = await client.query<{ found: boolean }>(
    `select exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
         and (n.nspname || '.' || c.relname) <> $1) as found`,
    [HOLD_TABLE],
  );
  return r.rows[0]!.found;
}

/** Drops every schema but PostgreSQL's own, and gives back an empty `public` as a new database has it. */
async function emptyDatabase(client: pg.Client): Promise<void> {
  const schemas = await client.query<{ nspname: string }>(
    `select nspname from pg_namespace where nspname <> 'information_schema' and nspname !~ '^pg_'`,
  );
  for (const { nspname } of schemas.rows) await client.query(`drop schema ${client.escapeIdentifier(nspname)} cascade`);
  await client.query('create schema public authorization pg_database_owner');
  await client.query('grant usage on schema public to public');
}

/**
 * PGlite: the data directory is locked as the hub locks it (the hub opening it for verification
 * takes the lock over, being this process), emptied (with `force` when it holds a database) and
 * marked as held; the caller unlocks it.
 */
function preparePGlite(dataDir: string, opts: RestoreOptions, record: RestoreRecord): () => void {
  mkdirSync(dataDir, { recursive: true });
  refuseIfInUse(dataDir);
  if (holdsData(dataDir) && !opts.force)
    throw new HubError('OPS_BAD_TARGET', msg('ops.targetNotEmpty', { target: dataDir, flag: '--force' }));
  const unlock = lockDataDir(dataDir);
  try {
    emptyDataDir(dataDir);
    writeRestoreRecordSync(dataDir, record);
    return unlock;
  } catch (e) {
    unlock();
    throw e;
  }
}

/** The payload in memory, as PGlite takes a data directory to load. */
async function readPayload(file: string, manifest: Manifest, onProgress?: Progress): Promise<Blob> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, next) {
      chunks.push(chunk);
      next();
    },
  });
  await feed(file, manifest, sink, onProgress);
  return new Blob(chunks);
}
