import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HubError, REPLICA_MAX_LAG_MS, msg } from '../kernel/index.js';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './types.js';
import { PGliteDialect } from './pglite-dialect.js';
import { copyInPGlite, copyInPostgres, copyOutPostgres } from './copy.js';
import { openReplicas, type ReplicaOptions } from './replicas.js';

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const BYTEA = 17;

/**
 * Both drivers must return the same JavaScript values for the same SQL, or code would behave
 * differently on the two. We choose: bigint counts as numbers (safe far beyond any row count
 * here), numeric as strings (exact), and `date` as 'YYYY-MM-DD' strings (no time-zone shift).
 */
pg.types.setTypeParser(INT8, (v) => Number(v));
pg.types.setTypeParser(DATE, (v) => v);

export interface ConnectOptions {
  /** postgres://… selects PostgreSQL; otherwise PGlite in `dataDir` (or in memory when 'memory://'). */
  databaseUrl?: string | undefined;
  dataDir?: string;
  poolSize?: number;
  /**
   * PGlite only: start an in-memory database from this dump (`dumpDataDir`) instead of an empty
   * one. Tests open a copy of a demo city seeded once, rather than seeding it in every suite.
   */
  loadDataDir?: Blob | undefined;
  /** PostgreSQL only: streaming replicas for reads that may be a moment stale (docs/replicas.md). */
  readUrls?: readonly string[];
  /** How stale a replica may be before its reads go to the primary (QDH_REPLICA_MAX_LAG_MS). */
  replicaMaxLagMs?: number;
  /** Told when a replica starts or stops being used, and why. */
  onReplicaChange?: ReplicaOptions['onChange'];
}

export async function connect(opts: ConnectOptions): Promise<Database> {
  if (opts.databaseUrl) return connectPostgres(opts.databaseUrl, opts.poolSize ?? 10, opts);
  return connectPGlite(opts.dataDir ?? 'memory://', opts.loadDataDir);
}

async function connectPostgres(url: string, max: number, read: ConnectOptions = {}): Promise<Database> {
  // A server that is down refuses at once; one that cannot be reached (or a pool whose every
  // connection is busy for this long) must not hold a request: it fails as a 503 after this.
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
  });
  // An idle connection that the server closes (a restart, a failover) is dropped by the pool
  // and replaced on next use; without a listener its error would end the process.
  pool.on('error', () => {});
  // A connection that is checked out has no listener of the pool's: Kysely holds one through a
  // transaction, COPY through a load. A server that ends its sessions (a restart: 57P01) would make
  // its 'error' event end the process. The query on it fails instead, and the pool drops it on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  // Fail now with a clear message rather than at the first request.
  const client = await pool.connect();
  client.release();
  const kysely = new Kysely<object>({ dialect: new PostgresDialect({ pool }) });
  const replicas = read.readUrls?.length
    ? await openReplicas({ pool, url }, read.readUrls, {
        poolSize: max,
        maxLagMs: read.replicaMaxLagMs ?? REPLICA_MAX_LAG_MS,
        onChange: read.onReplicaChange,
      })
    : undefined;
  const u = new URL(url);
  const listeners: Array<() => Promise<void>> = [];
  return {
    kind: 'postgres',
    describe:
      `postgresql://${u.hostname}:${u.port || 5432}${u.pathname}` +
      (replicas ? ` + read replicas ${replicas.names.join(', ')}` : ''),
    kysely,
    ...(replicas ? { replica: replicas.kysely } : {}),
    copyIn: (table, columns, chunks) => copyInPostgres(pool, table, columns, chunks),
    copyOut: (statement) => copyOutPostgres(pool, statement),
    listen: async (channel, onMessage) => {
      const stop = await listenPostgres(url, channel, onMessage);
      listeners.push(stop);
      return stop;
    },
    close: async () => {
      await Promise.all(listeners.map((stop) => stop()));
      await replicas?.close();
      await kysely.destroy();
    },
  };
}

/** How long opening a connection (or waiting for a free one of the pool) may take before it fails. */
const CONNECT_TIMEOUT_MS = 5000;
/** How soon a dropped LISTEN connection is opened again, and how often while the server stays away. */
const RELISTEN_MS = 1000;

/**
 * LISTEN needs a connection of its own, outside the pool. When it drops, the listener is told
 * (null: anything may have been missed) and a new connection listens again a second later —
 * again every second while the server is away (a restart), or caches in this process would
 * never hear another process's changes again.
 */
async function listenPostgres(
  url: string,
  channel: string,
  onMessage: (payload: string | null) => void,
): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  let stopped = false;
  let client: pg.Client | null = null;
  const open = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (n) => n.channel === channel && onMessage(n.payload ?? ''));
    const lost = () => {
      void c.end().catch(() => {});
      // Before it listened, open() itself fails and its caller tries again.
      if (client !== c || stopped) return;
      client = null;
      onMessage(null);
      reopen();
    };
    c.on('error', lost);
    c.on('end', lost);
    try {
      await c.connect();
      await c.query(`listen ${channel}`);
    } catch (e) {
      void c.end().catch(() => {});
      throw e;
    }
    client = c;
    if (stopped) return void (await c.end().catch(() => {}));
    // Anything NOTIFYed while no connection listened is unknown: the listener forgets all.
    if (again) onMessage(null);
  };
  let again = false;
  const reopen = () => {
    if (stopped) return;
    again = true;
    setTimeout(() => {
      if (!stopped) void open().catch(() => (onMessage(null), reopen()));
    }, RELISTEN_MS).unref();
  };
  await open();
  return async () => {
    stopped = true;
    await client?.end().catch(() => {});
  };
}

/**
 * PGlite is one process's database: a second process opening the same directory would corrupt
 * it. A lock file with the owner's pid refuses that with a clear message (a stale one is taken over).
 */
function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'qdh.lock');
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch {
    const owner = Number(readFileSync(file, 'utf8'));
    if (owner && owner !== process.pid && isAlive(owner)) {
      throw new HubError('KRN_CONFIG', msg('config.dataDirInUse', { dir: dataDir, pid: owner }));
    }
    writeFileSync(file, String(process.pid));
  }
  return () => rmSync(file, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function connectPGlite(dataDir: string, loadDataDir: Blob | undefined): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) await mkdir(dataDir, { recursive: true });
  const unlock = inMemory ? () => {} : lockDataDir(dataDir);
  const db = await PGlite.create(dataDir, {
    loadDataDir,
    parsers: {
      [INT8]: (v: string) => Number(v),
      [DATE]: (v: string) => v,
      [NUMERIC]: (v: string) => v,
      // node-postgres returns bytea as a Buffer; so must PGlite (it would give a Uint8Array).
      [BYTEA]: (v: string) => Buffer.from(v.slice(2), 'hex'),
    },
  }).catch((e: unknown) => {
    unlock();
    throw e;
  });
  const dialect = new PGliteDialect(db);
  const kysely = new Kysely<object>({ dialect });
  return {
    kind: 'pglite',
    describe: `pglite:${dataDir}`,
    kysely,
    copyIn: (table, columns, chunks) => copyInPGlite(db, dialect.lock, table, columns, chunks),
    // One process owns a PGlite database, so its own NOTIFYs are all there is to hear.
    listen: async (channel, onMessage) => {
      const unsubscribe = await db.listen(channel, (payload) => onMessage(payload));
      return () => unsubscribe();
    },
    close: async () => {
      await kysely.destroy();
      await db.close();
      unlock();
    },
  };
}
