import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, openHub, type Hub } from '../../src/http/index.js';
import { isHubError } from '../../src/kernel/index.js';
import { verifyLedger, type LedgerTables } from '../../src/ledger/index.js';
import {
  HEADER_BYTES,
  backup,
  headerOf,
  readManifest,
  readRestoreRecord,
  refuseUnverifiedRestore,
  restore,
  type RestoreOptions,
  type Target,
} from '../../src/ops/index.js';
import { engines, growPopulation, type Engine } from '../databases.js';
import { probe } from '../ledger/probe.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'qdh-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KNOWN = MIGRATIONS.flatMap((m) => m.migrations.map((x) => `${m.module}/${x.id}`));
const restoreOnto = (target: Target, file: string, more: Partial<RestoreOptions> = {}) =>
  restore({ ...target, file, knownMigrations: KNOWN, open: openHub, ...more });
const PEOPLE = 'JNGAJ-0001';

/** The code of the HubError `work` fails with. */
async function codeOf(work: Promise<unknown>): Promise<string> {
  const e = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isHubError(e)) throw new Error(`expected a HubError, got ${String(e)}`);
  return e.code;
}

/** What must come back: the resource's records and the ledger's entries, in order. */
async function snapshot(hub: Hub) {
  const resource = await hub.catalog.get(PEOPLE);
  return {
    records: await hub.records.filter(resource.id, {}, 0, 10_000),
    ledger: await allEntries(hub),
  };
}

/** The whole ledger, page by page (a range holds at most 1 000 entries). */
async function allEntries(hub: Hub) {
  const size = await hub.ledger.size();
  const pages = [];
  for (let start = 0; start < size; start += 1000)
    pages.push(...(await hub.ledger.entries(start, Math.min(size, start + 1000))));
  return pages;
}

/**
 * A forged backup, as someone who can write the file would make one: one ledger entry changed
 * inside the dump (the append-only triggers bypassed), the dump taken again with the engine's own
 * tool, and wrapped in the original manifest with the payload's size and digest made to match.
 */
async function forge(good: string, engine: Engine, out: string): Promise<void> {
  const manifest = await readManifest(good);
  const payload = readFileSync(good).subarray(HEADER_BYTES);
  const tamper = `set session_replication_role = replica;
    update ledger.entry set entry = replace(entry, 'a test entry', 'a forged entry')
      where idx = (select max(idx) from ledger.entry where entry like '%a test entry%')`;
  let forged: Buffer;
  if (engine.name === 'pglite') {
    const db = await PGlite.create({ loadDataDir: new Blob([payload]) });
    try {
      await db.exec(tamper);
      forged = Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer());
    } finally {
      await db.close();
    }
  } else {
    const url = (await engine.createDatabase())!;
    await tool('pg_restore', ['--no-owner', `--dbname=${url}`], payload);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(tamper).finally(() => client.end());
    forged = await tool('pg_dump', ['--format=custom', `--dbname=${url}`]);
  }
  const sha256 = createHash('sha256').update(forged).digest('hex');
  const header = headerOf({ ...manifest, payload: { ...manifest.payload, bytes: forged.length, sha256 } });
  writeFileSync(out, Buffer.concat([header, forged]));
}

/** Runs a PostgreSQL client tool with `input` on stdin; its stdout. */
function tool(name: string, args: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(name, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`${name}: ${err}`))));
    child.stdin.end(input);
  });
}

describe.each(engines())('qdh backup and restore on $name', { timeout: 180_000 }, (engine) => {
  let target: Target;
  let scratch: Target;
  let before: Awaited<ReturnType<typeof snapshot>>;
  let head: { treeSize: number; rootHash: string };
  const file = join(dir, `${engine.name}.qdhbak`);
  const forged = join(dir, `${engine.name}-forged.qdhbak`);

  beforeAll(async () => {
    if (engine.skip) return;
    const seeded = await engine.seededDatabase();
    target = { databaseUrl: seeded.databaseUrl, dataDir: join(dir, `${engine.name}-data`) };
    scratch = { databaseUrl: await engine.createDatabase(), dataDir: join(dir, `${engine.name}-scratch`) };
    // PGlite on disk, as `qdh serve` runs it: the seeded city is loaded into the directory once.
    const hub = await openHub({ ...target, loadDataDir: seeded.loadDataDir, headIntervalMs: 100 });
    try {
      await growPopulation(hub, 30);
      for (let i = 0; i < 5; i++) await hub.ledger.append(probe(i));
      // The load's absorb into the base databases appends too: the backup is of the settled hub.
      await hub.ingest.settled();
      head = await hub.ledger.latestHead();
      before = await snapshot(hub);
    } finally {
      await hub.close();
    }
    // The first suite of a run to ask seeds the demo city for all: minutes on a busy machine.
  }, 600_000);

  it.skipIf(engine.skip)('restores the records and the ledger as they were at the backup, verified', async () => {
    const written = await backup({ ...target, file, hubVersion: '0.1.0-test', open: openHub });
    expect(written.manifest).toMatchObject({ engine: engine.name, hubVersion: '0.1.0-test' });
    expect(written.manifest.ledger.head).toMatchObject({ treeSize: head.treeSize, rootHash: head.rootHash });
    expect(written.manifest.migrations).toEqual(expect.arrayContaining(['ledger/001-log']));

    // Change what the backup holds (PostgreSQL), or destroy it outright (PGlite's directory).
    if (engine.name === 'postgres') {
      const hub = await openHub(target);
      try {
        await growPopulation(hub, 40);
        await hub.ledger.append(probe('after the backup'));
      } finally {
        await hub.close();
      }
    } else rmSync(target.dataDir, { recursive: true, force: true });

    if (engine.name === 'postgres') expect(await codeOf(restoreOnto(target, file))).toBe('OPS_BAD_TARGET');
    const restored = await restoreOnto(target, file, { force: true });
    expect(restored.problems).toEqual([]);
    expect(restored.verified).toBe(true);
    expect((await readRestoreRecord(target))?.state).toBe('verified');
    await refuseUnverifiedRestore(target);

    const hub = await openHub(target);
    try {
      const after = await snapshot(hub);
      expect(after.records).toEqual(before.records);
      expect(after.ledger).toEqual(before.ledger);
      expect((await verifyLedger(hub.db.kysely.withTables<LedgerTables>())).ok).toBe(true);
    } finally {
      await hub.close();
    }
  });

  it.skipIf(engine.skip)('refuses what is not a whole backup of this engine before touching the target', async () => {
    const notBackup = join(dir, 'not-a-backup');
    writeFileSync(notBackup, 'citizen_id,name\n');
    expect(await codeOf(restoreOnto(scratch, notBackup))).toBe('OPS_BAD_BACKUP');

    const truncated = join(dir, `${engine.name}-truncated`);
    writeFileSync(truncated, readFileSync(file));
    truncateSync(truncated, HEADER_BYTES + 1000);
    expect(await codeOf(restoreOnto(scratch, truncated))).toBe('OPS_BAD_BACKUP');

    const flipped = join(dir, `${engine.name}-flipped`);
    const bytes = readFileSync(file);
    bytes[HEADER_BYTES + 200] = bytes[HEADER_BYTES + 200]! ^ 0xff;
    writeFileSync(flipped, bytes);
    expect(await codeOf(restoreOnto(scratch, flipped))).toBe('OPS_BAD_BACKUP');

    const other: Target =
      engine.name === 'postgres'
        ? { dataDir: join(dir, 'never-created') }
        : { databaseUrl: 'postgres://127.0.0.1:1/never', dataDir: 'memory://' };
    expect(await codeOf(restoreOnto(other, file))).toBe('OPS_BAD_TARGET');
    expect(await codeOf(restoreOnto(scratch, file, { knownMigrations: KNOWN.slice(1) }))).toBe('OPS_BAD_TARGET');
    expect(await readRestoreRecord(scratch)).toBeNull();
  });

  it.skipIf(engine.skip)(
    'refuses a backup whose ledger was changed inside the dump, and holds the database',
    async () => {
      await forge(file, engine, forged);
      const refused = await restoreOnto(scratch, forged, { force: true });
      expect(refused.verified).toBe(false);
      expect(refused.problems.map((p) => p.key)).toContain('ops.ledgerEntry');
      expect(await codeOf(refuseUnverifiedRestore(scratch))).toBe('OPS_RESTORE_UNVERIFIED');
      await refuseUnverifiedRestore(scratch, { override: true });

      // Restoring the good backup again lifts the hold.
      expect((await restoreOnto(scratch, file, { force: true })).verified).toBe(true);
      await refuseUnverifiedRestore(scratch);
    },
  );

  // The command line as it ships, once: a real process backs up, restores a forged file and is refused
  // serving it. PGlite only: it needs no server, and its lock file is what tells a running hub.
  it.skipIf(engine.skip || engine.name !== 'pglite')(
    'runs as `qdh backup`, `qdh restore` and a refused `qdh serve`',
    async () => {
      await run(process.execPath, ['scripts/ensure-build.mjs'], { timeout: 290_000 });
      const env = { ...process.env, QDH_DATA_DIR: target.dataDir, DATABASE_URL: '' };
      const qdh = (...args: string[]) =>
        run(process.execPath, ['dist/cli/main.js', ...args], { env, timeout: 120_000 }).catch(
          (e: { code: number; stdout: string; stderr: string }) => e,
        );
      const cliFile = join(dir, 'cli.qdhbak');
      const made = await qdh('backup', cliFile);
      expect(made.stdout).toMatch(new RegExp(`wrote ${cliFile}: pglite, \\d+ bytes`));

      const held = await qdh('restore', forged, '--force');
      expect((held as { code?: number }).code).toBe(2);
      expect(held.stderr).toMatch(/^OPS_RESTORE_UNVERIFIED: 恢复后的数据库未通过校验：泉城链第 \d+ 个条目/m);
      expect(held.stderr).toMatch(/the restored database did not verify: ledger entry \d+/);
      const serve = await qdh('serve', '--port', '0');
      expect((serve as { code?: number }).code).toBe(2);
      expect(serve.stderr).toMatch(/上次的恢复.*未通过校验/);
      expect(serve.stderr).toMatch(/--accept-unverified-restore/);
    },
    400_000,
  );
});
