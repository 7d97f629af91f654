import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { sendProblem } from './problem.js';

function appThrowing(error: Error) {
  const app = Fastify();
  app.setErrorHandler((e: Error, request, reply) => sendProblem(e, request, reply));
  app.get('/', async () => {
    throw error;
  });
  return app;
}

const dbError = (code: string) => Object.assign(new Error('from the database'), { code });

describe('sendProblem', () => {
  it('answers a database data exception (SQLSTATE class 22) with 400, also when wrapped', async () => {
    for (const error of [dbError('22P05'), new Error('query failed', { cause: dbError('22003') })]) {
      const res = await appThrowing(error).inject('/');
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'KRN_BAD_REQUEST', instance: '/' });
      expect(res.body).not.toContain('from the database');
    }
  });

  it('answers a database that went away with 503 and Retry-After, in the request’s language', async () => {
    const gone = [
      dbError('57P01'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
      new Error('query failed', { cause: new Error('timeout exceeded when trying to connect') }),
    ];
    for (const error of gone) {
      const res = await appThrowing(error).inject({ url: '/', headers: { 'accept-language': 'en' } });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.json()).toMatchObject({
        code: 'KRN_UNAVAILABLE',
        detail: expect.stringMatching(/cannot be reached for a moment .*try again in \d+ s/),
      });
    }
    const zh = await appThrowing(dbError('57P03')).inject('/');
    expect(zh.json().detail).toMatch(/^数据库暂时无法访问（57P03）/);
  });

  it('keeps other database errors internal', async () => {
    const res = await appThrowing(dbError('23505')).inject('/');
    expect(res.statusCode).toBe(500);
    expect(res.json().code).toBe('KRN_INTERNAL');
  });

  it('gives Fastify’s own client errors catalogue codes', async () => {
    const tooLarge = Object.assign(new Error('body too large'), {
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    });
    expect((await appThrowing(tooLarge).inject('/')).json()).toMatchObject({
      status: 413,
      code: 'KRN_PAYLOAD_TOO_LARGE',
    });
    const notMultipart = Object.assign(new Error('not multipart'), { statusCode: 406, code: 'FST_INVALID_MULTIPART' });
    expect((await appThrowing(notMultipart).inject('/')).json()).toMatchObject({
      status: 415,
      code: 'KRN_UNSUPPORTED_MEDIA_TYPE',
    });
    const slow = Object.assign(new Error('body timeout'), { statusCode: 408, code: 'FST_ERR_REQUEST_TIMEOUT' });
    expect((await appThrowing(slow).inject('/')).json()).toMatchObject({ status: 408, code: 'KRN_REQUEST_TIMEOUT' });
    const badJson = Object.assign(new Error('bad json'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    expect((await appThrowing(badJson).inject('/')).json()).toMatchObject({ status: 400, code: 'KRN_BAD_REQUEST' });
  });
});
