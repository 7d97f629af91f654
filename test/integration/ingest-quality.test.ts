import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { createLogger, makeCitizenId, makeCreditCode } from '../../src/kernel/index.js';
import { engines, SEEDED_PASSWORD as PASSWORD } from '../databases.js';

type App = Awaited<ReturnType<typeof buildApp>>;
const PERSON = 'JNGAJ-0001'; // citizen_id, name, gender, birth_date, division, address, phone
const HEADER = 'citizen_id,name,gender,birth_date,division,address,phone';

/** #4: quality rules inside the pipeline, duplicate keys, both merges, per-field quality, trend, lineage. */
describe.each(engines())('ingest quality and lineage on $name', (engine) => {
  let hub: Hub;
  let app: App;
  let token: string;

  beforeAll(async () => {
    if (engine.skip) return;
    hub = await openHub({ ...(await engine.seededDatabase()), headIntervalMs: 100 });
    app = await buildApp(hub, { logger: createLogger('silent') });
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'officer', password: PASSWORD },
    });
    token = res.json().token;
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const call = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url: `/api/v1${url}`, payload, headers: { authorization: `Bearer ${token}` } });
  const load = async (lines: string[], snapshot = false) =>
    hub.ingest.run(
      await hub.catalog.get(PERSON),
      (async function* () {
        for (const l of [HEADER, ...lines]) yield l.split(',');
      })(),
      { createdBy: 1, source: 'test:quality.csv', snapshot },
    );
  const person = (n: number, address = `山东省济南市历下区泉城路${n}号`) => {
    const birth = `1950-03-0${1 + (n % 9)}`;
    const id = makeCitizenId('370102', birth, 100 + n);
    return `${id},测试${n},${(100 + n) % 2 === 1 ? '男' : '女'},${birth},370102,${address},13912345678`;
  };

  it.skipIf(engine.skip)(
    'applies the resource’s rules: warnings count, rejects keep rows out; duplicates go to quarantine',
    async () => {
      const put = await call('PUT', `/resources/${PERSON}/quality-rules`, {
        rules: [
          { field: 'address', kind: 'regex', severity: 'warn', pattern: '^山东省' },
          { field: 'birth_date', kind: 'range', severity: 'reject', min: '1900-01-01', max: '1999-12-31' },
        ],
      });
      expect(put.statusCode, put.body).toBe(200);
      const young = makeCitizenId('370102', '2001-05-05', 301);
      const report = await load([
        person(1),
        person(2, '济南市历下区泉城路2号'), // warned: the address lacks the province
        `${young},青年,男,2001-05-05,370102,,13800000000`, // rejected by the range rule
        person(1), // the same key again
        `${makeCitizenId('370102', '1960-01-01', 7).slice(0, 17)}0,错号,男,1960-01-01,370102,,`, // check digit (unless it is 0)
      ]);
      expect(report.state).toBe('succeeded');
      expect(report.rowsRead).toBe(5);
      expect(report.rowsLoaded).toBe(2);
      expect(report.rejects.map((r) => `${r.row}:${r.field}`)).toEqual(
        expect.arrayContaining(['4:birth_date', '5:citizen_id']),
      );
      expect(report.rejects.find((r) => r.row === 5)!.reason).toMatch(/duplicate key/);

      const quality = (await call('GET', `/ingest/jobs/${report.id}/quality`)).json();
      expect(quality).toMatchObject({ rowsRead: 5, score: 40 });
      expect(quality.passRate).toBe(20); // only row 2 has no issue of any kind
      const address = quality.fields.find((f: { field: string }) => f.field === 'address');
      expect(address).toMatchObject({ warned: 1, rejected: 0, passRate: 80 });
      expect(quality.rules).toEqual(expect.arrayContaining([expect.objectContaining({ severity: 'warn', rows: 1 })]));
      const csv = (await call('GET', `/ingest/jobs/${report.id}/rejects`)).body;
      expect(csv).not.toMatch(/address/); // warnings are not the quarantine
    },
  );

  it.skipIf(engine.skip)(
    'merges by key into existing data, replaces it on a snapshot, and draws the trend',
    async () => {
      await call('PUT', `/resources/${PERSON}/quality-rules`, { rules: [] });
      const before = (await hub.catalog.get(PERSON)).recordCount;
      const upsert = await load([person(1, '山东省济南市历下区新址1号'), person(3)]);
      expect(upsert).toMatchObject({ state: 'succeeded', merge: 'upsert', rowsLoaded: 2 });
      expect((await hub.catalog.get(PERSON)).recordCount).toBe(before + 1); // person 1 was there
      const snapshot = await load([person(1), person(4)], true);
      expect(snapshot).toMatchObject({ state: 'succeeded', merge: 'swap', rowsLoaded: 2 });
      expect((await hub.catalog.get(PERSON)).recordCount).toBe(2);

      const trend = (await call('GET', `/ingest/quality-trend?resource=${PERSON}`)).json();
      const mine = trend.slice(-3);
      expect(mine.map((p: { score: number }) => p.score)).toEqual([40, 100, 100]);
      expect(Date.parse(mine[0].finishedAt)).toBeLessThanOrEqual(Date.parse(mine[2].finishedAt));
    },
  );

  it.skipIf(engine.skip)('says for each value which job, source and row it came from', async () => {
    const report = await load([person(5), person(6)]);
    const key = person(6).split(',')[0]!;
    const res = await call('GET', `/ingest/lineage?resource=${PERSON}&key=${key}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().fields.find((f: { field: string }) => f.field === 'name').origin).toEqual({
      kind: 'load',
      jobId: report.id,
      source: 'test:quality.csv',
      row: 3,
      at: expect.any(String),
    });
    expect((await call('GET', `/ingest/lineage?resource=${PERSON}&key=370102000000000000`)).statusCode).toBe(404);
  });

  it.skipIf(engine.skip)('names every kind of validator failure with its row and field', async () => {
    await call('PUT', `/resources/${PERSON}/quality-rules`, { rules: [] });
    const ok = (seq: number, birth = '1970-07-07') => makeCitizenId('370102', birth, seq);
    const wrongDigit = (id: string) => id.slice(0, 17) + (id.endsWith('1') ? '2' : '1');
    const rows = [
      `${ok(11)},,男,1970-07-07,370102,,`, // 2 required
      `${ok(13)},${'张'.repeat(51)},男,1970-07-07,370102,,`, // 3 longer than the element allows
      `${ok(15)},王五,未知,1970-07-07,370102,,`, // 4 not in the code list
      `${ok(17)},赵六,男,1970-02-30,370102,,`, // 5 a date that does not exist
      `${wrongDigit(ok(19))},钱七,男,1970-07-07,370102,,`, // 6 citizen ID check digit
      `3701021970070,孙八,男,1970-07-07,370102,,`, // 7 citizen ID length
      `${ok(21)},周九,男,1970-07-07,379999,,`, // 8 not a division code
      `${ok(23)},吴十,男,1970-07-07,370102,,12345`, // 9 not a phone number
      `${ok(25)},郑一,男,1971-01-01,370102,,`, // 10 birth date differs from the ID's
      `${ok(27)},冯二,女,1970-07-07,370102,,`, // 11 gender differs from the ID's (odd = male)
    ];
    const report = await load(rows);
    const failed = report.rejects.map((r) => `${r.row}:${r.field}`);
    expect(failed).toEqual(
      expect.arrayContaining([
        '2:name',
        '3:name',
        '4:gender',
        '5:birth_date',
        '6:citizen_id',
        '7:citizen_id',
        '8:division',
        '9:phone',
        '10:birth_date',
        '11:gender',
      ]),
    );
    const reason = (row: number) => report.rejects.find((r) => r.row === row)!.reason;
    expect(reason(2)).toMatch(/required/);
    expect(reason(3)).toMatch(/longer than 50/);
    expect(reason(4)).toMatch(/code list/);
    expect(reason(5)).toMatch(/does not exist/);
    expect(reason(6)).toMatch(/check digit/);
    expect(reason(8)).toMatch(/division code/);
    expect(report).toMatchObject({ rowsRead: 10, rowsLoaded: 0, rowsRejected: 10 });

    const enterprise = await hub.catalog.get('JNSCJG-0001');
    const code = makeCreditCode('370102', 77);
    const badCode = code.slice(0, 17) + (code.endsWith('1') ? '2' : '1');
    const firms = await hub.ingest.run(
      enterprise,
      (async function* () {
        yield ['credit_code', 'name', 'legal_rep', 'reg_date', 'division', 'status'];
        yield [badCode, '济南某某有限公司', '张三', '2010-01-01', '370102', '存续'];
      })(),
      { createdBy: 1, source: 'test:firms.csv' },
    );
    expect(firms.rejects[0]).toMatchObject({ row: 2, field: 'credit_code', reason: expect.stringMatching(/check/) });
  });

  it.skipIf(engine.skip)(
    'maps a source’s own column names by a saved mapping, and suggests one from values',
    async () => {
      const header = ['zjhm', '姓名', 'xb', '出生日期', 'qh', '地址', '手机'];
      const suggest = await call('POST', '/ingest/mapping/suggest', {
        resource: PERSON,
        header,
        sample: [person(31).split(',')],
      });
      expect(suggest.statusCode, suggest.body).toBe(200);
      expect(suggest.json().columns.slice(0, 2)).toEqual([
        { column: 'zjhm', field: 'citizen_id', by: 'values' },
        { column: '姓名', field: 'name', by: 'name' }, // the field's label
      ]);
      const bad = await call('PUT', '/ingest/mapping', { resource: PERSON, columns: { zjhm: 'no_such_field' } });
      expect(bad.statusCode).toBe(422);
      const saved = await call('PUT', '/ingest/mapping', {
        resource: PERSON,
        columns: { zjhm: 'citizen_id', xb: 'gender', qh: 'division' },
      });
      expect(saved.statusCode, saved.body).toBe(200);
      const report = await hub.ingest.run(
        await hub.catalog.get(PERSON),
        (async function* () {
          yield header;
          yield person(31).split(',');
        })(),
        { createdBy: 1, source: 'test:own-names.csv' },
      );
      expect(report).toMatchObject({ state: 'succeeded', rowsLoaded: 1 });
      // 手机 would map to phone by its name; saved as skipped (null), the load leaves it out.
      const junk = [...person(32).split(',').slice(0, 6), '不详'];
      const load = () =>
        hub.ingest.run(
          resourceOf,
          (async function* () {
            yield header;
            yield junk;
          })(),
          { createdBy: 1, source: 'test:own-names.csv' },
        );
      const resourceOf = await hub.catalog.get(PERSON);
      expect(await load()).toMatchObject({ state: 'succeeded', rowsLoaded: 0, rowsRejected: 1 });
      const skipped = await call('PUT', '/ingest/mapping', {
        resource: PERSON,
        columns: { zjhm: 'citizen_id', xb: 'gender', qh: 'division', 手机: null },
      });
      expect(skipped.json().columns).toEqual({ zjhm: 'citizen_id', xb: 'gender', qh: 'division', 手机: null });
      expect(await load()).toMatchObject({ state: 'succeeded', rowsLoaded: 1, rowsRejected: 0 });
      const suggested = await call('POST', '/ingest/mapping/suggest', { resource: PERSON, header });
      expect(suggested.json().columns.at(-1)).toEqual({ column: '手机', field: null, by: 'saved' });
    },
  );
});
