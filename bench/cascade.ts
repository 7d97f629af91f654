/**
 * npm run bench:cascade — push up (归集) from a district node to the city node, against a bare
 * COPY of the same rows in the same run.
 *  (a) bare PostgreSQL: COPY … FROM STDIN (csv, header) of the rows into a typed table with the
 *      citizen ID as primary key, in the city's database;
 *  (b) the cascade: a district node (历下区, in this process) and the city node (a process of its
 *      own, bench/cascade-city.ts) on loopback, each on a PostgreSQL database of its own; the district pushes its resource of
 *      CASCADE_ROWS (default 1 000 000) residents into its copy on the city — read in key order,
 *      signed batches over HTTP, every value validated again on the city, quality rules, COPY into
 *      the run's staged table, each batch acknowledged once staged; then the run's end: the
 *      staged table keyed and swapped in as the copy's partition, in one transaction;
 *  (c) 1 % of the district's rows change (a load of them with new addresses) and the push runs
 *      again: only the changed rows go.
 * Loading the district's records first (an ingest of the same file) is not timed. Each timed
 * phase starts after a CHECKPOINT of both databases. Batches are of 20 000 rows by default, the
 * most a push takes (fewer requests, signatures and ingest jobs).
 * Beside each rate the CPU seconds of the district, the city and their databases' backends are
 * printed (Linux): on a machine shared with other work they move far less than the wall time.
 */
import { createReadStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { startHub, type RunningHub } from '../src/http/index.js';
import { createLogger } from '../src/kernel/index.js';
import { people } from '../src/demo/people.js';
import pg from 'pg';
import { checkpoint, createDatabase, fmt, bareCopyPeople, PERSON_COLUMNS, writePeopleCsv } from './lib.js';
import { registerResidents } from './cascade-resource.js';
import { measure, type CpuSeconds } from './cascade-cpu.js';

const ROWS = Number(process.env.CASCADE_ROWS ?? 1_000_000);
const BATCH_ROWS = Number(process.env.CASCADE_BATCH_ROWS ?? 20_000);
const start = (databaseUrl: string, node: Parameters<typeof startHub>[0]['node']) =>
  startHub({ databaseUrl, host: '127.0.0.1', port: 0, logger: createLogger('silent'), generateKek: true, node });

/** The city node in a process of its own (bench/cascade-city.ts): where it listens, a token, its copy. */
async function startCity(
  databaseUrl: string,
): Promise<{ child: ChildProcess; url: string; token: string; target: string }> {
  // CASCADE_PROFILE=1: a CPU profile of the city node in profiles/ (run the bench itself with
  // `node --cpu-prof --cpu-prof-dir=profiles --import tsx bench/cascade.ts` for the district's).
  const profile = process.env.CASCADE_PROFILE === '1' ? ['--cpu-prof', '--cpu-prof-dir=profiles'] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'bench/cascade-city.ts', databaseUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { child, ...(JSON.parse(line) as { url: string; token: string; target: string }) };
}

/** A full run's phases, from the district's batches: until the last batch of rows was acknowledged, and the end (key, swap). */
async function fullPhases(url: string, runId: string): Promise<{ batches: number; end: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ batches: number; end: number }>(
      `select extract(epoch from max(acked_at) filter (where rows > 0) - r.started_at)::float8 as batches,
              extract(epoch from max(acked_at) - max(acked_at) filter (where rows > 0))::float8 as "end"
       from cascade.push_batch b join cascade.push_run r on r.id = b.run_id where b.run_id = $1 group by r.started_at`,
      [runId],
    );
    return rows[0]!;
  } finally {
    await client.end();
  }
}

const cpuLine = (c: CpuSeconds) =>
  `city node ${fmt(c.city, 1)}, district node ${fmt(c.district, 1)}, PostgreSQL ${fmt(c.cityDb + c.districtDb, 1)}` +
  ` (city's database ${fmt(c.cityDb, 1)}, district's ${fmt(c.districtDb, 1)})`;

async function main() {
  const file = join(tmpdir(), `qdh-bench-cascade-${ROWS}.csv`);
  console.log(`generating ${fmt(ROWS)} person rows …`);
  await writePeopleCsv(file, ROWS);
  const cityDb = await createDatabase('cascade_city');
  const districtDb = await createDatabase('cascade_district');
  let city: Awaited<ReturnType<typeof startCity>> | undefined;
  let district: RunningHub | undefined;
  try {
    city = await startCity(cityDb.url);
    const { target } = city;
    district = await start(districtDb.url, {
      role: 'district',
      division: '370102',
      parentUrl: city.url,
      enrolToken: city.token,
    });
    const source = await registerResidents(district.hub);
    const resource = await district.hub.catalog.get(source);
    console.log(`loading the district's ${fmt(ROWS)} records (not timed) …`);
    const loaded = await district.hub.ingest.runFile(resource, createReadStream(file), {
      createdBy: 1,
      source: 'bench:cascade',
    });
    if (loaded.rowsLoaded !== ROWS) throw new Error(`the district loaded ${loaded.rowsLoaded} rows`);

    await checkpoint(cityDb.url);
    const urls = { city: cityDb.url, district: districtDb.url };
    const cityPid = city.child.pid!;
    const { result: bare, cpu: bareCpu } = await measure(urls, cityPid, () => bareCopyPeople(cityDb.url, file));

    const pushes = district.hub.pushes;
    const push = await pushes.define({ resource: source, target, batchRows: BATCH_ROWS }, 'bench');
    await checkpoint(cityDb.url);
    await checkpoint(districtDb.url);
    const {
      result: full,
      seconds: fullSeconds,
      cpu: fullCpu,
    } = await measure(urls, cityPid, () => pushes.run(push.id));
    if (full.state !== 'succeeded' || full.rowsLoaded !== ROWS)
      throw new Error(`full push ${full.state}: ${full.rowsLoaded} rows loaded, ${full.rowsRejected} rejected`);

    const phases = await fullPhases(districtDb.url, full.id);

    // 1 % of the residents move house: a load of their rows with new addresses.
    const changed = Math.max(1, Math.floor(ROWS / 100));
    const every = Math.floor(ROWS / changed);
    await district.hub.ingest.run(
      resource,
      (async function* () {
        yield [...PERSON_COLUMNS];
        let i = 0;
        for (const p of people(ROWS, 11)) {
          if (i++ % every === 0 && i <= changed * every)
            yield PERSON_COLUMNS.map((c) => (c === 'address' ? `${p.address}（迁居）` : p[c]));
        }
      })(),
      { createdBy: 1, source: 'bench:cascade-changes' },
    );
    await checkpoint(cityDb.url);
    await checkpoint(districtDb.url);
    const t0 = performance.now();
    const incremental = await district.hub.pushes.run(push.id);
    const incrementalSeconds = (performance.now() - t0) / 1000;
    if (incremental.state !== 'succeeded' || incremental.rowsSent !== changed)
      throw new Error(`incremental push ${incremental.state}: ${incremental.rowsSent} rows sent, ${changed} changed`);

    const bareRate = ROWS / bare;
    const pushRate = ROWS / fullSeconds;
    console.log(`rows: ${fmt(ROWS)}, batches of ${fmt(BATCH_ROWS)}`);
    console.log(`(a) bare COPY into the city's database: ${fmt(bare, 2)} s  ${fmt(bareRate)} rows/s`);
    console.log(`(b) full push district → city:         ${fmt(fullSeconds, 2)} s  ${fmt(pushRate)} rows/s`);
    console.log(
      `    of which: batches sent and staged until the last was acknowledged ${fmt(phases.batches, 2)} s,` +
        ` the end (key, swap in) ${fmt(phases.end, 2)} s`,
    );
    console.log(`ratio b/a: ${(pushRate / bareRate).toFixed(2)}  (goal ≥ 0.3)`);
    if (bareCpu && fullCpu) {
      console.log(`CPU s, (a): PostgreSQL ${fmt(bareCpu.cityDb, 1)}`);
      console.log(`CPU s, (b): ${cpuLine(fullCpu)}`);
    }
    console.log(
      `(c) incremental push of ${fmt(changed)} changed rows (1 %): ${fmt(incrementalSeconds, 2)} s` +
        `  = ${(incrementalSeconds / fullSeconds).toFixed(3)} of the full push  (goal < 0.1)`,
    );
  } finally {
    await district?.close();
    if (city) {
      city.child.kill('SIGTERM');
      await once(city.child, 'exit');
    }
    await districtDb.drop();
    await cityDb.drop();
    rmSync(file, { force: true });
  }
}

await main();
