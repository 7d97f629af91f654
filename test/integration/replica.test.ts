import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { people } from '../../src/demo/people.js';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { createLogger } from '../../src/kernel/index.js';
import { engines, growPopulation, SEEDED_PASSWORD, SEEDED_PEOPLE } from '../databases.js';
import { replicaPairAvailable, startReplicaPair, type ReplicaPair } from '../setup/replica.js';

type App = Awaited<ReturnType<typeof buildApp>>;
const SERVICE = 'DS-JNGAJ-0001';
const P = 'social_assistance';
const DB = 'qdh';
/** The suite's staleness bound (QDH_REPLICA_MAX_LAG_MS): short, so that waiting it out is quick. */
const MAX_LAG_MS = 2000;

/**
 * The hub against a real primary and a streaming standby (test/setup/replica.ts): data-service
 * record reads go to the standby, a standby that lags past the bound or stops is left for the
 * primary, and a grant — decided on the primary — is refused on the next call after its revocation
 * while the standby still shows it active. Which server ran a record read is read from each
 * server's pg_stat_statements.
 */
describe('read replicas on PostgreSQL', () => {
  const postgres = engines().find((e) => e.name === 'postgres')!;
  const skip = postgres.skip || !replicaPairAvailable();
  let pair: ReplicaPair | undefined;
  let hub: Hub;
  let app: App;
  const tokens: Record<string, string> = {};
  const residents = [...people(SEEDED_PEOPLE + 1)];
  const seededKey = residents[0]!.citizen_id;
  const newKey = residents[SEEDED_PEOPLE]!.citizen_id;

  beforeAll(async () => {
    if (skip) return;
    // The run's seeded demo city (seeded meanwhile when no suite has yet), copied onto the pair's
    // primary; the standby receives it by streaming.
    // Kept as soon as it runs, so that afterAll stops it even when this hook fails or times out.
    const starting = startReplicaPair().then((p) => (pair = p));
    const [started, seeded] = await Promise.allSettled([starting, postgres.seededDatabase()]);
    if (started.status === 'rejected') throw started.reason;
    if (seeded.status === 'rejected') throw seeded.reason;
    await pair!.restore(seeded.value.databaseUrl!, DB);
    await sqlOn(pair!.primaryUrl(DB), 'create extension pg_stat_statements');
    await pair!.caughtUp();
    hub = await openHub({
      databaseUrl: pair!.primaryUrl(DB),
      readUrls: [pair!.standbyUrl(DB)],
      replicaMaxLagMs: MAX_LAG_MS,
      headIntervalMs: 100,
    });
    app = await buildApp(hub, { logger: createLogger('silent'), demo: true });
    for (const username of ['consumer', 'operator', 'officer']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: SEEDED_PASSWORD },
      });
      tokens[username] = res.json().token;
    }
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
    await pair?.close();
  });

  const call = (user: string, method: 'GET' | 'POST', url: string) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${tokens[user]}` } });
  const lookup = (key: string, user = 'consumer') =>
    call(user, 'GET', `/api/v1/services/${SERVICE}/records?purpose=${P}&key=${key}`);
  /** Record reads each server has run on the suite's database (pg_stat_statements). */
  const recordReads = async (url: string) => {
    const [row] = await sqlOn<{ n: number }>(
      url,
      `select coalesce(sum(calls), 0)::int as n from pg_stat_statements
       where dbid = (select oid from pg_database where datname = current_database())
         and query ilike 'select%' and query like '%"records"."record"%'`,
    );
    return row!.n;
  };
  const reads = async () => ({
    primary: await recordReads(pair!.primaryUrl(DB)),
    standby: await recordReads(pair!.standbyUrl(DB)),
  });

  it.skipIf(skip)('serves a data-service record read from the standby', async () => {
    expect(hub.db.replica).toBeDefined();
    // The first read after a quiet spell may find the standby's freshness unknown: it waits for a check.
    await expect
      .poll(async () => {
        const before = await reads();
        expect((await lookup(seededKey)).statusCode).toBe(200);
        const after = await reads();
        return after.standby > before.standby && after.primary === before.primary;
      })
      .toBe(true);
    const [row] = await sqlOn<{ standby: boolean }>(pair!.standbyUrl(DB), 'select pg_is_in_recovery() as standby');
    expect(row!.standby).toBe(true);
  });

  it.skipIf(skip)('shows a record loaded on the primary within the bound, even when the standby stalls', async () => {
    await sqlOn(pair!.standbyUrl(DB), 'select pg_wal_replay_pause()');
    await waitFor(async () => {
      const [r] = await sqlOn<{ s: string }>(pair!.standbyUrl(DB), 'select pg_get_wal_replay_pause_state() as s');
      return r!.s === 'paused';
    });
    try {
      await growPopulation(hub, SEEDED_PEOPLE + 1);
      const loaded = Date.now();
      // Before the bound the stalled standby may still answer "not found"; a call made after it must find the record.
      let status: number;
      for (;;) {
        const at = Date.now();
        status = (await lookup(newKey)).statusCode;
        if (status === 200 || at >= loaded + MAX_LAG_MS) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(status).toBe(200);
      // The standby still lacks the record: the read came from the primary, the stalled standby was left.
      const count = 'select count(*)::int as n from records.record';
      const [standby] = await sqlOn<{ n: number }>(pair!.standbyUrl(DB), count);
      const [primary] = await sqlOn<{ n: number }>(pair!.primaryUrl(DB), count);
      expect(standby!.n).toBeLessThan(primary!.n);
    } finally {
      await sqlOn(pair!.standbyUrl(DB), 'select pg_wal_replay_resume()');
    }
    await pair!.caughtUp();
    // Caught up again, the standby takes the reads back.
    await expect
      .poll(async () => {
        const before = await reads();
        expect((await lookup(newKey)).statusCode).toBe(200);
        return (await reads()).standby > before.standby;
      })
      .toBe(true);
  });

  it.skipIf(skip)('refuses a revoked grant on the next call while the standby still shows it active', async () => {
    const grants = (await call('operator', 'GET', '/api/v1/grants')).json() as Array<{
      id: number;
      consumer: { code: string };
      resource: { code: string };
      state: string;
    }>;
    const grant = grants.find((g) => g.consumer.code === 'JNMZJ' && g.resource.code === 'JNGAJ-0001')!;
    expect(grant.state).toBe('active');
    expect((await lookup(seededKey)).statusCode).toBe(200);
    await sqlOn(pair!.standbyUrl(DB), 'select pg_wal_replay_pause()');
    try {
      await waitFor(async () => {
        const [r] = await sqlOn<{ s: string }>(pair!.standbyUrl(DB), 'select pg_get_wal_replay_pause_state() as s');
        return r!.s === 'paused';
      });
      expect((await call('operator', 'POST', `/api/v1/grants/${grant.id}/revoke`)).json().state).toBe('revoked');
      const refused = await lookup(seededKey);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('SHR_NO_GRANT');
      const [onStandby] = await sqlOn<{ state: string }>(
        pair!.standbyUrl(DB),
        'select state from share.grant where id = $1',
        [grant.id],
      );
      expect(onStandby!.state).toBe('active');
    } finally {
      await sqlOn(pair!.standbyUrl(DB), 'select pg_wal_replay_resume()');
    }
  });

  it.skipIf(skip)('falls back to the primary when the standby stops, and keeps answering', async () => {
    // The provider's officer reads its own resource: the consumer's grant was revoked above.
    expect((await lookup(seededKey, 'officer')).statusCode).toBe(200);
    await pair!.stopStandby();
    const before = await recordReads(pair!.primaryUrl(DB));
    for (let i = 0; i < 5; i++) expect((await lookup(seededKey, 'officer')).statusCode).toBe(200);
    expect(await recordReads(pair!.primaryUrl(DB))).toBeGreaterThanOrEqual(before + 5);
  });
});

async function sqlOn<R = unknown>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as R[];
  } finally {
    await client.end();
  }
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  await expect.poll(condition).toBe(true);
}
