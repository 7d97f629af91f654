/**
 * npm run bench:catalog — catalog search over CATALOG_ENTRIES (100 000) entries on PostgreSQL:
 *  (a) bare SELECT: the same filters, a name LIKE for the words, one page, no facets;
 *  (b) the hub's search: the bigram index with phrase recheck, visibility of drafts, one page
 *      in relevance order, facet counts over every match, provider names.
 * Both run the same query mix one after another on the same table in the same run; the
 * figures are medians and p95 of CATALOG_ROUNDS rounds of the mix.
 *
 * Then the record store with that many resources (docs/records.md): CATALOG_LOADED (300)
 * resources get a small load and CATALOG_LARGE (2) a load of QDH_OWN_PARTITION_ROWS rows through
 * the store's own path, and the planning time of a key lookup on a new connection — what grew
 * with one partition per resource — is measured against a primary-key lookup of an ordinary
 * table on a new connection in the same run, beside `count(*)` over every record.
 */
import pg from 'pg';
import { sql } from '../src/db/index.js';
import { columnsOf, type CatalogTables } from '../src/catalog/index.js';
import { readDemoCatalog, seedDemo } from '../src/demo/index.js';
import { openHub } from '../src/http/index.js';
import type { RecordRow } from '../src/records/index.js';
import { createDatabase, fmt, percentile } from './lib.js';

const ENTRIES = Number(process.env.CATALOG_ENTRIES ?? 100_000);
const ROUNDS = Number(process.env.CATALOG_ROUNDS ?? 20);
const BATCH = 1000;
const LOADED = Number(process.env.CATALOG_LOADED ?? 300);
const LARGE = Number(process.env.CATALOG_LARGE ?? 2);
const LARGE_ROWS = Number(process.env.QDH_OWN_PARTITION_ROWS ?? 100_000);
/** New connections per planning figure (the median is printed). */
const CONNECTIONS = 7;

/** What departments search for: common and rare words, words inside longer names, filters alone. */
const MIX: Array<{ q?: string; provider?: string; level?: string; shareType?: string; openType?: string }> = [
  { q: '人口' },
  { q: '许可' },
  { q: '信息' },
  { q: '企业' },
  { q: '医疗机构' },
  { q: '学校' },
  { q: '社会保险' },
  { q: '不动产登记' },
  { q: '口基' },
  { q: '公交' },
  { q: '许可', provider: 'JNJTJ' },
  { q: '信息', level: 'important' },
  { q: '登记', shareType: 'conditional' },
  { provider: 'JNWJW' },
  { level: 'core' },
  { openType: 'open' },
  { q: 'jnscjg' },
  { q: '历下区' },
  { q: '养老服务机构' },
  { q: '不存在的词' },
];

const DISTRICTS = [
  '历下区',
  '市中区',
  '槐荫区',
  '天桥区',
  '历城区',
  '长清区',
  '章丘区',
  '济阳区',
  '莱芜区',
  '钢城区',
  '平阴县',
  '商河县',
];

/** Bulk-loads ENTRIES published entries made from the demo's templates, named by district and year. */
async function load(hub: Awaited<ReturnType<typeof openHub>>): Promise<void> {
  const templates = (await readDemoCatalog()).flatMap((d) =>
    d.registrations.map((r) => ({ provider: d.provider, content: r.content })),
  );
  let n = 0;
  while (n < ENTRIES) {
    const rows = [];
    for (let i = 0; i < BATCH && n < ENTRIES; i++, n++) {
      const t = templates[n % templates.length]!;
      const district = DISTRICTS[Math.floor(n / templates.length) % DISTRICTS.length]!;
      const year = 2015 + (Math.floor(n / (templates.length * DISTRICTS.length)) % 12);
      const name = `${district}${t.content.name}（${year}年）`;
      const code = `${t.provider}-${String(100000 + n)}`;
      rows.push({
        code,
        provider_org: t.provider,
        created_by: 1,
        status: 'published' as const,
        published_at: new Date(),
        ...columnsOf({ ...t.content, name }),
        search_text: '',
      });
    }
    await hub.db.kysely.withTables<CatalogTables>().insertInto('catalog.resource').values(rows).execute();
    if (n % 20_000 === 0) process.stdout.write(`  loaded ${fmt(n)} entries\n`);
  }
  const t0 = performance.now();
  const indexed = await hub.catalog.reindexMissing();
  console.log(`  indexed ${fmt(indexed)} entries for search in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  await sql`analyze catalog.resource`.execute(hub.db.kysely);
  await sql`analyze catalog.resource_search`.execute(hub.db.kysely);
}

function bareQuery(q: (typeof MIX)[number]): { text: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    values.push(v);
    where.push(sql.replace('?', `$${values.length}`));
  };
  if (q.q) add('name like ?', `%${q.q}%`);
  if (q.provider) add('provider_org = ?', q.provider);
  if (q.level) add('level = ?', q.level);
  if (q.shareType) add('share_type = ?', q.shareType);
  if (q.openType) add('open_type = ?', q.openType);
  const text =
    'select code, name, provider_org, share_type, open_type, level from catalog.resource' +
    (where.length ? ` where ${where.join(' and ')}` : '') +
    ' order by code limit 20';
  return { text, values };
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1]! };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function* recordBatches(n: number, tag: string): AsyncGenerator<RecordRow[]> {
  for (let i = 0; i < n; i += 5000) {
    yield Array.from({ length: Math.min(5000, n - i) }, (_, j) => ({
      key: `k${String(i + j).padStart(7, '0')}`,
      doc: { n: i + j, tag },
      sourceRow: i + j + 1,
    }));
  }
}

/** Small loads into LOADED resources and large ones into LARGE, through the store; returns one of each. */
async function loadRecords(hub: Awaited<ReturnType<typeof openHub>>): Promise<{ small: number; large: number }> {
  const { rows } = await sql<{ id: number }>`
    select id from catalog.resource order by id desc limit ${LOADED + LARGE}`.execute(hub.db.kysely);
  const ids = rows.map((r) => r.id);
  const t0 = performance.now();
  for (const [i, id] of ids.slice(0, LOADED).entries()) {
    await hub.records.load(id, `b0${i.toString(16).padStart(8, '0')}`, recordBatches(20, 'small'));
  }
  const t1 = performance.now();
  for (const [i, id] of ids.slice(LOADED).entries()) {
    await hub.records.load(id, `c0${i.toString(16).padStart(8, '0')}`, recordBatches(LARGE_ROWS, 'large'));
  }
  const t2 = performance.now();
  const { rows: parts } = await sql<{ n: number }>`
    select count(*)::int as n from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where c.relnamespace = 'records'::regnamespace and c.relkind in ('r', 'p')`.execute(hub.db.kysely);
  console.log(
    `records: ${fmt(LOADED)} small loads (20 rows) in ${fmt((t1 - t0) / 1000, 1)} s ` +
      `(${fmt((t1 - t0) / Math.max(LOADED, 1), 1)} ms each), ${fmt(LARGE)} large (${fmt(LARGE_ROWS)} rows) ` +
      `in ${fmt((t2 - t1) / 1000, 1)} s; ${fmt(parts[0]!.n)} tables under records.record`,
  );
  await sql`analyze records.record`.execute(hub.db.kysely);
  return { small: ids[0]!, large: ids[ids.length - 1]! };
}

/** Median planning time (ms) of the first run of `query` on each of CONNECTIONS new connections. */
async function planningOnNewConnection(url: string, query: string, params: unknown[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ 'QUERY PLAN': Array<{ 'Planning Time': number }> }>(
        `explain (analyze, format json) ${query}`,
        params,
      );
      times.push(rows[0]!['QUERY PLAN'][0]!['Planning Time']);
    } finally {
      await client.end();
    }
  }
  return stats(times).p50;
}

async function recordFigures(hub: Awaited<ReturnType<typeof openHub>>, url: string): Promise<void> {
  const { small, large } = await loadRecords(hub);
  const lookup = 'select doc from records.record where resource_id = $1 and key = $2';
  const bare = await planningOnNewConnection(url, 'select name from catalog.resource where id = $1', [small]);
  const s = await planningOnNewConnection(url, lookup, [small, 'k0000007']);
  const l = await planningOnNewConnection(url, lookup, [large, 'k0000007']);
  const t0 = performance.now();
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from records.record`.execute(hub.db.kysely);
  const counted = performance.now() - t0;
  console.log(`key lookup on a new connection, planning time (median of ${CONNECTIONS} connections):`);
  console.log(`  (a) bare: primary key of catalog.resource     ${fmt(bare, 2)} ms`);
  console.log(`  (b) records.record, small resource (shared)   ${fmt(s, 2)} ms   ratio b/a ${fmt(s / bare, 2)}`);
  console.log(`  (c) records.record, large resource (own)      ${fmt(l, 2)} ms   ratio c/a ${fmt(l / bare, 2)}`);
  console.log(`  goal: under 5 ms → ${Math.max(s, l) < 5 ? 'met' : 'NOT met'}`);
  console.log(`count(*) over records.record: ${fmt(rows[0]!.n)} records in ${fmt(counted, 1)} ms`);
}

async function main() {
  const db = await createDatabase('catalog');
  const hub = await openHub({ databaseUrl: db.url, headIntervalMs: 1000 });
  const client = new pg.Client({ connectionString: db.url });
  try {
    await seedDemo(hub, { password: 'bench-password', people: 10 });
    const t0 = performance.now();
    await load(hub);
    console.log(`catalog: ${fmt(ENTRIES)} entries loaded in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    await client.connect();
    const viewer = { org: 'JNMZJ', all: false };
    const bare: number[] = [];
    const hubTimes: number[] = [];
    const totals = new Map<string, number>();
    const perQuery = new Map<string, number[]>();
    for (let round = 0; round < ROUNDS + 1; round++) {
      for (const q of MIX) {
        const { text, values } = bareQuery(q);
        const b = await time(() => client.query(text, values));
        let total = 0;
        const h = await time(async () => (total = (await hub.catalog.list({ ...q, pageSize: 20 }, viewer)).total));
        if (round === 0)
          totals.set(JSON.stringify(q), total); // the first round warms caches and is not counted
        else {
          bare.push(b);
          hubTimes.push(h);
          perQuery.set(JSON.stringify(q), [...(perQuery.get(JSON.stringify(q)) ?? []), h]);
        }
      }
    }
    const [a, b] = [stats(bare), stats(hubTimes)];
    console.log(`query mix: ${MIX.length} queries × ${ROUNDS} rounds; matches and hub median per query:`);
    for (const [q, n] of totals) {
      console.log(`  ${q.padEnd(44)} ${fmt(n).padStart(7)}  ${fmt(stats(perQuery.get(q)!).p50, 2)} ms`);
    }
    console.log(
      `(a) bare SELECT (LIKE, one page)       p50 ${fmt(a.p50, 2)} ms  p95 ${fmt(a.p95, 2)} ms  max ${fmt(a.max, 1)} ms`,
    );
    console.log(
      `(b) hub search (index, page + facets)  p50 ${fmt(b.p50, 2)} ms  p95 ${fmt(b.p95, 2)} ms  max ${fmt(b.max, 1)} ms`,
    );
    console.log(
      `ratio b/a: p50 ${fmt(b.p50 / a.p50, 2)}  p95 ${fmt(b.p95 / a.p95, 2)}   goal: hub p95 < 50 ms → ${b.p95 < 50 ? 'met' : 'NOT met'}`,
    );
    await recordFigures(hub, db.url);
  } finally {
    await client.end().catch(() => {});
    await hub.close();
    if (process.env.CATALOG_KEEP) console.log(`kept ${db.url}`);
    else await db.drop();
  }
}

await main();
