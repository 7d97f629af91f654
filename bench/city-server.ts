/**
 * One of bench:city's two lookup servers, in a process of its own so that the load generator does
 * not share its event loop: `city-server.ts bare|hub DATABASE_URL POOL`. Prints `listening URL`
 * on stdout once it accepts connections, and stops on SIGTERM.
 *  bare — GET /r?resource=ID&key=K → one indexed SELECT on records.record → JSON, nothing else;
 *  hub  — the real hub (openHub + buildApp), called on its data-service route.
 */
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp, openHub } from '../src/http/index.js';
import { createLogger } from '../src/kernel/index.js';

const [kind, url, poolText] = process.argv.slice(2);
if (!url || !poolText || (kind !== 'bare' && kind !== 'hub')) {
  throw new Error('usage: city-server.ts bare|hub DATABASE_URL POOL');
}
const pool = Number(poolText);

interface Server {
  listen: () => Promise<string>;
  close: () => Promise<void>;
}

async function bare(): Promise<Server> {
  const db = new pg.Pool({ connectionString: url, max: pool });
  db.on('error', () => {}); // idle clients are cut when the database is dropped at the end
  const app = Fastify();
  app.get<{ Querystring: { resource: string; key: string } }>('/r', async (request, reply) => {
    const { rows } = await db.query('select doc from records.record where resource_id = $1 and key = $2', [
      Number(request.query.resource),
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

async function hub(): Promise<Server> {
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

const server = kind === 'bare' ? await bare() : await hub();
const address = await server.listen();
process.stdout.write(`listening ${address}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
