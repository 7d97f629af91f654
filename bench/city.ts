/**
 * npm run bench:city — the hub at a city's size on PostgreSQL, each operation against its bare
 * baseline in the same run (docs/scale.md extrapolates the figures to Jinan's 600 million records).
 *
 * The city (bench/city-build.ts): CITY_RESOURCES (20 000) catalog entries, CITY_RECORDS
 * (12 000 000) records spread over those that mount records by a Zipf law of exponent CITY_SKEW
 * (1.2: the ten largest hold half the rows), large resources loaded through RecordStore.load,
 * the long tail by one COPY into the store's shared partition; CITY_SERVICE_SHARE (0.6) of the
 * published entries get a data service. Then, each measured CITY_ROUNDS (3) times, medians:
 *  lookup  — GET /api/v1/services/<code>/records?key=…&purpose=… through the real hub over HTTP
 *            (API key, grant, quota, masking, ledger) against bare Fastify + pg on the same
 *            table and index, both in processes of their own, autocannon with CITY_CONNECTIONS
 *            (64) for CITY_SECONDS (10) each; once on the largest resource, once on a small one;
 *  ingest  — `qdh ingest --snapshot` of a CITY_INGEST_ROWS (1 000 000)-row person file into a
 *            large resource against a bare COPY of the same file into a plain keyed table;
 *  search  — CatalogService's search (bigram index, one page, facets) against a bare SQL LIKE
 *            with a page and a count;
 *  figures — the home page's /api/v1/stats figures and the cockpit's indicators against a bare
 *            count over the catalog; an exact count(*) over every record besides, for reference.
 * The run creates its own database and drops it at the end (CITY_KEEP=1 keeps it).
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import autocannon from 'autocannon';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Actor } from '../src/access/index.js';
import { sql } from '../src/db/index.js';
import { seedDemo } from '../src/demo/index.js';
import { platformStats } from '../src/hub/index.js';
import { openHub } from '../src/http/index.js';
import {
  buildCity,
  codecsOf,
  copyLinesOf,
  storeLoad,
  storedKeysOf,
  type City,
  type CityResource,
} from './city-build.js';
import type { Field } from '../src/catalog/index.js';
import { checkpoint, createDatabase, fmt, percentile, writePeopleCsv } from './lib.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SIZE = {
  resources: env('CITY_RESOURCES', 20_000),
  records: env('CITY_RECORDS', 12_000_000),
  skew: env('CITY_SKEW', 1.2),
  serviceShare: env('CITY_SERVICE_SHARE', 0.6),
  ownRows: env('QDH_OWN_PARTITION_ROWS', 100_000),
};
const INGEST_ROWS = env('CITY_INGEST_ROWS', 1_000_000);
const ROUNDS = env('CITY_ROUNDS', 3);
const SECONDS = env('CITY_SECONDS', 10);
const CONNECTIONS = env('CITY_CONNECTIONS', 64);
const POOL = 16;
const PURPOSE = 'social_assistance';

type Hub = Awaited<ReturnType<typeof openHub>>;

/** The machine is shared: each phase says how busy it was when the phase began. */
const load = () =>
  `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`;

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
const seconds = (t0: number) => (performance.now() - t0) / 1000;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** How many resources got how many rows, by decade, and their share of the city's records. */
function printDistribution(city: City): void {
  const total = city.ranked.reduce((s, r) => s + r.rows, 0);
  const buckets = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, Infinity];
  console.log('records per resource (Zipf, rank 1 = JNGAJ-0001, rank 2 = the ingest target):');
  for (let i = 0; i < buckets.length - 1; i++) {
    const within = city.ranked.filter((r) => r.rows >= buckets[i]! && r.rows < buckets[i + 1]!);
    if (within.length === 0) continue;
    const rows = within.reduce((s, r) => s + r.rows, 0);
    const range =
      buckets[i + 1] === Infinity ? `≥ ${fmt(buckets[i]!)}` : `${fmt(buckets[i]!)}–${fmt(buckets[i + 1]! - 1)}`;
    console.log(
      `  ${range.padEnd(22)} ${fmt(within.length).padStart(7)} resources  ${fmt(rows).padStart(12)} rows  ${fmt((100 * rows) / total, 1).padStart(5)} %`,
    );
  }
  const top = (n: number) => city.ranked.slice(0, n).reduce((s, r) => s + r.rows, 0) / total;
  console.log(
    `  largest ${fmt(city.ranked[0]!.rows)} rows; the top 10 hold ${fmt(100 * top(10), 1)} %, the top 100 ${fmt(100 * top(100), 1)} %`,
  );
}

function operator(hub: Hub): Promise<Actor> {
  return (async () => {
    const profile = await hub.access.profile(await hub.access.findUserId('operator'));
    const platform = (await hub.access.findOrganization('JNDSJ'))!;
    return { userId: profile.id, username: 'operator', roles: profile.roles, org: platform, via: 'token' };
  })();
}

/** A small resource in the shared partition, with a service, that 民政局 may be granted. */
function smallTarget(city: City): CityResource {
  const r = city.ranked.find((c) => c.rows >= 1000 && c.rows <= 5000 && c.provider !== 'JNMZJ' && !c.person);
  if (!r) throw new Error('the city has no resource of 1 000–5 000 rows to look up');
  return r;
}

/** Grants 民政局 reads of both lookup targets (a quota the run cannot reach) and returns its API key. */
async function grantLookups(hub: Hub, city: City, small: CityResource): Promise<string> {
  const actor = await operator(hub);
  await sql`insert into share.service (code, resource_code, published_by)
    values (${`DS-${small.code}`}, ${small.code}, 'operator') on conflict do nothing`.execute(hub.db.kysely);
  const common = { consumer: 'JNMZJ', purposes: [PURPOSE], dailyQuota: 100_000_000 };
  await hub.share.createGrant(actor, {
    ...common,
    resource: city.persons.code,
    fields: ['citizen_id', 'name', 'gender', 'birth_date', 'division'],
    masked: ['birth_date'],
  });
  const fields = small.fields.slice(0, 4).map((f) => f.name);
  await hub.share.createGrant(actor, { ...common, resource: small.code, fields });
  const consumer = await hub.access.findUserId('consumer');
  return (await hub.access.createApiKey(consumer, 'bench-city')).key;
}

interface Server {
  address: string;
  stop: () => Promise<void>;
}

/** Starts bench/city-server.ts (bare or hub) in a process of its own. */
async function startServer(kind: 'bare' | 'hub', url: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/city-server.ts', kind, url, String(POOL)], {
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then(([code]) => reject(new Error(`the ${kind} server exited with ${code}`)));
  });
  return {
    address,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

interface Cannon {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  /** What went wrong, by status or kind: `404: 3, timeouts: 2`. */
  failures: string;
}

/** One autocannon run over random keys; percentiles from every response's own latency. */
function cannon(url: string, path: (key: string) => string, keys: string[], headers: Record<string, string>) {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  return new Promise<Cannon>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: SECONDS,
        headers,
        requests: [{ setupRequest: (req) => ({ ...req, path: path(keys[randomInt(keys.length)]!) }) }],
      },
      (err, result) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        latencies.sort((a, b) => a - b);
        resolve({
          rps: result.requests.average,
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
          errors: result.errors + result.timeouts + result.non2xx,
          failures: [
            ...[...statuses].map(([status, n]) => `${status}: ${n}`),
            ...(result.timeouts ? [`timeouts: ${result.timeouts}`] : []),
            ...(result.errors - result.timeouts > 0 ? [`errors: ${result.errors - result.timeouts}`] : []),
          ].join(', '),
        });
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      latencies.push(ms);
      if (status !== 200) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    });
  });
}

interface Comparison {
  hub: Cannon;
  bare: Cannon;
}

const medianOf = (runs: Cannon[]): Cannon => ({
  rps: median(runs.map((r) => r.rps)),
  p50: median(runs.map((r) => r.p50)),
  p95: median(runs.map((r) => r.p95)),
  p99: median(runs.map((r) => r.p99)),
  errors: runs.reduce((s, r) => s + r.errors, 0),
  failures: runs
    .map((r) => r.failures)
    .filter(Boolean)
    .join('; '),
});

/** Bare and hub, alternating, ROUNDS times each over the same keys. */
async function lookups(
  bare: Server,
  hub: Server,
  target: CityResource,
  /** The same keys as the key column holds them (blind indexes of a sealed key field). */
  stored: string[],
  apiKey: string,
  label: string,
): Promise<Comparison> {
  const runs: Comparison[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const b = await cannon(bare.address, (k) => `/r?resource=${target.id}&key=${encodeURIComponent(k)}`, stored, {});
    const h = await cannon(
      hub.address,
      (k) => `/api/v1/services/DS-${target.code}/records?purpose=${PURPOSE}&key=${encodeURIComponent(k)}`,
      target.keys,
      { 'x-api-key': apiKey },
    );
    console.log(
      `  ${label} round ${round + 1}: bare ${fmt(b.rps)} req/s p99 ${fmt(b.p99)} ms (errors ${b.errors}${b.failures && ` — ${b.failures}`}) · hub ${fmt(h.rps)} req/s p99 ${fmt(h.p99)} ms (errors ${h.errors}${h.failures && ` — ${h.failures}`})`,
    );
    runs.push({ bare: b, hub: h });
  }
  return { bare: medianOf(runs.map((r) => r.bare)), hub: medianOf(runs.map((r) => r.hub)) };
}

/** Planning and execution time of a key lookup on a new connection, and the partitions its plan reads. */
async function lookupPlan(url: string, target: CityResource) {
  const [row] = await query<{
    'QUERY PLAN': Array<{ 'Planning Time': number; 'Execution Time': number; Plan: object }>;
  }>(url, 'explain (analyze, format json) select doc from records.record where resource_id = $1 and key = $2', [
    target.id,
    target.keys[0],
  ]);
  const p = row!['QUERY PLAN'][0]!;
  const scanned = JSON.stringify(p.Plan).match(/"Relation Name":"[^"]+"/g) ?? [];
  const relations = [...new Set(scanned.map((r) => r.slice('"Relation Name":"'.length, -1)))];
  return { planning: p['Planning Time'], execution: p['Execution Time'], relations: relations.join(', ') };
}

const SEARCHES: Array<{ q?: string; provider?: string; level?: string; shareType?: string }> = [
  { q: '人口' },
  { q: '许可' },
  { q: '信息' },
  { q: '企业' },
  { q: '社会保险' },
  { q: '不动产登记' },
  { q: '口基' },
  { q: '历下区' },
  { q: '许可', provider: 'JNJTJ' },
  { q: '登记', shareType: 'conditional' },
  { provider: 'JNWJW' },
  { level: 'core' },
];

/** The same meaning in bare SQL: published entries (or the viewer's own) matching, one page and the total. */
function bareSearch(q: (typeof SEARCHES)[number], org: string): { page: string; count: string; values: unknown[] } {
  const where = ['(published_at is not null or provider_org = $1)'];
  const values: unknown[] = [org];
  const add = (cond: string, v: unknown) => {
    values.push(v);
    where.push(cond.replace('?', `$${values.length}`));
  };
  if (q.q) add('name like ?', `%${q.q}%`);
  if (q.provider) add('provider_org = ?', q.provider);
  if (q.level) add('level = ?', q.level);
  if (q.shareType) add('share_type = ?', q.shareType);
  const w = where.join(' and ');
  return {
    page: `select code, name, provider_org, share_type, open_type, level, record_count from catalog.resource where ${w} order by code limit 20`,
    count: `select count(*) from catalog.resource where ${w}`,
    values,
  };
}

interface Timing {
  hub: number[];
  bare: number[];
}

async function searches(hub: Hub, url: string): Promise<Timing> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const out: Timing = { hub: [], bare: [] };
  const viewer = { org: 'JNMZJ', all: false };
  try {
    for (let round = 0; round <= ROUNDS * 3; round++) {
      for (const q of SEARCHES) {
        const { page, count, values } = bareSearch(q, viewer.org);
        const b = await timed(() => Promise.all([client.query(page, values), client.query(count, values)]));
        const h = await timed(() => hub.catalog.list({ ...q, pageSize: 20 }, viewer));
        if (round === 0) continue; // the first round warms the caches
        out.bare.push(b);
        out.hub.push(h);
      }
    }
  } finally {
    await client.end();
  }
  return out;
}

async function figures(hub: Hub, url: string) {
  const actor = await operator(hub);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const stats: Timing = { hub: [], bare: [] };
  const indicators: Timing = { hub: [], bare: [] };
  const exact: number[] = [];
  let shown: { stats: object; exact: number } | undefined;
  try {
    for (let round = 0; round <= ROUNDS * 3; round++) {
      const s = await timed(() => platformStats(hub, actor));
      const sb = await timed(() =>
        client.query('select count(*) as resources, coalesce(sum(record_count), 0) as records from catalog.resource'),
      );
      const i = await timed(() => hub.authorizedCatalog.indicators(actor));
      const ib = await timed(() =>
        client.query(`select provider_org, count(*), count(*) filter (where published_at is not null),
          count(*) filter (where published_at is not null and record_count > 0)
          from catalog.resource group by provider_org`),
      );
      if (round === 0) continue;
      stats.hub.push(s);
      stats.bare.push(sb);
      indicators.hub.push(i);
      indicators.bare.push(ib);
    }
    // The exact count the stats avoid (the catalog keeps each resource's count): a full scan.
    for (let round = 0; round < ROUNDS; round++) {
      let n = 0;
      exact.push(
        await timed(
          async () => (n = Number((await client.query('select count(*) as n from records.record')).rows[0].n)),
        ),
      );
      shown = { stats: await platformStats(hub, actor), exact: n };
    }
  } finally {
    await client.end();
  }
  return { stats, indicators, exact, shown: shown! };
}

async function bareCopy(url: string, file: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('drop table if exists bare_person');
    await client.query(`create table bare_person (
      citizen_id text primary key, name text not null, gender text not null, birth_date date not null,
      division text not null, address text, phone text)`);
    const t0 = performance.now();
    await pipeline(createReadStream(file), client.query(copyFrom('copy bare_person from stdin (format csv, header)')));
    return seconds(t0);
  } finally {
    await client.end();
  }
}

/** `qdh ingest --snapshot` as a user runs it; the hub's time is the job's own (started → finished). */
async function hubIngest(url: string, code: string, file: string): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'ingest', '-r', code, '--snapshot', '--defer-bases', file],
    { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  const [code_] = await once(child, 'exit');
  if (code_ !== 0) throw new Error(`qdh ingest exited with ${code_}:\n${output}`);
  const [job] = await query<{ seconds: number; loaded: number; state: string }>(
    url,
    `select extract(epoch from finished_at - started_at)::float8 as seconds, rows_loaded as loaded, state
     from ingest.job where source like 'cli:%' order by started_at desc limit 1`,
  );
  if (job?.state !== 'succeeded' || job.loaded !== INGEST_ROWS) {
    throw new Error(`ingest job ${job?.state}, ${job?.loaded} rows loaded`);
  }
  return job.seconds;
}

async function ingests(url: string, target: CityResource, file: string): Promise<Timing> {
  const out: Timing = { hub: [], bare: [] };
  for (let round = 0; round < ROUNDS; round++) {
    await checkpoint(url);
    const b = await bareCopy(url, file);
    await checkpoint(url);
    const h = await hubIngest(url, target.code, file);
    console.log(
      `  ingest round ${round + 1}: bare COPY ${fmt(b, 1)} s (${fmt(INGEST_ROWS / b)} rows/s) · qdh ingest ${fmt(h, 1)} s (${fmt(INGEST_ROWS / h)} rows/s)`,
    );
    out.bare.push(b);
    out.hub.push(h);
  }
  await query(url, 'drop table if exists bare_person');
  return out;
}

/**
 * A resource's first large load once the city is built: the record store gives it a partition of
 * its own, which first proves (a validated check) that the shared partition holds none of its
 * rows — a scan of the shared partition, so the cost grows with the long tail. Drafts of the city
 * are empty; each round loads CITY_OWN_ROWS into another. Baseline: a bare COPY of the same rows
 * into a plain keyed table.
 */
async function promotions(hub: Hub, url: string, rows: number): Promise<Timing> {
  const drafts = await query<{ id: number; code: string; provider_org: string; key_field: string; fields: Field[] }>(
    url,
    `select id, code, provider_org, key_field, fields from catalog.resource
     where status = 'draft' and code ~ '-[0-9]{6}$' and record_count = 0 order by id limit $1`,
    [ROUNDS],
  );
  const out: Timing = { hub: [], bare: [] };
  for (const d of drafts) {
    const r: CityResource = {
      id: d.id,
      code: d.code,
      provider: d.provider_org,
      rows,
      person: false,
      keyField: d.key_field,
      fields: d.fields,
      seed: 0,
      keys: [],
    };
    await checkpoint(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    let bare: number;
    try {
      await client.query('drop table if exists bare_promote');
      await client.query('create table bare_promote (key text primary key, doc jsonb not null)');
      const t0 = performance.now();
      await pipeline(Readable.from(copyLinesOf(r)), client.query(copyFrom('copy bare_promote (key, doc) from stdin')));
      bare = seconds(t0);
      await client.query('drop table bare_promote');
    } finally {
      await client.end();
    }
    await checkpoint(url);
    const t0 = performance.now();
    await storeLoad(hub, r);
    const own = await query<{ own: boolean }>(url, 'select to_regclass($1) is not null as own', [
      `records.record_r${r.id}`,
    ]);
    const h = seconds(t0);
    console.log(
      `  first load of ${fmt(rows)} rows into ${r.code}: bare COPY ${fmt(bare, 1)} s · RecordStore.load ${fmt(h, 1)} s (${own[0]!.own ? 'own partition' : 'stayed in the shared partition'})`,
    );
    out.bare.push(bare);
    out.hub.push(h);
  }
  return out;
}

interface Sizes {
  database: number;
  records: { heap: number; indexes: number; total: number; partitions: number; rows: number };
  catalog: number;
  ledger: number;
}

async function sizes(url: string): Promise<Sizes> {
  const [r] = await query<{ heap: string; indexes: string; total: string; partitions: string; rows: string }>(
    url,
    `select sum(pg_table_size(relid)) as heap, sum(pg_indexes_size(relid)) as indexes,
       sum(pg_total_relation_size(relid)) as total, count(*) filter (where isleaf) as partitions,
       (select sum(record_count) from catalog.resource) as rows
     from pg_partition_tree('records.record')`,
  );
  const [d] = await query<{ database: string; catalog: string; ledger: string }>(
    url,
    `select pg_database_size(current_database()) as database,
       (select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'catalog' and c.relkind in ('r', 'm')) as catalog,
       (select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'ledger' and c.relkind in ('r', 'm')) as ledger`,
  );
  return {
    database: Number(d!.database),
    records: {
      heap: Number(r!.heap),
      indexes: Number(r!.indexes),
      total: Number(r!.total),
      partitions: Number(r!.partitions),
      rows: Number(r!.rows),
    },
    catalog: Number(d!.catalog),
    ledger: Number(d!.ledger),
  };
}

const mib = (bytes: number) => `${fmt(bytes / 2 ** 20)} MiB`;

function row(op: string, hub: string, bare: string, ratio: string, extra = ''): string {
  return `${op.padEnd(46)} ${hub.padStart(14)} ${bare.padStart(14)} ${ratio.padStart(7)}  ${extra}`;
}

async function main() {
  const t0 = performance.now();
  const database = await createDatabase('city');
  const file = join(tmpdir(), `qdh-bench-city-people-${INGEST_ROWS}.csv`);
  try {
    console.log(
      `bench:city — ${fmt(SIZE.resources)} resources, ${fmt(SIZE.records)} records (Zipf s = ${SIZE.skew}), own partition from ${fmt(SIZE.ownRows)} rows, ${ROUNDS} rounds`,
    );
    console.log(`${load()}, ${cpus().length} cores`);
    let hub = await openHub({ databaseUrl: database.url, poolSize: POOL });
    await seedDemo(hub, { password: 'bench-city-password', people: 100 });
    const city = await buildCity(hub, database.url, SIZE);
    printDistribution(city);
    const small = smallTarget(city);
    const apiKey = await grantLookups(hub, city, small);
    const codecs = codecsOf(hub, city.ranked);
    const stored = { large: await storedKeysOf(codecs, city.persons), small: await storedKeysOf(codecs, small) };
    await hub.close();
    console.log(`generating the ${fmt(INGEST_ROWS)}-row ingest file …`);
    await writePeopleCsv(file, INGEST_ROWS, 11);
    console.log(`  ${mib(statSync(file).size)}; the city was built in ${fmt(seconds(t0), 1)} s`);
    const built = await sizes(database.url);
    const plans = { large: await lookupPlan(database.url, city.persons), small: await lookupPlan(database.url, small) };

    await checkpoint(database.url);
    console.log(`lookups: ${CONNECTIONS} connections, ${SECONDS} s a run, pool ${POOL}, ${ROUNDS} rounds; ${load()}`);
    const connections = async () =>
      Number(
        (
          await query<{ n: string }>(
            database.url,
            'select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
          )
        )[0]!.n,
      );
    const before = await connections();
    const hubServer = await startServer('hub', database.url);
    const hubIdle = (await connections()) - before;
    const bare = await startServer('bare', database.url);
    let hubBusy = 0;
    let large: Comparison;
    let smallLookups: Comparison;
    try {
      large = await lookups(
        bare,
        hubServer,
        city.persons,
        stored.large,
        apiKey,
        `${city.persons.code} (${fmt(city.persons.rows)} rows)`,
      );
      smallLookups = await lookups(
        bare,
        hubServer,
        small,
        stored.small,
        apiKey,
        `${small.code} (${fmt(small.rows)} rows)`,
      );
      await bare.stop();
      hubBusy = (await connections()) - before;
    } finally {
      await bare.stop();
      await hubServer.stop();
    }

    hub = await openHub({ databaseUrl: database.url, poolSize: POOL });
    let search: Timing;
    let figs: Awaited<ReturnType<typeof figures>>;
    try {
      console.log(`catalog search and home-page figures …; ${load()}`);
      search = await searches(hub, database.url);
      figs = await figures(hub, database.url);
    } finally {
      await hub.close();
    }

    console.log(
      `ingest: ${fmt(INGEST_ROWS)} rows into ${city.ingestTarget.code} (${fmt(city.ingestTarget.rows)} rows before) …; ${load()}`,
    );
    const ingest = await ingests(database.url, city.ingestTarget, file);
    console.log(`promotion: first loads of ${fmt(SIZE.ownRows)} rows into empty resources …; ${load()}`);
    hub = await openHub({ databaseUrl: database.url, poolSize: POOL });
    let promoted: Timing;
    try {
      promoted = await promotions(hub, database.url, SIZE.ownRows);
    } finally {
      await hub.close();
    }
    const after = await sizes(database.url);

    const ms = (x: number) => `${fmt(x, x < 10 ? 2 : 1)} ms`;
    const lookupRows = (label: string, c: Comparison) => [
      row(
        `lookup ${label} (req/s)`,
        fmt(c.hub.rps),
        fmt(c.bare.rps),
        fmt(c.hub.rps / c.bare.rps, 2),
        `errors hub ${c.hub.errors}, bare ${c.bare.errors}`,
      ),
      row(
        `  latency p50 / p95 / p99 (ms)`,
        `${fmt(c.hub.p50)}/${fmt(c.hub.p95)}/${fmt(c.hub.p99)}`,
        `${fmt(c.bare.p50)}/${fmt(c.bare.p95)}/${fmt(c.bare.p99)}`,
        fmt(c.hub.p99 / c.bare.p99, 2),
        'ratio: p99',
      ),
    ];
    const timeRow = (label: string, t: Timing, unit: (x: number) => string) => {
      const [h, b] = [median(t.hub), median(t.bare)];
      return row(label, unit(h), unit(b), fmt(h / b, 2));
    };
    const s = (x: number) => `${fmt(x, 1)} s`;
    const hubIngestRate = INGEST_ROWS / median(ingest.hub);
    const bareIngestRate = INGEST_ROWS / median(ingest.bare);
    console.log('');
    console.log(
      `bench:city — ${fmt(city.ranked.length)} resources with records of ${fmt(SIZE.resources)} registered, ${fmt(built.records.rows)} records, layout: ${city.layout}, ${fmt(built.records.partitions)} partitions`,
    );
    console.log(row('operation', 'hub median', 'bare median', 'hub/bare'));
    for (const line of [
      ...lookupRows(`${city.persons.code}, ${fmt(city.persons.rows)} rows`, large),
      ...lookupRows(`${small.code}, ${fmt(small.rows)} rows`, smallLookups),
      timeRow(`ingest ${fmt(INGEST_ROWS)} rows (s)`, ingest, s),
      row(
        '  rows/s',
        fmt(hubIngestRate),
        fmt(bareIngestRate),
        fmt(hubIngestRate / bareIngestRate, 2),
        'ratio: throughput',
      ),
      timeRow(`first load of ${fmt(SIZE.ownRows)} rows, new resource (s)`, promoted, s),
      timeRow(`catalog search, ${SEARCHES.length}-query mix (per query)`, search, ms),
      row(
        '  p95',
        ms(
          percentile(
            [...search.hub].sort((a, b) => a - b),
            95,
          ),
        ),
        ms(
          percentile(
            [...search.bare].sort((a, b) => a - b),
            95,
          ),
        ),
        '',
      ),
      timeRow('home-page figures (/api/v1/stats)', figs.stats, ms),
      timeRow('cockpit indicators', figs.indicators, ms),
    ])
      console.log(line);
    console.log(
      `exact count(*) of all ${fmt(figs.shown.exact)} records (reference, not on any page): median ${ms(median(figs.exact))}; the stats say ${JSON.stringify(figs.shown.stats)}`,
    );
    console.log(
      `PostgreSQL connections of one hub process (pool ${POOL}): ${hubIdle} once started, ${hubBusy} after the lookups`,
    );
    console.log(
      `key lookup planned on a new connection: largest ${fmt(plans.large.planning, 2)} ms (execution ${fmt(plans.large.execution, 2)} ms, reads ${plans.large.relations}), small ${fmt(plans.small.planning, 2)} ms (execution ${fmt(plans.small.execution, 2)} ms, reads ${plans.small.relations})`,
    );
    for (const [label, z] of [
      ['after the build', built],
      ['at the end', after],
    ] as const) {
      console.log(
        `size ${label}: database ${mib(z.database)}; records ${mib(z.records.total)} (heap+toast ${mib(z.records.heap)}, indexes ${mib(z.records.indexes)}) for ${fmt(z.records.rows)} records = ${fmt(z.records.total / z.records.rows)} B/record (${fmt(z.records.heap / z.records.rows)} heap, ${fmt(z.records.indexes / z.records.rows)} index); catalog ${mib(z.catalog)}; ledger ${mib(z.ledger)}`,
      );
    }
    console.log(
      `${load()}; build: register ${fmt(city.buildSeconds.register, 1)} s, large loads ${fmt(city.buildSeconds.large, 1)} s, small COPY ${fmt(city.buildSeconds.small, 1)} s, analyze ${fmt(city.buildSeconds.analyze, 1)} s; whole run ${fmt(seconds(t0) / 60, 1)} min`,
    );
  } finally {
    rmSync(file, { force: true });
    if (process.env.CITY_KEEP === '1') console.log(`kept ${database.url}`);
    else await database.drop();
  }
}

await main();
