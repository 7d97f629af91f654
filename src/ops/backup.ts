import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { connect, sql, type Database } from '../db/index.js';
import { HubError, msg } from '../kernel/index.js';
import { hasDatabase, lockDataDir } from './data-dir.js';
import { HOLD_FILE, HOLD_TABLE, describeTarget, type OpenHub, type Target } from './hold.js';
import { HEADER_BYTES, headerOf, type Manifest } from './manifest.js';
import { findTool, majorOf, toolConnection } from './pg-tools.js';

/** Long work reports here: bytes dumped, checked or loaded, then ledger entries verified. */
export type Progress = (phase: 'dump' | 'check' | 'load' | 'verify', done: number, total: number) => void;

export interface BackupOptions extends Target {
  file: string;
  /** The hub's version, for the manifest (package.json). */
  hubVersion: string;
  open: OpenHub;
  onProgress?: Progress;
}

export interface BackupResult {
  file: string;
  manifest: Manifest;
  seconds: number;
}

/**
 * Writes a backup of the hub's database to `file` (format: manifest.ts). The ledger's head is
 * signed first, so the head in the manifest is inside the dump: a restore checks the restored
 * ledger against it. The file appears under its name only when complete.
 */
export async function backup(opts: BackupOptions): Promise<BackupResult> {
  const t0 = Date.now();
  if (!opts.databaseUrl && !hasDatabase(opts.dataDir))
    throw new HubError('OPS_BAD_TARGET', msg('ops.noDatabase', { target: describeTarget(opts) }));
  const partial = `${opts.file}.partial`;
  try {
    const described = await describeDatabase(opts);
    const out = await open(partial, 'w');
    try {
      await out.write(Buffer.alloc(HEADER_BYTES, '\n'), 0, HEADER_BYTES, 0);
    } finally {
      await out.close();
    }
    const payload = opts.databaseUrl
      ? await dumpPostgres(opts.databaseUrl, described.serverMajor!, partial, opts.onProgress)
      : await dumpPGlite(opts.dataDir, partial, opts.onProgress);
    const manifest: Manifest = {
      format: 'qdh-backup',
      version: 1,
      engine: opts.databaseUrl ? 'postgres' : 'pglite',
      hubVersion: opts.hubVersion,
      createdAt: new Date().toISOString(),
      migrations: described.migrations,
      ledger: described.ledger,
      source: { ...(described.server ? { server: described.server } : {}), ...payload.source },
      payload: { kind: payload.kind, bytes: payload.bytes, sha256: payload.sha256 },
    };
    const fd = await open(partial, 'r+');
    try {
      await fd.write(headerOf(manifest), 0, HEADER_BYTES, 0);
      await fd.sync();
    } finally {
      await fd.close();
    }
    renameSync(partial, opts.file);
    return { file: opts.file, manifest, seconds: (Date.now() - t0) / 1000 };
  } finally {
    if (existsSync(partial)) rmSync(partial, { force: true });
  }
}

/** What the manifest says of the database: migrations, a freshly signed ledger head, the server. */
async function describeDatabase(opts: BackupOptions) {
  const hub = await opts.open({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir });
  try {
    const head = await hub.ledger.latestHead();
    return {
      migrations: await appliedMigrations(hub.db),
      ledger: { suite: hub.ledger.suite, publicKeyPem: hub.ledger.publicKey().publicKeyPem, head },
      ...(await serverVersion(hub.db)),
    };
  } finally {
    await hub.close();
  }
}

export async function appliedMigrations(db: Database): Promise<string[]> {
  const rows = await sql<{ m: string }>`select module || '/' || id as m from public.qdh_migration
    order by applied_at, module, id`.execute(db.kysely);
  return rows.rows.map((r) => r.m);
}

async function serverVersion(db: Database): Promise<{ server?: string; serverMajor?: number }> {
  if (db.kind !== 'postgres') return {};
  const r = await sql<{ v: string; n: string }>`select current_setting('server_version') as v,
    current_setting('server_version_num') as n`.execute(db.kysely);
  return { server: r.rows[0]!.v, serverMajor: majorOf(Number(r.rows[0]!.n)) };
}

interface Payload {
  kind: Manifest['payload']['kind'];
  bytes: number;
  sha256: string;
  source: Manifest['source'];
}

/** Appends `source` to the file after its header, counting and hashing what passes. */
async function appendPayload(
  source: NodeJS.ReadableStream,
  file: string,
  onBytes: (done: number) => void,
): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      onBytes(bytes);
      done(null, chunk);
    },
  });
  await pipeline(source, tap, createWriteStream(file, { flags: 'r+', start: HEADER_BYTES }));
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * `pg_dump -Fc` of the whole database but the restore record, streamed through this process
 * into the file; its size is unknown beforehand, so progress counts against the database's size.
 */
async function dumpPostgres(url: string, serverMajor: number, file: string, onProgress?: Progress): Promise<Payload> {
  const tool = await findTool('pg_dump', serverMajor);
  const { dbname, env } = toolConnection(url);
  const estimate = await databaseSize(url);
  const child = spawn(tool.path, ['--format=custom', `--exclude-table=${HOLD_TABLE}`, `--dbname=${dbname}`], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr = collect(child.stderr);
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
  const written = await appendPayload(child.stdout, file, (done) =>
    onProgress?.('dump', done, Math.max(done, estimate)),
  );
  const code = await exited;
  if (code !== 0)
    throw new HubError('OPS_TOOLS', msg('ops.toolFailed', { tool: 'pg_dump', code, output: stderr().slice(-2000) }));
  onProgress?.('dump', written.bytes, written.bytes);
  return { kind: 'pg_dump-custom', ...written, source: { tool: tool.version } };
}

async function databaseSize(url: string): Promise<number> {
  const db = await connect({ databaseUrl: url, poolSize: 1 });
  try {
    const r = await sql<{ n: number }>`select pg_database_size(current_database()) as n`.execute(db.kysely);
    return Number(r.rows[0]!.n);
  } finally {
    await db.close();
  }
}

/**
 * PGlite's data directory as a gzipped tar (`dumpDataDir`), taken with the directory locked the
 * way the hub locks it: PGlite is one process's database, so the hub must not be running on it.
 */
async function dumpPGlite(dataDir: string, file: string, onProgress?: Progress): Promise<Payload> {
  const unlock = lockDataDir(dataDir);
  // The directory's restore record stays out of the tarball: it speaks of this copy only.
  const record = join(dataDir, HOLD_FILE);
  const aside = `${record}.backup-${process.pid}`;
  if (existsSync(record)) renameSync(record, aside);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(dataDir);
    let blob: Blob;
    try {
      blob = await db.dumpDataDir('gzip');
    } finally {
      await db.close();
    }
    const written = await appendPayload(Readable.fromWeb(blob.stream() as never), file, (done) =>
      onProgress?.('dump', done, blob.size),
    );
    return { kind: 'pglite-datadir-tgz', ...written, source: { tool: `PGlite ${pgliteVersion()}` } };
  } finally {
    if (existsSync(aside)) renameSync(aside, record);
    unlock();
  }
}

/** The PGlite package's version: its data directories are only read by a compatible one. */
function pgliteVersion(): string {
  const main = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pkg = JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The last bytes a child wrote to a stream: what it said when it failed. */
export function collect(stream: NodeJS.ReadableStream): () => string {
  let text = '';
  stream.on('data', (d: Buffer) => {
    text = (text + d.toString('utf8')).slice(-8000);
  });
  return () => text.trim();
}
