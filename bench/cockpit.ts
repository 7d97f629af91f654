/**
 * npm run bench:cockpit — the cockpit's home dashboard on PostgreSQL at a city's size, beside bare
 * counts over the same rows in the same run (issue #19: p95 < 100 ms).
 *
 * The city: the demo, then bench/city-build.ts's buildCity with COCKPIT_RESOURCES (100 000)
 * catalog entries and COCKPIT_RECORDS (10 000 000) records, and COCKPIT_LEDGER (1 000 000) ledger
 * entries written with COPY after the hub's own (ballast: no cockpit figure reads the ledger; the
 * hub is not asked to append afterwards). Then COCKPIT_ROUNDS (30) times each:
 *  - home dashboard: Cockpit.dashboardData of the home dashboard (every indicator, every panel's
 *    named query), the 15 s cache cleared first, so every round computes everything;
 *  - the same with the cache (what a wall screen refreshing every minute mostly costs);
 *  - indicators alone (cache cleared) and the ranking;
 *  - bare: count(*) over catalog.resource, over records.record and over ledger.entry.
 * The run creates its own database and drops it at the end (COCKPIT_KEEP=1 keeps it, and prints
 * its URL; COCKPIT_REUSE=<that URL> measures a kept city again without building it, and keeps it).
 */
import { cpus, loadavg } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { HOME_DASHBOARD } from '../src/cockpit/index.js';
import { seedDemo } from '../src/demo/index.js';
import { openHub } from '../src/http/index.js';
import { buildCity } from './city-build.js';
import { createDatabase, fmt, percentile } from './lib.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SIZE = {
  resources: env('COCKPIT_RESOURCES', 100_000),
  records: env('COCKPIT_RECORDS', 10_000_000),
  skew: 1.2,
  serviceShare: 0.6,
  ownRows: env('QDH_OWN_PARTITION_ROWS', 100_000),
};
const LEDGER = env('COCKPIT_LEDGER', 1_000_000);
const ROUNDS = env('COCKPIT_ROUNDS', 30);

const load = () =>
  `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** COPY of n ledger entries after the hub's last one: the size the issue names, read by no figure. */
async function ledgerBallast(url: string, n: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const from = Number((await client.query('select coalesce(max(idx) + 1, 0) as n from ledger.entry')).rows[0].n);
    await pipeline(
      Readable.from(
        (function* () {
          let buf = '';
          for (let i = 0; i < n; i++) {
            buf += `${from + i}\t{"kind":"access","n":${i}}\t\\\\x${'00'.repeat(32)}\t\\N\taccess\n`;
            if (buf.length > 1 << 16) {
              yield buf;
              buf = '';
            }
          }
          yield buf;
        })(),
      ),
      client.query(copyFrom('copy ledger.entry (idx, entry, leaf_hash, subject, kind) from stdin')),
    );
    await client.query('analyze ledger.entry');
  } finally {
    await client.end();
  }
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

/** The city, built (and dropped at the end unless kept), or a kept one given by COCKPIT_REUSE. */
async function city(): Promise<{ url: string; drop: () => Promise<void> }> {
  const reuse = process.env.COCKPIT_REUSE;
  if (reuse) return { url: reuse, drop: async () => console.log(`kept ${reuse}`) };
  const database = await createDatabase('cockpit');
  console.log(
    `bench:cockpit — ${fmt(SIZE.resources)} catalog entries, ${fmt(SIZE.records)} records, ${fmt(LEDGER)} ledger entries, ${ROUNDS} rounds; ${load()}, ${cpus().length} cores`,
  );
  const t0 = performance.now();
  const hub = await openHub({ databaseUrl: database.url });
  await seedDemo(hub, { password: 'bench-cockpit-password', people: 100 });
  await buildCity(hub, database.url, SIZE);
  await hub.close();
  await ledgerBallast(database.url, LEDGER);
  console.log(`built in ${fmt((performance.now() - t0) / 1000, 1)} s; ${load()}`);
  return process.env.COCKPIT_KEEP === '1'
    ? { url: database.url, drop: async () => console.log(`kept ${database.url}`) }
    : database;
}

async function main() {
  const database = await city();
  try {
    const hub = await openHub({ databaseUrl: database.url });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const actor = await hub.access.actorOf('operator');
      const language = 'zh-CN' as const;
      const home = () => hub.cockpit.dashboardData(actor, HOME_DASHBOARD, { period: 'all', language });
      const t = {
        cold: [] as number[],
        warm: [] as number[],
        indicators: [] as number[],
        ranking: [] as number[],
        catalog: [] as number[],
        records: [] as number[],
        ledger: [] as number[],
      };
      const counts = { catalog: 0, records: 0, ledger: 0 };
      const count = async (table: string) =>
        Number((await client.query(`select count(*) as n from ${table}`)).rows[0].n);
      const t0 = performance.now();
      for (let round = 0; round <= ROUNDS; round++) {
        hub.cockpit.refresh();
        const cold = await timed(home);
        const warm = await timed(home);
        hub.cockpit.refresh();
        const indicators = await timed(() => hub.cockpit.indicators(actor, { language }));
        const ranking = await timed(() => hub.cockpit.ranking(actor, language));
        const catalog = await timed(async () => (counts.catalog = await count('catalog.resource')));
        const records = await timed(async () => (counts.records = await count('records.record')));
        const ledger = await timed(async () => (counts.ledger = await count('ledger.entry')));
        if (round === 0) continue; // warm-up
        Object.entries({ cold, warm, indicators, ranking, catalog, records, ledger }).forEach(([k, v]) =>
          t[k as keyof typeof t].push(v),
        );
      }
      const ms = (x: number) => `${fmt(x, x < 10 ? 2 : 1)} ms`;
      const line = (label: string, samples: number[], extra = '') => {
        const s = stats(samples);
        console.log(`${label.padEnd(58)} ${ms(s.p50).padStart(10)} ${ms(s.p95).padStart(10)}  ${extra}`);
      };
      console.log('');
      console.log(
        `bench:cockpit — ${fmt(counts.catalog)} catalog entries, ${fmt(counts.records)} records, ${fmt(counts.ledger)} ledger entries (${fmt((performance.now() - t0) / 1000, 1)} s measuring)`,
      );
      console.log(`${'operation'.padEnd(58)} ${'p50'.padStart(10)} ${'p95'.padStart(10)}`);
      line(`home dashboard (${HOME_DASHBOARD}), every figure computed`, t.cold, 'goal: p95 < 100 ms');
      line('home dashboard, counts cached (15 s)', t.warm);
      line('indicators alone, every figure computed', t.indicators);
      line('ranking (evaluation index)', t.ranking);
      line('bare count(*) over catalog.resource', t.catalog);
      line('bare count(*) over records.record', t.records);
      line('bare count(*) over ledger.entry', t.ledger);
      const cold = stats(t.cold).p95;
      console.log(
        `home dashboard p95 ${ms(cold)}: ${cold < 100 ? 'within' : 'above'} the 100 ms goal; ${fmt(cold / stats(t.catalog).p95, 1)}× a bare count over the catalog, ${fmt(cold / stats(t.records).p95, 2)}× one over the records`,
      );
    } finally {
      await client.end();
      await hub.close();
    }
  } finally {
    await database.drop();
  }
}

await main();
