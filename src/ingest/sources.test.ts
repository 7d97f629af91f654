import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkQuery,
  checkSource,
  connectionOrg,
  describeSource,
  hostAllowed,
  httpSource,
  namedConnections,
  openSource,
  type SourceSpec,
} from './sources.js';

const env = {
  QDH_INGEST_HOSTS: '127.0.0.1, *.jinan.gov.cn',
  QDH_SOURCE_CENSUS: 'postgres://reader:s3cret@db.internal/census',
  QDH_SOURCE_CENSUS_ORG: 'JNTJJ',
  QDH_SOURCE_OPENAPI: 'https://api.jinan.gov.cn/v1/?appkey=k1',
  QDH_SOURCE_OPENAPI_AUTHORIZATION: 'Bearer t0ken',
};
const refused = (spec: SourceSpec, field: RegExp, ctx = {}) =>
  expect(() => checkSource(spec, { env, ...ctx })).toThrow(
    expect.objectContaining({
      code: 'ING_BAD_SOURCE',
      problems: [expect.objectContaining({ field: expect.stringMatching(field) })],
    }),
  );

describe('source specs', () => {
  it('keeps credentials out of specs: passwords, tokens and secret headers are refused', () => {
    const db = (url: string): SourceSpec => ({ kind: 'database', url, query: 'select 1' });
    refused(db('postgres://u:pw@127.0.0.1/x'), /^source\/url$/);
    refused(db('postgres://u@127.0.0.1/x?password=pw'), /^source\/url$/);
    refused(db('postgres://u@127.0.0.1/x?host=/var/run/postgresql'), /^source\/url$/);
    refused({ kind: 'http', url: 'http://u:p@127.0.0.1/a' }, /^source\/url$/);
    refused({ kind: 'http', url: 'http://127.0.0.1/a?access_token=x' }, /^source\/url/);
    refused(
      { kind: 'http', url: 'http://127.0.0.1/a', headers: { Authorization: 'Bearer x' } },
      /headers\/Authorization/,
    );
    refused({ kind: 'http', url: 'http://127.0.0.1/a', headers: { 'X-Api-Key': 'x' } }, /headers/);
    expect(() => checkSource(db('postgres://reader@127.0.0.1/x?sslmode=require'), { env })).not.toThrow();
  });

  it('lets ad-hoc URLs reach only the listed hosts, and named connections anywhere', () => {
    refused({ kind: 'http', url: 'http://169.254.169.254/latest' }, /url/);
    refused({ kind: 'database', url: 'postgres://reader@db.internal/x', query: 'select 1' }, /url/);
    expect(() => checkSource({ kind: 'http', url: 'https://data.jinan.gov.cn/a' }, { env })).not.toThrow();
    expect(() => checkSource({ kind: 'database', connection: 'census', query: 'select 1' }, { env })).not.toThrow();
    refused({ kind: 'database', connection: 'nosuch', query: 'select 1' }, /connection/);
    refused({ kind: 'http', connection: 'openapi', url: 'https://evil.example/' }, /url/);
    // The command line is run by whoever holds the server: no host list, but still no passwords.
    expect(() => checkSource({ kind: 'http', url: 'http://10.0.0.8/a' }, { env, trusted: true })).not.toThrow();
    refused({ kind: 'database', url: 'postgres://u:pw@10.0.0.8/x', query: 'select 1' }, /url/, { trusted: true });
    expect(hostAllowed('jinan.gov.cn', '*.jinan.gov.cn')).toBe(false);
    expect(hostAllowed('A.Jinan.gov.cn', '*.jinan.gov.cn')).toBe(true);
  });

  it('runs only SELECT and WITH queries', () => {
    expect(() => checkQuery('-- people\n/* all */ SELECT * from p')).not.toThrow();
    expect(() => checkQuery('with x as (select 1) select * from x')).not.toThrow();
    expect(() => checkQuery('delete from p')).toThrow(/only a SELECT/);
    expect(() => checkQuery('selectx from p')).toThrow(/only a SELECT/);
  });

  it('describes sources without their secrets and names connection owners', () => {
    expect(describeSource({ kind: 'database', connection: 'census', query: 'select 1' })).toBe('database:census');
    expect(describeSource({ kind: 'http', url: 'http://127.0.0.1:8/a/b?page=1' })).toBe('http:127.0.0.1:8/a/b');
    expect(connectionOrg({ kind: 'database', connection: 'census', query: 'select 1' }, env)).toBe('JNTJJ');
    expect(namedConnections(env)).toEqual([
      { name: 'census', kind: 'database', org: 'JNTJJ' },
      { name: 'openapi', kind: 'http', org: null },
    ]);
  });
});

describe('HTTP source', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ url: string; auth: string | undefined }> = [];
  const people = Array.from({ length: 5 }, (_, i) => ({ id: i + 1, name: `人${i + 1}`, tags: ['a'], note: null }));

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      seen.push({ url: req.url!, auth: req.headers.authorization });
      res.setHeader('content-type', 'application/json');
      if (url.pathname === '/paged') {
        const page = Number(url.searchParams.get('page'));
        const size = Number(url.searchParams.get('size') ?? 2);
        const slice = people.slice((page - 1) * size, page * size);
        // Page 2 has a key the first page lacks: it is not read (the header is the first page's keys).
        return res.end(JSON.stringify({ data: { list: page === 2 ? slice.map((p) => ({ ...p, late: 1 })) : slice } }));
      }
      if (url.pathname === '/linked') {
        const after = Number(url.searchParams.get('after') ?? 0);
        const next = after + 2 < people.length ? `/linked?after=${after + 2}` : null;
        return res.end(JSON.stringify({ items: people.slice(after, after + 2), next }));
      }
      if (url.pathname === '/away')
        return res.end(JSON.stringify({ items: [people[0]], next: 'http://example.com/x' }));
      if (url.pathname === '/broken') {
        res.statusCode = Number(url.searchParams.get('page')) === 2 ? 503 : 200;
        return res.end(JSON.stringify([people[0]]));
      }
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const all = async (rows: AsyncIterable<string[]>) => {
    const out: string[][] = [];
    for await (const r of rows) out.push(r);
    return out;
  };

  it('reads numbered pages until an empty one, the header from the first page’s keys', async () => {
    const rows = await all(
      httpSource({ url: `${base}/paged`, pageSize: 2, pageSizeParam: 'size', itemsPath: 'data.list', maxPages: 10 }),
    );
    expect(rows[0]).toEqual(['id', 'name', 'tags', 'note']);
    expect(rows.slice(1)).toEqual(people.map((p) => [String(p.id), p.name, '["a"]', '']));
    expect(seen.filter((s) => s.url.startsWith('/paged')).map((s) => s.url)).toEqual([
      '/paged?page=1&size=2',
      '/paged?page=2&size=2',
      '/paged?page=3&size=2',
      '/paged?page=4&size=2',
    ]);
  });

  it('follows next links on the same host only, and bounds the pages', async () => {
    expect((await all(httpSource({ url: `${base}/linked` }))).length).toBe(6);
    await expect(all(httpSource({ url: `${base}/away` }))).rejects.toThrow(/next leaves 127\.0\.0\.1/);
    await expect(all(httpSource({ url: `${base}/linked`, maxPages: 2 }))).rejects.toThrow(/more than 2 pages/);
  });

  it('names the page that failed, and tells a refusal from a failure worth retrying', async () => {
    await expect(all(httpSource({ url: `${base}/broken` }))).rejects.toMatchObject({
      code: 'ING_SOURCE_FAILED',
      message: expect.stringMatching(/page 2 \(127\.0\.0\.1:\d+\/broken\): HTTP 503/),
    });
    await expect(all(httpSource({ url: `${base}/nothing` }))).rejects.toMatchObject({ code: 'ING_BAD_SOURCE' });
  });

  it('sends a named connection’s credentials as a header, never in the URL', async () => {
    const local = { QDH_SOURCE_LOCAL: `http://reader:pa%20ss@127.0.0.1:${new URL(base).port}/?size=5` };
    const rows = await all(
      openSource({ kind: 'http', connection: 'local', url: 'paged', itemsPath: 'data.list' }, { env: local }),
    );
    expect(rows).toHaveLength(6);
    const last = seen.at(-1)!;
    expect(last.url).toBe('/paged?size=5&page=2');
    expect(Buffer.from(last.auth!.replace('Basic ', ''), 'base64').toString()).toBe('reader:pa ss');
  });
});
