import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { createLogger, DEFAULT_UPLOAD_LIMITS } from '../../src/kernel/index.js';
import { engines, SEEDED_PASSWORD as PASSWORD } from '../databases.js';
import { deflatedText, hostileWorkbook } from '../zip-bomb.js';

type App = Awaited<ReturnType<typeof buildApp>>;
const RESOURCE = 'JNRSJ-0001';
const B = '----qdhlimits';
const SST = [
  '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>',
  '</t></si></sst>',
];

/**
 * #13: uploads that would hold a connection, a job or the memory: a body cut short or trickling
 * in (answered 408 on a real socket, the job failed), workbooks that inflate to hundreds of
 * megabytes (413/422 at once), and malformed multipart (4xx, never 500).
 */
describe.each(engines())('upload limits on $name', (engine) => {
  let hub: Hub;
  let app: App;
  let port: number;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    if (engine.skip) return;
    hub = await openHub({ ...(await engine.seededDatabase()), headIntervalMs: 100 });
    const limits = { ...DEFAULT_UPLOAD_LIMITS, bodyIdleMs: 400, bodyMinRate: 50 };
    app = await buildApp(hub, { logger: createLogger('silent'), limits });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
    for (const username of ['officer', 'officer_rsj', 'auditor']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: PASSWORD },
      });
      tokens[username] = res.json().token;
    }
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const multipart = (filename: string, file: Buffer | string, resource = true) =>
    Buffer.concat([
      Buffer.from(
        (resource ? `--${B}\r\nContent-Disposition: form-data; name="resource"\r\n\r\n${RESOURCE}\r\n` : '') +
          `--${B}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n\r\n`,
      ),
      Buffer.from(file),
      Buffer.from(`\r\n--${B}--\r\n`),
    ]);
  const post = (user: string, url: string, payload: Buffer, contentType = `multipart/form-data; boundary=${B}`) =>
    app.inject({
      method: 'POST',
      url,
      payload,
      headers: { authorization: `Bearer ${tokens[user]}`, 'content-type': contentType },
    });

  /** Sends the head and `sent` on a raw socket, then nothing (or `trickle` a byte at a time); resolves with all the server said. */
  const rawPost = (path: string, headers: Record<string, string>, sent: Buffer, length: number, trickleMs?: number) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      let trickle: NodeJS.Timeout | undefined;
      socket.on('data', (d) => (answer += d.toString()));
      socket.on('close', () => {
        clearInterval(trickle);
        resolve(answer);
      });
      socket.on('error', reject);
      const head = Object.entries({ ...headers, 'content-length': String(length), host: 'localhost' })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
      socket.write(sent);
      if (trickleMs) trickle = setInterval(() => socket.write(' '), trickleMs);
    });
  const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
  const problemOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { code: string };

  const latestJob = async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/ingest/jobs?resource=${RESOURCE}&pageSize=1`,
      headers: { authorization: `Bearer ${tokens.officer_rsj}` },
    });
    return res.json().items[0] as { state: string; error: string | null; errorCode: string | null; source: string };
  };

  it.skipIf(engine.skip)('answers 408 to an upload cut short under its Content-Length, and fails its job', async () => {
    const body = multipart(
      'cut.csv',
      'citizen_id,insurance_type,start_date,active\n'.repeat(1) + 'x,y,z,是\n'.repeat(50),
    );
    const sent = body.subarray(0, body.length - 200);
    const answer = await rawPost(
      '/api/v1/ingest/jobs',
      { authorization: `Bearer ${tokens.officer_rsj}`, 'content-type': `multipart/form-data; boundary=${B}` },
      sent,
      body.length,
    );
    expect(statusOf(answer)).toBe(408);
    expect(problemOf(answer).code).toBe('KRN_REQUEST_TIMEOUT');
    await vi.waitFor(
      async () => expect(await latestJob()).toMatchObject({ source: 'upload:cut.csv', state: 'failed' }),
      {
        timeout: 10_000,
        interval: 50,
      },
    );
    // The job keeps the problem's code; its text is in the reader's language (zh-CN here, by default).
    expect(await latestJob()).toMatchObject({
      errorCode: 'KRN_REQUEST_TIMEOUT',
      error: expect.stringContaining('秒内未收到'),
    });
  });

  it.skipIf(engine.skip)('answers 408 to a JSON body that stops, and to one that trickles in too slowly', async () => {
    const json = { 'content-type': 'application/json' };
    const stopped = await rawPost('/api/v1/auth/login', json, Buffer.from('{"username":'), 100);
    expect(statusOf(stopped)).toBe(408);
    expect(problemOf(stopped).code).toBe('KRN_REQUEST_TIMEOUT');
    // A byte every 50 ms never pauses for the 400 ms idle bound, but is 20 bytes/s, under the 50 allowed.
    const slow = await rawPost('/api/v1/auth/login', json, Buffer.from('{'), 100_000, 50);
    expect(statusOf(slow)).toBe(408);
    expect(problemOf(slow).code).toBe('KRN_REQUEST_TIMEOUT');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it.skipIf(engine.skip)('answers 413 at once to a small workbook whose shared string inflates to 300 MB', async () => {
    const sst = await deflatedText(SST[0]!, 'a', 300 * 2 ** 20, SST[1]!);
    const bomb = await hostileWorkbook([['citizen_id']], [{ ...sst, name: 'xl/sharedStrings.xml' }]);
    expect(bomb.length).toBeLessThan(2 ** 20);
    const before = process.memoryUsage().rss;
    const res = await post('officer_rsj', '/api/v1/ingest/jobs', multipart('bomb.xlsx', bomb));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'KRN_PAYLOAD_TOO_LARGE', errors: [{ field: 'file' }] });
    expect(await latestJob()).toMatchObject({ source: 'upload:bomb.xlsx', state: 'failed' });
    // Not inflated: far less than the 300 MB the string would take (600 MB as a JS string).
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 2 ** 20);
    const imported = await post('officer', '/api/v1/catalog/import', multipart('bomb.xlsx', bomb, false));
    expect(imported.statusCode).toBe(413);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it.skipIf(engine.skip)('refuses a long shared string (422) and a sheet declaring 3 million rows (413)', async () => {
    const sst = await deflatedText(SST[0]!, '甲', 4 * 2 ** 20, SST[1]!);
    const long = await hostileWorkbook([['citizen_id']], [{ ...sst, name: 'xl/sharedStrings.xml' }]);
    expect((await post('officer_rsj', '/api/v1/ingest/jobs', multipart('long.xlsx', long))).statusCode).toBe(422);
    expect((await post('officer', '/api/v1/catalog/import', multipart('long.xlsx', long, false))).statusCode).toBe(422);
    const row = '<row r="1"><c r="A1" t="inlineStr"><is><t>citizen_id</t></is></c></row>';
    const head = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';
    const sheet = await deflatedText(
      `${head}<dimension ref="A1:D3000000"/><sheetData>`,
      row,
      1,
      '</sheetData></worksheet>',
    );
    const tall = await hostileWorkbook([['x']], [{ ...sheet, name: 'xl/worksheets/sheet1.xml' }]);
    const res = await post('officer_rsj', '/api/v1/ingest/jobs', multipart('tall.xlsx', tall));
    expect(res.statusCode).toBe(413);
    expect(res.json().detail).toContain('3000000');
  });

  it.skipIf(engine.skip)(
    'answers multipart without a boundary, with a wrong one, or a NUL file name with 4xx',
    async () => {
      const routes: Array<[string, string]> = [
        ['officer_rsj', '/api/v1/ingest/jobs'],
        ['officer', '/api/v1/catalog/import'],
        ['auditor', '/api/v1/monitoring/exports/identify'],
      ];
      for (const [user, url] of routes) {
        const body = multipart('a.csv', 'a,b\n1,2\n', url.includes('ingest'));
        const cases = [
          await post(user, url, body, 'multipart/form-data'),
          await post(user, url, body, 'multipart/form-data; boundary=not-the-one'),
          await post(user, url, multipart('a\0b.csv', 'a,b\n1,2\n', url.includes('ingest'))),
        ];
        for (const res of cases) {
          expect(res.statusCode, `${url}: ${res.body}`).toBeGreaterThanOrEqual(400);
          expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(500);
          expect(res.json().code).toMatch(/^KRN_/);
        }
      }
    },
  );
});
