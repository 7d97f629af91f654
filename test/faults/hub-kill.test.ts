/**
 * #15 "kill -9 of the hub in the middle of a load, a demand step, a grant change and a ledger
 * batch: after restart nothing is half-done, the ledger verifies, queued work resumes once".
 *
 * The hub runs as a process of its own (qdh serve) on a PostgreSQL server of this test's own and
 * is killed with SIGKILL at a moment the test makes sure of, not guesses:
 *  - a demand step, a grant change, a ledger batch: the test holds the ledger's state row locked
 *    (SELECT … FOR UPDATE in a transaction of its own), so the hub's write waits on it; once
 *    pg_stat_activity shows its backend waiting, the hub is killed and the lock let go;
 *  - a load: killed once PostgreSQL's COPY progress shows rows going in;
 *  - queued work: killed while an HTTP source job is reading its pages (the test serves them).
 * After each kill a new hub process serves from the same database, and the data is checked.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { people } from '../../src/demo/people.js';
import {
  SETUP_MS,
  api,
  login,
  query,
  restoreSeededCity,
  SEEDED_PEOPLE,
  startHubProcess,
  startOwnPostgres,
  waitFor,
  type HubProcess,
  type OwnPostgres,
} from './harness.js';
import { duplicateEntries, entriesFrom, treeSize, verifyLedger } from './ledger-check.js';
import { call, RESOURCE, residentKeys, serviceCaller } from './load.js';

const COLUMNS = ['citizen_id', 'name', 'gender', 'birth_date', 'division', 'address', 'phone'] as const;
const dir = mkdtempSync(join(tmpdir(), 'qdh-fault-kill-'));
let server: OwnPostgres | undefined;
let hub: HubProcess | undefined;
let url = '';
const hubEnv = { QDH_INGEST_HOSTS: '127.0.0.1' };

beforeAll(async () => {
  server = await startOwnPostgres();
  if (!server) return;
  url = await restoreSeededCity(server, 'qdh');
  hub = await startHubProcess(url, { env: hubEnv });
}, SETUP_MS);

// A case that failed between a kill and the restart leaves no hub: the next one starts its own.
beforeEach(async () => {
  if (hub && (hub.child.exitCode !== null || hub.child.signalCode !== null)) {
    hub = await startHubProcess(url, { env: hubEnv });
  }
}, SETUP_MS);

afterAll(async () => {
  await hub?.stop();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Kills the hub (SIGKILL) and starts a new one on the same database. */
async function killAndRestart(): Promise<void> {
  await hub!.kill9();
  hub = await startHubProcess(url, { env: hubEnv });
}

/** The ledger's state row, locked by a transaction of the test's own until `release()`. */
async function holdLedger(): Promise<{ release: () => Promise<void>; pid: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('begin');
  await client.query('select tree_size from ledger.state where id = 1 for update');
  const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  return {
    pid,
    release: async () => {
      await client.query('rollback');
      await client.end();
    },
  };
}

/** Waits until some backend of the hub waits for a lock (the one the test holds). */
async function hubWaitsOnLock(holder: number): Promise<void> {
  await waitFor('the hub waiting on the ledger lock', async () => {
    const rows = await query<{ n: string }>(
      url,
      `select count(*) as n from pg_stat_activity
        where datname = 'qdh' and wait_event_type = 'Lock' and $1 = any(pg_blocking_pids(pid))`,
      [holder],
    );
    return Number(rows[0]!.n) > 0 ? true : undefined;
  });
}

/** Starts a request and ignores how it ends: the hub is killed while it is in flight. */
function inFlight(promise: Promise<unknown>): void {
  promise.catch(() => {});
}

/** The keys the resource's records are stored under. */
async function storedKeys(): Promise<string[]> {
  const rows = await query<{ key: string }>(
    url,
    'select r.key from records.record r join catalog.resource c on c.id = r.resource_id where c.code = $1',
    [RESOURCE],
  );
  return rows.map((r) => r.key);
}

/** The grant and demand entries from index `from` on (logins and reads are on the ledger too). */
const kinds = async (from: number) =>
  (await entriesFrom(url, from)).map((e) => e.entry).filter((e) => /^share\.(grant|demand)/.test(e.kind));

describe('kill -9 of the hub', () => {
  it('in a grant change: the grant keeps its state and no entry is written; done again, it changes once', async (ctx) => {
    if (!hub) return ctx.skip('PostgreSQL is not installed (initdb, pg_ctl)');
    const operator = await login(hub.url, 'operator');
    const [grant] = (await api(hub.url, operator, '/api/v1/grants')).body as Array<{ id: number; state: string }>;
    expect(grant!.state).toBe('active');
    const before = await treeSize(url);

    const lock = await holdLedger();
    inFlight(api(hub.url, operator, `/api/v1/grants/${grant!.id}/suspend`, { method: 'POST' }));
    await hubWaitsOnLock(lock.pid);
    await hub.kill9();
    await lock.release();
    hub = await startHubProcess(url, { env: hubEnv });

    const [row] = await query<{ state: string }>(url, 'select state from share.grant where id = $1', [grant!.id]);
    expect(row!.state).toBe('active');
    expect((await kinds(before)).filter((e) => e.kind === 'share.grant.changed')).toEqual([]);

    const again = await api(hub.url, await login(hub.url, 'operator'), `/api/v1/grants/${grant!.id}/suspend`, {
      method: 'POST',
    });
    expect(again.status).toBe(200);
    const changed = (await kinds(before)).filter((e) => e.kind === 'share.grant.changed');
    expect(changed).toEqual([expect.objectContaining({ action: 'suspend', grant: grant!.id })]);
    await api(hub.url, await login(hub.url, 'operator'), `/api/v1/grants/${grant!.id}/resume`, { method: 'POST' });
  }, 120_000);

  it('in a demand step: the demand stays where it was with no entry; published again, it has one grant', async (ctx) => {
    if (!hub) return ctx.skip('PostgreSQL is not installed (initdb, pg_ctl)');
    const consumer = await login(hub.url, 'consumer');
    const filed = await api(hub.url, consumer, '/api/v1/demands', {
      body: {
        resource: 'JNRSJ-0001',
        fields: ['citizen_id', 'active'],
        purposes: ['social_assistance'],
        purpose: '低保对象参保状态核验',
      },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const id = (filed.body as { id: number }).id;
    const officer = await login(hub.url, 'officer_rsj');
    expect((await api(hub.url, officer, `/api/v1/demands/${id}/confirm`, { method: 'POST' })).status).toBe(200);
    const before = await treeSize(url);

    // Killed while publishing: the step that makes a grant, a data service and two entries.
    const lock = await holdLedger();
    inFlight(api(hub.url, officer, `/api/v1/demands/${id}/publish`, { method: 'POST' }));
    await hubWaitsOnLock(lock.pid);
    await hub.kill9();
    await lock.release();
    hub = await startHubProcess(url, { env: hubEnv });

    const state = async () =>
      (
        await query<{ state: string; grant_id: number | null }>(
          url,
          'select state, grant_id from share.demand where id = $1',
          [id],
        )
      )[0]!;
    expect(await state()).toEqual({ state: 'confirmed', grant_id: null });
    expect(await query(url, 'select id from share.grant where demand_id = $1', [id])).toEqual([]);
    expect(await kinds(before)).toEqual([]);

    const again = await api(hub.url, await login(hub.url, 'officer_rsj'), `/api/v1/demands/${id}/publish`, {
      method: 'POST',
    });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    const grants = await query<{ id: number }>(url, 'select id from share.grant where demand_id = $1', [id]);
    expect(grants).toHaveLength(1);
    expect(await state()).toEqual({ state: 'published', grant_id: grants[0]!.id });
    expect((await kinds(before)).map((e) => `${e.kind}:${String(e.action ?? '')}`)).toEqual([
      'share.grant.created:',
      'share.demand.changed:publish',
    ]);
  }, 120_000);

  it('in a ledger batch: every answered read has its entry, and the ledger goes on from where it was', async (ctx) => {
    if (!hub) return ctx.skip('PostgreSQL is not installed (initdb, pg_ctl)');
    const apiKey = await serviceCaller(hub.url);
    const keys = residentKeys(SEEDED_PEOPLE);
    const answered = [];
    for (const key of keys.slice(0, 5)) answered.push(await call(hub.url, apiKey, key));
    expect(answered.map((c) => c.status)).toEqual([200, 200, 200, 200, 200]);

    const lock = await holdLedger();
    // A batch of reads whose appends wait on the lock: none may be answered before it is written.
    const pending = keys.slice(5).map((key) => call(hub!.url, apiKey, key));
    await hubWaitsOnLock(lock.pid);
    await hub.kill9();
    await lock.release();
    expect((await Promise.all(pending)).map((c) => c.status)).toEqual(new Array(pending.length).fill(0));
    hub = await startHubProcess(url, { env: hubEnv });

    for (const key of keys.slice(0, 5)) expect((await call(hub.url, apiKey, key)).status).toBe(200);
    expect(await duplicateEntries(url)).toBe(0);
    const verified = await verifyLedger(url);
    expect(verified.code, verified.output).toBe(0);
  }, 120_000);

  it('in a large upload: the resource keeps its data, the job fails instead of running for ever', async (ctx) => {
    if (!hub) return ctx.skip('PostgreSQL is not installed (initdb, pg_ctl)');
    const digest = async () =>
      (
        await query<{ n: string; d: string }>(
          url,
          `select count(*) as n, md5(coalesce(string_agg(r.key || r.doc::text, ',' order by r.key), '')) as d
             from records.record r join catalog.resource c on c.id = r.resource_id where c.code = $1`,
          [RESOURCE],
        )
      )[0]!;
    const before = await digest();
    const rows = Array.from(people(150_000, 77), (p) => COLUMNS.map((c) => p[c]).join(','));
    const file = join(dir, 'people.csv');
    writeFileSync(file, [COLUMNS.join(','), ...rows].join('\n') + '\n');
    const officer = await login(hub.url, 'officer');
    const form = new FormData();
    form.append('resource', RESOURCE);
    form.append('file', new Blob([await import('node:fs/promises').then((f) => f.readFile(file))]), 'people.csv');
    inFlight(
      fetch(`${hub.url}/api/v1/ingest/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${officer}` },
        body: form,
      }),
    );
    await waitFor('rows going in by COPY', async () => {
      const progress = await query<{ n: string }>(
        url,
        `select coalesce(max(tuples_processed), 0) as n from pg_stat_progress_copy p
           join pg_stat_activity a on a.pid = p.pid where a.datname = 'qdh'`,
      );
      return Number(progress[0]!.n) > 5000 ? true : undefined;
    });
    await killAndRestart();

    expect(await digest()).toEqual(before);
    const [job] = await query<{ id: string; state: string }>(
      url,
      `select id, state from ingest.job where resource_code = $1 and source = 'upload:people.csv'`,
      [RESOURCE],
    );
    expect(job!.state).toBe('running'); // as the killed process left it
    // Its heartbeat stops; once that is older than the queue's stale limit (60 s), the serving hub
    // fails it. The test moves the heartbeat back rather than wait the minute.
    await query(url, `update ingest.job set heartbeat_at = now() - interval '10 minutes' where id = $1`, [job!.id]);
    const failed = await waitFor('the killed upload failed by the serving hub', async () => {
      const [row] = await query<{ state: string; error: string }>(
        url,
        'select state, error from ingest.job where id = $1',
        [job!.id],
      );
      return row!.state === 'failed' ? row! : undefined;
    });
    expect(failed.error).toMatch(/stopped/);
    expect(await digest()).toEqual(before);
  }, 180_000);

  it('while a source job runs and another waits: after restart each runs to the end exactly once', async (ctx) => {
    if (!hub) return ctx.skip('PostgreSQL is not installed (initdb, pg_ctl)');
    const source = await pagedSource();
    try {
      const officer = await login(hub.url, 'officer');
      const queue = async (name: string) => {
        const res = await api(hub!.url, officer, '/api/v1/ingest/jobs', {
          body: {
            resource: RESOURCE,
            source: { kind: 'http', url: `${source.url}/${name}`, pageSize: 100, itemsPath: 'items' },
            maxAttempts: 3,
          },
        });
        expect(res.status, JSON.stringify(res.body)).toBe(202);
        return (res.body as { id: string }).id;
      };
      const first = await queue('a');
      await waitFor('the first job reading its pages', async () =>
        (source.pages.get('a') ?? 0) >= 5 ? true : undefined,
      );
      const second = await queue('b');
      await killAndRestart();
      const [running] = await query<{ state: string }>(url, 'select state from ingest.job where id = $1', [first]);
      expect(running!.state).toBe('running');
      await query(url, `update ingest.job set heartbeat_at = now() - interval '10 minutes' where id = $1`, [first]);
      const done = await waitFor(
        'both jobs finished',
        async () => {
          const rows = await query<{ id: string; state: string; attempts: number; rows_loaded: number }>(
            url,
            'select id, state, attempts, rows_loaded from ingest.job where id = any($1) order by created_at',
            [[first, second]],
          );
          return rows.every((r) => r.state === 'succeeded' || r.state === 'failed') ? rows : undefined;
        },
        120_000,
      );
      expect(done).toEqual([
        { id: first, state: 'succeeded', attempts: 2, rows_loaded: SOURCE_ROWS },
        { id: second, state: 'succeeded', attempts: 1, rows_loaded: SOURCE_ROWS },
      ]);
      // The killed run read part of its source, the rerun all of it; the waiting job read it once.
      expect(source.firstPages.get('a')).toBe(2);
      expect(source.firstPages.get('b')).toBe(1);
      // Both sources' people are there (records are stored under keyed hashes: counted, not named).
      expect((await storedKeys()).length).toBeGreaterThanOrEqual(2 * SOURCE_ROWS);
      const verified = await verifyLedger(url);
      expect(verified.code, verified.output).toBe(0);
    } finally {
      await source.close();
    }
  }, 240_000);
});

const SOURCE_ROWS = 2000;

/** A paged JSON API of residents (`/a`, `/b`: different people), slow enough to be caught midway. */
async function pagedSource() {
  const rows = new Map([
    ['a', [...people(SOURCE_ROWS, 501)]],
    ['b', [...people(SOURCE_ROWS, 502)]],
  ]);
  const pages = new Map<string, number>();
  const firstPages = new Map<string, number>();
  const http: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const name = u.pathname.slice(1);
    const page = Number(u.searchParams.get('page') ?? 1);
    const size = Number(u.searchParams.get('pageSize') ?? 100);
    pages.set(name, (pages.get(name) ?? 0) + 1);
    if (page === 1) firstPages.set(name, (firstPages.get(name) ?? 0) + 1);
    const items = (rows.get(name) ?? [])
      .slice((page - 1) * size, page * size)
      .map((p) => Object.fromEntries(COLUMNS.map((c) => [c, p[c]])));
    setTimeout(() => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ items }));
    }, 150);
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const { port } = http.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    rows,
    pages,
    firstPages,
    close: () => new Promise<void>((r) => http.close(() => r())),
  };
}
