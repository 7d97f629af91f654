import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { adminQuery, seededTemplate } from './setup/seeded-demo.js';

export { growPopulation, SEEDED_PASSWORD, SEEDED_PEOPLE } from './setup/seeded-demo.js';

/**
 * The database engines every integration suite runs on, in the manner of Kysely's
 * `for (const dialect of DIALECTS)`: the same cases on embedded PGlite and on PostgreSQL.
 */
export interface Engine {
  name: 'pglite' | 'postgres';
  /** A fresh database for one suite: undefined means PGlite in memory. */
  createDatabase(): Promise<string | undefined>;
  /**
   * Where a suite's hub opens a copy of its own of the demo city seeded once for the run
   * (SEEDED_PEOPLE residents, every demo account's password SEEDED_PASSWORD): options for openHub.
   */
  seededDatabase(): Promise<SeededDatabase>;
  skip: boolean;
}

export interface SeededDatabase {
  /** The suite's PostgreSQL database; undefined on PGlite. */
  databaseUrl: string | undefined;
  dataDir: 'memory://';
  loadDataDir: Blob | undefined;
}

export function engines(): Engine[] {
  const adminUrl = inject('postgresAdminUrl');
  const prefix = inject('postgresPrefix');
  return [
    {
      name: 'pglite',
      createDatabase: async () => undefined,
      seededDatabase: async () => ({ databaseUrl: undefined, dataDir: 'memory://', loadDataDir: await seededDump() }),
      skip: false,
    },
    {
      name: 'postgres',
      createDatabase: () => createPostgresDatabase(adminUrl, prefix),
      seededDatabase: async () => ({
        databaseUrl: await createPostgresDatabase(adminUrl, prefix, await seededTemplate('postgres', run())),
        dataDir: 'memory://',
        loadDataDir: undefined,
      }),
      skip: !adminUrl,
    },
  ];
}

let dump: Promise<Blob> | undefined;

/** Read once per worker: PGlite only reads the dump, so every suite can start from the same one. */
function seededDump(): Promise<Blob> {
  dump ??= seededTemplate('pglite', run())
    .then((file) => readFile(file))
    .then((bytes) => new Blob([bytes]));
  return dump;
}

const run = () => ({ dir: inject('runDir'), adminUrl: inject('postgresAdminUrl'), prefix: inject('postgresPrefix') });

/**
 * A database of this test run's own (the global teardown drops every one with the run's prefix),
 * empty or a copy of `template`.
 */
export async function createPostgresDatabase(adminUrl: string, prefix: string, template?: string): Promise<string> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `create database "${name}"${template ? ` template "${template}"` : ''}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
