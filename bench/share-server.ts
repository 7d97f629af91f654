/**
 * One of bench:share's servers, in a process of its own so that the load generator does not
 * share its event loop: `share-server.ts bare|hub DATABASE_URL RESOURCE_ID POOL`. Prints
 * `listening URL` on stdout once it accepts connections, answers an IPC message `cpu` with its
 * `process.cpuUsage()` (so the bench can divide the process's CPU time by the calls it served),
 * and stops on SIGTERM.
 */
import Fastify from 'fastify';
import { compactVerify, importJWK, type JWK } from 'jose';
import pg from 'pg';
import { buildApp, openHub } from '../src/http/index.js';
import { createLogger } from '../src/kernel/index.js';

const [kind, url, resourceIdText, poolText] = process.argv.slice(2);
if (!url || !resourceIdText || !poolText || (kind !== 'bare' && kind !== 'hub' && kind !== 'verify')) {
  throw new Error('usage: share-server.ts bare|hub|verify DATABASE_URL RESOURCE_ID POOL');
}
const pool = Number(poolText);

/** The baseline: GET /r?key= → one indexed SELECT → JSON, nothing else. */
async function bare(): Promise<{ listen: () => Promise<string>; close: () => Promise<void> }> {
  const resourceId = Number(resourceIdText);
  const db = new pg.Pool({ connectionString: url, max: pool });
  db.on('error', () => {}); // idle clients are cut when the database is dropped at the end
  const app = Fastify();
  app.get<{ Querystring: { key: string } }>('/r', async (request, reply) => {
    const { rows } = await db.query('select doc from records.record where resource_id = $1 and key = $2', [
      resourceId,
      request.query.key,
    ]);
    if (rows.length === 0) return reply.status(404).send({});
    return { items: [rows[0].doc] };
  });
  return {
    listen: () => app.listen({ port: 0, host: '127.0.0.1' }),
    close: async () => {
      await app.close();
      await db.end();
    },
  };
}

/**
 * bench:licence's baseline: POST /v {token} → the compact JWS's signature checked with the same
 * public key (QDH_BENCH_JWK, JSON) by jose → JSON; no database, no claims, no counting.
 */
async function verify(): Promise<{ listen: () => Promise<string>; close: () => Promise<void> }> {
  const jwk = JSON.parse(process.env.QDH_BENCH_JWK ?? '{}') as JWK & { alg: string };
  const key = await importJWK(jwk, jwk.alg);
  const app = Fastify();
  app.post<{ Body: { token: string } }>('/v', async (request) => {
    try {
      await compactVerify(request.body.token, key, { algorithms: [jwk.alg] });
      return { valid: true };
    } catch {
      return { valid: false };
    }
  });
  return { listen: () => app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() };
}

async function hub(): Promise<{ listen: () => Promise<string>; close: () => Promise<void> }> {
  const opened = await openHub({ databaseUrl: url, poolSize: pool });
  const app = await buildApp(opened, { logger: createLogger('silent') });
  return {
    listen: () => app.listen({ port: 0, host: '127.0.0.1' }),
    close: async () => {
      await app.close();
      await opened.close();
    },
  };
}

const server = kind === 'bare' ? await bare() : kind === 'verify' ? await verify() : await hub();
const address = await server.listen();
process.on('message', (m) => {
  if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() });
});
process.stdout.write(`listening ${address}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
