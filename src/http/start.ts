import { createLogger, type Logger } from '../kernel/index.js';
import { seedDemo, type DemoSummary } from '../demo/index.js';
import { buildApp } from './app.js';
import { openHub, type Hub } from '../hub/index.js';
import type { NodeRole } from '../cascade/index.js';

/** A node's place in the cascade as `qdh serve` is told it (docs/cascade.md). */
export interface NodeOptions {
  role?: NodeRole | undefined;
  division?: string | undefined;
  /** A district's city node. */
  parentUrl?: string | undefined;
  /** The one-time token of its first start (`qdh cascade token` on the city). */
  enrolToken?: string | undefined;
  /** Where the other node reaches this one: QDH_PUBLIC_URL, else the address it listens on. */
  publicUrl?: string | undefined;
}

export interface StartOptions {
  databaseUrl?: string | undefined;
  /** Streaming replicas for reads that may be a moment stale (DATABASE_READ_URLS), and their bound. */
  readUrls?: readonly string[];
  replicaMaxLagMs?: number;
  dataDir?: string;
  port?: number;
  host?: string;
  demo?: boolean;
  demoPassword?: string;
  demoPeople?: number;
  /** Whether a database without any KEK may get a generated one (the CLI: --demo or QDH_KEK_GENERATE=1). */
  generateKek?: boolean;
  webDir?: string;
  logger?: Logger;
  logLevel?: string;
  node?: NodeOptions;
  /** PGlite in memory only: start from this dump (tests start nodes from the seeded demo city). */
  loadDataDir?: Blob | undefined;
  /** Interval of signed tree heads while entries arrive (tests shorten it). */
  headIntervalMs?: number;
}

export interface RunningHub {
  url: string;
  hub: Hub;
  demo: DemoSummary | null;
  close(): Promise<void>;
}

/**
 * Opens the database, migrates, seeds the demo city when asked (and only into an empty hub),
 * listens, and only then starts the background work: on PGlite's one connection a catch-up
 * absorb left by a restart would otherwise be served before the start-up's own queries.
 */
export async function startHub(opts: StartOptions): Promise<RunningHub> {
  const logger = opts.logger ?? createLogger(opts.logLevel ?? 'warn');
  const hub = await openHub({
    databaseUrl: opts.databaseUrl,
    readUrls: opts.readUrls,
    replicaMaxLagMs: opts.replicaMaxLagMs,
    dataDir: opts.dataDir ?? 'memory://',
    generateKek: opts.generateKek,
    logger,
    node: { role: opts.node?.role, division: opts.node?.division },
    loadDataDir: opts.loadDataDir,
    ...(opts.headIntervalMs !== undefined && { headIntervalMs: opts.headIntervalMs }),
  });
  try {
    const demo = opts.demo
      ? await seedDemo(hub, {
          password: opts.demoPassword,
          people: opts.demoPeople ?? 10_000,
          logger,
          dataDir: opts.dataDir,
        })
      : null;
    const app = await buildApp(hub, { logger, webDir: opts.webDir, demo: !!opts.demo });
    await app.listen({ port: opts.port ?? 8080, host: opts.host ?? '127.0.0.1' });
    hub.startWorker();
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : opts.port;
    const host = opts.host === '0.0.0.0' || !opts.host ? 'localhost' : opts.host;
    await joinParent(hub, opts.node, opts.node?.publicUrl ?? `http://${loopbackOr(opts.host)}:${port}`, logger);
    return {
      url: `http://${host}:${port}`,
      hub,
      demo,
      close: async () => {
        await app.close();
        await hub.close();
      },
    };
  } catch (e) {
    await hub.close();
    throw e;
  }
}

/** The address another node on this machine reaches a hub listening on `host` by. */
const loopbackOr = (host: string | undefined) =>
  !host || host === '0.0.0.0' || host === 'localhost' ? '127.0.0.1' : host === '::' ? '[::1]' : host;

/**
 * A district node enrols with its city once it listens (the city calls it back at its URL).
 * A district already enrolled there starts without a token; one never enrolled says so.
 */
async function joinParent(hub: Hub, node: NodeOptions | undefined, ownUrl: string, logger: Logger): Promise<void> {
  if (hub.cascade.self.role !== 'district' || !node?.parentUrl) return;
  const enrolled = await hub.cascade.peers.parent();
  if (enrolled?.url === node.parentUrl) return;
  if (!node.enrolToken) {
    logger.warn({ parent: node.parentUrl }, 'not enrolled with the city node: start once with --enrol TOKEN');
    return;
  }
  await hub.cascade.enrolWith(node.parentUrl, node.enrolToken, ownUrl);
}
