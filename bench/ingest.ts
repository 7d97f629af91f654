/**
 * npm run bench:ingest — `qdh ingest` of a person file against a bare COPY of the same file.
 *  (a) bare PostgreSQL: COPY … FROM STDIN (csv, header) of the file into a typed table with the
 *      citizen ID as primary key;
 *  (b) the hub: `qdh ingest --snapshot --defer-bases` of the file into the demo's 人口基础信息
 *      resource, in a process of its own — parse, map, validate every value (check digits,
 *      division codes, dates), quality rules, COPY into a staging table, merge in one
 *      transaction. The person base's absorb of the load, which follows a load, is left to the
 *      serving hub (`bench/absorb.ts` measures it).
 * INGEST_ROWS (default 1 000 000) valid rows are generated first. The hub's time is the job's
 * own (started → finished, as ingest.job records it); its peak memory is the CLI process's
 * VmHWM (peak resident set), sampled from /proc while it runs. Each timed phase starts after a
 * CHECKPOINT, so neither pays for the other's writes.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import pg from 'pg';
import { seedDemo } from '../src/demo/index.js';
import { openHub } from '../src/http/index.js';
import { checkpoint, createDatabase, fmt, bareCopyPeople, writePeopleCsv } from './lib.js';

const ROWS = Number(process.env.INGEST_ROWS ?? 1_000_000);
const RESOURCE = 'JNGAJ-0001';

/** Runs the CLI as a user would and samples its peak resident memory while it runs. */
async function hubIngest(url: string, file: string): Promise<{ wall: number; peakMiB: number; output: string }> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'ingest', '-r', RESOURCE, '--snapshot', '--defer-bases', file],
    { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  let peakKiB = 0;
  const sample = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
    } catch {
      // the process has just ended
    }
  }, 100);
  const [code] = await once(child, 'exit');
  clearInterval(sample);
  if (code !== 0) throw new Error(`qdh ingest exited with ${code}:\n${output}`);
  return { wall: (performance.now() - t0) / 1000, peakMiB: peakKiB / 1024, output };
}

async function main() {
  const file = join(tmpdir(), `qdh-bench-people-${ROWS}.csv`);
  console.log(`generating ${fmt(ROWS)} person rows …`);
  await writePeopleCsv(file, ROWS);
  console.log(`file: ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB`);
  const database = await createDatabase('ingest');
  try {
    const hub = await openHub({ databaseUrl: database.url });
    await seedDemo(hub, { password: 'bench-ingest-password', people: 100 });
    await hub.close();

    await checkpoint(database.url);
    const bare = await bareCopyPeople(database.url, file);
    await checkpoint(database.url);
    const run = await hubIngest(database.url, file);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ seconds: number; loaded: number; state: string }>(
      `select extract(epoch from finished_at - started_at)::float8 as seconds, rows_loaded as loaded, state
       from ingest.job where source like 'cli:%' order by started_at desc limit 1`,
    );
    await client.end();
    const job = rows[0]!;
    if (job.state !== 'succeeded' || job.loaded !== ROWS)
      throw new Error(`job ${job.state}, ${job.loaded} rows loaded`);
    const bareRate = ROWS / bare;
    const hubRate = ROWS / job.seconds;
    console.log(`rows: ${fmt(ROWS)}`);
    console.log(`(a) bare COPY:          ${fmt(bare, 2)} s  ${fmt(bareRate)} rows/s`);
    console.log(
      `(b) qdh ingest (job):   ${fmt(job.seconds, 2)} s  ${fmt(hubRate)} rows/s  (process ${fmt(run.wall, 2)} s with start-up)`,
    );
    console.log(`ratio b/a: ${(hubRate / bareRate).toFixed(2)}  (goal ≥ 0.5)`);
    console.log(`peak memory of qdh ingest (VmHWM): ${fmt(run.peakMiB)} MiB`);
  } finally {
    await database.drop();
    rmSync(file, { force: true });
  }
}

await main();
