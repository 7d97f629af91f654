import cluster, { type Worker } from 'node:cluster';
import { connect, migrate } from '../db/index.js';
import { seedDemo, type DemoSummary } from '../demo/index.js';
import { MIGRATIONS, openHub } from '../http/index.js';
import { HubError, msg, type HubConfig, type Logger } from '../kernel/index.js';

/** What a worker tells the primary once it listens. */
export interface ListeningMessage {
  qdh: 'listening';
  url: string;
}

/** A worker that dies sooner than this after its start is restarted after a growing pause. */
const SHORT_LIFE_MS = 10_000;
const MAX_RESTART_PAUSE_MS = 30_000;
/** How long stopping waits for the workers to finish what they are doing before it kills them. */
const STOP_GRACE_MS = 20_000;

/**
 * `qdh serve --workers N`: this process (Node's cluster primary) prepares the database once —
 * migrations, the demo city when asked — then forks N workers that share the port and serve
 * (each a whole hub: everything per-process is coordinated through PostgreSQL, docs/share.md).
 * A worker that dies is replaced; SIGTERM or SIGINT stops them all and then this process.
 * PGlite is refused: its data directory belongs to one process.
 */
export async function superviseWorkers(opts: {
  workers: number;
  config: HubConfig;
  demo: boolean;
  people: number;
  logger: Logger;
}): Promise<void> {
  const { workers, config, logger } = opts;
  if (!config.databaseUrl) throw new HubError('KRN_CONFIG', msg('config.workersNeedPostgres', { workers }));
  const started = Date.now();
  const demo = await prepare(config, opts.demo, opts.people);
  let stopping = false;
  let pause = 1000;
  const startedAt = new Map<number, number>();
  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
    return worker;
  };
  const listening = new Set<number>();
  cluster.on('message', (worker: Worker, message: ListeningMessage) => {
    if (message?.qdh !== 'listening' || listening.has(worker.id)) return;
    listening.add(worker.id);
    if (listening.size === workers) banner(message.url, workers, Date.now() - started, config, demo);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    pause = lived < SHORT_LIFE_MS ? Math.min(pause * 2, MAX_RESTART_PAUSE_MS) : 1000;
    logger.warn(
      { worker: worker.process.pid, code, signal, restartInMs: pause },
      'hub worker exited; starting another',
    );
    setTimeout(() => !stopping && fork(), pause);
  });
  for (let i = 0; i < workers; i++) fork();
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    await Promise.all(alive.map((w) => stopWorker(w)));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** Migrations and the demo city, once, before any worker starts (workers would race to seed). */
async function prepare(config: HubConfig, demo: boolean, people: number): Promise<DemoSummary | null> {
  if (!demo) {
    const db = await connect({ databaseUrl: config.databaseUrl });
    try {
      await migrate(db, MIGRATIONS);
    } finally {
      await db.close();
    }
    return null;
  }
  const hub = await openHub({ databaseUrl: config.databaseUrl });
  try {
    return await seedDemo(hub, { password: config.demoPassword, people });
  } finally {
    await hub.close();
  }
}

function stopWorker(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    const kill = setTimeout(() => worker.process.kill('SIGKILL'), STOP_GRACE_MS);
    worker.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    worker.process.kill('SIGTERM');
  });
}

function banner(url: string, workers: number, ms: number, config: HubConfig, demo: DemoSummary | null): void {
  console.log(`\n泉城数据中枢 Quancheng Data Hub — serving ${url} with ${workers} workers  (started in ${ms} ms)`);
  console.log(`  database: ${new URL(config.databaseUrl!).host}${new URL(config.databaseUrl!).pathname}`);
  console.log(`  API docs: ${url}/api/docs`);
  if (demo) {
    console.log(`  demo accounts (password: ${demo.password ?? '(set at first start; see QDH_DEMO_PASSWORD)'}):`);
    for (const a of demo.accounts)
      console.log(`    ${a.username.padEnd(14)} ${a.roles.join(',').padEnd(12)} ${a.org ?? ''}`);
  }
}
