/**
 * What bench:share and bench:consent measure an HTTP server with, written once: its servers in
 * processes of their own (bench/share-server.ts), autocannon driving them from the bench's
 * process, each phase's calls/s, p50/p99, and the CPU per call of the servers and of the
 * PostgreSQL backends serving them.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import pg from 'pg';
import { checkpoint, fmt } from './lib.js';

/** How hard and how long: SHARE_CONNECTIONS (64), SHARE_SECONDS (15), SHARE_WARMUP (2) untimed seconds. */
export const CONNECTIONS = Number(process.env.SHARE_CONNECTIONS ?? 64);
export const SECONDS = Number(process.env.SHARE_SECONDS ?? 15);
/** Untimed calls before each timed window: JIT, caches and connections warm for both servers alike. */
export const WARMUP = Number(process.env.SHARE_WARMUP ?? 2);
/** Database connections of a phase in all: each of its processes has its share. */
export const POOL = 16;

export interface Load {
  /** Calls answered per second over the timed window (all of them, 2xx or not). */
  rps: number;
  calls: number;
  p50: number;
  p99: number;
  errors: number;
}

/** What one call asks: a GET of a path, or a request with a method and a JSON body. */
export type Call = string | { path: string; method: 'POST'; body: string };
const asRequest = (call: Call) => (typeof call === 'string' ? { path: call } : call);

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
export async function drive(
  urls: string[],
  seconds: number,
  path: (key: string) => Call,
  keys: string[],
  headers = {},
) {
  const runs = await Promise.all(
    urls.map(
      (url) =>
        autocannon({
          url,
          connections: Math.ceil(CONNECTIONS / urls.length),
          duration: seconds,
          headers,
          skipAggregateResult: true,
          requests: [{ setupRequest: (req) => ({ ...req, ...asRequest(path(keys[randomInt(keys.length)]!)) }) }],
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

/** bench/share-server.ts's servers: the bare lookup, the hub, the bare signature check. */
export type ServerKind = 'bare' | 'hub' | 'verify';

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
export async function startServer(kind: ServerKind, url: string, resourceId: number, pool: number) {
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

export interface Phase extends Load {
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
export async function phase(
  kind: ServerKind,
  processes: number,
  url: string,
  resourceId: number,
  path: (key: string) => Call,
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

export async function ledgerSize(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ size: string }>('select tree_size as size from ledger.state where id = 1');
  await client.end();
  return Number(rows[0]!.size);
}

export const us = (seconds: number) => fmt(seconds * 1e6);

export function line(label: string, p: Phase): string {
  return (
    `  ${label}: ${fmt(p.rps).padStart(6)} calls/s  p50 ${p.p50} ms  p99 ${p.p99} ms  errors ${p.errors}` +
    `  | CPU per call: server ${us(p.serverCpuPerCall)} µs, PostgreSQL ${us(p.postgresCpuPerCall)} µs` +
    `  | machine ${fmt(p.machineBusy * 100)} % busy`
  );
}
