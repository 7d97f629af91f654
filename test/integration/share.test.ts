import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { readCsvTable, Usage } from '../../src/share/index.js';
import { createLogger, isCitizenId, makeCitizenId } from '../../src/kernel/index.js';
import { engines, growPopulation, SEEDED_PASSWORD as PASSWORD } from '../databases.js';

type App = Awaited<ReturnType<typeof buildApp>>;
const PERSON = 'DS-JNGAJ-0001';
/** Values a spreadsheet would run as formulas (OWASP "CSV Injection"); ingest trims tab and CR away. */
const DANGEROUS = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", '-2+3', '@SUM(1,1)'];
/** A purpose the demo grant allows. */
const P = 'social_assistance';

/**
 * 通 through the HTTP API on PGlite and PostgreSQL: data services by key, batch and filter with
 * the grant's fields and masks, their own OpenAPI, quotas and rates (429 + Retry-After),
 * suspension and revocation on the next call, and the monitoring's anomaly alerts.
 */
describe.each(engines())('share on $name', (engine) => {
  let hub: Hub;
  let app: App;
  let url: string | undefined;
  const tokens: Record<string, string> = {};
  let apiKey: string;
  let sample: string;

  beforeAll(async () => {
    if (engine.skip) return;
    const seeded = await engine.seededDatabase();
    url = seeded.databaseUrl;
    hub = await openHub({ ...seeded, headIntervalMs: 100 });
    // The watermark case exports 200 residents with 100 distinct names among them.
    await growPopulation(hub, 300);
    app = await buildApp(hub, { logger: createLogger('silent'), demo: true });
    for (const username of ['operator', 'officer', 'officer_rsj', 'consumer', 'auditor', 'third_party']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: PASSWORD },
      });
      tokens[username] = res.json().token;
    }
    const key = await call('consumer', 'POST', '/api/v1/auth/api-keys', { name: 'share-test' });
    apiKey = key.json().key;
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const call = (user: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, payload, headers: { authorization: `Bearer ${tokens[user]}` } });
  const machine = (method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, payload, headers: { 'x-api-key': apiKey } });

  it.skipIf(engine.skip)('lists the services a consumer may call, with its fields and a sample key', async () => {
    const list = (await machine('GET', '/api/v1/services')).json();
    const person = list.find((s: { code: string }) => s.code === PERSON);
    expect(person).toMatchObject({ resource: { code: 'JNGAJ-0001' }, keyField: 'citizen_id', masked: ['birth_date'] });
    expect(person.fields.sort()).toEqual(['birth_date', 'citizen_id', 'division', 'gender', 'name']);
    sample = person.sampleKey;
    expect(sample).toMatch(/^\d{17}[\dX]$/);
    const audited = (await call('auditor', 'GET', '/api/v1/services')).json();
    expect(audited.find((x: { code: string }) => x.code === PERSON)).not.toHaveProperty('sampleKey');
    const thirdParty = (await call('third_party', 'GET', '/api/v1/services')).json();
    expect(thirdParty.map((s: { code: string }) => s.code)).not.toContain(PERSON);
  });

  it.skipIf(engine.skip)('answers by key with granted fields only, masked where the grant says', async () => {
    const res = await machine('GET', `/api/v1/services/${PERSON}/records?purpose=${P}&key=${sample}`);
    expect(res.statusCode).toBe(200);
    const [item] = res.json().items;
    expect(Object.keys(item).sort()).toEqual(['birth_date', 'citizen_id', 'division', 'gender', 'name']);
    expect(item.birth_date).toMatch(/^\d{4}$/);
    expect(item.citizen_id).toBe(sample);
    const missing = await machine('GET', `/api/v1/services/${PERSON}/records?purpose=${P}&key=11010519491231002X`);
    expect(missing.statusCode).toBe(404);
    const bad = await machine('GET', `/api/v1/services/${PERSON}/records?purpose=${P}&key=123`);
    expect(bad.statusCode).toBe(422);
    expect((await machine('GET', `/api/v1/services/DS-JNGAJ-9999/records?purpose=${P}&key=1`)).statusCode).toBe(404);
  });

  const ledgerSince = async (size: number) =>
    (await hub.ledger.entries(size, await hub.ledger.size())).map(
      (e) => JSON.parse(e.entry) as Record<string, unknown>,
    );

  it.skipIf(engine.skip)('grants only registered purposes, which operators add to', async () => {
    const registered = (await machine('GET', '/api/v1/purposes')).json();
    expect(registered).toContainEqual(expect.objectContaining({ code: 'social_assistance', name: '社会救助' }));
    const person = (await machine('GET', '/api/v1/services')).json().find((s: { code: string }) => s.code === PERSON);
    expect(person.purposes.map((p: { code: string }) => p.code).sort()).toEqual(['eligibility_check', P]);
    const grant = (purposes: string[]) =>
      call('operator', 'POST', '/api/v1/grants', {
        consumer: 'JNMZJ',
        resource: 'JNSCJG-0001',
        fields: ['name'],
        purposes,
      });
    const unknown = await grant(['dog_subsidy']);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors[0].field).toBe('purposes');
    const purpose = { code: 'dog_subsidy', name: '养犬补贴核验', description: '' };
    expect((await call('consumer', 'POST', '/api/v1/purposes', purpose)).statusCode).toBe(403);
    expect((await call('operator', 'POST', '/api/v1/purposes', purpose)).statusCode).toBe(201);
    expect((await call('operator', 'POST', '/api/v1/purposes', purpose)).statusCode).toBe(409);
    const ok = await grant(['dog_subsidy']);
    expect(ok.statusCode).toBe(201);
    expect(ok.json().purposes).toEqual([{ code: 'dog_subsidy', name: '养犬补贴核验' }]);
    await call('operator', 'POST', `/api/v1/grants/${ok.json().id}/revoke`);
  });

  it.skipIf(engine.skip)('answers a batch, listing the keys it does not hold, each key on the ledger', async () => {
    const before = (await hub.ledger.latestHead()).treeSize;
    const keys = [sample, '11010519491231002X'];
    const res = await machine('POST', `/api/v1/services/${PERSON}/records/batch`, { keys, purpose: P });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(1);
    expect(res.json().notFound).toEqual(['11010519491231002X']);
    expect(await hub.ledger.size()).toBe(before + 2);
    const tooMany = await machine('POST', `/api/v1/services/${PERSON}/records/batch`, {
      purpose: P,
      keys: Array.from({ length: 101 }, () => sample),
    });
    expect(tooMany.statusCode).toBe(400);
  });

  it.skipIf(engine.skip)('pages by filter on visible, unmasked fields only', async () => {
    const page = await machine(
      'GET',
      `/api/v1/services/${PERSON}/records?purpose=${P}&f.gender=${encodeURIComponent('女')}&pageSize=5`,
    );
    expect(page.statusCode).toBe(200);
    expect(page.json().items.length).toBeLessThanOrEqual(5);
    for (const r of page.json().items) expect(r.gender).toBe('女');
    expect(page.json().hasMore).toBe(true);
    const hidden = await machine('GET', `/api/v1/services/${PERSON}/records?purpose=${P}&f.phone=13800000000`);
    expect(hidden.statusCode).toBe(422);
    expect(hidden.json().errors[0].field).toBe('filter/phone');
    expect(
      (await machine('GET', `/api/v1/services/${PERSON}/records?purpose=${P}&f.birth_date=1980-01-01`)).statusCode,
    ).toBe(422);
    expect((await machine('GET', `/api/v1/services/${PERSON}/records?purpose=${P}&bogus=1`)).statusCode).toBe(400);
  });

  it.skipIf(engine.skip)("documents each service with the caller's own fields", async () => {
    const doc = (await machine('GET', `/api/v1/services/${PERSON}/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.schemas.Record.properties).sort()).toEqual([
      'birth_date',
      'citizen_id',
      'division',
      'gender',
      'name',
    ]);
    expect(doc.paths[`/api/v1/services/${PERSON}/records/batch`]).toBeDefined();
  });

  const grantAndPublish = async (resource: string, extra: object) => {
    const r = (await call('operator', 'GET', `/api/v1/catalog/resources/${resource}`)).json();
    const grant = await call('operator', 'POST', '/api/v1/grants', {
      consumer: 'JNMZJ',
      resource,
      fields: [r.keyField],
      purposes: [P],
      ...extra,
    });
    expect(grant.statusCode).toBe(201);
    const svc = await call('operator', 'POST', '/api/v1/services', { resource });
    expect(svc.statusCode).toBe(201);
    const key = (await hub.records.page((await hub.catalog.get(resource)).id, 1, 1))[0]![r.keyField];
    return { id: grant.json().id as number, url: `/api/v1/services/DS-${resource}/records?purpose=${P}&key=${key}` };
  };

  it.skipIf(engine.skip)('refuses calls over the daily quota with 429 and Retry-After', async () => {
    const { url } = await grantAndPublish('JNSCJG-0001', { dailyQuota: 3 });
    for (let i = 0; i < 3; i++) expect((await machine('GET', url)).statusCode).toBe(200);
    const over = await machine('GET', url);
    expect(over.statusCode).toBe(429);
    expect(over.json().code).toBe('SHR_QUOTA_EXCEEDED');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
  });

  it.skipIf(engine.skip)('refuses calls over the rate, and stops at once on suspension and revocation', async () => {
    const { id, url } = await grantAndPublish('JNRSJ-0001', { ratePerSecond: 2 });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await machine('GET', url)).statusCode);
    expect(codes.slice(0, 2)).toEqual([200, 200]);
    expect(codes).toContain(429);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await machine('GET', url)).statusCode).toBe(200);
    expect((await call('operator', 'POST', `/api/v1/grants/${id}/suspend`)).json().state).toBe('suspended');
    expect((await machine('GET', url)).statusCode).toBe(403);
    expect((await call('operator', 'POST', `/api/v1/grants/${id}/resume`)).json().state).toBe('active');
    await new Promise((r) => setTimeout(r, 1100));
    expect((await machine('GET', url)).statusCode).toBe(200);
    expect((await call('operator', 'POST', `/api/v1/grants/${id}/revoke`)).json().state).toBe('revoked');
    const denied = await machine('GET', url);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('SHR_NO_GRANT');
    expect((await call('operator', 'POST', `/api/v1/grants/${id}/resume`)).statusCode).toBe(409);
  });

  it.skipIf(engine.skip)('counts calls per service and consumer for monitoring', async () => {
    const usage = (await call('auditor', 'GET', `/api/v1/monitoring/usage?service=${PERSON}&bucket=minute`)).json();
    const mine = usage.points.filter((p: { consumer: string }) => p.consumer === 'JNMZJ');
    const calls = mine.reduce((s: number, p: { calls: number }) => s + p.calls, 0);
    // by key, a key not held, a batch, a filtered page; refusals at the edge (422) are not calls
    expect(calls).toBe(4);
    expect(mine.reduce((s: number, p: { errors: number }) => s + p.errors, 0)).toBe(0);
    // The one call over the quota above counts as an error of its service, beside 3 good calls.
    const quota = (
      await call('auditor', 'GET', '/api/v1/monitoring/usage?bucket=minute&service=DS-JNSCJG-0001')
    ).json();
    const sum = (k: 'calls' | 'errors') => quota.points.reduce((s: number, p: Record<string, number>) => s + p[k]!, 0);
    expect([sum('calls'), sum('errors')]).toEqual([4, 1]);
    expect((await call('consumer', 'GET', '/api/v1/monitoring/usage')).statusCode).toBe(403);
  });

  it.skipIf(engine.skip)(
    'refuses, with 403 and on the ledger, every read path called for a purpose the grant does not allow',
    async () => {
      const q = (purpose: string) => `purpose=${encodeURIComponent(purpose)}`;
      const base = `/api/v1/services/${PERSON}/records`;
      const reads = (purpose: string) => [
        machine('GET', `${base}?${q(purpose)}&key=${sample}`),
        machine('POST', `${base}/batch`, { keys: [sample], purpose }),
        machine('GET', `${base}?${q(purpose)}&f.gender=${encodeURIComponent('女')}`),
        machine('GET', `${base}?${q(purpose)}&format=csv`),
        call('consumer', 'GET', `/api/v1/catalog/resources/JNGAJ-0001/records?${q(purpose)}&key=${sample}`),
      ];
      // Unregistered text, an injection attempt, and a registered purpose this grant does not allow.
      for (const purpose of ['测试', "'; drop table x; --", 'statistics']) {
        const before = await hub.ledger.size();
        const answers = [];
        for (const read of reads(purpose)) answers.push(await read);
        for (const res of answers) {
          expect(res.statusCode, purpose).toBe(403);
          expect(res.headers['content-type']).toContain('application/problem+json');
          expect(res.json().code).toBe('SHR_PURPOSE_NOT_GRANTED');
        }
        const refusals = (await ledgerSince(before)).filter((e) => e.kind === 'share.read');
        expect(refusals).toHaveLength(5);
        for (const e of refusals)
          expect(e).toMatchObject({ outcome: 'denied', reason: 'purpose', purpose, org: 'JNMZJ' });
      }
      for (const read of reads('eligibility_check')) expect((await read).statusCode).toBe(200);
      const missing = await machine('GET', `${base}?key=${sample}`);
      expect(missing.statusCode).toBe(422);
      expect(missing.json().errors[0].field).toBe('purpose');
    },
  );

  it.skipIf(engine.skip)('raises alerts for a bulk pull at night and a spike against history', async () => {
    let now = new Date('2026-11-26T18:30:00Z'); // 02:30 in Jinan
    const usage = new Usage(hub.db, () => now);
    usage.record('DS-JNGAJ-0001', 'JNYJJ', { rows: 800, error: false, latencyMs: 5 });
    await usage.flush();
    now = new Date('2026-11-27T04:00:00Z'); // noon: no night rule, but far above a quiet history
    usage.record('DS-JNGAJ-0001', 'JNJTJ', { rows: 20, error: false, latencyMs: 5 });
    await usage.flush();
    now = new Date('2026-11-27T04:30:00Z');
    usage.record('DS-JNGAJ-0001', 'JNJTJ', { rows: 5000, error: false, latencyMs: 5 });
    usage.record('DS-JNGAJ-0001', 'JNJTJ', { rows: 5000, error: false, latencyMs: 5 });
    await usage.flush();
    usage.record('DS-JNGAJ-0001', 'JNJTJ', { rows: 5000, error: false, latencyMs: 5 });
    await usage.flush();
    const alerts = (await call('auditor', 'GET', '/api/v1/monitoring/alerts')).json().items;
    const kinds = alerts.map((a: { kind: string; consumer: string }) => `${a.kind}:${a.consumer}`);
    expect(kinds).toContain('night-bulk:JNYJJ');
    expect(kinds.filter((k: string) => k === 'volume-spike:JNJTJ')).toHaveLength(1); // once an hour
    expect(kinds).not.toContain('night-bulk:JNJTJ');
    const id = alerts[0].id;
    expect((await call('auditor', 'POST', `/api/v1/monitoring/alerts/${id}/acknowledge`)).statusCode).toBe(204);
    const open = (await call('auditor', 'GET', '/api/v1/monitoring/alerts?open=true')).json().items;
    expect(open.map((a: { id: number }) => a.id)).not.toContain(id);
  });

  it.skipIf(engine.skip)('marks a CSV export, changing no value; a cut-down copy names who took it', async () => {
    const res = await machine('GET', `/api/v1/services/${PERSON}/records?purpose=${P}&format=csv&pageSize=200`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const mark = /-([0-9A-Z]{12})\.csv/.exec(String(res.headers['content-disposition']))![1]!;
    const [header, ...rows] = readCsvTable(res.body);
    expect(header).toEqual(['citizen_id', 'name', 'gender', 'birth_date', 'division']);
    // 200 real rows and one decoy, whose ID fails its check digit (docs/watermark.md).
    expect(rows.length).toBe(201);
    const real = rows.filter((r) => isCitizenId(r[0]!));
    expect(real.length).toBe(200);
    // Every value of the real rows is byte-equal to the same records read as JSON (issue #14).
    const json = await machine('GET', `/api/v1/services/${PERSON}/records?purpose=${P}&pageSize=200`);
    const items = json.json().items as Array<Record<string, unknown>>;
    const plain = items.map((r) => header!.map((c) => String(r[c] ?? '')));
    const line = (r: string[]) => JSON.stringify(r);
    expect(real.map(line).sort()).toEqual(plain.map(line).sort());
    // The leaker keeps half of the rows and drops two columns, and saves it again.
    const keep = [0, 1, 2];
    const leaked = rows.slice(40, 140).map((r) => keep.map((i) => r[i]!));
    const table = [keep.map((i) => header![i]!), ...leaked];
    const reading = await hub.share.identifyExport(table);
    expect(reading.mark).toBe(mark);
    expect(await hub.share.exportOf(mark)).toMatchObject({
      consumer: 'JNMZJ',
      consumerName: '济南市民政局',
      resource: 'JNGAJ-0001',
      rows: 201,
    });
    // An auditor uploads the leaked copy and is told who took it.
    const csv = table.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(';')).join('\r\n');
    const boundary = '----qdhleak';
    const identified = await app.inject({
      method: 'POST',
      url: '/api/v1/monitoring/exports/identify',
      payload:
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="leak.csv"\r\n` +
        `Content-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`,
      headers: {
        authorization: `Bearer ${tokens.auditor}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
    });
    expect(identified.statusCode).toBe(200);
    expect(identified.json()).toMatchObject({ mark, export: { consumer: 'JNMZJ', createdBy: 'consumer' } });
  });

  it.skipIf(engine.skip)('takes a demand from filing to a callable service through the API', async () => {
    const filed = await call('consumer', 'POST', '/api/v1/demands', {
      resource: 'JNRSJ-0001',
      fields: ['citizen_id', 'active'],
      purposes: [P],
      purpose: '低保对象参保状态核验',
      legalBasis: '《社会救助暂行办法》',
    });
    expect(filed.statusCode).toBe(201);
    const demand = filed.json();
    expect(demand.state).toBe('filed');
    expect(demand.steps[0]).toMatchObject({ step: 'confirm', overdue: false });
    expect(demand.steps[0].dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await call('consumer', 'POST', `/api/v1/demands/${demand.id}/confirm`)).statusCode).toBe(403);
    expect((await call('officer_rsj', 'POST', `/api/v1/demands/${demand.id}/confirm`)).json().state).toBe('confirmed');
    const published = (await call('officer_rsj', 'POST', `/api/v1/demands/${demand.id}/publish`)).json();
    expect(published).toMatchObject({ state: 'published', serviceCode: 'DS-JNRSJ-0001' });
    const key = (await hub.records.page((await hub.catalog.get('JNRSJ-0001')).id, 1, 1))[0]!.citizen_id;
    const read = await machine('GET', `/api/v1/services/DS-JNRSJ-0001/records?purpose=${P}&key=${key}`);
    expect(read.statusCode).toBe(200);
    expect(Object.keys(read.json().items[0]).sort()).toEqual(['active', 'citizen_id']);
    const ledger = await call('operator', 'GET', '/api/v1/demands/ledger.xlsx');
    expect(ledger.headers['content-type']).toContain('spreadsheetml');
  });

  it.skipIf(engine.skip || engine.name !== 'postgres')(
    'revokes in one process and refuses in another at once',
    async () => {
      const other = await openHub({ databaseUrl: url, headIntervalMs: 100 });
      try {
        const grant = await hub.share.createGrant(await actorOf('operator'), {
          consumer: 'JNMZJ',
          resource: 'JNSCJG-0001',
          fields: ['name'],
          purposes: [P],
        });
        const consumer = await actorOf('consumer');
        const key = String((await hub.records.page((await hub.catalog.get('JNSCJG-0001')).id, 1, 1))[0]!.credit_code);
        // The other process reads (and so caches) the grant, then this one revokes it.
        expect((await other.share.serviceLookup(consumer, 'DS-JNSCJG-0001', key, P)).grant).toBe(grant.id);
        await hub.share.grants.change(await actorOf('operator'), grant.id, 'revoke');
        await expect
          .poll(async () => (await other.share.grants.active('JNMZJ', 'JNSCJG-0001'))?.id ?? null, { timeout: 2000 })
          .not.toBe(grant.id);
      } finally {
        await other.close();
      }
    },
  );

  const actorOf = async (username: string) => {
    const profile = await hub.access.profile(await hub.access.findUserId(username));
    const org = profile.org ? (await hub.access.findOrganization(profile.org.code))! : null;
    return {
      userId: profile.id,
      username,
      roles: profile.roles,
      org: org ? { id: org.id, code: org.code, name: org.name } : null,
      via: 'token' as const,
    };
  };

  /** Every CSV the hub writes leaves would-be formulas as text; XLSX keeps the values as they are. */
  describe('CSV formula injection', () => {
    let code: string;
    // Enough distinct texts for the watermark to be read back (docs/watermark.md).
    const ROWS = 40;
    const keys = Array.from({ length: ROWS }, (_, i) => makeCitizenId('370102', '1980-05-17', 200 + i));
    const note = (i: number) => `${DANGEROUS[i % DANGEROUS.length]} #${i}`;
    const remark = (i: number) => `${DANGEROUS[(i + 1) % DANGEROUS.length]} ~${i}`;

    beforeAll(async () => {
      if (engine.skip) return;
      const res = await call('officer', 'POST', '/api/v1/catalog/resources', {
        name: DANGEROUS[0],
        summary: DANGEROUS[3],
        category: 'department',
        shareType: 'conditional',
        shareCondition: '仅用于测试',
        openType: 'closed',
        level: 'important',
        keyField: 'owner_id',
        fields: [
          { name: 'owner_id', label: '身份号码', type: 'citizen_id', required: true, sensitivity: 4 },
          { name: 'note', label: '备注', type: 'string', required: true, sensitivity: 1 },
          { name: 'remark', label: '说明', type: 'string', required: true, sensitivity: 1 },
        ],
      });
      expect(res.statusCode).toBe(201);
      code = res.json().code;
      for (const step of ['submit', 'approve', 'publish']) {
        const user = step === 'submit' ? 'officer' : 'operator';
        expect((await call(user, 'POST', `/api/v1/catalog/resources/${code}/${step}`)).statusCode).toBe(200);
      }
      const csv = [
        'owner_id,note,remark',
        ...keys.map((k, i) => `${k},${quote(note(i))},${quote(remark(i))}`),
        `${keys[0]!.slice(0, 17)}0,x,y`,
      ].join('\n');
      const report = await hub.ingest.runFile(await hub.catalog.get(code), Readable.from([csv]), {
        createdBy: 1,
        source: 'formulas.csv',
      });
      expect(report.rowsLoaded).toBe(ROWS);
    });

    const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
    const cells = (body: string): string[][] => parse(body.replace(/^\uFEFF/, ''), { relax_column_count: true });

    it.skipIf(engine.skip)(
      'neutralizes the data-service export, and its watermark still names the export',
      async () => {
        const grant = await call('operator', 'POST', '/api/v1/grants', {
          consumer: 'JNMZJ',
          resource: code,
          fields: ['owner_id', 'note', 'remark'],
          purposes: ['statistics'],
        });
        expect(grant.statusCode).toBe(201);
        expect((await call('operator', 'POST', '/api/v1/services', { resource: code })).statusCode).toBe(201);
        const res = await call('consumer', 'GET', `/api/v1/services/DS-${code}/records?format=csv&purpose=statistics`);
        expect(res.statusCode).toBe(200);
        const [header, ...rows] = cells(res.body);
        expect(header).toEqual(['owner_id', 'note', 'remark']);
        const expected = keys.map((_, i) => [note(i), remark(i)]).sort();
        // Free text carries the mark as a trailing space; the decoy row's ID fails its check digit.
        const real = rows.filter((r) => isCitizenId(r[0]!));
        expect(real.map((r) => [r[1]!.trimEnd(), r[2]!.trimEnd()]).sort()).toEqual(
          expected.map((pair) => pair.map((v) => `'${v}`)),
        );

        const table = readCsvTable(res.body);
        expect((await hub.share.identifyExport(table)).mark).toBe(
          /-([0-9A-Z]{12})\.csv/.exec(String(res.headers['content-disposition']))![1],
        );
        expect(
          table
            .slice(1)
            .filter((r) => isCitizenId(r[0]!))
            .map((r) => [r[1]!.trimEnd(), r[2]!.trimEnd()])
            .sort(),
        ).toEqual(expected);
      },
    );

    it.skipIf(engine.skip)('neutralizes the catalog CSV export and keeps the XLSX export as it was', async () => {
      const csv = await call('officer', 'GET', '/api/v1/catalog/export?format=csv');
      expect(csv.statusCode).toBe(200);
      const row = cells(csv.body).find((r) => r.includes(code))!;
      expect(row).toContain(`'${DANGEROUS[0]}`);
      expect(row).toContain(`'${DANGEROUS[3]}`);
      expect(row).not.toContain(DANGEROUS[0]);

      const xlsx = await call('officer', 'GET', '/api/v1/catalog/export?format=xlsx');
      expect(xlsx.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const values: unknown[] = [];
      wb.worksheets[0]!.eachRow((r) => values.push(...(r.values as unknown[])));
      expect(values).toContain(DANGEROUS[0]);
      expect(values).toContain(DANGEROUS[3]);
      expect(values).not.toContain(`'${DANGEROUS[0]}`);
    });
  });
});
