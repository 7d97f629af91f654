/**
 * npm run bench:share — the hub's data-service path against a bare lookup, same table, same run.
 *  (a) bare Fastify + node-postgres: GET by key → SELECT doc … → JSON;
 *  (b) the hub's data service: API key → authorize → grant (kept in memory, NOTIFY-invalidated)
 *      → quota → read → project/mask → durable ledger append → usage count → JSON.
 * 1 M person records are bulk-loaded into the demo's 人口基础信息 resource first. Each server runs
 * in a process of its own; autocannon drives it from this process with SHARE_CONNECTIONS (64)
 * for SHARE_SECONDS (15) after SHARE_WARMUP (2) untimed seconds. Then (unless SHARE_TWO=0) the same again with two
 * processes of each kind over the one database, each on its own port, the connections split
 * evenly between two autocannon instances running at once and their histograms merged. Each
 * phase prints calls/s, p50/p99, and the CPU per call of the server processes (their own
 * process.cpuUsage()) and of the PostgreSQL backends serving them (/proc), and how busy the
 * machine was.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import autocannon from 'autocannon';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { people } from '../src/demo/people.js';
import { seedDemo } from '../src/demo/index.js';
import { openHub, type Hub } from '../src/http/index.js';
import { copyText } from '../src/db/index.js';
import { checkpoint, createDatabase, fmt } from './lib.js';

const ROWS = Number(process.env.SHARE_ROWS ?? 1_000_000);
const CONNECTIONS = Number(process.env.SHARE_CONNECTIONS ?? 64);
const SECONDS = Number(process.env.SHARE_SECONDS ?? 15);
/** Untimed calls before each timed window: JIT, caches and connections warm for both servers alike. */
const WARMUP = Number(process.env.SHARE_WARMUP ?? 2);
/** Database connections of a phase in all: each of its processes has its share. */
const POOL = 16;
/** SHARE_TWO=0 runs the one-process phase only: a quicker before/after comparison. */
const TWO = process.env.SHARE_TWO !== '0';

/**
 * The people as the hub stores them (sensitivity-4 fields sealed, the key column a blind index: the
 * resource's own codec), by COPY into a partition of the resource's own, as a large resource's
 * first load gives it. Returns the lookup keys twice: plaintext for the hub (its callers' keys),
 * and as stored for the bare server, which reads the very same rows and opens nothing.
 */
async function load(hub: Hub, url: string): Promise<{ resourceId: number; keys: string[]; storedKeys: string[] }> {
  const resource = await hub.catalog.get('JNGAJ-0001');
  const resourceId = resource.id;
  const codec = await hub.records.codecOf(resourceId);
  const keys: string[] = [];
  const lines = (function* () {
    let buf = '';
    let i = 0;
    for (const p of people(ROWS, 7)) {
      if (i++ % 100 === 0) keys.push(p.citizen_id);
      const { key, doc } = codec.sealRow({ key: p.citizen_id, doc: { ...p }, sourceRow: i });
      buf += `${resourceId}\t${copyText(key)}\t${copyText(JSON.stringify(doc))}\n`;
      if (buf.length > 1 << 16) {
        yield buf;
        buf = '';
      }
    }
    yield buf;
  })();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // The demo's few rows go first: they may sit in the shared default partition.
  await client.query('delete from records.record where resource_id = $1', [resourceId]);
  await client.query(
    `create table if not exists records.record_r${resourceId} partition of records.record for values in (${resourceId})`,
  );
  await pipeline(
    Readable.from(lines),
    client.query(copyFrom('copy records.record (resource_id, key, doc) from stdin')),
  );
  await client.query('update catalog.resource set record_count = $1 where id = $2', [ROWS, resourceId]);
  await client.query('analyze records.record');
  await client.end();
  return { resourceId, keys, storedKeys: keys.map((k) => codec.storedKey(k)) };
}

interface Load {
  /** Calls answered per second over the timed window (all of them, 2xx or not). */
  rps: number;
  calls: number;
  p50: number;
  p99: number;
  errors: number;
}

/** A run's raw result (skipAggregateResult): encoded histograms, counts and its duration. */
interface RawRun {
  duration: number;
}
/** autocannon's own merge of several runs' raw results (lib/aggregateResult.js); its types omit it. */
const aggregate = (autocannon as unknown as { aggregateResult: (runs: RawRun[], opts: object) => autocannon.Result })
  .aggregateResult;

/**
 * Drives each of `urls` with its own autocannon instance at once, SHARE_CONNECTIONS split evenly
 * between them, and merges the instances' latency histograms (autocannon's aggregateResult), so
 * p50/p99 are of every call, not an average of percentiles.
 */
async function drive(urls: string[], seconds: number, path: (key: string) => string, keys: string[], headers = {}) {
  const runs = await Promise.all(
    urls.map(
      (url) =>
        autocannon({
          url,
          connections: Math.ceil(CONNECTIONS / urls.length),
          duration: seconds,
          headers,
          skipAggregateResult: true,
          requests: [{ setupRequest: (req) => ({ ...req, path: path(keys[randomInt(keys.length)]!) }) }],
        }) as unknown as Promise<RawRun>,
    ),
  );
  const merged = aggregate(runs, { url: urls[0]!, connections: CONNECTIONS });
  const calls = (merged.latency as { totalCount?: number }).totalCount ?? 0;
  return {
    rps: calls / Math.max(...runs.map((r) => r.duration)),
    calls,
    p50: merged.latency.p50,
    p99: merged.latency.p99,
    errors: merged.errors + merged.timeouts + merged.non2xx,
  } satisfies Load;
}

/**
 * CPU seconds of each PostgreSQL backend serving the bench's database (/proc, in USER_HZ = 100
 * ticks a second), by process id: other databases' work on the same server is not counted,
 * nor are the server's shared background processes (WAL writer, checkpointer).
 */
async function backendCpu(url: string): Promise<Map<number, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
  );
  await client.end();
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(pid, (Number(f[11]) + Number(f[12])) / 100); // utime, stime
  }
  return out;
}

/** CPU the backends used between two readings; a backend that appeared in between counts whole. */
function backendDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, cpu] of after) sum += cpu - (before.get(pid) ?? 0);
  return sum;
}

/** The machine's busy and total CPU seconds (/proc/stat), to tell whether a phase saturated it. */
async function machineCpu(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8').catch(() => 'cpu 0 0 0 0 0')).split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: (total - v[3]! - (v[4] ?? 0)) / 100, total: total / 100 };
}

interface Server {
  url: string;
  /** Seconds of CPU the process has used so far (user + system), as it reports it. */
  cpu: () => Promise<number>;
}

/**
 * Starts one server (bench/share-server.ts) in a process of its own, so that the load generator
 * and the server do not share an event loop. SHARE_PROFILE=1 writes a CPU profile of each
 * server to ./profiles.
 */
async function startServer(kind: 'bare' | 'hub', url: string, resourceId: number, pool: number) {
  const profile = process.env.SHARE_PROFILE === '1' ? ['--cpu-prof', '--cpu-prof-dir=profiles'] : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', 'bench/share-server.ts', kind, url, String(resourceId), String(pool)],
    { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  const exited = once(child, 'exit');
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  try {
    const address = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      void exited.then(([code]) => reject(new Error(`the ${kind} server exited with ${code}`)));
    });
    const cpu = async () => {
      const reply = once(child, 'message');
      child.send('cpu');
      const [{ cpu: usage }] = (await reply) as [{ cpu: NodeJS.CpuUsage }];
      return (usage.user + usage.system) / 1e6;
    };
    return { server: { url: address, cpu } satisfies Server, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

interface Phase extends Load {
  /** CPU seconds per call: of the server processes, and of the PostgreSQL backends serving them. */
  serverCpuPerCall: number;
  postgresCpuPerCall: number;
  /** Share of the machine's CPU that was busy during the timed window. */
  machineBusy: number;
  ledgerEntries: number;
}

/**
 * One measured phase: `processes` servers of one kind over the same database, the pool split
 * between them, a warm-up (JIT, caches, connections) and then the timed window, each server's
 * CPU and PostgreSQL's read around it.
 */
async function phase(
  kind: 'bare' | 'hub',
  processes: number,
  url: string,
  resourceId: number,
  path: (key: string) => string,
  keys: string[],
  headers: Record<string, string>,
): Promise<Phase> {
  const started = await Promise.all(
    Array.from({ length: processes }, () => startServer(kind, url, resourceId, Math.ceil(POOL / processes))),
  );
  try {
    const servers = started.map((s) => s.server);
    const urls = servers.map((s) => s.url);
    await drive(urls, WARMUP, path, keys, headers);
    await checkpoint(url);
    const ledger0 = await ledgerSize(url);
    const [cpu0, pg0, m0] = await Promise.all([
      Promise.all(servers.map((s) => s.cpu())),
      backendCpu(url),
      machineCpu(),
    ]);
    const load = await drive(urls, SECONDS, path, keys, headers);
    const [cpu1, pg1, m1] = await Promise.all([
      Promise.all(servers.map((s) => s.cpu())),
      backendCpu(url),
      machineCpu(),
    ]);
    const ledger1 = await ledgerSize(url);
    const serverCpu = cpu1.reduce((a, c, i) => a + c - cpu0[i]!, 0);
    return {
      ...load,
      serverCpuPerCall: serverCpu / load.calls,
      postgresCpuPerCall: backendDelta(pg0, pg1) / load.calls,
      machineBusy: (m1.busy - m0.busy) / Math.max(1e-9, m1.total - m0.total),
      ledgerEntries: ledger1 - ledger0,
    };
  } finally {
    await Promise.all(started.map((s) => s.stop()));
  }
}

async function ledgerSize(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ size: string }>('select tree_size as size from ledger.state where id = 1');
  await client.end();
  return Number(rows[0]!.size);
}

const us = (seconds: number) => fmt(seconds * 1e6);

function line(label: string, p: Phase): string {
  return (
    `  ${label}: ${fmt(p.rps).padStart(6)} calls/s  p50 ${p.p50} ms  p99 ${p.p99} ms  errors ${p.errors}` +
    `  | CPU per call: server ${us(p.serverCpuPerCall)} µs, PostgreSQL ${us(p.postgresCpuPerCall)} µs` +
    `  | machine ${fmt(p.machineBusy * 100)} % busy`
  );
}

function compare(title: string, bare: Phase, hub: Phase): void {
  console.log(title);
  console.log(line('(a) bare Fastify + pg lookup', bare));
  console.log(line('(b) hub full path           ', hub));
  console.log(
    `  ratio b/a ${fmt(hub.rps / bare.rps, 2)}; p99 b/a ${fmt(hub.p99 / bare.p99, 2)}; ` +
      `ledger entries written during (b): ${fmt(hub.ledgerEntries)} for ${fmt(hub.calls)} calls`,
  );
}

const target = await createDatabase('share');
try {
  const hub = await openHub({ databaseUrl: target.url, poolSize: POOL });
  await seedDemo(hub, { password: 'bench-password', people: 100 });
  const t0 = performance.now();
  const { resourceId, keys, storedKeys } = await load(hub, target.url);
  console.log(`loaded ${fmt(ROWS)} person records with COPY in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  const consumer = await hub.access.findUserId('consumer');
  const { key: apiKey } = await hub.access.createApiKey(consumer, 'bench');
  // The demo's grant, again with a quota the run cannot reach, so the quota is counted but never refuses.
  const operator = await hub.access.profile(await hub.access.findUserId('operator'));
  const platform = (await hub.access.findOrganization('JNDSJ'))!;
  await hub.share.createGrant(
    { userId: operator.id, username: 'operator', roles: operator.roles, org: platform, via: 'token' },
    {
      consumer: 'JNMZJ',
      resource: 'JNGAJ-0001',
      fields: ['citizen_id', 'name', 'gender', 'birth_date', 'division'],
      masked: ['birth_date'],
      purposes: ['social_assistance'],
      dailyQuota: 100_000_000,
    },
  );

  await hub.close(); // the servers below open their own

  const bareLookup = (k: string) => `/r?key=${k}`;
  const hubLookup = (k: string) => `/api/v1/services/DS-JNGAJ-0001/records?purpose=social_assistance&key=${k}`;
  const auth = { 'x-api-key': apiKey };
  const run = (kind: 'bare' | 'hub', processes: number) =>
    kind === 'bare'
      ? phase('bare', processes, target.url, resourceId, bareLookup, storedKeys, {})
      : phase('hub', processes, target.url, resourceId, hubLookup, keys, auth);
  const one = { bare: await run('bare', 1), hub: await run('hub', 1) };
  const two = TWO ? { bare: await run('bare', 2), hub: await run('hub', 2) } : null;
  console.log(
    `${CONNECTIONS} connections, ${WARMUP} s warm-up + ${SECONDS} s each, pool ${POOL} in all, ` +
      `random keys of ${fmt(ROWS)} rows, ${availableParallelism()} cores:`,
  );
  compare('one process each:', one.bare, one.hub);
  if (two) compare('two processes each (the same database, load split evenly, results merged):', two.bare, two.hub);
} finally {
  await target.drop();
}
