/**
 * npm run bench:portal — the open-data portal (#18, docs/open.md) on PostgreSQL:
 *  1. CKAN package_search and package_show over PORTAL_ENTRIES (100 000) catalog entries, two in
 *     three of them open, each through the whole HTTP stack (in process, app.inject), beside a
 *     bare SQL query of the same result in the same run (a name LIKE and a count for the search,
 *     a row by code for the show); p50 and p95 of PORTAL_ROUNDS rounds of a query mix.
 *  2. A CSV download of one open dataset of PORTAL_ROWS (1 000 000) records streamed over a real
 *     socket and read as it comes, beside a bare `COPY (select doc …) TO STDOUT` of the same rows;
 *     rows per second of each, and the process's peak RSS growth during the download.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { sql } from '../src/db/index.js';
import { columnsOf, type CatalogTables } from '../src/catalog/index.js';
import { readDemoCatalog, seedDemo } from '../src/demo/index.js';
import { advance } from '../src/demo/catalog.js';
import { buildApp, openHub } from '../src/http/index.js';
import { createLogger } from '../src/kernel/index.js';
import type { RecordRow } from '../src/records/index.js';
import { createDatabase, fmt, percentile } from './lib.js';

const ENTRIES = Number(process.env.PORTAL_ENTRIES ?? 100_000);
const ROUNDS = Number(process.env.PORTAL_ROUNDS ?? 20);
const ROWS = Number(process.env.PORTAL_ROWS ?? 1_000_000);
const BATCH = 1000;

const QUERIES = ['公交', '许可', '信息', '医疗机构', '学校', '养老服务机构', '历下区', '空气质量', '不存在的词', ''];

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95) };
};
const time = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};
const line = (label: string, xs: number[]) => {
  const { p50, p95 } = stats(xs);
  return `  ${label.padEnd(46)} p50 ${fmt(p50, 2).padStart(8)} ms   p95 ${fmt(p95, 2).padStart(8)} ms`;
};

async function loadEntries(hub: Awaited<ReturnType<typeof openHub>>): Promise<string[]> {
  const templates = (await readDemoCatalog()).flatMap((d) =>
    d.registrations.map((r) => ({ provider: d.provider, content: r.content })),
  );
  const open: string[] = [];
  for (let n = 0; n < ENTRIES;) {
    const rows = [];
    for (let i = 0; i < BATCH && n < ENTRIES; i++, n++) {
      const t = templates[n % templates.length]!;
      const code = `${t.provider}-${String(200000 + n)}`;
      const openType = n % 3 === 2 ? t.content.openType : 'open';
      if (openType === 'open' && open.length < 1000) open.push(code);
      rows.push({
        code,
        provider_org: t.provider,
        created_by: 1,
        status: 'published' as const,
        published_at: new Date(),
        ...columnsOf({ ...t.content, openType, name: `${t.content.name}（${2015 + (n % 11)}年第${n}号）` }),
        search_text: '',
      });
    }
    await hub.db.kysely.withTables<CatalogTables>().insertInto('catalog.resource').values(rows).execute();
  }
  const indexed = await hub.catalog.reindexMissing();
  console.log(`  ${fmt(ENTRIES)} entries loaded, ${fmt(indexed)} index rows written`);
  await sql`analyze catalog.resource`.execute(hub.db.kysely);
  await sql`analyze catalog.resource_search`.execute(hub.db.kysely);
  return open;
}

async function* rowsOf(n: number): AsyncGenerator<RecordRow[]> {
  for (let i = 0; i < n; i += 10_000) {
    yield Array.from({ length: Math.min(10_000, n - i) }, (_, j) => {
      const k = i + j;
      return {
        key: `L${String(k).padStart(8, '0')}`,
        sourceRow: k + 1,
        doc: {
          line_no: `L${String(k).padStart(8, '0')}`,
          line_name: `${k % 300}路`,
          first_stop: `站点${k % 977}`,
          last_stop: `站点${(k * 7) % 977}`,
          fare: (k % 5) + 1,
          length_km: Math.round(k % 4000) / 100,
        },
      };
    });
  }
}

async function main(): Promise<void> {
  const db = await createDatabase('portal');
  const hub = await openHub({ databaseUrl: db.url, headIntervalMs: 1000 });
  const app = await buildApp(hub, { logger: createLogger('silent') });
  const bare = new pg.Client({ connectionString: db.url });
  try {
    await seedDemo(hub, { password: 'bench-password', people: 10 });
    console.log(`bench:portal — ${fmt(ENTRIES)} catalog entries, ${fmt(ROWS)} records in one dataset (PostgreSQL)`);
    const open = await loadEntries(hub);
    await bare.connect();
    const inject = async (url: string) => {
      const res = await app.inject({ url });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      return res;
    };
    // Warm both paths once.
    await inject('/api/3/action/package_search?q=信息');
    const searchHub: number[] = [];
    const searchBare: number[] = [];
    const showHub: number[] = [];
    const showBare: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const q of QUERIES) {
        searchHub.push(await time(() => inject(`/api/3/action/package_search?rows=10&q=${encodeURIComponent(q)}`)));
        searchBare.push(
          await time(async () => {
            const like = `%${q}%`;
            await bare.query(
              `select code, name, summary, provider_org, category, keywords, fields, updated_at, published_at
               from catalog.resource where status = 'published' and open_type = 'open' and name like $1
               order by code limit 10`,
              [like],
            );
            await bare.query(
              `select provider_org, count(*) from catalog.resource
               where status = 'published' and open_type = 'open' and name like $1 group by provider_org`,
              [like],
            );
          }),
        );
      }
      for (let i = 0; i < 10; i++) {
        const code = open[(round * 10 + i * 97) % open.length]!;
        showHub.push(await time(() => inject(`/api/3/action/package_show?id=${code.toLowerCase()}`)));
        showBare.push(
          await time(() =>
            bare.query(
              `select * from catalog.resource where code = $1 and open_type = 'open' and status = 'published'`,
              [code],
            ),
          ),
        );
      }
    }
    console.log(`package_search (${QUERIES.length} queries × ${ROUNDS} rounds, 10 rows and facets):`);
    console.log(line('(a) bare SQL: name LIKE page + provider counts', searchBare));
    console.log(line('(b) hub: GET /api/3/action/package_search', searchHub));
    console.log(`package_show (${fmt(ROUNDS * 10)} calls):`);
    console.log(line('(a) bare SQL: the entry by code', showBare));
    console.log(line('(b) hub: GET /api/3/action/package_show', showHub));
    await hub.open.counters.flush();

    // The download: one open dataset of ROWS records, registered and published as an officer would.
    const officer = { userId: (await hub.access.actorOf('officer')).userId, username: 'officer' };
    const operator = { userId: (await hub.access.actorOf('operator')).userId, username: 'operator' };
    const resource = await hub.catalog.register('JNGAJ', officer, {
      name: '公交线路基准数据',
      summary: '基准测试用的公交线路数据',
      category: 'theme',
      shareType: 'unconditional',
      openType: 'open',
      level: 'general',
      keyField: 'line_no',
      fields: [
        { name: 'line_no', label: '线路编号', type: 'string', required: true },
        { name: 'line_name', label: '线路名称', type: 'string' },
        { name: 'first_stop', label: '起点站', type: 'string' },
        { name: 'last_stop', label: '终点站', type: 'string' },
        { name: 'fare', label: '票价', type: 'number' },
        { name: 'length_km', label: '长度', type: 'number' },
      ],
    });
    await advance(hub, resource.code, 'published', officer, operator);
    const target = resource.code;
    const t0 = performance.now();
    await hub.records.load(resource.id, 'bench-portal', rowsOf(ROWS));
    console.log(`  loaded ${fmt(ROWS)} records into ${target} in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    await sql`analyze records.record`.execute(hub.db.kysely);

    const copyStart = performance.now();
    let copyBytes = 0;
    const stream = bare.query(
      copyTo(`copy (select doc from records.record where resource_id = ${resource.id} order by key) to stdout`),
    );
    await pipeline(
      stream,
      new Writable({
        write(chunk: Buffer, _e, done) {
          copyBytes += chunk.length;
          done();
        },
      }),
    );
    const copyMs = performance.now() - copyStart;

    // Where the time goes: the store's keyset scan alone, then with the public projection.
    const scanStart = performance.now();
    for await (const batch of hub.records.scan(resource.id, 5000)) void batch;
    const scanMs = performance.now() - scanStart;
    const ds = await hub.open.find(target);
    const projStart = performance.now();
    for await (const batch of hub.open.stream(ds)) void batch;
    const projMs = performance.now() - projStart;

    const origin = await app.listen({ port: 0, host: '127.0.0.1' });
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const heap0 = process.memoryUsage().heapUsed;
    let peak = rss0;
    let heapPeak = heap0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      heapPeak = Math.max(heapPeak, m.heapUsed);
    }, 50);
    // The client is curl, in a process of its own: the hub's process serves only.
    const dlStart = performance.now();
    const { stdout: out } = await promisify(execFile)(
      'curl',
      [
        '-sS',
        '-o',
        '/dev/null',
        '-w',
        '%{size_download}',
        `${origin}/open/datasets/${target.toLowerCase()}/download.csv`,
      ],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
    const dlMs = performance.now() - dlStart;
    clearInterval(sampler);
    const bytes = Number(out);
    const lines = (await hub.open.recordPage(ds, { offset: 0, limit: 0, where: { op: 'and', of: [] } })).total;
    if (lines !== ROWS) throw new Error(`the dataset has ${lines} rows, not ${ROWS}`);
    const copyRate = ROWS / (copyMs / 1000);
    const dlRate = ROWS / (dlMs / 1000);
    console.log(`CSV download of ${fmt(ROWS)} records:`);
    console.log(
      `  (a) bare COPY (select doc …) TO STDOUT        ${fmt(copyMs / 1000, 2)} s  ${fmt(copyRate)} rows/s  ${fmt(copyBytes / 2 ** 20)} MiB`,
    );
    console.log(
      `  (b) hub: GET …/download.csv over a socket      ${fmt(dlMs / 1000, 2)} s  ${fmt(dlRate)} rows/s  ${fmt(bytes / 2 ** 20)} MiB`,
    );
    console.log(
      `  (c) the store's keyset scan alone             ${fmt(scanMs / 1000, 2)} s  ${fmt(ROWS / (scanMs / 1000))} rows/s`,
    );
    console.log(
      `  (d) the scan with the public projection        ${fmt(projMs / 1000, 2)} s  ${fmt(ROWS / (projMs / 1000))} rows/s`,
    );
    console.log(
      `  ratio ${fmt(dlRate / copyRate, 2)}× (goal ≥ 0.5×); during the download, peak growth of RSS ` +
        `${fmt((peak - rss0) / 2 ** 20)} MiB, of the JS heap ${fmt((heapPeak - heap0) / 2 ** 20)} MiB` +
        (global.gc ? '' : ' (run with NODE_OPTIONS=--expose-gc to start from a collected heap)'),
    );
  } finally {
    await bare.end().catch(() => {});
    await app.close();
    await hub.close();
    if (process.env.BENCH_KEEP) console.log(`kept ${db.url}`);
    else await db.drop();
  }
}

await main();
