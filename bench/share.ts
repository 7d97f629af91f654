/**
 * npm run bench:share — the hub's data-service path against a bare lookup, same table, same run.
 *  (a) bare Fastify + node-postgres: GET by key → SELECT doc … → JSON;
 *  (b) the hub's data service: API key → authorize → grant (kept in memory, NOTIFY-invalidated)
 *      → quota → read → project/mask → durable ledger append → usage count → JSON.
 * 1 M person records are bulk-loaded into the demo's 人口基础信息 resource first. Each server runs
 * in a process of its own; autocannon drives it from this process with SHARE_CONNECTIONS (64)
 * for SHARE_SECONDS (15) after SHARE_WARMUP (2) untimed seconds. Then (unless SHARE_TWO=0) the same again with two
 * processes of each kind over the one database, each on its own port, the connections split
 * evenly between two autocannon instances running at once and their histograms merged. Each
 * phase prints calls/s, p50/p99, and the CPU per call of the server processes (their own
 * process.cpuUsage()) and of the PostgreSQL backends serving them (/proc), and how busy the
 * machine was.
 */
import { availableParallelism } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { people } from '../src/demo/people.js';
import { seedDemo } from '../src/demo/index.js';
import { openHub, type Hub } from '../src/http/index.js';
import { copyText } from '../src/db/index.js';
import { CONNECTIONS, POOL, SECONDS, WARMUP, line, phase, type Phase } from './http-load.js';
import { createDatabase, fmt } from './lib.js';

const ROWS = Number(process.env.SHARE_ROWS ?? 1_000_000);
/** SHARE_TWO=0 runs the one-process phase only: a quicker before/after comparison. */
const TWO = process.env.SHARE_TWO !== '0';

/**
 * The people as the hub stores them (sensitivity-4 fields sealed, the key column a blind index: the
 * resource's own codec), by COPY into a partition of the resource's own, as a large resource's
 * first load gives it. Returns the lookup keys twice: plaintext for the hub (its callers' keys),
 * and as stored for the bare server, which reads the very same rows and opens nothing.
 */
async function load(hub: Hub, url: string): Promise<{ resourceId: number; keys: string[]; storedKeys: string[] }> {
  const resource = await hub.catalog.get('JNGAJ-0001');
  const resourceId = resource.id;
  const codec = await hub.records.codecOf(resourceId);
  const keys: string[] = [];
  const lines = (function* () {
    let buf = '';
    let i = 0;
    for (const p of people(ROWS, 7)) {
      if (i++ % 100 === 0) keys.push(p.citizen_id);
      const { key, doc } = codec.sealRow({ key: p.citizen_id, doc: { ...p }, sourceRow: i });
      buf += `${resourceId}\t${copyText(key)}\t${copyText(JSON.stringify(doc))}\n`;
      if (buf.length > 1 << 16) {
        yield buf;
        buf = '';
      }
    }
    yield buf;
  })();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // The demo's few rows go first: they may sit in the shared default partition.
  await client.query('delete from records.record where resource_id = $1', [resourceId]);
  await client.query(
    `create table if not exists records.record_r${resourceId} partition of records.record for values in (${resourceId})`,
  );
  await pipeline(
    Readable.from(lines),
    client.query(copyFrom('copy records.record (resource_id, key, doc) from stdin')),
  );
  await client.query('update catalog.resource set record_count = $1 where id = $2', [ROWS, resourceId]);
  await client.query('analyze records.record');
  await client.end();
  return { resourceId, keys, storedKeys: keys.map((k) => codec.storedKey(k)) };
}

function compare(title: string, bare: Phase, hub: Phase): void {
  console.log(title);
  console.log(line('(a) bare Fastify + pg lookup', bare));
  console.log(line('(b) hub full path           ', hub));
  console.log(
    `  ratio b/a ${fmt(hub.rps / bare.rps, 2)}; p99 b/a ${fmt(hub.p99 / bare.p99, 2)}; ` +
      `ledger entries written during (b): ${fmt(hub.ledgerEntries)} for ${fmt(hub.calls)} calls`,
  );
}

const target = await createDatabase('share');
try {
  const hub = await openHub({ databaseUrl: target.url, poolSize: POOL });
  await seedDemo(hub, { password: 'bench-password', people: 100 });
  const t0 = performance.now();
  const { resourceId, keys, storedKeys } = await load(hub, target.url);
  console.log(`loaded ${fmt(ROWS)} person records with COPY in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  const consumer = await hub.access.findUserId('consumer');
  const { key: apiKey } = await hub.access.createApiKey(consumer, 'bench');
  // The demo's grant, again with a quota the run cannot reach, so the quota is counted but never refuses.
  const operator = await hub.access.profile(await hub.access.findUserId('operator'));
  const platform = (await hub.access.findOrganization('JNDSJ'))!;
  await hub.share.createGrant(
    { userId: operator.id, username: 'operator', roles: operator.roles, org: platform, via: 'token' },
    {
      consumer: 'JNMZJ',
      resource: 'JNGAJ-0001',
      fields: ['citizen_id', 'name', 'gender', 'birth_date', 'division'],
      masked: ['birth_date'],
      purposes: ['social_assistance'],
      dailyQuota: 100_000_000,
    },
  );

  await hub.close(); // the servers below open their own

  const bareLookup = (k: string) => `/r?key=${k}`;
  const hubLookup = (k: string) => `/api/v1/services/DS-JNGAJ-0001/records?purpose=social_assistance&key=${k}`;
  const auth = { 'x-api-key': apiKey };
  const run = (kind: 'bare' | 'hub', processes: number) =>
    kind === 'bare'
      ? phase('bare', processes, target.url, resourceId, bareLookup, storedKeys, {})
      : phase('hub', processes, target.url, resourceId, hubLookup, keys, auth);
  const one = { bare: await run('bare', 1), hub: await run('hub', 1) };
  const two = TWO ? { bare: await run('bare', 2), hub: await run('hub', 2) } : null;
  console.log(
    `${CONNECTIONS} connections, ${WARMUP} s warm-up + ${SECONDS} s each, pool ${POOL} in all, ` +
      `random keys of ${fmt(ROWS)} rows, ${availableParallelism()} cores:`,
  );
  compare('one process each:', one.bare, one.hub);
  if (two) compare('two processes each (the same database, load split evenly, results merged):', two.bare, two.hub);
} finally {
  await target.drop();
}
