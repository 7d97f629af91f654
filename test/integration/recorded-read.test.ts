import { baseCodecs } from '../../src/base/codec.js';
import { plainKeys } from '../../src/base/key-book.js';
import type { BaseKind, BaseTables } from '../../src/base/index.js';
import { sql } from '../../src/db/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { ROUTE_POLICY } from '../../src/http/route-policy.js';
import { checkCitizenId, createLogger, makeCitizenId } from '../../src/kernel/index.js';
import { readEntry, type ShareReadEntry } from '../../src/ledger/index.js';
import { SEEDED_PASSWORD, engines } from '../databases.js';

type App = Awaited<ReturnType<typeof buildApp>>;
const PERSON = 'DS-JNGAJ-0001';
const RESOURCE = 'JNGAJ-0001';
/** A purpose the demo grant of 民政局 allows, and one it does not. */
const P = 'social_assistance';
const NOT_GRANTED = 'statistics';

/** The operations src/http/route-policy.ts marks `recorded`: the routes whose answers hold personal data. */
const MARKED = Object.entries(ROUTE_POLICY)
  .filter(([, p]) => 'recorded' in p)
  .map(([op]) => op);

/** The marked operation a request goes to. */
function operationOf(method: string, url: string): string | undefined {
  const path = url.split('?')[0]!;
  return MARKED.find((op) => {
    const [m, template] = op.split(' ') as [string, string];
    const pattern = template.replace(/\{\w+\}/g, '[^/]+').replace(/\/$/, '/?');
    return m === method && new RegExp(`^${pattern}$`).test(path);
  });
}

/**
 * Every HTTP route that returns personal or non-open data goes through share's one recorded read:
 * each route marked `recorded` in the route policy is driven here (the last case checks that none
 * is left out), and the ledger must grow by exactly one `share.read` entry per subject it
 * returned, one per key of a refused keyed read, and one for a refused page.
 */
describe.each(engines())('the recorded read on $name', (engine) => {
  let hub: Hub;
  let app: App;
  const tokens: Record<string, string> = {};
  let keys: string[] = [];
  /** The marked operations the cases below drove. */
  const driven = new Set<string>();

  beforeAll(async () => {
    if (engine.skip) return;
    hub = await openHub({ ...(await engine.seededDatabase()), headIntervalMs: 100 });
    app = await buildApp(hub, { logger: createLogger('silent'), demo: true });
    for (const username of ['operator', 'officer', 'consumer', 'auditor', 'third_party', 'citizen']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: SEEDED_PASSWORD },
      });
      tokens[username] = res.json().token;
    }
    const page = await call('officer', 'GET', `/api/v1/catalog/resources/${RESOURCE}/records?page=1&pageSize=3`);
    keys = page.json().items.map((r: { citizen_id: string }) => r.citizen_id);
    driven.clear();
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const call = (user: string, method: 'GET' | 'POST', url: string, payload?: object) => {
    const op = operationOf(method, url);
    if (op) driven.add(op);
    return app.inject({ method, url, payload, headers: { authorization: `Bearer ${tokens[user]}` } });
  };

  /** Runs a request and returns its status and the share.read entries it appended. */
  async function recorded(request: () => ReturnType<typeof call>) {
    const before = await hub.ledger.size();
    const res = await request();
    const after = await hub.ledger.size();
    const rows = after > before ? await hub.ledger.entries(before, after) : [];
    const reads = rows.map((r) => readEntry(r.entry)).filter((e) => e?.kind === 'share.read') as ShareReadEntry[];
    expect(reads).toHaveLength(rows.length);
    return { res, reads };
  }
  const tag = (key: string) => hub.ledger.subjectTag(key);

  it.skipIf(engine.skip)('a data-service lookup: one entry for its subject, allowed', async () => {
    const { res, reads } = await recorded(() =>
      call('consumer', 'GET', `/api/v1/services/${PERSON}/records?purpose=${P}&key=${keys[0]}`),
    );
    expect(res.statusCode).toBe(200);
    expect(reads).toMatchObject([{ op: 'service.lookup', outcome: 'allowed', subject: tag(keys[0]!), rows: 1 }]);
  });

  it.skipIf(engine.skip)('a batch: one entry per key, found or not', async () => {
    const missing = makeCitizenId('370102', '1950-01-01', 999);
    const { res, reads } = await recorded(() =>
      call('consumer', 'POST', `/api/v1/services/${PERSON}/records/batch`, {
        keys: [keys[0], keys[1], missing],
        purpose: P,
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(reads.map((r) => r.subject).sort()).toEqual([keys[0]!, keys[1]!, missing].map(tag).sort());
  });

  /** The rows of an exported CSV whose key is a citizen ID that passes its check. */
  const realRows = (csv: string) =>
    csv
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .filter((line) => line.split(',').some((cell) => /^\d{17}[\dX]$/.test(cell) && checkCitizenId(cell).ok)).length;

  it.skipIf(engine.skip)('a filter and an export: one entry per subject returned', async () => {
    for (const format of ['json', 'csv']) {
      const { res, reads } = await recorded(() =>
        call('consumer', 'GET', `/api/v1/services/${PERSON}/records?purpose=${P}&format=${format}&pageSize=5`),
      );
      expect(res.statusCode).toBe(200);
      const returned = format === 'json' ? res.json().items.length : realRows(res.body);
      expect(returned).toBeGreaterThan(0);
      // The export's decoy rows (watermark) are keyed by IDs that fail their check: no subject is read.
      if (format === 'csv') expect(Number(res.headers['x-export-rows'])).toBeGreaterThanOrEqual(returned);
      expect(reads).toHaveLength(returned);
      expect(new Set(reads.map((r) => r.subject)).size).toBe(returned);
    }
  });

  it.skipIf(engine.skip)('browsing a resource: one entry per record of the page', async () => {
    const { res, reads } = await recorded(() =>
      call('operator', 'GET', `/api/v1/catalog/resources/${RESOURCE}/records?page=1&pageSize=4`),
    );
    expect(res.statusCode).toBe(200);
    expect(reads).toHaveLength(res.json().items.length);
    expect(reads.every((r) => r.op === 'browse' && r.outcome === 'allowed')).toBe(true);
  });

  it.skipIf(engine.skip)('the demo sample keys: one entry per key shown', async () => {
    const { res, reads } = await recorded(() => call('consumer', 'GET', '/api/v1/services'));
    expect(res.statusCode).toBe(200);
    const samples = res.json().filter((s: { sampleKey?: string }) => s.sampleKey);
    expect(samples.length).toBeGreaterThan(0);
    expect(reads.map((r) => r.subject).sort()).toEqual(
      samples.map((s: { sampleKey: string }) => tag(s.sampleKey)).sort(),
    );
    expect(reads.every((r) => r.op === 'sample')).toBe(true);
  });

  it.skipIf(engine.skip)(
    'my data: the citizen’s own look, one entry per resource read of their own subject',
    async () => {
      const own = (await hub.access.citizenIdOf(await hub.access.actorOf('citizen')))!;
      const { res, reads } = await recorded(() => call('citizen', 'GET', '/api/v1/me/records'));
      expect(res.statusCode, res.body).toBe(200);
      // The base's view, then each theme resource keyed by citizen ID that held a record of them.
      expect(reads[0]).toMatchObject({ op: 'base.subject', outcome: 'allowed', actor: 'citizen', subject: tag(own) });
      const themes = reads.slice(1);
      expect(themes.length).toBeGreaterThan(0);
      for (const r of themes) expect(r).toMatchObject({ op: 'self.records', outcome: 'allowed', subject: tag(own) });
      expect(new Set(themes.map((r) => r.resource)).size).toBe(themes.length);
    },
  );

  it.skipIf(engine.skip)('a base subject view: one entry for its subject', async () => {
    const { res, reads } = await recorded(() => call('operator', 'GET', `/api/v1/base/person/subjects/${keys[0]}`));
    expect(res.statusCode).toBe(200);
    expect(reads).toMatchObject([{ op: 'base.subject', outcome: 'allowed', subject: tag(keys[0]!) }]);
  });

  it.skipIf(engine.skip)('a page of base conflicts: one entry per subject shown for review', async () => {
    const { res, reads } = await recorded(() => call('operator', 'GET', '/api/v1/base/conflicts?pageSize=5'));
    expect(res.statusCode).toBe(200);
    const shown = res.json().items as Array<{ id: number }>;
    const { rows } = await sql<{ kind: BaseKind; subject: string }>`select distinct kind, subject_key as subject
      from base.conflict where id = any(${shown.map((c) => c.id)}::bigint[])`.execute(hub.db.kysely);
    // The base stores a citizen ID as its blind index: the ledger tags the ID itself, opened from the key book.
    const codecs = baseCodecs(hub.keys);
    const db = hub.db.kysely.withTables<BaseTables>();
    const subjects: string[] = [];
    for (const r of rows) {
      const plain = await plainKeys(db, await codecs(r.kind), [r.subject]);
      subjects.push(tag(plain.get(r.subject)!));
    }
    subjects.sort();
    expect(reads.map((r) => r.subject).sort()).toEqual(subjects.length > 0 ? subjects : [null]);
    expect(reads.every((r) => r.op === 'base.conflicts' && r.outcome === 'allowed')).toBe(true);
  });

  it.skipIf(engine.skip)('a page of a label’s members: one entry per member shown', async () => {
    const { res, reads } = await recorded(() =>
      call('auditor', 'GET', '/api/v1/base/labels/elderly/members?pageSize=3'),
    );
    expect(res.statusCode).toBe(200);
    const shown = (res.json().items as unknown[]).length;
    expect(reads).toHaveLength(Math.max(shown, 1));
    expect(reads.every((r) => r.op === 'base.members' && r.label === 'elderly')).toBe(true);
  });

  it.skipIf(engine.skip)('corrections: one entry per key shown in clear, with its resource', async () => {
    const filed = await call('consumer', 'POST', '/api/v1/corrections', {
      resource: RESOURCE,
      key: keys[2],
      field: 'name',
      claimedValue: '旧名',
      proposedValue: '新名',
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const id = filed.json().id as number;

    // The provider's officer sees the keys of its resources' corrections.
    const listed = await recorded(() => call('officer', 'GET', '/api/v1/corrections?state=open'));
    expect(listed.res.statusCode).toBe(200);
    const items = listed.res.json().items as Array<{ key: string; masked: boolean; resource: { code: string } }>;
    const plain = items.filter((c) => !c.masked);
    expect(plain.map((c) => c.key)).toContain(keys[2]);
    expect(listed.reads.map((r) => [r.resource, r.subject]).sort()).toEqual(
      [...new Map(plain.map((c) => [`${c.resource.code} ${c.key}`, [c.resource.code, tag(c.key)]])).values()].sort(),
    );
    expect(listed.reads.every((r) => r.op === 'correction.view' && r.outcome === 'allowed')).toBe(true);

    // An auditor watches them all, masked: one entry for the page, naming no one.
    const watched = await recorded(() => call('auditor', 'GET', `/api/v1/corrections/${id}`));
    expect(watched.res.json()).toMatchObject({ masked: true });
    expect(watched.reads).toMatchObject([{ op: 'correction.view', subject: null }]);

    // The reporter's organization reads the one it filed.
    const own = await recorded(() => call('consumer', 'GET', `/api/v1/corrections/${id}`));
    expect(own.reads).toMatchObject([{ op: 'correction.view', resource: RESOURCE, subject: tag(keys[2]!) }]);

    // Deciding shows the key too; the decision's own entry names its subject, and nothing else is appended.
    for (const [step, body] of [
      ['reject', { reason: '经核实无误' }],
      ['accept', {}],
    ] as const) {
      const next = await call('consumer', 'POST', '/api/v1/corrections', {
        resource: RESOURCE,
        key: keys[2],
        field: 'name',
        claimedValue: '旧名',
        proposedValue: step,
      });
      const before = await hub.ledger.size();
      const res = await call('officer', 'POST', `/api/v1/corrections/${next.json().id}/${step}`, body);
      expect(res.statusCode, res.body).toBe(200);
      const rows = await hub.ledger.entries(before, await hub.ledger.size());
      expect(rows.map((r) => readEntry(r.entry))).toMatchObject([
        { kind: 'quality.correction.changed', action: step, subject: tag(keys[2]!) },
      ]);
    }
  });

  it.skipIf(engine.skip)('refusals: one entry per key of a keyed read, one for a page', async () => {
    const purpose = await recorded(() =>
      call('consumer', 'GET', `/api/v1/services/${PERSON}/records?purpose=${NOT_GRANTED}&key=${keys[0]}`),
    );
    expect(purpose.res.statusCode).toBe(403);
    expect(purpose.reads).toMatchObject([{ outcome: 'denied', reason: 'purpose', subject: tag(keys[0]!) }]);

    const noGrant = await recorded(() =>
      call('third_party', 'POST', `/api/v1/services/${PERSON}/records/batch`, { keys: keys.slice(0, 2), purpose: P }),
    );
    expect(noGrant.res.statusCode).toBe(403);
    expect(noGrant.reads).toHaveLength(2);
    expect(noGrant.reads.every((r) => r.outcome === 'denied')).toBe(true);

    const browse = await recorded(() => call('consumer', 'GET', `/api/v1/catalog/resources/${RESOURCE}/records`));
    expect(browse.res.statusCode).toBe(403);
    expect(browse.reads).toMatchObject([{ op: 'browse', outcome: 'denied', reason: 'forbidden', subject: null }]);

    const base = await recorded(() => call('consumer', 'GET', `/api/v1/base/person/subjects/${keys[0]}`));
    expect(base.res.statusCode).toBe(403);
    expect(base.reads).toMatchObject([{ op: 'base.subject', outcome: 'denied', subject: tag(keys[0]!) }]);
  });

  it.skipIf(engine.skip)('a consented fetch: one entry per consented resource, naming the consent', async () => {
    const own = (await hub.access.citizenIdOf(await hub.access.actorOf('citizen')))!;
    const asked = await call('third_party', 'POST', '/api/v1/consents', {
      subject: { kind: 'person', id: own },
      purpose: 'credit_service',
      data: [{ resource: RESOURCE, fields: ['name'] }],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      fetchType: 'once',
      dataLifeDays: 1,
      range: { from: '2000-01-01', to: '2099-12-31' },
    });
    const id = asked.json().id as string;
    const refused = await recorded(() => call('third_party', 'GET', `/api/v1/consents/${id}/data`));
    expect(refused.res.statusCode).toBe(403);
    expect(refused.reads).toMatchObject([{ op: 'consent.fetch', outcome: 'denied', reason: 'consent', consent: id }]);
    expect((await call('citizen', 'POST', `/api/v1/consents/${id}/approve`)).statusCode).toBe(200);
    const { res, reads } = await recorded(() => call('third_party', 'GET', `/api/v1/consents/${id}/data`));
    expect(res.statusCode, res.body).toBe(200);
    expect(reads).toMatchObject([
      { op: 'consent.fetch', outcome: 'allowed', resource: RESOURCE, subject: tag(own), consent: id, rows: 1 },
    ]);
  });

  it.skipIf(engine.skip)('has driven every route the route policy marks as recorded', () => {
    expect([...driven].sort()).toEqual([...MARKED].sort());
  });
});
