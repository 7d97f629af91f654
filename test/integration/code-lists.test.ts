import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/http/index.js';
import { makeCitizenId } from '../../src/kernel/index.js';
import { engines } from '../databases.js';
import { openSeededApp, type App } from '../seeded-app.js';

/**
 * #14: a person file written with the national codes (性别 1/2 per GB/T 2261.1, 民族 01 per
 * GB/T 3304, 婚姻状况 20 per GB/T 2261.2) loads into fields bound to those data elements, and
 * is stored in the one form every record holds: the label. A code that is on no list is refused.
 */
describe.each(engines())('national code lists on $name', (engine) => {
  let hub: Hub;
  let app: App;
  let tokens: Record<string, string> = {};

  beforeAll(async () => {
    if (engine.skip) return;
    ({ hub, app, tokens } = await openSeededApp(engine, ['officer', 'operator']));
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const call = (user: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, payload, headers: { authorization: `Bearer ${tokens[user]}` } });

  const upload = (resource: string, csv: string) => {
    const boundary = '----qdhcodes';
    const payload =
      `--${boundary}\r\nContent-Disposition: form-data; name="resource"\r\n\r\n${resource}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="people.csv"\r\n` +
      `Content-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`;
    return app.inject({
      method: 'POST',
      url: '/api/v1/ingest/jobs',
      payload,
      headers: {
        authorization: `Bearer ${tokens.officer}`,
        'accept-language': 'en',
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
    });
  };

  it.skipIf(engine.skip)('loads codes or labels, stores labels, and still refuses a wrong code', async () => {
    const registered = await call('officer', 'POST', '/api/v1/catalog/resources', {
      name: '流动人口登记信息（代码集测试）',
      summary: '',
      category: 'department',
      shareType: 'conditional',
      shareCondition: '仅用于人口服务管理',
      openType: 'closed',
      level: 'important',
      keyField: 'sfzh',
      fields: [
        { name: 'sfzh', label: '公民身份号码', element: 'citizen_id', required: true },
        { name: 'xb', label: '性别', element: 'gender', required: true },
        { name: 'mz', label: '民族', element: 'ethnicity' },
        { name: 'hyzk', label: '婚姻状况', element: 'marital_status' },
      ],
    });
    expect(registered.statusCode).toBe(201);
    const code = registered.json().code as string;
    expect((await call('officer', 'POST', `/api/v1/catalog/resources/${code}/submit`)).statusCode).toBe(200);
    expect((await call('operator', 'POST', `/api/v1/catalog/resources/${code}/approve`)).statusCode).toBe(200);
    expect((await call('operator', 'POST', `/api/v1/catalog/resources/${code}/publish`)).statusCode).toBe(200);

    // The 17th digit of a citizen ID is odd for men, even for women (the built-in gender rule).
    const man = makeCitizenId('370102', '1980-05-01', 11);
    const woman = makeCitizenId('370103', '1985-07-02', 22);
    const second = makeCitizenId('370104', '1990-01-03', 31);
    const wrong = makeCitizenId('370105', '1992-03-04', 41);
    const csv = [
      'sfzh,xb,mz,hyzk',
      `${man},1,01,20`,
      `${woman},2, 03 ,10`,
      `${second}, 男 ,汉族,已婚`,
      `${wrong},3,01,20`,
    ].join('\n');
    const res = await upload(code, csv);
    expect(res.statusCode, res.body).toBe(200);
    const job = res.json();
    expect(job).toMatchObject({ rowsRead: 4, rowsLoaded: 3, rowsRejected: 1 });
    expect(job.rejects).toHaveLength(1);
    expect(job.rejects[0]).toMatchObject({ row: 5, field: 'xb', reason: expect.stringMatching(/code list/) });

    const page = await call('officer', 'GET', `/api/v1/catalog/resources/${code}/records?page=1&pageSize=10`);
    expect(page.statusCode, page.body).toBe(200);
    const byKey = new Map(
      (page.json().items as Array<Record<string, unknown>>).map((r) => [r.sfzh as string, [r.xb, r.mz, r.hyzk]]),
    );
    expect(byKey.get(man)).toEqual(['男', '汉族', '已婚']);
    expect(byKey.get(woman)).toEqual(['女', '回族', '未婚']);
    expect(byKey.get(second)).toEqual(['男', '汉族', '已婚']);
    expect(byKey.has(wrong)).toBe(false);
  });
});
