import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { people } from '../src/demo/people.js';
import pg from 'pg';

/** Shared by the benchmarks: a PostgreSQL database of the run's own, and honest statistics. */
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function createDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `qdh_bench_${label}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * Flushes the server's dirty pages and WAL before a timed phase, so that a checkpoint the
 * previous phase's writes made due does not land in the middle of the next one.
 */
export async function checkpoint(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('checkpoint');
  await client.end();
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function summarize(samples: number[]): { median: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { median: percentile(s, 50), p99: percentile(s, 99) };
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Runs `task` from `concurrency` workers until `total` tasks are done; returns tasks per second. */
export async function drive(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) await task(i);
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}

/** The person resource's columns (人口基础信息, JNGAJ-0001) in the order the benches write them. */
export const PERSON_COLUMNS = ['citizen_id', 'name', 'gender', 'birth_date', 'division', 'address', 'phone'] as const;

/** Writes `rows` valid generated residents as a CSV file with a header, streamed. */
export async function writePeopleCsv(path: string, rows: number, seed = 11): Promise<void> {
  const out = createWriteStream(path);
  out.write(PERSON_COLUMNS.join(',') + '\n');
  let buf = '';
  for (const p of people(rows, seed)) {
    buf += PERSON_COLUMNS.map((c) => p[c]).join(',') + '\n';
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

/** The baseline of a load: seconds for a bare COPY of a people CSV (writePeopleCsv) into a fresh keyed table. */
export async function bareCopyPeople(url: string, file: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`create table bare_person (
    citizen_id text primary key, name text not null, gender text not null, birth_date date not null,
    division text not null, address text, phone text)`);
  const t0 = performance.now();
  await pipeline(createReadStream(file), client.query(copyFrom(`copy bare_person from stdin (format csv, header)`)));
  const seconds = (performance.now() - t0) / 1000;
  await client.end();
  return seconds;
}
