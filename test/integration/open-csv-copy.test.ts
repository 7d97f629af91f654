import { request } from 'node:http';
import type { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Author, ResourceInput } from '../../src/catalog/index.js';
import { advance } from '../../src/demo/catalog.js';
import { sql } from '../../src/db/index.js';
import { neutralizeCsvCell } from '../../src/kernel/index.js';
import { csvDownload, download, type OpenDataset } from '../../src/open/index.js';
import { jsNumberSql, neutralizedSql } from '../../src/records/csv-copy.js';
import type { RecordRow } from '../../src/records/index.js';
import { engines } from '../databases.js';
import { openSeededApp, type SeededApp } from '../seeded-app.js';

const postgres = engines().find((e) => e.name === 'postgres')!;

const content = (name: string, fields: ResourceInput['fields']): ResourceInput => ({
  name,
  summary: `${name}：下载检验用`,
  category: 'department',
  shareType: 'unconditional',
  openType: 'open',
  level: 'general',
  levelReason: '检验用的示例数据，不含真实个人信息',
  keywords: ['下载检验'],
  keyField: 'k',
  fields,
});

/** Every type a field can have, and the value shapes the JavaScript writer treats differently. */
const FIELDS: ResourceInput['fields'] = [
  { name: 'k', label: '编号', type: 'string', required: true },
  { name: 's', label: '文本', type: 'string' },
  { name: 'i', label: '整数', type: 'integer' },
  { name: 'n', label: '数值', type: 'number' },
  { name: 'b', label: '是否', type: 'boolean' },
  { name: 'd', label: '日期', type: 'date' },
];

/** Values that quoting, neutralization and number printing each treat on their own. */
const TRICKY: Array<Record<string, unknown>> = [
  { s: 'plain', i: 0, n: 0, b: true, d: '2024-02-29' },
  { s: 'a,b', i: -5, n: -0.5, b: false, d: null },
  { s: 'say "hi"', i: 10, n: 1.5, b: null, d: '1999-12-31' },
  { s: 'line\nbreak', i: 1e15, n: 0.1 + 0.2, d: '' },
  { s: 'cr\rhere', i: 123456789012345, n: 1e21 },
  { s: '济南市历下区泉城路', n: 1e-7, i: null },
  { s: '=SUM(A1:A2)', n: 1.25e-5, i: 100 },
  { s: '+86 531', n: 123456789.123 },
  { s: '-12', n: -1e-7, i: -100 },
  { s: '@admin', n: 2 ** 53 + 2 },
  { s: '\t=1', n: 5e-324 },
  { s: '\r=1', n: Number.MAX_VALUE },
  { s: "'=1", n: 1e15 },
  { s: "''+x", n: 0.000001 },
  { s: "'plain", n: 1234.5678e10 },
  { s: "'''", n: 1e300 },
  { s: '', n: -1e21 },
  { s: '0.10', n: 100.25 },
  { s: '007', i: 7 },
  { s: '[1,2]', n: 12 },
  { s: '{"a":1}' },
  { s: '~not sealed' },
  { s: '\\.', n: 3 },
  { s: ' 前后空格 ' },
  { s: 'true', b: true },
  { s: '1e5', n: 1e5 },
  { s: '—破折号', n: -0 },
  { s: '😀 emoji', i: 42 },
  { s: 'a"b,c\r\nd', n: 7.0e-6 },
  // A string where a number is declared, a number where a string is: the value decides, as in JavaScript.
  { s: -3, n: '-3', i: '=1', b: 'yes', d: 20240101 },
  { s: 12.5, n: '1.50', i: 'abc' },
];

const rowsOf = (docs: Array<Record<string, unknown>>): RecordRow[] =>
  docs.map((doc, i) => {
    const k = `K${String(i).padStart(5, '0')}`;
    return { key: k, sourceRow: i + 1, doc: { k, ...doc } };
  });

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

/**
 * The portal's CSV download written by PostgreSQL's COPY (records/csv-copy.ts) is the CSV the
 * JavaScript path writes, byte for byte; the SQL twins of neutralizeCsvCell and of JavaScript's
 * number printing agree with them on generated values; masked datasets and PGlite keep the
 * JavaScript path; and a client that goes away ends the COPY and gives its connection back.
 */
describe.skipIf(postgres.skip)('the CSV download written by PostgreSQL', () => {
  let s: SeededApp;
  let plain: OpenDataset;
  let masked: OpenDataset;
  let officer: Author;
  let operator: Author;

  const publish = async (name: string, fields: ResourceInput['fields']) => {
    const r = await s.hub.catalog.register('JNGAJ', officer, content(name, fields));
    await advance(s.hub, r.code, 'published', officer, operator);
    return r;
  };
  const load = async (id: number, docs: Array<Record<string, unknown>>) => {
    await s.hub.records.load(
      id,
      `csv-copy-${id}-${Date.now()}`,
      (async function* () {
        yield rowsOf(docs);
      })(),
      { snapshot: true },
    );
  };
  /** Both paths' bytes for the dataset as it is now. */
  const both = async (ds: OpenDataset) => {
    const rows = await s.hub.open.csvRows(ds);
    expect(rows, 'the COPY path is taken').toBeDefined();
    const copied = await bytesOf(csvDownload(ds.open.fields, rows!));
    const written = await bytesOf(download('csv', ds.open.fields, s.hub.open.stream(ds)));
    return { copied, written };
  };

  beforeAll(async () => {
    s = await openSeededApp(postgres, [], { openLimits: { anonymous: { perMinute: 1_000_000, perDay: 1_000_000 } } });
    officer = { userId: (await s.hub.access.actorOf('officer')).userId, username: 'officer' };
    operator = { userId: (await s.hub.access.actorOf('operator')).userId, username: 'operator' };
    const p = await publish('数据库直出下载检验', FIELDS);
    await load(p.id, TRICKY);
    plain = await s.hub.open.find(p.code.toLowerCase());
    const m = await publish('数据库直出下载检验（含脱敏）', [
      ...FIELDS.slice(0, 2),
      { name: 'contact', label: '联系人', type: 'string', sensitivity: 2 },
    ]);
    await load(m.id, [{ s: 'x', contact: '张三丰' }]);
    masked = await s.hub.open.find(m.code.toLowerCase());
  });
  afterAll(async () => {
    await s?.close();
  });

  it('neutralizes exactly the cells neutralizeCsvCell does', async () => {
    const lead = fc.constantFrom('', "'", "''", "'''");
    const first = fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ' ', 'a', '中', '"', ',', '~', '0', '＝');
    const text = fc.tuple(lead, first, fc.string({ unit: 'grapheme' })).map(([a, b, c]) => a + b + c);
    const values = fc.array(fc.oneof(text, fc.string({ unit: 'grapheme' })), { minLength: 1, maxLength: 50 });
    await fc.assert(
      fc.asyncProperty(values, async (raw) => {
        const strings = raw.map((v) => v.replace(/\0/g, ''));
        const { rows } = await sql<{ out: string }>`select ${neutralizedSql(sql`u.s`)} as out
          from unnest(${strings}::text[]) with ordinality as u(s, n) order by u.n`.execute(s.hub.db.kysely);
        expect(rows.map((r) => r.out)).toEqual(strings.map(neutralizeCsvCell));
      }),
      { numRuns: 60 },
    );
  });

  it('prints numbers as JavaScript does, whatever text jsonb keeps for them', async () => {
    const literal = fc
      .tuple(
        fc.boolean(),
        fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,24}$/)),
        fc.option(fc.stringMatching(/^[0-9]{1,20}$/)),
        fc.option(fc.integer({ min: -300, max: 280 })),
      )
      .map(
        ([neg, int, frac, exp]) => `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}${exp === null ? '' : `e${exp}`}`,
      );
    const doubles = fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d));
    const integers = fc.integer().map(String);
    const texts = fc.array(fc.oneof(literal, doubles, integers), { minLength: 1, maxLength: 50 });
    await fc.assert(
      fc.asyncProperty(texts, async (nums) => {
        const { rows } = await sql<{ out: string }>`select ${jsNumberSql(sql`(e #>> '{}')`)} as out
          from jsonb_array_elements(${`[${nums.join(',')}]`}::jsonb) with ordinality as u(e, n) order by u.n`.execute(
          s.hub.db.kysely,
        );
        expect(rows.map((r) => r.out)).toEqual(nums.map((t) => String(Number(t))));
      }),
      { numRuns: 60 },
    );
  });

  it('writes the same bytes as the JavaScript path for tricky values', async () => {
    const { copied, written } = await both(plain);
    expect(copied.toString('utf8').split('\n')[0]).toBe('k,s,i,n,b,d');
    expect(copied.toString('utf8')).toContain('"say ""hi"""');
    expect(copied.toString('utf8')).toContain("'=SUM(A1:A2)");
    expect(copied.equals(written)).toBe(true);
  });

  it('writes the same bytes as the JavaScript path for generated records', async () => {
    const id = plain.entry;
    const scalar = fc.oneof(
      fc.string({ unit: 'grapheme' }).map((v) => v.replace(/\0/g, '')),
      fc.constantFrom('=1', '-1', '+1', '@a', "'-x", '\t', '', '"', ',', '\n', '中文,"引号"'),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    const doc = fc.record({ s: scalar, i: scalar, n: scalar, b: scalar, d: scalar }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(fc.array(doc, { minLength: 1, maxLength: 40 }), async (docs) => {
        await load(id, docs);
        const { copied, written } = await both(plain);
        expect(copied.toString('utf8')).toBe(written.toString('utf8'));
        expect(copied.equals(written)).toBe(true);
      }),
      { numRuns: 25 },
    );
    await load(id, TRICKY);
  });

  it('serves the download through the COPY path, and keeps the JavaScript path for a masked dataset', async () => {
    const spy = vi.spyOn(s.hub.open, 'csvRows');
    try {
      const res = await s.app.inject({ url: `/open/datasets/${plain.name}/download.csv` });
      expect(res.statusCode).toBe(200);
      expect(await spy.mock.results[0]!.value).toBeDefined();
      const { written } = await both(plain);
      expect(res.rawPayload.equals(written)).toBe(true);
    } finally {
      spy.mockRestore();
    }
    expect(await s.hub.open.csvRows(masked)).toBeUndefined();
    const res = await s.app.inject({ url: `/open/datasets/${masked.name}/download.csv` });
    expect(res.body).toBe('k,s,contact\nK00000,x,张****丰\n');
  });

  it('never writes a sealed value or a JSON object: the COPY fails at that row instead', async () => {
    const sealed = `~${'0a'.repeat(16)}.1.c2VjcmV0LWNpcGhlcnRleHQ`;
    for (const [i, value] of [sealed, { a: 1 }, [1, 2]].entries()) {
      const r = await publish(`数据库直出下载检验（拒写${i}）`, FIELDS);
      await load(
        r.id,
        Array.from({ length: 3 }, (_, j) => ({ s: j === 1 ? value : `ok-${j}` })),
      );
      const ds = await s.hub.open.find(r.code.toLowerCase());
      const rows = (await s.hub.open.csvRows(ds))!;
      const seen: Buffer[] = [];
      const read = (async () => {
        for await (const chunk of csvDownload(ds.open.fields, rows)) seen.push(chunk as Buffer);
      })();
      await expect(read).rejects.toThrow(/csv download: (a sealed value|not a scalar)/);
      expect(Buffer.concat(seen).toString()).not.toContain(typeof value === 'string' ? value : '{');
    }
  });

  it('counts a download through the COPY path as before', async () => {
    await s.hub.open.counters.flush();
    const before = (await s.hub.open.counters.of([plain.entry])).get(plain.entry)?.downloads ?? 0;
    await s.app.inject({ url: `/open/datasets/${plain.name}/download.csv` });
    await s.hub.open.counters.flush();
    expect((await s.hub.open.counters.of([plain.entry])).get(plain.entry)?.downloads).toBe(before + 1);
  });

  it('ends the COPY and gives its connection back when the client goes away', async () => {
    const big = await publish('数据库直出下载检验（大）', FIELDS);
    const docs = Array.from({ length: 60_000 }, (_, i) => ({
      s: `第${i}行，${'长文本'.repeat(20)}`,
      i,
      n: i / 7,
      b: i % 2 === 0,
      d: '2024-01-01',
    }));
    await load(big.id, docs);
    const name = big.code.toLowerCase();
    const origin = await s.app.listen({ port: 0, host: '127.0.0.1' });
    const copies = async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and query like 'copy (select%' and pid <> pg_backend_pid()`.execute(
        s.hub.db.kysely,
      );
      return rows[0]!.n;
    };
    // More aborted downloads than the pool has connections (10): a leaked one each would exhaust it.
    // Every other one goes at its first bytes (the header: the COPY may not have begun), the others
    // mid-COPY, the server held back by the unread socket.
    for (let round = 0; round < 12; round++) {
      const midway = round % 2 === 1;
      await new Promise<void>((resolve, reject) => {
        const req = request(`${origin}/open/datasets/${name}/download.csv`, (res) => {
          let got = 0;
          res.on('data', (chunk: Buffer) => {
            got += chunk.length;
            if (midway && got < 256 * 1024) return;
            res.pause();
            res.removeAllListeners('data');
            void (async () => {
              try {
                // This round's COPY runs while the client waits; the previous round's may still be
                // ending (its client went at the first bytes), so the count settles at one.
                if (round === 1)
                  await expect.poll(copies, { message: 'a COPY runs while the client waits', timeout: 10_000 }).toBe(1);
              } finally {
                // Whatever was found, the client goes: a COPY left waiting on it would hold the hub's close.
                req.destroy();
              }
              resolve();
            })().catch(reject);
          });
          res.on('error', () => {});
        });
        req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
        req.end();
      });
    }
    await expect.poll(copies).toBe(0);
    // Destroyed before it is ever read (a client gone before the first byte), the download ends its rows all the same.
    const rows = (await s.hub.open.csvRows(await s.hub.open.find(name)))!;
    csvDownload(plain.open.fields, rows).destroy();
    await expect.poll(() => rows.destroyed).toBe(true);
    await expect.poll(copies).toBe(0);
    // The pool still serves: a whole download, and it is every row.
    const res = await fetch(`${origin}/open/datasets/${name}/download.csv`, { signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    expect(text.trimEnd().split('\n')).toHaveLength(60_001);
  });
});
