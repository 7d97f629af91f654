import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { seedDemo } from '../../src/demo/index.js';
import { extractWatermark, readCsvTable, visibleText } from '../../src/exchange/index.js';
import { createLogger, makeCitizenId } from '../../src/kernel/index.js';
import { engines } from '../databases.js';

type App = Awaited<ReturnType<typeof buildApp>>;
const PASSWORD = 'csv-injection-password';
/** Values a spreadsheet would run as formulas (OWASP "CSV Injection"); ingest trims tab and CR away. */
const DANGEROUS = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", '-2+3', '@SUM(1,1)'];

/** Every CSV the hub writes leaves would-be formulas as text; XLSX keeps the values as they are. */
describe.each(engines())('CSV formula injection on $name', (engine) => {
  let hub: Hub;
  let app: App;
  const tokens: Record<string, string> = {};
  let code: string;
  // Enough distinct texts for the watermark to be read back (docs/watermark.md).
  const ROWS = 40;
  const keys = Array.from({ length: ROWS }, (_, i) => makeCitizenId('370102', '1980-05-17', 200 + i));
  const note = (i: number) => `${DANGEROUS[i % DANGEROUS.length]} #${i}`;
  const remark = (i: number) => `${DANGEROUS[(i + 1) % DANGEROUS.length]} ~${i}`;

  beforeAll(async () => {
    if (engine.skip) return;
    hub = await openHub({ databaseUrl: await engine.createDatabase(), dataDir: 'memory://', headIntervalMs: 100 });
    await seedDemo(hub, { password: PASSWORD, people: 50 });
    app = await buildApp(hub, { logger: createLogger('silent') });
    for (const u of ['operator', 'officer', 'consumer', 'auditor']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: u, password: PASSWORD },
      });
      tokens[u] = res.json().token;
    }
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
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const call = (user: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, payload, headers: { authorization: `Bearer ${tokens[user]}` } });
  const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const cells = (body: string): string[][] => parse(body.replace(/^\uFEFF/, ''), { relax_column_count: true });

  it.skipIf(engine.skip)('neutralizes the data-service export, and its watermark still names the export', async () => {
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
    expect(rows.map((r) => [visibleText(r[1]!), visibleText(r[2]!)]).sort()).toEqual(
      expected.map((pair) => pair.map((v) => `'${v}`)),
    );

    const table = readCsvTable(res.body);
    expect(extractWatermark(table, hub.exchange.watermarkSecret).mark).toBe(
      /-([0-9A-Z]{12})\.csv/.exec(String(res.headers['content-disposition']))![1],
    );
    expect(
      table
        .slice(1)
        .map((r) => [visibleText(r[1]!), visibleText(r[2]!)])
        .sort(),
    ).toEqual(expected);
  });

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
