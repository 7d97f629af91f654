import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * The database engines every integration suite runs on, in the manner of Kysely's
 * `for (const dialect of DIALECTS)`: the same cases on embedded PGlite and on PostgreSQL.
 */
export interface Engine {
  name: 'pglite' | 'postgres';
  /** A fresh database for one suite: undefined means PGlite in memory. */
  createDatabase(): Promise<string | undefined>;
  skip: boolean;
}

export function engines(): Engine[] {
  const adminUrl = inject('postgresAdminUrl');
  const prefix = inject('postgresPrefix');
  return [
    { name: 'pglite', createDatabase: async () => undefined, skip: false },
    { name: 'postgres', createDatabase: () => createPostgresDatabase(adminUrl, prefix), skip: !adminUrl },
  ];
}

/** A database of this test run's own (the global teardown drops every one with the run's prefix). */
export async function createPostgresDatabase(adminUrl: string, prefix: string): Promise<string> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
