import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { TurnLock } from './pglite-dialect.js';

/** COPY names its table and columns in the SQL text, so only plain identifiers may reach it. */
function copyStatement(table: string, columns: readonly string[], source: string): string {
  const ident = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;
  for (const name of [table, ...columns]) {
    if (!ident.test(name)) throw new Error(`COPY: not a plain identifier: ${name}`);
  }
  return `copy ${table} (${columns.join(', ')}) from ${source}`;
}

/** PostgreSQL: COPY FROM STDIN on a pooled connection, streamed with back-pressure. */
export async function copyInPostgres(
  pool: pg.Pool,
  table: string,
  columns: readonly string[],
  chunks: AsyncIterable<string>,
): Promise<void> {
  const statement = copyStatement(table, columns, 'stdin');
  const client = await pool.connect();
  try {
    await pipeline(Readable.from(chunks), client.query(copyFrom(statement)));
  } finally {
    client.release();
  }
}

/**
 * PostgreSQL: COPY … TO STDOUT on a pooled connection of its own, its bytes as a stream. The
 * connection is read only as fast as the stream is taken (pg-copy-streams reads the socket on
 * demand), so a slow client holds the server back rather than filling memory. It runs in a
 * read-only transaction of its own, without JIT (below). Whenever the stream does not end
 * normally — the query fails, or the reader destroys it (a client that went away) — the
 * connection is dropped, not returned: the server ends the COPY when its socket closes, and the
 * pool opens a new connection when one is wanted.
 */
export function copyOutPostgres(pool: pg.Pool, statement: string): Readable {
  const out = new PassThrough();
  void (async () => {
    const client = await pool.connect();
    if (out.destroyed) return client.release();
    try {
      // Without JIT: compiling a COPY's per-cell expressions (records/csv-copy.ts) cost about a
      // second of a million rows' 3.3 s, more than it saved. Read-only, as a COPY TO is.
      await client.query('begin read only; set local jit = off');
      await pipeline(client.query(copyTo(statement)), out);
      await client.query('commit');
      client.release();
    } catch (e) {
      client.release(true);
      out.destroy(e instanceof Error ? e : new Error(String(e)));
    }
  })().catch((e: unknown) => out.destroy(e instanceof Error ? e : new Error(String(e))));
  return out;
}

/** Bytes handed to PGlite per COPY: its input is a Blob in memory, so it is taken a slice at a time. */
const PGLITE_SLICE = 4 << 20;

/** PGlite: one COPY FROM '/dev/blob' per slice of input, each in the single connection's turn. */
export async function copyInPGlite(
  db: PGlite,
  lock: TurnLock,
  table: string,
  columns: readonly string[],
  chunks: AsyncIterable<string>,
): Promise<void> {
  const statement = copyStatement(table, columns, `'/dev/blob'`);
  const flush = async (text: string) => {
    const release = await lock.acquire();
    try {
      await db.query(statement, [], { blob: new Blob([text]) });
    } finally {
      release();
    }
  };
  let slice: string[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    slice.push(chunk);
    size += chunk.length;
    if (size >= PGLITE_SLICE) {
      await flush(slice.join(''));
      slice = [];
      size = 0;
    }
  }
  if (size > 0) await flush(slice.join(''));
}

/** A value in COPY's text format: backslash, tab and line breaks escaped; null as \N. */
export function copyText(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}
