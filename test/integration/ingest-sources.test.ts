import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from '../../src/db/index.js';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { JobQueue, Scheduler, type QueueOptions } from '../../src/ingest/index.js';
import { createLogger, makeCitizenId } from '../../src/kernel/index.js';
import { createPostgresDatabase, engines, SEEDED_PASSWORD as PASSWORD } from '../databases.js';

type App = Awaited<ReturnType<typeof buildApp>>;
const RESOURCE = 'JNRSJ-0001'; // 社会保险参保信息: citizen_id, insurance_type, start_date, active
const adminUrl = inject('postgresAdminUrl');
const id = (n: number) => makeCitizenId('370102', '1970-01-01', 700 + n);
/** 1000 distinct valid IDs: the pipeline counts rows read a batch (1000) at a time. */
const bulk = (i: number) => ({
  ...item(0),
  citizen_id: makeCitizenId('370103', `1980-01-${String(1 + (i % 28)).padStart(2, '0')}`, 100 + Math.floor(i / 28)),
});
const item = (n: number) => ({
  citizen_id: id(n),
  insurance_type: '职工基本养老保险',
  start_date: '2018-03-01',
  active: '是',
});

/**
 * The source database (a PostgreSQL database of its own, also for the PGlite engine), and an
 * HTTP API served here: /people?page=n has 3 pages of 2; /flaky fails once with 500;
 * /count/<k> answers one item and counts its calls.
 */
let sourceUrl = '';
let server: Server;
let api = '';
const calls = new Map<string, number>();
let flaky = 1;

beforeAll(async () => {
  if (adminUrl) {
    sourceUrl = await createPostgresDatabase(adminUrl, `${inject('postgresPrefix')}_src`);
    const c = new pg.Client({ connectionString: sourceUrl });
    await c.connect();
    await c.query(
      `create table insured (citizen_id text, insurance_type text, start_date date, active boolean, note text)`,
    );
    await c.query(
      `insert into insured values ($1, '城乡居民基本养老保险', '2015-06-01', false, null),
      ($2, '职工基本养老保险', '2016-01-31', true, 'x'), ($3, null, '2017-02-01', true, null)`,
      [id(1), id(2), id(3)],
    );
    await c.end();
  }
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    calls.set(url.pathname, (calls.get(url.pathname) ?? 0) + 1);
    const page = Number(url.searchParams.get('page') ?? 1);
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/flaky' && flaky-- > 0) {
      res.statusCode = 500;
      return res.end('{"error":"busy"}');
    }
    if (url.pathname === '/slow' && page === 2) {
      setTimeout(() => res.end('[]'), 3000);
      return;
    }
    if (url.pathname === '/slow') return res.end(JSON.stringify(Array.from({ length: 1000 }, (_, i) => bulk(i))));
    if (url.pathname.startsWith('/count/'))
      return res.end(JSON.stringify(page === 1 ? [item(50 + Number(url.pathname.slice(7)))] : []));
    const items = page <= 3 ? [item(10 + page * 2), item(11 + page * 2)] : [];
    res.end(JSON.stringify({ data: items, total: 6 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.QDH_INGEST_HOSTS = '127.0.0.1';
  process.env.QDH_SOURCE_RSJDB = sourceUrl || 'postgres://nobody@127.0.0.1:1/none';
  process.env.QDH_SOURCE_RSJDB_ORG = 'JNRSJ';
  process.env.QDH_SOURCE_GAJDB = 'postgres://nobody@127.0.0.1:1/none';
  process.env.QDH_SOURCE_GAJDB_ORG = 'JNGAJ';
});
afterAll(async () => {
  // Test files may share a worker process (vitest --no-isolate): leave its environment as it was.
  for (const name of [
    'QDH_INGEST_HOSTS',
    'QDH_SOURCE_RSJDB',
    'QDH_SOURCE_RSJDB_ORG',
    'QDH_SOURCE_GAJDB',
    'QDH_SOURCE_GAJDB_ORG',
  ])
    delete process.env[name];
  await new Promise<void>((r) => server.close(() => r()));
});

/** Sources, jobs with retries, schedules and concurrent workers (#4), on PGlite and PostgreSQL. */
describe.each(engines())('ingest sources on $name', (engine) => {
  let hub: Hub;
  let app: App;
  let url: string | undefined;
  const tokens: Record<string, string> = {};
  const fast: QueueOptions = { backoffMs: 50, pollMs: 20, heartbeatMs: 50 };
  let queue: JobQueue;

  beforeAll(async () => {
    if (engine.skip) return;
    const seeded = await engine.seededDatabase();
    url = seeded.databaseUrl;
    hub = await openHub({ ...seeded, headIntervalMs: 100 });
    app = await buildApp(hub, { logger: createLogger('silent') });
    for (const username of ['officer_rsj', 'officer', 'operator', 'consumer']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: PASSWORD },
      });
      tokens[username] = res.json().token;
    }
    queue = newQueue(hub);
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const newQueue = (h: Hub, opts: QueueOptions = {}) =>
    new JobQueue(
      h.db,
      { run: (r, rows, o) => h.ingest.run(r, rows, o), resource: (c) => h.catalog.get(c) },
      { ...fast, ...opts },
    );
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object, as = 'officer_rsj') =>
    app.inject({
      method,
      url: `/api/v1/ingest${path}`,
      payload,
      headers: { authorization: `Bearer ${tokens[as]}`, 'accept-language': 'en' },
    });
  let ownWorker = false;
  const queueJob = async (source: object, extra: object = {}, as = 'officer_rsj') => {
    const res = await call('POST', '/jobs', { resource: RESOURCE, source, ...extra }, as);
    expect(res.statusCode, res.body).toBe(202);
    // With the hub's own worker started, the queue's NOTIFY may have it claimed before the answer is read.
    const answered = res.json() as { state: string; attempts: number };
    if (ownWorker) expect(['queued', 'running']).toContain(answered.state);
    else expect(answered).toMatchObject({ state: 'queued', attempts: 0 });
    return res.json().id as string;
  };
  const job = async (jobId: string) => (await call('GET', `/jobs/${jobId}`)).json();
  const stored = async (n: number) => hub.records.find((await hub.catalog.get(RESOURCE)).id, id(n));
  const drain = async (q: JobQueue) => {
    let ran = 0;
    while (await q.work()) ran++;
    return ran;
  };

  it.skipIf(engine.skip || !adminUrl)(
    'loads a query on another PostgreSQL database, typed as the validators expect',
    async () => {
      const jobId = await queueJob({
        kind: 'database',
        connection: 'rsjdb',
        query: 'select citizen_id, insurance_type, start_date, active from insured where start_date >= $1 order by 1',
        params: ['2015-01-01'],
      });
      expect(await queue.work()).toBe(true);
      const report = await job(jobId);
      expect(report).toMatchObject({ state: 'succeeded', rowsRead: 3, rowsLoaded: 2, rowsRejected: 1, attempts: 1 });
      expect(report.rejects).toEqual([{ row: 4, field: 'insurance_type', reason: 'required' }]);
      expect(report.source).toBe('database:rsjdb');
      expect(await stored(1)).toMatchObject({ start_date: '2015-06-01', active: false });
      expect(await stored(2)).toMatchObject({ start_date: '2016-01-31', active: true });
      // An ad-hoc URL to a listed host, without a password, works the same.
      const adHoc = await queueJob({
        kind: 'database',
        url: sourceUrl,
        query: 'select * from insured where note is not null',
      });
      await queue.work();
      expect(await job(adHoc)).toMatchObject({ state: 'succeeded', rowsLoaded: 1 });
    },
  );

  it.skipIf(engine.skip || !adminUrl)(
    'reads only: a write fails the job at once, without retries, and changes nothing',
    async () => {
      const jobId = await queueJob(
        { kind: 'database', connection: 'rsjdb', query: 'with d as (delete from insured returning *) select * from d' },
        { maxAttempts: 3 },
      );
      await queue.work();
      expect(await job(jobId)).toMatchObject({
        state: 'failed',
        attempts: 1,
        error: expect.stringMatching(/read-only/),
        errorCode: 'ING_BAD_SOURCE',
      });
      const c = new pg.Client({ connectionString: sourceUrl });
      await c.connect();
      expect((await c.query('select count(*)::int as n from insured')).rows[0].n).toBe(3);
      await c.end();
    },
  );

  it.skipIf(engine.skip)('refuses passwords, writes, unlisted hosts and other organizations’ connections', async () => {
    const refused = async (source: object, status: number, code: string, as = 'officer_rsj') => {
      const res = await call('POST', '/jobs', { resource: RESOURCE, source }, as);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().code).toBe(code);
    };
    await refused({ kind: 'database', url: 'postgres://u:pw@127.0.0.1/x', query: 'select 1' }, 422, 'ING_BAD_SOURCE');
    await refused({ kind: 'database', connection: 'rsjdb', query: 'drop table insured' }, 422, 'ING_BAD_SOURCE');
    await refused({ kind: 'http', url: 'http://10.1.2.3/api' }, 422, 'ING_BAD_SOURCE');
    await refused({ kind: 'http', url: `${api}/people`, headers: { authorization: 'x' } }, 422, 'ING_BAD_SOURCE');
    await refused({ kind: 'database', connection: 'gajdb', query: 'select 1' }, 403, 'ACC_FORBIDDEN');
    await refused({ kind: 'ftp', url: 'ftp://x' }, 400, 'KRN_BAD_REQUEST');
    await refused({ kind: 'http', url: `${api}/people` }, 403, 'ACC_FORBIDDEN', 'officer');
    const connections = await call('GET', '/connections');
    expect(connections.json().items).toEqual([{ name: 'rsjdb', kind: 'database', org: 'JNRSJ' }]);
  });

  it.skipIf(engine.skip)('pages through an HTTP API until an empty page', async () => {
    const jobId = await queueJob({ kind: 'http', url: `${api}/people`, pageSize: 2, itemsPath: 'data' });
    await queue.work();
    expect(await job(jobId)).toMatchObject({ state: 'succeeded', rowsRead: 6, rowsLoaded: 6, qualityScore: 100 });
    expect(await stored(16)).toMatchObject({ insurance_type: '职工基本养老保险', active: true });
  });

  it.skipIf(engine.skip)("runs a job on the hub's own worker as soon as it is queued", async () => {
    hub.jobs.start();
    ownWorker = true;
    try {
      const jobId = await queueJob({ kind: 'http', url: `${api}/people`, itemsPath: 'data' });
      await expect.poll(async () => (await job(jobId)).state, { timeout: 10_000, interval: 50 }).toBe('succeeded');
    } finally {
      ownWorker = false;
      await hub.jobs.stop();
    }
  });

  // On PGlite the one connection is busy while a load streams in, so progress shows when it ends.
  it.skipIf(engine.skip || engine.name !== 'postgres')('shows rows read while a job runs', async () => {
    const jobId = await queueJob({ kind: 'http', url: `${api}/slow` });
    const running = queue.work();
    const seen = async () => {
      const j = await job(jobId);
      return { state: j.state, someRowsRead: j.rowsRead > 0 };
    };
    await expect.poll(seen, { timeout: 2800, interval: 50 }).toEqual({ state: 'running', someRowsRead: true });
    await running;
    expect(await job(jobId)).toMatchObject({ state: 'succeeded', rowsLoaded: 1000 });
  });

  it.skipIf(engine.skip)('retries a failed job after a backoff, keeping the state visible meanwhile', async () => {
    flaky = 1;
    const jobId = await queueJob({ kind: 'http', url: `${api}/flaky` }, { maxAttempts: 2 });
    await queue.work();
    const waiting = await job(jobId);
    expect(waiting).toMatchObject({
      state: 'queued',
      attempts: 1,
      maxAttempts: 2,
      error: expect.stringMatching(/page 1 .*HTTP 500/),
      errorCode: 'ING_SOURCE_FAILED',
    });
    expect(Date.parse(waiting.nextAttemptAt)).toBeGreaterThan(Date.parse(waiting.createdAt));
    await new Promise((r) => setTimeout(r, 120));
    await queue.work();
    expect(await job(jobId)).toMatchObject({
      state: 'succeeded',
      attempts: 2,
      rowsLoaded: 6,
      error: null,
      errorCode: null,
    });
  });

  it.skipIf(engine.skip)('gives up after maxAttempts and queues again a job whose process died', async () => {
    flaky = 5;
    const jobId = await queueJob({ kind: 'http', url: `${api}/flaky` }, { maxAttempts: 1 });
    await queue.work();
    expect(await job(jobId)).toMatchObject({ state: 'failed', attempts: 1, finishedAt: expect.any(String) });
    flaky = 0;
    const orphan = await queueJob({ kind: 'http', url: `${api}/flaky` }, { maxAttempts: 2 });
    const db = hub.db.kysely;
    await sql`update ingest.job set state = 'running', attempts = 1, heartbeat_at = now() - interval '1 hour' where id = ${orphan}`.execute(
      db,
    );
    expect(await newQueue(hub, { staleMs: 60_000 }).requeueStale()).toBe(1);
    expect(await job(orphan)).toMatchObject({
      state: 'queued',
      error: 'the hub process running it stopped',
      errorCode: 'KRN_INTERNAL',
    });
    await queue.work();
    expect(await job(orphan)).toMatchObject({ state: 'succeeded', attempts: 2 });
  });

  it.skipIf(engine.skip)('never runs a job twice, however many workers claim at once', async () => {
    const ids: string[] = [];
    for (let k = 0; k < 6; k++) ids.push(await queueJob({ kind: 'http', url: `${api}/count/${engine.name}${k}` }));
    // On PostgreSQL the second worker is another hub with its own pool, as another process would be.
    const other = url ? await openHub({ databaseUrl: url, headIntervalMs: 100 }) : hub;
    try {
      const ran = await Promise.all([drain(newQueue(hub)), drain(newQueue(other)), drain(newQueue(hub))]);
      expect(ran.reduce((a, b) => a + b)).toBe(6);
    } finally {
      if (other !== hub) await other.close();
    }
    for (const [k, jobId] of ids.entries()) {
      expect(await job(jobId)).toMatchObject({ state: 'succeeded', attempts: 1 });
      expect(calls.get(`/count/${engine.name}${k}`)).toBe(2); // page 1 and the empty page 2, once each
    }
  });

  it.skipIf(engine.skip)(
    'fires a due schedule exactly once across schedulers, then at the next cron time',
    async () => {
      const res = await call('POST', '/schedules', {
        resource: RESOURCE,
        source: { kind: 'http', url: `${api}/people`, itemsPath: 'data' },
        cron: '30 2 * * *',
      });
      expect(res.statusCode, res.body).toBe(201);
      const schedule = res.json();
      expect(schedule).toMatchObject({ timezone: 'Asia/Shanghai', enabled: true, maxAttempts: 3, lastJob: null });
      // 02:30 in Jinan is 18:30 UTC the day before.
      expect(schedule.nextRuns).toHaveLength(3);
      for (const t of schedule.nextRuns) expect(t).toMatch(/T18:30:00\.000Z$/);
      await hub.schedules.makeDue(schedule.id);
      const fired = (await Promise.all([1, 2, 3].map(() => new Scheduler(hub.db, queue).tick()))).flat();
      expect(fired).toHaveLength(1);
      const after = (await call('GET', `/schedules?resource=${RESOURCE}`))
        .json()
        .items.find((s: { id: number }) => s.id === schedule.id);
      expect(after.lastJob).toMatchObject({ id: fired[0], state: 'queued', outcome: 'queued' });
      expect(after.nextRunAt).toBe(schedule.nextRuns[0]);
      expect(await new Scheduler(hub.db, queue).tick()).toEqual([]);
      await queue.work();
      const done = await job(fired[0]!);
      expect(done).toMatchObject({ state: 'succeeded', scheduleId: schedule.id, maxAttempts: 3 });
      // The schedules list says how its last load went as the jobs list does, not just that it ran.
      const listed = (await call('GET', `/schedules?resource=${RESOURCE}`))
        .json()
        .items.find((s: { id: number }) => s.id === schedule.id);
      expect(listed.lastJob).toMatchObject({ state: 'succeeded', outcome: done.outcome });
      expect(done.outcome).toMatch(/^loaded/);
    },
  );

  it.skipIf(engine.skip)(
    'manages schedules: disable, change the cron, run now, remove; only for the owner',
    async () => {
      const created = (
        await call('POST', '/schedules', {
          resource: RESOURCE,
          source: { kind: 'http', url: `${api}/people` },
          cron: '0 3 * * 1',
        })
      ).json();
      expect(
        (
          await call('POST', '/schedules', {
            resource: RESOURCE,
            source: { kind: 'http', url: `${api}/x` },
            cron: '* * * * * *',
          })
        ).json(),
      ).toMatchObject({ code: 'KRN_VALIDATION' });
      expect(
        (
          await call('POST', '/schedules', {
            resource: RESOURCE,
            source: { kind: 'http', url: `${api}/x` },
            cron: 'every day at 3',
          })
        ).statusCode,
      ).toBe(422);
      const off = (await call('PATCH', `/schedules/${created.id}`, { enabled: false })).json();
      expect(off).toMatchObject({ enabled: false, nextRunAt: null, nextRuns: [] });
      const on = (await call('PATCH', `/schedules/${created.id}`, { enabled: true, cron: '0 4 * * *' })).json();
      expect(on.nextRunAt).toMatch(/T20:00:00\.000Z$/);
      expect((await call('PATCH', `/schedules/${created.id}`, { enabled: false }, 'officer')).statusCode).toBe(403);
      const ran = await call('POST', `/schedules/${created.id}/run`, undefined, 'operator');
      expect(ran.statusCode).toBe(202);
      expect(ran.json()).toMatchObject({ state: 'queued' });
      expect((await call('DELETE', `/schedules/${created.id}`)).statusCode).toBe(204);
      expect((await call('DELETE', `/schedules/${created.id}`)).statusCode).toBe(404);
      expect((await job(ran.json().id)).scheduleId).toBeNull();
      await drain(queue);
    },
  );

  it.skipIf(engine.skip)('lists jobs newest first: operators all, officers their own, others nothing', async () => {
    const mine = (await call('GET', `/jobs?resource=${RESOURCE}&pageSize=3`)).json();
    expect(mine.items).toHaveLength(3);
    expect(mine.total).toBeGreaterThan(5);
    const times = mine.items.map((j: { createdAt: string }) => Date.parse(j.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const failed = (await call('GET', '/jobs?state=failed')).json();
    expect(
      failed.items.every((j: { state: string; resource: string }) => j.state === 'failed' && j.resource === RESOURCE),
    ).toBe(true);
    const all = (await call('GET', '/jobs', undefined, 'operator')).json();
    expect(all.total).toBeGreaterThanOrEqual(mine.total);
    // The demo's own loads are jobs too: the police officer sees only its own organization's.
    const police = (await call('GET', '/jobs?pageSize=100', undefined, 'officer')).json();
    expect(police.items.every((j: { resource: string }) => j.resource !== RESOURCE)).toBe(true);
    expect((await call('GET', `/jobs?resource=${RESOURCE}`, undefined, 'officer')).statusCode).toBe(403);
    expect((await call('GET', '/jobs', undefined, 'consumer')).statusCode).toBe(403);
  });
});
