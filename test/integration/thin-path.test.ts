import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { createLogger, makeCitizenId } from '../../src/kernel/index.js';
import { engines, SEEDED_PASSWORD as PASSWORD } from '../databases.js';

type App = Awaited<ReturnType<typeof buildApp>>;

/**
 * The foundation's thin path through every layer, on PGlite and on PostgreSQL: register a
 * resource, upload a CSV (bad rows rejected with row and reason), grant a consumer some
 * fields, read by key seeing only those fields, with every read — and every denial — in the ledger.
 */
describe.each(engines())('thin path on $name', (engine) => {
  let hub: Hub;
  let app: App;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    if (engine.skip) return;
    hub = await openHub({ ...(await engine.seededDatabase()), headIntervalMs: 100 });
    app = await buildApp(hub, { logger: createLogger('silent') });
    for (const u of ['operator', 'officer', 'consumer', 'citizen', 'auditor', 'third_party']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: u, password: PASSWORD },
      });
      expect(res.statusCode, u).toBe(200);
      tokens[u] = res.json().token;
    }
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const call = (user: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, payload, headers: { authorization: `Bearer ${tokens[user]}` } });

  it.skipIf(engine.skip)(
    'refuses wrong passwords with 401 and malformed logins with 400 naming the field',
    async () => {
      const wrong = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'officer', password: 'nope' },
      });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.headers['content-type']).toContain('application/problem+json');
      const bad = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { user: 1 } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors.map((e: { field: string }) => e.field)).toContain('body/username');
    },
  );

  it.skipIf(engine.skip)('rate-limits repeated failed logins with 429 and Retry-After', async () => {
    let last;
    for (let i = 0; i < 6; i++) {
      last = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'auditor', password: 'bad' },
      });
    }
    expect(last!.statusCode).toBe(429);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
  });

  let code: string;
  const idGood = makeCitizenId('370102', '1980-05-17', 123);
  const idOther = makeCitizenId('370112', '1992-11-02', 44);

  it.skipIf(engine.skip)('lets an officer register a resource with typed fields, and names bad fields', async () => {
    const input = {
      name: '居民养犬登记信息',
      summary: '犬只登记与免疫情况',
      category: 'department',
      shareType: 'conditional',
      shareCondition: '仅用于养犬补贴核验',
      openType: 'closed',
      level: 'important',
      keyField: 'owner_id',
      fields: [
        { name: 'owner_id', label: '犬主身份号码', type: 'citizen_id', required: true, sensitivity: 4 },
        { name: 'owner_name', label: '犬主姓名', element: 'person_name', required: true },
        { name: 'vaccinated_on', label: '免疫日期', type: 'date', required: false, sensitivity: 1 },
        { name: 'dogs', label: '犬只数量', type: 'integer', required: true, sensitivity: 1 },
      ],
    };
    const bad = await call('officer', 'POST', '/api/v1/catalog/resources', { ...input, level: 'secret' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('body/level');
    const notOfficer = await call('consumer', 'POST', '/api/v1/catalog/resources', input);
    expect(notOfficer.statusCode).toBe(403);
    const res = await call('officer', 'POST', '/api/v1/catalog/resources', input);
    expect(res.statusCode).toBe(201);
    code = res.json().code;
    expect(code).toMatch(/^JNGAJ-\d{4}$/);
    expect(res.json().status).toBe('draft');
    // Published through the registration workflow, so that it can be granted below.
    expect((await call('officer', 'POST', `/api/v1/catalog/resources/${code}/submit`)).statusCode).toBe(200);
    expect((await call('operator', 'POST', `/api/v1/catalog/resources/${code}/approve`)).statusCode).toBe(200);
    const published = await call('operator', 'POST', `/api/v1/catalog/resources/${code}/publish`);
    expect(published.json()).toMatchObject({ status: 'published', version: 1 });
  });

  it.skipIf(engine.skip)('loads good rows of a CSV and rejects bad ones with row number and reason', async () => {
    const wrongCheck = idOther.slice(0, 17) + (idOther[17] === '1' ? '2' : '1');
    const csv = [
      '犬主身份号码,犬主姓名,免疫日期,犬只数量',
      `${idGood},张三,2025-03-01,1`,
      `${idOther.toLowerCase()},李四,,2`,
      `${wrongCheck},王五,2025-02-30,1`,
      `${idGood},张三重复,2025-03-01,1`,
      `${makeCitizenId('370103', '1970-01-01', 8)},,2025-01-01,x`,
    ].join('\n');
    const report = await hub.ingest.runFile(await hub.catalog.get(code), Readable.from([csv]), {
      createdBy: 1,
      source: 'test.csv',
    });
    expect(report).toMatchObject({ state: 'succeeded', rowsRead: 5, rowsLoaded: 2, rowsRejected: 3 });
    const reasons = report.rejects.map((r) => `${r.row}:${r.field}`);
    expect(reasons).toEqual(['4:owner_id', '4:vaccinated_on', '5:owner_id', '6:dogs', '6:owner_name']);
    expect(report.rejects.find((r) => r.row === 4 && r.field === 'owner_id')!.reason).toMatch(/check digit/);
    expect(report.rejects.find((r) => r.row === 5)!.reason).toMatch(/duplicate/);
  });

  it.skipIf(engine.skip)(
    'uploads through the API as multipart and leaves nothing behind when the file is unusable',
    async () => {
      const boundary = '----qdh';
      const body = (csv: string) =>
        [
          `--${boundary}\r\nContent-Disposition: form-data; name="resource"\r\n\r\n${code}\r\n`,
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="dogs.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n`,
          `--${boundary}--\r\n`,
        ].join('');
      const headers = {
        authorization: `Bearer ${tokens.officer}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      };
      const ok = await app.inject({
        method: 'POST',
        url: '/api/v1/ingest/jobs',
        headers,
        payload: body(`owner_id,owner_name,dogs\n${idOther},李四改,3\n`),
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ state: 'succeeded', rowsLoaded: 1 });
      const missing = await app.inject({
        method: 'POST',
        url: '/api/v1/ingest/jobs',
        headers,
        payload: body('owner_name,dogs\n张,1\n'),
      });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().errors[0].field).toBe('file/header/owner_id');
      const consumer = await app.inject({
        method: 'POST',
        url: '/api/v1/ingest/jobs',
        headers: { ...headers, authorization: `Bearer ${tokens.consumer}` },
        payload: body(`owner_id,owner_name,dogs\n${idOther},x,1\n`),
      });
      expect(consumer.statusCode).toBe(403);
      const page = await call('officer', 'GET', `/api/v1/catalog/resources/${code}/records`);
      expect(page.json().total).toBe(2);
      expect(page.json().items.find((r: { owner_id: string }) => r.owner_id === idOther).owner_name).toBe('李四改');
    },
  );

  it.skipIf(engine.skip)(
    'gives a consumer only granted fields, records the read, and refuses and records without a grant',
    async () => {
      const before = (await hub.ledger.latestHead()).treeSize;
      const denied = await call(
        'consumer',
        'GET',
        `/api/v1/catalog/resources/${code}/records?key=${idGood}&purpose=核验`,
      );
      expect(denied.statusCode).toBe(403);
      expect(denied.json().code).toBe('SHR_NO_GRANT');

      const grant = await call('operator', 'POST', '/api/v1/grants', {
        consumer: 'JNMZJ',
        resource: code,
        fields: ['owner_id', 'dogs'],
        purposes: ['eligibility_check'],
      });
      expect(grant.statusCode).toBe(201);
      const read = await call(
        'consumer',
        'GET',
        `/api/v1/catalog/resources/${code}/records?key=${idGood}&purpose=eligibility_check`,
      );
      expect(read.statusCode).toBe(200);
      expect(read.json().items).toEqual([{ owner_id: idGood, dogs: 1 }]);

      const entries = await hub.ledger.entriesBySubject(hub.ledger.subjectTag(idGood));
      const kinds = entries.map((e) => JSON.parse(e.entry)).filter((e) => e.kind === 'share.read');
      expect(kinds.map((e) => e.outcome)).toEqual(expect.arrayContaining(['denied', 'allowed']));
      const allowed = kinds.find((e) => e.outcome === 'allowed');
      expect(allowed).toMatchObject({ actor: 'consumer', org: 'JNMZJ', resource: code, purpose: 'eligibility_check' });
      expect(JSON.stringify(entries)).not.toContain(idGood);
      expect((await hub.ledger.latestHead()).treeSize).toBeGreaterThan(before);

      await call('operator', 'POST', `/api/v1/grants/${grant.json().id}/revoke`);
      const after = await call(
        'consumer',
        'GET',
        `/api/v1/catalog/resources/${code}/records?key=${idGood}&purpose=核验`,
      );
      expect(after.statusCode).toBe(403);
    },
  );

  it.skipIf(engine.skip)('validates the key of a lookup by its field type and requires a purpose', async () => {
    const badKey = await call(
      'officer',
      'GET',
      `/api/v1/catalog/resources/${code}/records?key=370102198005171234&purpose=x1`,
    );
    expect(badKey.statusCode).toBe(422);
    expect(badKey.json().errors[0].field).toBe('key');
    const noPurpose = await call('officer', 'GET', `/api/v1/catalog/resources/${code}/records?key=${idGood}`);
    expect(noPurpose.statusCode).toBe(422);
  });

  it.skipIf(engine.skip)('masks sensitive fields for operators browsing data they do not own', async () => {
    const page = await call('operator', 'GET', `/api/v1/catalog/resources/${code}/records`);
    const row = page.json().items.find((r: { owner_id: string }) => r.owner_id.startsWith(idGood.slice(0, 6)));
    expect(row.owner_id).toBe(idGood.slice(0, 6) + '********' + idGood.slice(-4));
    expect(row.owner_name).toBe('张*');
    const citizen = await call('citizen', 'GET', `/api/v1/catalog/resources/${code}/records`);
    expect(citizen.statusCode).toBe(403);
  });

  it.skipIf(engine.skip)('serves health, OpenAPI 3.1 of every route, docs and Prometheus metrics', async () => {
    const health = await app.inject({ url: '/healthz' });
    expect(health.json().database.kind).toBe(engine.name);
    const spec = (await app.inject({ url: '/api/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/v1/catalog/resources', '/api/v1/grants/', '/api/v1/ledger/head']),
    );
    expect((await app.inject({ url: '/api/docs' })).statusCode).toBeLessThan(400);
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/^# HELP/m);
    expect(metrics.body).toContain('qdh_http_request_duration_seconds');
  });

  it.skipIf(engine.skip)('accepts API keys for machine clients and rejects bad credentials', async () => {
    const created = await call('consumer', 'POST', '/api/v1/auth/api-keys', { name: 'batch job' });
    expect(created.statusCode).toBe(201);
    const me = await app.inject({ url: '/api/v1/auth/me', headers: { 'x-api-key': created.json().key } });
    expect(me.json().username).toBe('consumer');
    const bad = await app.inject({ url: '/api/v1/auth/me', headers: { 'x-api-key': 'qdh_nope' } });
    expect(bad.statusCode).toBe(401);
    const anon = await app.inject({ url: '/api/v1/catalog/resources' });
    expect(anon.statusCode).toBe(401);
  });
});
