/**
 * The fault suite's own parts: a PostgreSQL server of the test's own (so that it can be
 * restarted, stopped or starved of space without touching the run's shared server) and hub
 * processes serving from it (so that they can be killed with SIGKILL).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { engines, SEEDED_PASSWORD, SEEDED_PEOPLE } from '../databases.js';

const exec = promisify(execFile);

export const PASSWORD = SEEDED_PASSWORD;
/**
 * A case's setup: the run's demo city is seeded once, by the first suite that asks (minutes on a
 * busy two-core machine), then restored into the case's own server in seconds.
 */
export const SETUP_MS = 600_000;
export { SEEDED_PEOPLE };

/** The directory of the newest installed PostgreSQL's programs, or undefined. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, 'bin')).find((d) => existsSync(join(d, 'pg_ctl')));
  return found;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface OwnPostgresOptions {
  /**
   * RLIMIT_FSIZE of the server in KiB (`ulimit -f`): no file it writes may grow past this. The
   * disk-full case uses it; WAL segments are made 1 MB (initdb --wal-segsize) so that they fit.
   */
  fileSizeLimitKb?: number;
}

export interface OwnPostgres {
  /** postgres://… of database `name` (default `postgres`). */
  url(name?: string): string;
  /** pg_ctl restart -m fast: sessions are ended (57P01), the server is down for a moment, then back. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** The server's log, for a failure's message. */
  log(): string;
  close(): Promise<void>;
}

/**
 * initdb in a temporary directory and pg_ctl start on a free port — as the `postgres` user when
 * we are root, since PostgreSQL refuses to run as root. Undefined when PostgreSQL is not installed.
 */
export async function startOwnPostgres(opts: OwnPostgresOptions = {}): Promise<OwnPostgres | undefined> {
  const bin = postgresBin();
  if (!bin) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'qdh-fault-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const limit = opts.fileSizeLimitKb ? `ulimit -f ${opts.fileSizeLimitKb} && ` : '';
  // Every pg_ctl call runs under the same limit: a restarted server inherits it from pg_ctl.
  const sh = (command: string) => {
    const script = `${limit}exec ${command}`;
    return asRoot
      ? exec('runuser', ['-u', 'postgres', '--', 'bash', '-c', script], { timeout: 120_000 })
      : exec('bash', ['-c', script], { timeout: 120_000 });
  };
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const walSegment = opts.fileSizeLimitKb ? ' --wal-segsize=1' : '';
  await sh(`${bin}/initdb -D ${q(data)} -U postgres --auth=trust -E UTF8 --no-sync${walSegment}`);
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const pgCtl = (action: string) =>
    sh(`${bin}/pg_ctl -D ${q(data)} -l ${q(logFile)} -o ${q(serverOptions)} -w ${action}`);
  const url = (name = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${name}`;
  await pgCtl('start');
  let running = true;
  return {
    url,
    restart: async () => {
      await pgCtl('-m fast restart');
    },
    stop: async () => {
      await pgCtl('-m fast stop');
      running = false;
    },
    start: async () => {
      await pgCtl('start');
      running = true;
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    close: async () => {
      if (running) await pgCtl('-m immediate stop').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Database `name` on the test's own server, holding the demo city this run seeded once
 * (test/setup/seeded-demo.ts: SEEDED_PEOPLE residents, every demo account's password
 * SEEDED_PASSWORD): a copy of it on the run's server, dumped and restored here with pg_dump.
 * Seeding it again in each case would take minutes on a busy machine.
 */
export async function restoreSeededCity(server: OwnPostgres, name: string): Promise<string> {
  const seeded = await engines()
    .find((e) => e.name === 'postgres')!
    .seededDatabase();
  const bin = postgresBin()!;
  const file = join(mkdtempSync(join(tmpdir(), 'qdh-fault-dump-')), 'city.dump');
  try {
    await exec(`${bin}/pg_dump`, ['-Fc', '-f', file, '-d', seeded.databaseUrl!], { timeout: 300_000 });
    await query(server.url(), `create database "${name}"`);
    await exec(`${bin}/pg_restore`, ['--no-owner', '-d', server.url(name), file], { timeout: 300_000 });
  } finally {
    rmSync(dirname(file), { recursive: true, force: true });
  }
  return server.url(name);
}

/** Runs one statement on a database of the server, with a connection of its own. */
export async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export interface HubProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  child: ChildProcess;
  /** What it printed so far (for a failure's message). */
  output(): string;
  /** SIGKILL: the process ends at once, in the middle of whatever it was doing. */
  kill9(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

/**
 * `qdh serve` in a process of its own (from the sources, through tsx), on a free port, against
 * `databaseUrl`; with `demo`, it seeds the demo city with `people` residents into an empty
 * database first. Resolves when it listens.
 */
export async function startHubProcess(
  databaseUrl: string,
  opts: { demo?: boolean; people?: number; password?: string; env?: Record<string, string> } = {},
): Promise<HubProcess> {
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--host', '127.0.0.1', '--port', '0'];
  if (opts.demo) args.push('--demo', '--people', String(opts.people ?? 20));
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      QDH_DEMO_PASSWORD: opts.password ?? PASSWORD,
      LOG_LEVEL: 'warn',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /serving (http:\/\/\S+)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(m[1]!);
      }
    }, 50);
    void exited.then(([code]) => {
      clearInterval(timer);
      reject(new Error(`qdh serve exited with ${code}:\n${out}`));
    });
  });
  exited.catch(() => {});
  return {
    url,
    child,
    output: () => out,
    kill9: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited.catch(() => {});
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited.catch(() => {});
    },
  };
}

/** Logs in a demo account; returns its bearer token. */
export async function login(hub: string, username: string, password = PASSWORD): Promise<string> {
  const res = await fetch(`${hub}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** Calls the hub's API with a token; returns status, headers and the JSON body. */
export async function api(
  hub: string,
  token: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(`${hub}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, headers: res.headers, body };
}

/** Polls `check` until it returns something other than undefined, or fails after `ms`. */
export async function waitFor<T>(
  what: string | (() => string),
  check: () => Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until)
      throw new Error(
        `timed out waiting for ${typeof what === 'string' ? what : what()}${last ? `: ${String(last)}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
