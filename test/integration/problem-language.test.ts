import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/http/index.js';

import { engines } from '../databases.js';
import { openSeededApp, type App } from '../seeded-app.js';

const PERSON = 'JNGAJ-0001';
/** A citizen ID whose check digit is wrong: X is right. */
const BAD_ID = '110105194912310021';

/** Latin words a Chinese answer may carry: the stable codes, field pointers and values it names. */
const latinWords = (text: string, allowed: string[]) =>
  (text.match(/[A-Za-z][A-Za-z_]*/g) ?? []).filter((w) => !allowed.includes(w));

/**
 * The same bad request answers in Chinese by default and in English with `Accept-Language: en`:
 * a HubError, a schema validation error, a field problem and a refusal — title, detail and
 * each reason, with the stable code and the params beside them.
 */
describe.each(engines())('problem language on $name', (engine) => {
  let hub: Hub;
  let app: App;
  let tokens: Record<string, string> = {};

  beforeAll(async () => {
    if (engine.skip) return;
    ({ hub, app, tokens } = await openSeededApp(engine, ['officer', 'consumer']));
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const ask = async (
    request: { user?: string; method?: 'GET' | 'POST'; url: string; payload?: object },
    language?: string,
  ) => {
    const headers: Record<string, string> = {};
    if (request.user) headers.authorization = `Bearer ${tokens[request.user]}`;
    if (language) headers['accept-language'] = language;
    const res = await app.inject({
      method: request.method ?? 'GET',
      url: request.url,
      payload: request.payload,
      headers,
    });
    return { res, body: res.json() };
  };
  /** The answer in zh-CN (no header, and asked for) and in English. */
  const both = async (request: Parameters<typeof ask>[0]) => {
    const zh = await ask(request);
    const zhAsked = await ask(request, 'zh-CN,zh;q=0.9,en;q=0.8');
    const en = await ask(request, 'en-US,en;q=0.9');
    expect(zhAsked.body).toEqual(zh.body);
    expect(zh.res.headers['content-language']).toBe('zh-CN');
    expect(en.res.headers['content-language']).toBe('en');
    expect(zh.res.statusCode).toBe(en.res.statusCode);
    expect(zh.body.code).toBe(en.body.code);
    return { zh: zh.body, en: en.body };
  };

  it.skipIf(engine.skip)('a HubError: no such resource', async () => {
    const { zh, en } = await both({ user: 'officer', url: '/api/v1/catalog/resources/NOPE-9999' });
    expect(zh).toMatchObject({
      code: 'CAT_RESOURCE_NOT_FOUND',
      title: '目录中没有该数据资源',
      detail: '没有数据资源 NOPE-9999',
      detailCode: 'catalog.noResource',
      params: { code: 'NOPE-9999' },
    });
    expect(en).toMatchObject({
      title: 'No such catalog resource',
      detail: 'no resource NOPE-9999',
      detailCode: 'catalog.noResource',
    });
  });

  it.skipIf(engine.skip)('a schema validation error: a login without its password', async () => {
    const { zh, en } = await both({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'officer' } });
    expect(zh).toMatchObject({ code: 'KRN_BAD_REQUEST', title: '请求有误' });
    expect(zh.errors).toEqual([{ field: 'body/password', reason: '必填', code: 'schema.required', params: {} }]);
    expect(zh.detail).toBe('body/password：必填');
    expect(en.errors).toEqual([{ field: 'body/password', reason: 'required', code: 'schema.required', params: {} }]);
    expect(en.detail).toBe('body/password: required');
  });

  it.skipIf(engine.skip)('a schema validation error of a type: a page that is not a number', async () => {
    const { zh, en } = await both({ user: 'officer', url: '/api/v1/catalog/resources?page=abc' });
    expect(zh.errors[0]).toMatchObject({ field: 'querystring/page', reason: '应为整数', code: 'schema.type' });
    expect(en.errors[0]).toMatchObject({ field: 'querystring/page', reason: 'must be an integer' });
  });

  it.skipIf(engine.skip)('a field problem: a record lookup by a citizen ID with a wrong check digit', async () => {
    const { zh, en } = await both({
      user: 'consumer',
      url: `/api/v1/catalog/resources/${PERSON}/records?key=${BAD_ID}&purpose=social_assistance`,
    });
    expect(zh).toMatchObject({ code: 'KRN_VALIDATION', title: '输入有误' });
    expect(zh.errors[0]).toMatchObject({
      reason: '校验码应为 X，实际为 1',
      code: 'id.checkDigit',
      params: { expected: 'X', got: '1' },
    });
    expect(en.errors[0]).toMatchObject({ reason: 'check digit should be X, got 1', code: 'id.checkDigit' });
    expect(en.detail).toMatch(/check digit should be X, got 1$/);
    expect(latinWords(`${zh.title} ${zh.detail} ${zh.errors[0].reason}`, ['key', 'X'])).toEqual([]);
  });

  it.skipIf(engine.skip)('a refusal names the action in words, not as a policy code', async () => {
    const { zh, en } = await both({ user: 'officer', url: '/api/v1/base/labels' });
    expect(zh).toMatchObject({
      code: 'ACC_FORBIDDEN',
      title: '无权进行此操作',
      detail: 'officer 无权查阅基础库',
      detailCode: 'access.mayNot',
    });
    expect(en).toMatchObject({ title: 'Not permitted', detail: 'officer may not read the base databases' });
    expect(JSON.stringify(zh)).not.toContain('base:read');
  });

  it.skipIf(engine.skip)('an unknown language answers in Chinese; q-values choose', async () => {
    const request = { user: 'officer', url: '/api/v1/catalog/resources/NOPE-9999' };
    expect((await ask(request, 'fr-FR')).body.detail).toBe('没有数据资源 NOPE-9999');
    expect((await ask(request, 'zh;q=0.4, en;q=0.6')).body.detail).toBe('no resource NOPE-9999');
  });
});
