/**
 * npm run bench:share — the hub's data-service path against a bare lookup, same table, same run.
 *  (a) bare Fastify + node-postgres: GET by key → SELECT doc … → JSON;
 *  (b) the hub's data service: API key → authorize → grant (kept in memory, NOTIFY-invalidated)
 *      → quota → read → project/mask → durable ledger append → usage count → JSON.
 * 1 M person records are bulk-loaded into the demo's 人口基础信息 resource first. Both servers
 * get the same pool size and each runs in a process of its own; autocannon drives each from this
 * process with SHARE_CONNECTIONS (64) for SHARE_SECONDS (15).
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import autocannon from 'autocannon';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { people } from '../src/demo/people.js';
import { seedDemo } from '../src/demo/index.js';
import { openHub } from '../src/http/index.js';
import { createDatabase, fmt } from './lib.js';

const ROWS = Number(process.env.SHARE_ROWS ?? 1_000_000);
const CONNECTIONS = Number(process.env.SHARE_CONNECTIONS ?? 64);
const SECONDS = Number(process.env.SHARE_SECONDS ?? 15);
const POOL = 16;

async function load(url: string): Promise<{ resourceId: number; keys: string[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ id: number }>("select id from catalog.resource where code = 'JNGAJ-0001'");
  const resourceId = rows[0]!.id;
  const keys: string[] = [];
  const lines = (function* () {
    let buf = '';
    let i = 0;
    for (const p of people(ROWS, 7)) {
      if (i++ % 100 === 0) keys.push(p.citizen_id);
      buf += `${resourceId}\t${p.citizen_id}\t${JSON.stringify(p).replace(/\\/g, '\\\\')}\n`;
      if (buf.length > 1 << 16) {
        yield buf;
        buf = '';
      }
    }
    yield buf;
  })();
  await client.query('delete from catalog.record where resource_id = $1', [resourceId]);
  await pipeline(
    Readable.from(lines),
    client.query(copyFrom('copy catalog.record (resource_id, key, doc) from stdin')),
  );
  await client.query('update catalog.resource set record_count = $1 where id = $2', [ROWS, resourceId]);
  await client.query('analyze catalog.record');
  await client.end();
  return { resourceId, keys };
}

async function drive(url: string, path: (key: string) => string, keys: string[], headers: Record<string, string>) {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers,
    requests: [{ setupRequest: (req) => ({ ...req, path: path(keys[randomInt(keys.length)]!) }) }],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/**
 * Runs one server (bench/share-server.ts) in a process of its own while `work` drives it, so the
 * load generator and the server do not share an event loop. SHARE_PROFILE=1 writes a CPU
 * profile of each server to ./profiles.
 */
async function serving<T>(kind: 'bare' | 'hub', url: string, resourceId: number, work: (url: string) => Promise<T>) {
  const profile = process.env.SHARE_PROFILE === '1' ? ['--cpu-prof', '--cpu-prof-dir=profiles'] : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', 'bench/share-server.ts', kind, url, String(resourceId), String(POOL)],
    { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(child, 'exit');
  try {
    const address = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      void exited.then(([code]) => reject(new Error(`the ${kind} server exited with ${code}`)));
    });
    return await work(address);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

async function ledgerSize(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ size: string }>('select tree_size as size from ledger.state where id = 1');
  await client.end();
  return Number(rows[0]!.size);
}

const target = await createDatabase('share');
try {
  const hub = await openHub({ databaseUrl: target.url, poolSize: POOL });
  await seedDemo(hub, { password: 'bench-password', people: 100 });
  const t0 = performance.now();
  const { resourceId, keys } = await load(target.url);
  console.log(`loaded ${fmt(ROWS)} person records with COPY in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  const consumer = await hub.access.findUserId('consumer');
  const { key: apiKey } = await hub.access.createApiKey(consumer, 'bench');
  // The demo's grant, again with a quota the run cannot reach, so the quota is counted but never refuses.
  const operator = await hub.access.profile(await hub.access.findUserId('operator'));
  const platform = (await hub.access.findOrganization('JNDSJ'))!;
  await hub.exchange.createGrant(
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

  const a = await serving('bare', target.url, resourceId, (url) => drive(url, (k) => `/r?key=${k}`, keys, {}));
  const before = await ledgerSize(target.url);
  const b = await serving('hub', target.url, resourceId, (url) =>
    drive(url, (k) => `/api/v1/services/DS-JNGAJ-0001/records?purpose=social_assistance&key=${k}`, keys, {
      'x-api-key': apiKey,
    }),
  );
  const after = await ledgerSize(target.url);
  console.log(`${CONNECTIONS} connections, ${SECONDS} s each, pool ${POOL}, random keys of ${fmt(ROWS)} rows:`);
  console.log(
    `  (a) bare Fastify + pg lookup : ${fmt(a.rps)} req/s  p50 ${a.p50} ms  p99 ${a.p99} ms  errors ${a.errors}`,
  );
  console.log(
    `  (b) hub full path            : ${fmt(b.rps)} req/s  p50 ${b.p50} ms  p99 ${b.p99} ms  errors ${b.errors}`,
  );
  console.log(`  ratio b/a ${fmt(b.rps / a.rps, 2)}; ledger entries written during (b): ${fmt(after - before)}`);
} finally {
  await target.drop();
}
