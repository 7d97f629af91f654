/**
 * Vitest global setup: a real PostgreSQL server for the suite, and a database of this run's own.
 *
 * Order: TEST_DATABASE_URL; else the server on 127.0.0.1:5432; else one started here with
 * initdb in a temporary directory (as the `postgres` user when we are root, since PostgreSQL
 * refuses to run as root). The run creates a uniquely named database and drops it at the end,
 * so concurrent runs never see each other's data. Under CI=true a missing server is a failure.
 * Its directory holds the demo city seeded once per engine for suites to copy (./seeded-demo.ts).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a PostgreSQL maintenance database, or '' when no server could be had (local runs only). */
    postgresAdminUrl: string;
    /** Prefix of this run's databases: each test file creates its own under it; teardown drops them all. */
    postgresPrefix: string;
    /** This run's directory: the seeded demo city's dump and the markers of who seeds it. */
    runDir: string;
  }
}

let server: ChildProcess | undefined;
let serverDir: string | undefined;
let adminUrl: string | undefined;
let prefix: string | undefined;
let workDir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  adminUrl = process.env.TEST_DATABASE_URL ?? (await answers('postgres://postgres@127.0.0.1:5432/postgres'));
  adminUrl ??= await startOwnServer();
  if (!adminUrl) {
    if (process.env.CI === 'true') throw new Error('CI=true but no PostgreSQL server could be reached or started');
    console.warn('[postgres] no server reachable and initdb not found: PostgreSQL suites are skipped');
    project.provide('postgresAdminUrl', '');
    project.provide('postgresPrefix', '');
  } else {
    prefix = `qdh_test_${process.pid}_${Date.now().toString(36)}`;
    project.provide('postgresAdminUrl', adminUrl);
    project.provide('postgresPrefix', prefix);
  }
  workDir = mkdtempSync(join(tmpdir(), 'qdh-run-'));
  project.provide('runDir', workDir);
}

export async function teardown(): Promise<void> {
  if (adminUrl && prefix) await dropRunDatabases(prefix);
  if (server) {
    server.kill('SIGINT');
    await new Promise((r) => server!.once('exit', r));
  }
  if (serverDir) rmSync(serverDir, { recursive: true, force: true });
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}

async function dropRunDatabases(runPrefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database where datname like $1', [
      `${runPrefix}%`,
    ]);
    for (const r of rows) await client.query(`drop database if exists "${r.datname}" with (force)`);
  } finally {
    await client.end();
  }
}

async function answers(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return url;
  } catch {
    return undefined;
  }
}

function findBin(name: string): string | undefined {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort().reverse() : [];
  for (const v of versions) {
    const p = `/usr/lib/postgresql/${v}/bin/${name}`;
    if (existsSync(p)) return p;
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function startOwnServer(): Promise<string | undefined> {
  const initdb = findBin('initdb');
  const postgres = findBin('postgres');
  if (!initdb || !postgres) return undefined;
  serverDir = mkdtempSync(join(tmpdir(), 'qdh-pg-'));
  chmodSync(serverDir, 0o777);
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    asRoot ? (['runuser', ['-u', 'postgres', '--', cmd, ...args]] as const) : ([cmd, args] as const);
  const data = join(serverDir, 'data');
  const [c1, a1] = run(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  execFileSync(c1, [...a1], { stdio: 'ignore' });
  const port = await freePort();
  const [c2, a2] = run(postgres, [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    serverDir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
  ]);
  server = spawn(c2, [...a2], { stdio: 'ignore' });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  for (let i = 0; i < 100; i++) {
    if (await answers(url)) return url;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`started PostgreSQL in ${serverDir} but it does not answer on port ${port}`);
}
