/**
 * The demo city, seeded once per test run and engine, for suites that only need a seeded hub.
 *
 * Seeding registers 197 resources through the real workflow, with a ledger entry each: it took
 * most of each suite's setup, repeated for every suite and engine. Instead the first suite that
 * asks seeds it, once per run and engine, and each suite opens a copy of its own — PostgreSQL by
 * `CREATE DATABASE … TEMPLATE`, PGlite from a `dumpDataDir` tarball — so suites still never see
 * each other's writes. Runs with no such suite seed nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { seedDemo } from '../../src/demo/index.js';
import { people, toCsv } from '../../src/demo/people.js';
import { openHub, type Hub } from '../../src/http/index.js';

/** Residents of the seeded city: enough for every suite that uses it, few enough to seed fast. */
export const SEEDED_PEOPLE = 20;
/** The password of every demo account in the seeded city. */
export const SEEDED_PASSWORD = 'seeded-demo-password';

/**
 * Grows the residents (人口基础信息) of a suite's copy of the seeded city to `count`, by one load
 * through ingest as its provider's officer: the demo's generator yields the same first residents
 * for any count, so the seeded ones are loaded again unchanged and the rest are added. For suites
 * whose cases need more residents than SEEDED_PEOPLE; the other resources keep their rows.
 */
export async function growPopulation(hub: Hub, count: number): Promise<void> {
  const resource = await hub.catalog.get('JNGAJ-0001');
  const createdBy = await hub.access.findUserId('officer');
  const report = await hub.ingest.runFile(resource, toCsv(people(count, 2026)), {
    createdBy,
    source: 'test:people.csv',
  });
  if (report.state !== 'succeeded') throw new Error(`growing the population failed: ${JSON.stringify(report)}`);
}

/** How often a worker looks whether another worker has finished seeding. */
const POLL_MS = 200;

/**
 * The PGlite dump file or the PostgreSQL template database of this run's seeded city. Test files
 * run in several worker processes: the first to take the engine's lock (an atomic mkdir in the
 * run's directory) seeds; the others wait for its marker file, which also carries a failure.
 */
export async function seededTemplate(
  engine: 'pglite' | 'postgres',
  run: { dir: string; adminUrl: string; prefix: string },
): Promise<string> {
  const marker = join(run.dir, `seeded-${engine}.json`);
  if (takeLock(join(run.dir, `seeding-${engine}`))) {
    const outcome = await (
      engine === 'pglite' ? seedPGlite(run.dir) : seedPostgres(run.adminUrl, `${run.prefix}_seeded`)
    )
      .then((template) => ({ template }))
      .catch((e: unknown) => ({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
    writeFileSync(`${marker}.tmp`, JSON.stringify(outcome));
    renameSync(`${marker}.tmp`, marker);
  }
  while (!existsSync(marker)) await new Promise((r) => setTimeout(r, POLL_MS));
  const outcome = JSON.parse(readFileSync(marker, 'utf8')) as { template?: string; error?: string };
  if (outcome.error !== undefined) throw new Error(`seeding the demo city on ${engine} failed: ${outcome.error}`);
  return outcome.template!;
}

function takeLock(dir: string): boolean {
  try {
    mkdirSync(dir);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** Seeds into a data directory on disk, then dumps it: a hub in memory does not expose its PGlite. */
async function seedPGlite(workDir: string): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'qdh-seeded-'));
  try {
    const hub = await openHub({ dataDir, headIntervalMs: 100 });
    try {
      await seedDemo(hub, { password: SEEDED_PASSWORD, people: SEEDED_PEOPLE });
    } finally {
      await hub.close();
    }
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(dataDir);
    try {
      const dump = join(workDir, 'seeded-demo.tar');
      writeFileSync(dump, Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer()));
      return dump;
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function seedPostgres(adminUrl: string, name: string): Promise<string> {
  await adminQuery(adminUrl, `create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // Closing the hub ends every connection to the template: PostgreSQL copies none that has one.
  const hub = await openHub({ databaseUrl: url.toString(), headIntervalMs: 100 });
  try {
    await seedDemo(hub, { password: SEEDED_PASSWORD, people: SEEDED_PEOPLE });
  } finally {
    await hub.close();
  }
  return name;
}

export async function adminQuery(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
