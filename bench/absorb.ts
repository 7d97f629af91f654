/**
 * npx tsx bench/absorb.ts — absorbing one load of the person resource into the person base,
 * against loading the same rows into the catalog, on PostgreSQL.
 *  (a) catalog load: `ingest.runFile --snapshot` of ABSORB_ROWS (default 1 000 000) generated
 *      residents into the demo's 人口基础信息 (JNGAJ-0001, the source of record of most person
 *      elements) — parse, map, validate, COPY, merge;
 *  (b) absorb: `base.absorbJob` of that job — read the job's rows back, check them against the
 *      elements, stage, merge subjects, observations, values, conflicts and labels.
 * The database is seeded with the demo city (100 residents) first, so that the absorb merges
 * into a base with authorities, labels and other providers' observations. Ingest would start
 * the absorb in the background right after the load; here it is kept from doing so and called
 * once the load is done, so that the two are timed apart.
 *
 * Peak memory is this process's maximum resident set after each step (both run in it).
 * ABSORB_RUNS (default 1) repeats the whole in fresh databases and prints medians.
 */
import { createReadStream, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemo } from '../src/demo/index.js';
import { openHub } from '../src/http/index.js';
import { createDatabase, fmt, summarize, writePeopleCsv } from './lib.js';

const ROWS = Number(process.env.ABSORB_ROWS ?? 1_000_000);
const RUNS = Number(process.env.ABSORB_RUNS ?? 1);
const RESOURCE = 'JNGAJ-0001';

const peakMiB = () => process.resourceUsage().maxRSS / 1024;

interface Run {
  load: number;
  absorb: number;
  peakLoad: number;
  peakAbsorb: number;
}

async function run(file: string): Promise<Run> {
  const database = await createDatabase('absorb');
  try {
    const hub = await openHub({ databaseUrl: database.url });
    try {
      await seedDemo(hub, { password: 'bench-absorb-password', people: 100 });
      const resource = await hub.catalog.get(RESOURCE);
      const t0 = performance.now();
      const job = await hub.ingest.runFile(resource, createReadStream(file), {
        createdBy: 1,
        source: 'bench',
        snapshot: true,
        followUp: false, // ingest would absorb it in the background: it is absorbed below instead
      });
      const t1 = performance.now();
      if (job.state !== 'succeeded' || job.rowsLoaded !== ROWS) {
        throw new Error(`job ${job.state}, ${job.rowsLoaded} rows loaded`);
      }
      await hub.ingest.settled();
      const peakLoad = peakMiB();
      const t2 = performance.now();
      const absorbed = await hub.base.absorbJob(resource, job.id);
      const t3 = performance.now();
      if (absorbed.subjects !== ROWS) throw new Error(`${absorbed.subjects} subjects absorbed`);
      return { load: (t1 - t0) / 1000, absorb: (t3 - t2) / 1000, peakLoad, peakAbsorb: peakMiB() };
    } finally {
      await hub.close();
    }
  } finally {
    await database.drop();
  }
}

async function main() {
  const file = join(tmpdir(), `qdh-bench-absorb-${ROWS}.csv`);
  console.log(`generating ${fmt(ROWS)} person rows …`);
  await writePeopleCsv(file, ROWS);
  console.log(`file: ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB`);
  const runs: Run[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const r = await run(file);
      runs.push(r);
      console.log(
        `run ${i + 1}: load ${fmt(r.load, 2)} s, absorb ${fmt(r.absorb, 2)} s, ` +
          `peak RSS ${fmt(r.peakLoad)} MiB after the load, ${fmt(r.peakAbsorb)} MiB after the absorb`,
      );
    }
  } finally {
    rmSync(file, { force: true });
  }
  const load = summarize(runs.map((r) => r.load)).median;
  const absorb = summarize(runs.map((r) => r.absorb)).median;
  const peak = summarize(runs.map((r) => r.peakAbsorb)).median;
  console.log(`rows: ${fmt(ROWS)}${RUNS > 1 ? `, medians of ${RUNS} runs` : ''}`);
  console.log(`(a) catalog load: ${fmt(load, 2)} s  ${fmt(ROWS / load)} rows/s`);
  console.log(`(b) base absorb:  ${fmt(absorb, 2)} s  ${fmt(ROWS / absorb)} rows/s`);
  console.log(`ratio b/a (rows/s): ${(load / absorb).toFixed(2)}`);
  console.log(`peak RSS (maxRSS of this process): ${fmt(peak)} MiB`);
}

await main();
