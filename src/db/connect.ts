import { mkdir } from 'node:fs/promises';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './types.js';
import { PGliteDialect } from './pglite-dialect.js';

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
}

export async function connect(opts: ConnectOptions): Promise<Database> {
  if (opts.databaseUrl) return connectPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  return connectPGlite(opts.dataDir ?? 'memory://');
}

async function connectPostgres(url: string, max: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  // Fail now with a clear message rather than at the first request.
  const client = await pool.connect();
  client.release();
  const kysely = new Kysely<object>({ dialect: new PostgresDialect({ pool }) });
  const u = new URL(url);
  return {
    kind: 'postgres',
    describe: `postgresql://${u.hostname}:${u.port || 5432}${u.pathname}`,
    kysely,
    close: () => kysely.destroy(),
  };
}

async function connectPGlite(dataDir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, {
    parsers: {
      [INT8]: (v: string) => Number(v),
      [DATE]: (v: string) => v,
      [NUMERIC]: (v: string) => v,
      // node-postgres returns bytea as a Buffer; so must PGlite (it would give a Uint8Array).
      [BYTEA]: (v: string) => Buffer.from(v.slice(2), 'hex'),
    },
  });
  const kysely = new Kysely<object>({ dialect: new PGliteDialect(db) });
  return {
    kind: 'pglite',
    describe: `pglite:${dataDir}`,
    kysely,
    close: async () => {
      await kysely.destroy();
      await db.close();
    },
  };
}
