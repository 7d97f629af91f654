import { createLogger, type Logger } from '../kernel/index.js';
import { seedDemo, type DemoSummary } from '../demo/index.js';
import { buildApp } from './app.js';
import { openHub, type Hub } from '../hub/index.js';

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
