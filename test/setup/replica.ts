/**
 * A real PostgreSQL primary and a streaming standby for the replica suite, from the installed
 * server's binaries: `initdb` a primary, `pg_basebackup -R` a standby from it, each on a free port
 * in one temporary directory (as the `postgres` user when we are root: PostgreSQL refuses to run
 * as root). Both load pg_stat_statements, so a suite can see which server ran a query. `close`
 * stops both and removes the directory. Without the binaries the suite is skipped, except under
 * CI=true, where that — like any failure to start — fails it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const TOOLS = ['initdb', 'pg_ctl', 'pg_basebackup', 'pg_dump', 'pg_restore'] as const;
/** How long a server may take to start, or the standby to start streaming. */
const START_TIMEOUT_MS = 60_000;
const POLL_MS = 100;

export interface ReplicaPair {
  /** URL of database `db` on the primary, and on the standby. */
  primaryUrl(db: string): string;
  standbyUrl(db: string): string;
  /** Copies database `from` (any server) into a new database `db` of the primary, by pg_dump | pg_restore. */
  restore(from: string, db: string): Promise<void>;
  /** Resolves once the standby has replayed all the primary has flushed now. */
  caughtUp(): Promise<void>;
  stopStandby(): Promise<void>;
  /** Starts the stopped standby again and waits until it streams. */
  startStandby(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Whether a pair can be started here: the binaries are installed. Without them a local run skips
 * the suite (with a warning); under CI=true it does not skip, and `startReplicaPair` fails.
 */
export function replicaPairAvailable(): boolean {
  if (binDir() || process.env.CI === 'true') return true;
  console.warn('[replica] no PostgreSQL binaries (initdb, pg_basebackup) found: the replica suite is skipped');
  return false;
}

export async function startReplicaPair(): Promise<ReplicaPair> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  if (!bin) throw new Error('no PostgreSQL binaries (initdb, pg_ctl, pg_basebackup, pg_dump, pg_restore) found');
  const dir = mkdtempSync(join(tmpdir(), 'qdh-replica-'));
  chmodSync(dir, 0o777);
  const tool = (name: (typeof TOOLS)[number], args: string[], asServer = true) =>
    asServer && asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, name), ...args])
      : run(join(bin, name), args);
  const primary = { data: join(dir, 'primary'), port: await freePort() };
  const standby = { data: join(dir, 'standby'), port: await freePort() };
  const url = (port: number, db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  const start = (server: { data: string; port: number }, name: string) =>
    tool('pg_ctl', [
      '-D',
      server.data,
      '-l',
      join(dir, `${name}.log`),
      '-w',
      '-t',
      String(START_TIMEOUT_MS / 1000),
      '-o',
      [
        `-p ${server.port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
        '-c shared_preload_libraries=pg_stat_statements -c wal_level=replica -c max_wal_senders=4',
      ].join(' '),
      'start',
    ]);
  const stop = (server: { data: string }, mode: 'fast' | 'immediate') =>
    tool('pg_ctl', ['-D', server.data, '-m', mode, '-w', 'stop']).catch(() => undefined);
  const streaming = () =>
    until(async () => {
      const rows = await query<{ n: number }>(
        url(primary.port, 'postgres'),
        "select count(*)::int as n from pg_stat_replication where state = 'streaming'",
      );
      return rows[0]!.n > 0;
    }, 'the standby to stream from the primary');
  // A test process that ends without close (a crash, a killed run) must not leave two servers behind.
  const onExit = () => {
    for (const server of [standby, primary]) {
      const args = ['-D', server.data, '-m', 'immediate', 'stop'];
      const [cmd, all] = asRoot
        ? ['runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args]]
        : [join(bin, 'pg_ctl'), args];
      try {
        execFileSync(cmd, all, { stdio: 'ignore' });
      } catch {
        // not running
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const close = async () => {
    process.off('exit', onExit);
    await Promise.all([stop(standby, 'immediate'), stop(primary, 'immediate')]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await tool('initdb', ['-D', primary.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    await start(primary, 'primary');
    await tool('pg_basebackup', [
      ...['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres'],
      ...['-D', standby.data, '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync'],
    ]);
    await start(standby, 'standby');
    await streaming();
  } catch (e) {
    await close();
    throw e;
  }
  return {
    primaryUrl: (db) => url(primary.port, db),
    standbyUrl: (db) => url(standby.port, db),
    restore: async (from, db) => {
      const file = join(dir, `${db}.dump`);
      await tool('pg_dump', ['-Fc', '-Z0', '-f', file, '-d', from], false);
      await query(url(primary.port, 'postgres'), `create database "${db}"`);
      await tool('pg_restore', ['--no-owner', '--exit-on-error', '-j2', '-d', url(primary.port, db), file], false);
      rmSync(file, { force: true });
    },
    caughtUp: async () => {
      const [flushed] = await query<{ lsn: string }>(
        url(primary.port, 'postgres'),
        'select pg_current_wal_flush_lsn()::text as lsn',
      );
      await until(async () => {
        const rows = await query<{ done: boolean }>(
          url(standby.port, 'postgres'),
          'select pg_last_wal_replay_lsn() >= $1::pg_lsn as done',
          [flushed!.lsn],
        );
        return rows[0]!.done;
      }, 'the standby to replay the primary');
    },
    stopStandby: async () => void (await stop(standby, 'fast')),
    startStandby: async () => {
      await start(standby, 'standby');
      await streaming();
    },
    close,
  };
}

/** The newest installed PostgreSQL's bin directory that has every tool the pair needs. */
function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((v) => join(root, v, 'bin')).find((d) => TOOLS.every((t) => existsSync(join(d, t))));
}

async function query<R>(connectionString: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as R[];
  } finally {
    await client.end();
  }
}

/** Polls `condition` (errors count as "not yet") until it holds, or fails after START_TIMEOUT_MS. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last: unknown;
  for (;;) {
    try {
      if (await condition()) return;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`, { cause: last });
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
