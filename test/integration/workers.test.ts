import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/index.js';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { createLogger, runAlone } from '../../src/kernel/index.js';
import { verifyLedger, type LedgerTables } from '../../src/ledger/index.js';
import { engines, SEEDED_PASSWORD as PASSWORD } from '../databases.js';

type App = Awaited<ReturnType<typeof buildApp>>;
/** A purpose the demo grants allow. */
const P = 'social_assistance';
const postgres = engines().find((e) => e.name === 'postgres')!;

/**
 * Several hub processes over one PostgreSQL database (#15, "Scale out"): two hubs in this test
 * process stand for two processes (each its own pool, LISTEN connection and caches), and one case
 * starts `qdh serve --workers 2` for real. Quotas and rates are exact across them, a change in
 * one is seen by the other on its next call, periodic work runs once, the ledger stays one chain.
 */
describe.skipIf(postgres.skip)('several hub processes over one PostgreSQL database', () => {
  let url: string;
  const hubs: Hub[] = [];
  const apps: App[] = [];
  const tokens: Array<Record<string, string>> = [];
  let apiKey: string;

  beforeAll(async () => {
    url = (await postgres.seededDatabase()).databaseUrl!;
    for (let i = 0; i < 2; i++) {
      const hub = await openHub({ databaseUrl: url, headIntervalMs: 100 });
      hubs.push(hub);
      const app = await buildApp(hub, { logger: createLogger('silent') });
      apps.push(app);
      const mine: Record<string, string> = {};
      for (const username of ['operator', 'officer', 'consumer', 'citizen']) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username, password: PASSWORD },
        });
        mine[username] = res.json().token;
      }
      tokens.push(mine);
    }
    apiKey = (await call(0, 'consumer', 'POST', '/api/v1/auth/api-keys', { name: 'workers-test' })).json().key;
    // The run's seeded template may be made here first: minutes on a busy machine.
  }, 600_000);
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const hub of hubs) await hub.close();
  });

  const call = (i: number, user: string, method: 'GET' | 'POST' | 'PUT', path: string, payload?: object) =>
    apps[i]!.inject({ method, url: path, payload, headers: { authorization: `Bearer ${tokens[i]![user]}` } });
  /** The consumer's machine client, on hub `i`. */
  const machine = (i: number, path: string) =>
    apps[i]!.inject({ method: 'GET', url: path, headers: { 'x-api-key': apiKey } });

  /** A grant to 民政局 on `resource` (its key field only) and the resource's service; the URL of a call by key. */
  const grantAndPublish = async (resource: string, extra: object) => {
    const r = (await call(0, 'operator', 'GET', `/api/v1/catalog/resources/${resource}`)).json();
    const grant = await call(0, 'operator', 'POST', '/api/v1/grants', {
      consumer: 'JNMZJ',
      resource,
      fields: [r.keyField],
      purposes: [P],
      ...extra,
    });
    expect(grant.statusCode, grant.body).toBe(201);
    expect((await call(0, 'operator', 'POST', '/api/v1/services', { resource })).statusCode).toBe(201);
    const key = (await hubs[0]!.records.page((await hubs[0]!.catalog.get(resource)).id, 1, 1))[0]![r.keyField];
    return { id: grant.json().id as number, path: `/api/v1/services/DS-${resource}/records?purpose=${P}&key=${key}` };
  };

  it('admits exactly the daily quota in total when calls go to both', async () => {
    const { id, path } = await grantAndPublish('JNSCJG-0001', { dailyQuota: 7 });
    const codes = await Promise.all(
      Array.from({ length: 24 }, (_, i) => machine(i % 2, path).then((r) => r.statusCode)),
    );
    expect(codes.filter((c) => c === 200)).toHaveLength(7);
    expect(codes.filter((c) => c === 429)).toHaveLength(17);
    // Both hubs answered some of the admitted calls' siblings: the quota is not per process.
    expect(await Promise.all([0, 1].map(async (i) => (await machine(i, path)).statusCode))).toEqual([429, 429]);
    await call(1, 'operator', 'POST', `/api/v1/grants/${id}/revoke`);
  });

  it('leases a large quota a share at a time and still admits exactly the quota in total', async () => {
    // 200: leases of up to an eighth of what is left, where 7 above goes one unit at a time.
    const quota = 200;
    const { id, path } = await grantAndPublish('JNSCJG-0001', { dailyQuota: quota });
    // The day's count is per service and consumer: the calls of the case above count already.
    const used = async () =>
      (
        await sql<{ calls: number }>`select calls from share.quota_use
          where service_code = 'DS-JNSCJG-0001' and consumer_org = 'JNMZJ'`.execute(hubs[0]!.db.kysely)
      ).rows[0]?.calls ?? 0;
    const before = await used();
    const codes: number[] = [];
    // In waves, alternating hubs, until both are refused: each spends what it leased, none beyond the quota.
    while (codes.slice(-4).filter((c) => c === 429).length < 4) {
      codes.push(
        ...(await Promise.all(Array.from({ length: 8 }, (_, i) => machine(i % 2, path).then((r) => r.statusCode)))),
      );
      expect(codes.filter((c) => c === 200).length).toBeLessThanOrEqual(quota - before);
    }
    expect(codes.filter((c) => c === 200)).toHaveLength(quota - before);
    expect(codes.every((c) => c === 200 || c === 429)).toBe(true);
    expect(await used()).toBe(quota);
    await call(1, 'operator', 'POST', `/api/v1/grants/${id}/revoke`);
  });

  it('never admits more than the rate across both', async () => {
    const rate = 4;
    const { id, path } = await grantAndPublish('JNRSJ-0001', { ratePerSecond: rate });
    const t0 = performance.now();
    const codes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => machine(i % 2, path).then((r) => r.statusCode)),
    );
    const seconds = (performance.now() - t0) / 1000;
    const admitted = codes.filter((c) => c === 200).length;
    // A full bucket (rate calls) and what refills while the calls run; two buckets would admit twice that.
    expect(admitted).toBeGreaterThanOrEqual(rate);
    expect(admitted).toBeLessThanOrEqual(rate + Math.ceil(seconds * rate));
    expect(codes.filter((c) => c !== 200).every((c) => c === 429)).toBe(true);
    await call(1, 'operator', 'POST', `/api/v1/grants/${id}/revoke`);
  });

  it('sees a change made in the other hub on its next call', async () => {
    const [a, b] = hubs as [Hub, Hub];
    // A grant revoked in one hub refuses in the other, which had it cached.
    const { id, path } = await grantAndPublish('JNSCJG-0001', {});
    expect((await machine(1, path)).statusCode).toBe(200);
    expect((await call(0, 'operator', 'POST', `/api/v1/grants/${id}/revoke`)).statusCode).toBe(200);
    await expect.poll(async () => (await machine(1, path)).statusCode).toBe(403);
    // A resource's workflow step in one hub is the other's working copy at once.
    const draft = await call(0, 'officer', 'POST', '/api/v1/catalog/resources', {
      name: '多进程测试资源',
      summary: '',
      category: 'department',
      shareType: 'conditional',
      shareCondition: '仅用于测试',
      openType: 'closed',
      level: 'important',
      keyField: 'owner_id',
      fields: [
        { name: 'owner_id', label: '身份号码', element: 'citizen_id', required: true },
        { name: 'dogs', label: '犬只数量', type: 'integer', required: true },
      ],
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const code = draft.json().code as string;
    expect((await b.catalog.get(code)).status).toBe('draft');
    expect((await call(0, 'officer', 'POST', `/api/v1/catalog/resources/${code}/submit`)).statusCode).toBe(200);
    await expect.poll(async () => (await b.catalog.get(code)).status).toBe('submitted');
    // A purpose added in one hub is in the other's list.
    expect((await b.purposes.list()).map((p) => p.code)).not.toContain('workers_check');
    const purpose = { code: 'workers_check', name: '多进程核验', description: '' };
    expect((await call(0, 'operator', 'POST', '/api/v1/purposes', purpose)).statusCode).toBe(201);
    await expect.poll(async () => (await b.purposes.list()).map((p) => p.code)).toContain('workers_check');
    // A service published in one hub is in the other's directory.
    const { rows } = await sql<{ code: string }>`
      select code from catalog.resource where published_at is not null
        and code not in (select resource_code from share.service) order by code limit 1`.execute(a.db.kysely);
    const resource = rows[0]!.code;
    // The other hub reads (and so caches) the directory first.
    await expect(b.share.services.resourceOf(`DS-${resource}`)).rejects.toThrow();
    const before = (await b.share.services.list()).length;
    expect((await a.share.services.publish(resource, 'operator')).code).toBe(`DS-${resource}`);
    await expect.poll(async () => (await b.share.services.resourceOf(`DS-${resource}`)).code).toBe(resource);
    expect((await b.share.services.list()).length).toBe(before + 1);
  });

  it('answers by the rule version saved in the other hub, which it had kept', async () => {
    const citizenId = (await hubs[0]!.access.citizenIdOf(await hubs[0]!.access.actorOf('citizen')))!;
    const ask = async () =>
      (
        await call(1, 'officer', 'POST', '/api/v1/attestations', {
          item: 'household_registration',
          subject: citizenId,
          purpose: 'eligibility_check',
          legalBasis: '《山东省优化营商环境条例》第三十二条',
        })
      ).json() as { answer: boolean; ruleVersion: number };
    // Hub 1 answers (and keeps the item), then hub 0 saves a rule no resident of 济南 meets.
    const before = await ask();
    expect(before.answer).toBe(true);
    const saved = await call(0, 'operator', 'PUT', '/api/v1/attestations/items/household_registration', {
      rule: { field: 'division', op: 'prefix', value: '3799' },
      baseVersion: before.ruleVersion,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    await expect.poll(async () => (await ask()).ruleVersion).toBe(before.ruleVersion + 1);
    expect((await ask()).answer).toBe(false);
  });

  it('refuses in one hub a licence revoked in the other, which had verified it', async () => {
    // The citizen's 驾驶证 (issued by 市公安局, whose officer revokes it), presented once.
    const mine = (await call(0, 'citizen', 'GET', '/api/v1/licences')).json().items as Array<{
      id: string;
      type: { code: string };
    }>;
    const licence = mine.find((l) => l.type.code === 'JSZ')!;
    const { token } = (await call(0, 'citizen', 'POST', `/api/v1/licences/${licence.id}/presentations`, {})).json();
    const verify = async () =>
      (await apps[1]!.inject({ method: 'POST', url: '/api/v1/presentations/verify', payload: { token } })).json();
    // Hub 1 verifies it (and keeps the licence's state), then hub 0 revokes it.
    expect(await verify()).toMatchObject({ valid: true, reason: 'valid' });
    const revoked = await call(0, 'officer', 'POST', `/api/v1/licences/${licence.id}/revoke`, { reason: '多进程测试' });
    expect(revoked.statusCode, revoked.body).toBe(200);
    await expect.poll(async () => (await verify()).reason).toBe('revoked');
  });

  it('runs periodic work in one process at a time', async () => {
    let running = 0;
    let most = 0;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const work = async () => {
      most = Math.max(most, ++running);
      await held;
      running--;
      return 'ran';
    };
    const first = runAlone(hubs[0]!.db, 'workers-test', work);
    await expect.poll(() => running).toBe(1);
    // While the first holds the lock, the other process skips its turn.
    expect(await runAlone(hubs[1]!.db, 'workers-test', work)).toBeUndefined();
    release();
    expect(await first).toBe('ran');
    expect(most).toBe(1);
    // Released: the next turn runs wherever it is offered.
    expect(await runAlone(hubs[1]!.db, 'workers-test', async () => 'again')).toBe('again');
  });

  it('fires a due schedule once when both hubs run their workers, woken by NOTIFY', async () => {
    for (const hub of hubs) hub.startWorker();
    const creator = await hubs[0]!.access.findUserId('officer');
    // Due tomorrow at 03:00: a scheduler that only polled its sleep out would not see it made due.
    const schedule = await hubs[0]!.schedules.create({
      resource: 'JNGAJ-0001',
      spec: { kind: 'http', url: 'http://127.0.0.1:9/unreachable' },
      cron: '0 3 * * *',
      maxAttempts: 1,
      createdBy: creator,
    });
    await hubs[1]!.schedules.makeDue(schedule.id);
    const db = hubs[0]!.db.kysely.withTables<{ 'ingest.job': { schedule_id: number; state: string } }>();
    const jobs = () => db.selectFrom('ingest.job').select('state').where('schedule_id', '=', schedule.id).execute();
    await expect.poll(async () => (await jobs()).map((j) => j.state), { timeout: 15_000 }).toEqual(['failed']);
    const after = await hubs[1]!.schedules.get(schedule.id);
    expect(new Date(after.nextRunAt!).getTime()).toBeGreaterThan(Date.now());
    expect(await jobs()).toHaveLength(1);
    await hubs[0]!.schedules.remove(schedule.id);
  });

  it('keeps one verifiable chain of signed heads when both append and sign at once', async () => {
    const [a, b] = hubs as [Hub, Hub];
    const start = await a.ledger.size();
    const append = (hub: Hub, n: number) =>
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          hub.ledger.append({
            kind: 'purpose.added',
            code: `p${i}`,
            name: `用途${i}`,
            description: '',
            actor: 'test',
            at: new Date().toISOString(),
          }),
        ),
      );
    const signing = Promise.all([a, b, a, b].map((hub) => hub.ledger.latestHead()));
    const appended = await Promise.all([append(a, 150), append(b, 150), append(a, 150), append(b, 150)]);
    await signing;
    const indexes = appended.flat().map((r) => r.index);
    expect(new Set(indexes).size).toBe(600);
    expect(Math.min(...indexes)).toBe(start);
    expect(Math.max(...indexes)).toBe(start + 599);
    await Promise.all([a.ledger.latestHead(), b.ledger.latestHead()]);
    const report = await verifyLedger(a.db.kysely.withTables<LedgerTables>());
    expect(report.problems).toEqual([]);
    const heads = await a.ledger.heads();
    for (let i = 1; i < heads.length; i++) {
      expect(heads[i]!.treeSize).toBeGreaterThan(heads[i - 1]!.treeSize);
      expect(heads[i]!.timestamp).toBeGreaterThanOrEqual(heads[i - 1]!.timestamp);
    }
    expect(heads.at(-1)!.treeSize).toBe(start + 600);
  });

  /** `qdh serve --workers 2` as a real process: both workers answer, and the quota holds across them. */
  it('serves with --workers 2: both workers answer and a quota of N admits N', { timeout: 180_000 }, async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--workers', '2'], {
      env: { ...process.env, DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await waitFor(server, 'with 2 workers');
      const workers = childrenOf(server.pid!);
      expect(workers).toHaveLength(2);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
      const send = (method: string, path: string, headers: Record<string, string>, body?: object) =>
        request(agent, `${base}${path}`, method, headers, body);
      const login = await send('POST', '/api/v1/auth/login', {}, { username: 'operator', password: PASSWORD });
      const operator = { authorization: `Bearer ${(login.json as { token: string }).token}` };
      // A resource with records whose service 民政局 has not called: the quota counts the day's calls.
      const { rows } = await sql<{ code: string }>`
        select code from catalog.resource r where published_at is not null and record_count > 0
          and provider_org <> 'JNMZJ' and code not in ('JNSCJG-0001', 'JNRSJ-0001')
          and not exists (select from share.usage u where u.service_code = 'DS-' || r.code and u.consumer_org = 'JNMZJ')
        order by code limit 1`.execute(hubs[0]!.db.kysely);
      const resource = await hubs[0]!.catalog.get(rows[0]!.code);
      const keyField = resource.keyField;
      const grant = await send('POST', '/api/v1/grants', operator, {
        consumer: 'JNMZJ',
        resource: resource.code,
        fields: [keyField],
        purposes: [P],
        dailyQuota: 5,
      });
      expect(grant.status).toBe(201);
      expect((await send('POST', '/api/v1/services', operator, { resource: resource.code })).status).toBe(201);
      const key = (await hubs[0]!.records.page(resource.id, 1, 1))[0]![keyField];
      const path = `/api/v1/services/DS-${resource.code}/records?purpose=${P}&key=${String(key)}`;
      const statuses = await Promise.all(
        Array.from({ length: 16 }, () => send('GET', path, { 'x-api-key': apiKey }).then((r) => r.status)),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(11);
      // The connections that carried those calls are held open by both workers.
      const served = workers.map((pid) => connectionsOn(pid, port));
      expect(
        served.every((n) => n > 0),
        `connections per worker: ${served.join(', ')}`,
      ).toBe(true);
      agent.destroy();
    } finally {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    expect(server.exitCode).toBe(0);
  });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

function waitFor(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const look = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(text)) resolve();
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
  });
}

function request(
  agent: http.Agent,
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: object,
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, agent, headers: { ...headers, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/** The cluster's workers: the primary's child processes. */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

/** Established TCP connections on local `port` whose socket `pid` holds. */
function connectionsOn(pid: number, port: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === '01' && inodes.has(f[9]!)).length;
}
