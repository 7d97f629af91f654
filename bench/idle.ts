/**
 * What an idle hub costs: `qdh serve --demo` on a fresh PGlite directory (or DATABASE_URL when
 * set), left alone once it listens and its start-up work has settled, its CPU time read from
 * /proc over IDLE_SECONDS (default 60). Printed as % of one core, beside a bare Node process
 * that idles in the same run with the same loader (the floor: what any process costs).
 *
 *   npm run bench:idle            IDLE_SECONDS=30 IDLE_PEOPLE=500 npm run bench:idle
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt } from './lib.js';

const SECONDS = Number(process.env.IDLE_SECONDS ?? 60);
const PEOPLE = Number(process.env.IDLE_PEOPLE ?? 500);
/** Start-up work (the absorbs' catch-up, the first heads) left to finish before measuring. */
const SETTLE_MS = Number(process.env.IDLE_SETTLE_MS ?? 10_000);
const TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function waitFor(child: ChildProcess, text: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no "${text}" within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const look = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before "${text}":\n${out}`)));
  });
}

/** % of one core that `pid` used over `seconds`. */
async function measure(pid: number, seconds: number): Promise<number> {
  const before = cpuSeconds(pid);
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsed = (performance.now() - t0) / 1000;
  return (100 * (cpuSeconds(pid) - before)) / elapsed;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qdh-idle-'));
  const node = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawn(process.execPath, ['--import', 'tsx', ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const bare = node(['-e', 'setInterval(() => {}, 1 << 30); console.log("idling")']);
  const hub = node(['src/cli/main.ts', 'serve', '--demo', '--people', String(PEOPLE), '--data', join(dir, 'data')], {
    PORT: String(await freePort()),
    QDH_DEMO_PASSWORD: 'idle-bench-2026',
  });
  try {
    await Promise.all([waitFor(bare, 'idling', 60_000), waitFor(hub, 'serving', 600_000)]);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const [hubPct, barePct] = await Promise.all([measure(hub.pid!, SECONDS), measure(bare.pid!, SECONDS)]);
    console.log(`idle hub (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}), ${SECONDS} s after start-up:`);
    console.log(`  hub:       ${fmt(hubPct, 2)} % of a core`);
    console.log(`  bare node: ${fmt(barePct, 2)} % of a core (same loader, same run)`);
    console.log(`  hub − bare: ${fmt(hubPct - barePct, 2)} percentage points`);
  } finally {
    await Promise.all([stop(hub), stop(bare)]);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
