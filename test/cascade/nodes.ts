import { createLogger } from '../../src/kernel/index.js';
import { startHub, type RunningHub } from '../../src/http/index.js';
import type { NodeRole } from '../../src/cascade/index.js';
import { createPostgresDatabase, engines, SEEDED_PASSWORD } from '../databases.js';
import { inject } from 'vitest';

/** Where a node keeps its data: a PostgreSQL database of the run's own, or PGlite in memory. */
export interface NodeDatabase {
  databaseUrl?: string | undefined;
  loadDataDir?: Blob | undefined;
}

export interface StartedNode {
  running: RunningHub;
  url: string;
  database: NodeDatabase;
  /** Bearer token of a demo user (the seeded city) or of the node's operator. */
  login(username: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

/** The seeded demo city on PostgreSQL, and empty databases for districts: on PostgreSQL or PGlite. */
export async function seededCityDatabase(): Promise<NodeDatabase> {
  const postgres = engines().find((e) => e.name === 'postgres')!;
  const { databaseUrl } = await postgres.seededDatabase();
  return { databaseUrl };
}

export async function emptyPostgres(): Promise<NodeDatabase> {
  return { databaseUrl: await createPostgresDatabase(inject('postgresAdminUrl'), inject('postgresPrefix')) };
}

export const postgresMissing = () => engines().find((e) => e.name === 'postgres')!.skip;

/**
 * One node of a cascade on loopback, started as `qdh serve` starts it (startHub): listening on
 * 127.0.0.1, a district enrolling with its city by token once it listens. `port` restarts a
 * node where its peers already reach it.
 */
export async function startNode(opts: {
  database: NodeDatabase;
  role: NodeRole;
  division?: string;
  parentUrl?: string;
  token?: string;
  port?: number;
}): Promise<StartedNode> {
  const running = await startHub({
    databaseUrl: opts.database.databaseUrl,
    dataDir: 'memory://',
    loadDataDir: opts.database.loadDataDir,
    host: '127.0.0.1',
    port: opts.port ?? 0,
    headIntervalMs: 100,
    logger: createLogger('silent'),
    generateKek: true,
    node: { role: opts.role, division: opts.division, parentUrl: opts.parentUrl, enrolToken: opts.token },
  });
  const url = running.url.replace('localhost', '127.0.0.1');
  return {
    running,
    url,
    database: opts.database,
    async login(username, password = SEEDED_PASSWORD) {
      const res = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (!res.ok) throw new Error(`login of ${username} answered ${res.status}`);
      return ((await res.json()) as { token: string }).token;
    },
    close: () => running.close(),
  };
}
