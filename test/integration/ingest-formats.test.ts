import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { createLogger, makeCitizenId } from '../../src/kernel/index.js';
import { engines, SEEDED_PASSWORD as PASSWORD } from '../databases.js';

type App = Awaited<ReturnType<typeof buildApp>>;
const RESOURCE = 'JNRSJ-0001'; // 社会保险参保信息: 公民身份号码, 险种, 参保日期, 是否在保

/** Uploads in every supported format through the API, on PGlite and PostgreSQL (#4, stage 1). */
describe.each(engines())('ingest formats on $name', (engine) => {
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
      payload: { username: 'officer_rsj', password: PASSWORD },
    });
    token = res.json().token;
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const upload = (filename: string, file: Buffer) => {
    const boundary = '----qdhformats';
    const payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="resource"\r\n\r\n${RESOURCE}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n\r\n`,
      ),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return app.inject({
      method: 'POST',
      url: '/api/v1/ingest/jobs',
      payload,
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
  };
  const id = (n: number) => makeCitizenId('370102', '1960-01-01', 600 + n);
  const stored = async (key: string) => hub.records.find((await hub.catalog.get(RESOURCE)).id, key);

  it.skipIf(engine.skip)('loads a GBK CSV with Chinese headers and values intact', async () => {
    const csv = `公民身份号码,险种,参保日期,是否在保\n${id(1)},城乡居民基本养老保险,2010-03-01,是\n${id(2)},职工基本养老保险,2011-13-01,否\n`;
    const res = await upload('参保.csv', iconv.encode(csv, 'gbk'));
    expect(res.json()).toMatchObject({ state: 'succeeded', rowsLoaded: 1, rowsRejected: 1 });
    expect(res.json().rejects[0]).toMatchObject({ row: 3, field: 'start_date' });
    expect(await stored(id(1))).toMatchObject({ insurance_type: '城乡居民基本养老保险', active: true });
    expect(res.json().qualityScore).toBe(50);
    const rejects = await app.inject({
      method: 'GET',
      url: `/api/v1/ingest/jobs/${res.json().id}/rejects`,
      headers: { authorization: `Bearer ${token}`, 'accept-language': 'en' },
    });
    expect(rejects.headers['content-type']).toContain('text/csv');
    expect(rejects.body).toBe('\ufeffrow,field,reason\n3,start_date,the date does not exist\n');
  });

  it.skipIf(engine.skip)('loads XLSX, JSON and NDJSON files', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('参保').addRows([
      ['citizen_id', 'insurance_type', 'start_date', 'active'],
      [id(3), '职工基本养老保险', new Date(Date.UTC(2015, 5, 1)), '是'],
    ]);
    expect((await upload('a.xlsx', Buffer.from(await wb.xlsx.writeBuffer()))).json()).toMatchObject({ rowsLoaded: 1 });
    expect(await stored(id(3))).toMatchObject({ start_date: '2015-06-01' });
    const item = (n: number) => ({
      citizen_id: id(n),
      insurance_type: '职工基本养老保险',
      start_date: '2016-01-01',
      active: 'false',
    });
    expect((await upload('a.json', Buffer.from(JSON.stringify([item(4)])))).json()).toMatchObject({ rowsLoaded: 1 });
    const ndjson = [item(5), item(6)].map((i) => JSON.stringify(i)).join('\n');
    expect((await upload('a.ndjson', Buffer.from(ndjson))).json()).toMatchObject({ rowsLoaded: 2 });
    expect(await stored(id(6))).toMatchObject({ active: false });
    const refused = await upload('a.doc', Buffer.from('x'));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe('ING_BAD_FILE');
  });
});
