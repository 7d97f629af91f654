import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openHub, type Hub } from '../../src/http/index.js';
import { sql } from '../../src/db/index.js';
import { people } from '../../src/demo/people.js';
import { engines, SEEDED_PEOPLE } from '../databases.js';

const RESOURCE = 'JNGAJ-0001';
const COLUMNS = ['citizen_id', 'name', 'gender', 'birth_date', 'division', 'address', 'phone'] as const;
// Half of them (~0.6 MB) is far more than a pipe holds (64 KiB): the kill lands inside the COPY.
const ROWS = 12_000;

/**
 * #4: "a failure or a kill -9 at any moment leaves the previous data intact and a re-run of the
 * same job is idempotent". The CLI reads its file from a named pipe; the test writes half the
 * rows, so the process is for certain midway through its COPY when it is killed.
 */
describe.each(engines())('a load killed midway on $name', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'qdh-crash-'));
  const dataDir = join(dir, 'data');
  const fifo = join(dir, 'pipe.csv'); // a named pipe (mkfifo) with a CSV's name;
  const file = join(dir, 'people.csv');
  let url: string | undefined;
  const open = () => openHub({ databaseUrl: url, dataDir, headIntervalMs: 100 });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const lines = [COLUMNS.join(','), ...Array.from(people(ROWS, 99), (p) => COLUMNS.map((c) => p[c]).join(','))];

  it.skipIf(engine.skip)(
    'keeps the previous data, then a re-run of the job loads the file, twice alike',
    async () => {
      // On PGlite the copy of the seeded city goes into a data directory on disk, which the CLI opens next.
      const seeded = await engine.seededDatabase();
      url = seeded.databaseUrl;
      let hub: Hub = await openHub({ ...seeded, dataDir, headIntervalMs: 100 });
      const resource = await hub.catalog.get(RESOURCE);
      const before = await keys(hub, resource.id);
      expect(before).toHaveLength(SEEDED_PEOPLE);
      await hub.close(); // PGlite belongs to one process at a time

      execFileSync('mkfifo', [fifo]);
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'ingest', '-r', RESOURCE, '--snapshot', fifo],
        {
          env: { ...process.env, DATABASE_URL: url ?? '', QDH_DATA_DIR: dataDir },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      await writeHalfThenKill(child, fifo, lines);

      hub = await open();
      try {
        const after = await hub.catalog.get(RESOURCE);
        expect(await keys(hub, after.id)).toEqual(before);
        const { rows: running } = await sql<{ id: string }>`select id from ingest.job
        where resource_code = ${RESOURCE} and state = 'running'`.execute(hub.db.kysely);
        expect(running).toHaveLength(1); // the killed one, left as it was when the process died
        const jobId = running[0]!.id;
        expect(await stagingTables(hub)).toHaveLength(1); // what it had staged
        // Once its heartbeat is old, a serving hub says the upload died (it cannot read it again).
        await sql`update ingest.job set heartbeat_at = now() - interval '10 minutes' where id = ${jobId}`.execute(
          hub.db.kysely,
        );
        await hub.jobs.requeueStale();
        expect(await hub.ingest.report(jobId)).toMatchObject({
          state: 'failed',
          error: expect.stringMatching(/stopped/),
        });

        writeFileSync(file, lines.join('\n') + '\n');
        const rerun = () =>
          hub.ingest.runFile(after, createReadStream(file), {
            jobId,
            createdBy: 1,
            source: 'test:rerun',
            snapshot: true,
          });
        const first = await rerun();
        expect(first).toMatchObject({ state: 'succeeded', rowsRead: ROWS, rowsLoaded: ROWS, rowsRejected: 0 });
        expect((await hub.catalog.get(RESOURCE)).recordCount).toBe(ROWS);
        const second = await rerun();
        expect(second).toMatchObject({ state: 'succeeded', rowsLoaded: ROWS });
        expect((await hub.catalog.get(RESOURCE)).recordCount).toBe(ROWS);
        const some = lines[1234]!.split(',')[0]!;
        expect(await hub.records.find(after.id, some)).toMatchObject({ citizen_id: some });
        expect(await stagingTables(hub)).toEqual([]);
      } finally {
        await hub.close();
      }
    },
    180_000,
  );
});

/** Writes the first half of the rows into the pipe; once the reader has taken them, kills it. */
async function writeHalfThenKill(child: ChildProcess, fifo: string, lines: string[]): Promise<void> {
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = once(child, 'exit').then(() => {
    throw new Error(`qdh ingest ended before it was killed:\n${output}`);
  });
  const pipe = createWriteStream(fifo).on('error', () => {}); // EPIPE once the reader is dead
  const half = lines.slice(0, lines.length / 2).join('\n') + '\n';
  // A pipe holds 64 KiB: when this much more has been written, the reader has taken the rest.
  const filler = lines.slice(lines.length / 2, lines.length / 2 + 2000).join('\n') + '\n';
  pipe.write(half);
  await Promise.race([exited, new Promise<void>((resolve) => pipe.write(filler, () => resolve()))]);
  // Let the COPY take in what was read.
  await Promise.race([exited, new Promise((r) => setTimeout(r, 500))]);
  exited.catch(() => {});
  child.kill('SIGKILL');
  await once(child, 'exit').catch(() => {});
  pipe.destroy();
}

async function keys(hub: Hub, resourceId: number): Promise<string[]> {
  const { rows } = await sql<{ key: string }>`select key from records.record
    where resource_id = ${resourceId} order by key`.execute(hub.db.kysely);
  return rows.map((r) => r.key);
}

async function stagingTables(hub: Hub): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select tablename as name from pg_tables
    where schemaname = 'records' and tablename like 'stage_%'`.execute(hub.db.kysely);
  return rows.map((r) => r.name);
}
