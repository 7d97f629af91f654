import pg from 'pg';
import Cursor from 'pg-cursor';
import { HubError, fieldProblem, msg } from '../kernel/index.js';

export interface DatabaseSourceOptions {
  /** A postgres:// URL, already checked (sources.ts): the spec never holds it when it has a password. */
  url: string;
  /** One SELECT or WITH query; `$1`… take `params`. */
  query: string;
  params?: unknown[];
  /** statement_timeout of the read: the cursor is one statement, so this bounds the whole read. */
  timeoutMs?: number;
  /** Rows fetched per round trip: memory holds about this many rows whatever the table's size. */
  batchSize?: number;
  /** Send an empty password rather than the hub's PGPASSWORD or ~/.pgpass (ad-hoc URLs). */
  noAmbientPassword?: boolean;
}

const BOOL = 16;

/**
 * Every value as PostgreSQL's own text (under DateStyle ISO a date is YYYY-MM-DD, numerics stay
 * exact), booleans as the true/false that the validators take; NULL becomes '' below.
 */
const asText = {
  getTypeParser: (oid: number) => (oid === BOOL ? (v: string) => (v === 't' ? 'true' : 'false') : (v: string) => v),
};

/**
 * Rows of a query on another PostgreSQL database, header (the column names) first, read through
 * a server-side cursor in a READ ONLY transaction, so that memory stays bounded and nothing is written.
 */
export async function* databaseSource(opts: DatabaseSourceOptions): AsyncGenerator<string[]> {
  const client = new pg.Client({
    connectionString: opts.url,
    connectionTimeoutMillis: 10_000,
    application_name: 'qdh-ingest',
    types: asText,
    ...(opts.noAmbientPassword ? { password: () => '' } : {}),
  });
  // A dropped connection also fails the pending read, which reports it; without a listener it would end the process.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('begin read only');
    await client.query(
      `select set_config('statement_timeout', $1, true), set_config('datestyle', 'ISO, YMD', true),
      set_config('timezone', 'Asia/Shanghai', true)`,
      [String(Math.floor(opts.timeoutMs ?? 600_000))],
    );
    const cursor = client.query(
      new Cursor<unknown[]>(opts.query, opts.params ?? [], { rowMode: 'array', types: asText }),
    );
    for (let first = true; ; first = false) {
      const { rows, fields } = await read(cursor, opts.batchSize ?? 1000);
      if (first) yield fields;
      if (rows.length === 0) break;
      for (const r of rows) yield r.map((v) => (v === null || v === undefined ? '' : String(v)));
    }
  } catch (e) {
    throw sourceError(e);
  } finally {
    // Ending the connection ends the read-only transaction with it.
    await client.end().catch(() => {});
  }
}

function read(cursor: Cursor<unknown[]>, n: number): Promise<{ rows: unknown[][]; fields: string[] }> {
  return new Promise((resolve, reject) =>
    cursor.read(n, (err, rows, result) =>
      err ? reject(err) : resolve({ rows, fields: (result?.fields ?? []).map((f) => f.name) }),
    ),
  );
}

/**
 * A query the server refuses as written (SQLSTATE class 42: syntax, unknown table, no privilege;
 * 25006: a write in a read-only transaction) will fail again: ING_BAD_SOURCE, not retried.
 * Anything else (the server down, a timeout) may pass later: ING_SOURCE_FAILED.
 */
function sourceError(e: unknown): HubError {
  if (e instanceof HubError) return e;
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  const permanent = typeof code === 'string' && (code.startsWith('42') || code === '25006');
  return new HubError(
    permanent ? 'ING_BAD_SOURCE' : 'ING_SOURCE_FAILED',
    msg('ingest.databaseSource', { error: message }),
    permanent
      ? { problems: [fieldProblem('source/query', msg('kernel.text', { text: message }))], cause: e }
      : { cause: e },
  );
}
