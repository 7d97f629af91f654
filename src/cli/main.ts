import cluster from 'node:cluster';
import { Command, InvalidArgumentError } from 'commander';
import { ROLES, type Role } from '../access/index.js';
import { migrate, connect } from '../db/index.js';
import { seedDemo } from '../demo/index.js';
import { MIGRATIONS, openHub, startHub } from '../http/index.js';
import { createLogger, isHubError, loadConfig } from '../kernel/index.js';
import type { LedgerTables } from '../ledger/index.js';
import { registerAdminCommands } from './admin.js';
import { registerBackupCommands, refuseHeldRestore } from './backup.js';
import { registerBaseCommands } from './base.js';
import { registerCascadeCommands, divisionCode } from './cascade.js';
import { registerCatalogCommands } from './catalog.js';
import { registerEnterpriseCommands } from './enterprise.js';
import { ACTS_AS_HOLDER } from './holder.js';
import { registerIngestCommands } from './ingest.js';
import { registerKeysCommands } from './keys.js';
import { registerLedgerCommands } from './ledger.js';
import { registerQualityCommands } from './quality.js';
import { registerShareCommands } from './share.js';
import { registerWatermarkCommands } from './watermark.js';
import { superviseWorkers, type ListeningMessage } from './workers.js';

const program = new Command('qdh').description('泉城数据中枢 Quancheng Data Hub').showHelpAfterError();

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('not a non-negative integer');
  return n;
};

/** The database of the configured hub: DATABASE_URL, or PGlite under --data / QDH_DATA_DIR / ./data. */
function hubOptions(flags: { data?: string; port?: number; host?: string; demo?: boolean }) {
  const config = loadConfig(flags);
  return { databaseUrl: config.databaseUrl, dataDir: config.dataDir, config };
}

/**
 * Whether a command may give a database with no key-encryption key a generated one, kept in the
 * database: only for the demo city, or when QDH_KEK_GENERATE=1 says so. A real install configures
 * QDH_KEK or QDH_KEK_FILE; without it the first command refuses (KEY_NO_KEK) rather than start
 * keeping the key beside the data it protects. A database that already has a generated KEK (the
 * demo's) keeps using it, with a warning in the log.
 */
const mayGenerateKek = (demo = false) => demo || process.env.QDH_KEK_GENERATE === '1';

/** The hub as a command opens it. */
function openCliHub(flags: { data?: string; demo?: boolean } = {}) {
  const { databaseUrl, dataDir } = hubOptions(flags);
  return openHub({ databaseUrl, dataDir, generateKek: mayGenerateKek(flags.demo) });
}

type ServeFlags = {
  port?: number;
  host?: string;
  data?: string;
  demo?: boolean;
  people: number;
  workers?: number;
  role?: 'city' | 'district';
  division?: string;
  parent?: string;
  enrol?: string;
};

const nodeRole = (v: string) => {
  if (v !== 'city' && v !== 'district') throw new InvalidArgumentError('city or district');
  return v;
};

program
  .command('serve')
  .description('serve the API and the web app')
  .option('-p, --port <port>', 'port (env PORT)', int)
  .option('--host <host>', 'interface to listen on (env HOST)')
  .option('-d, --data <dir>', 'PGlite data directory (env QDH_DATA_DIR); ignored with DATABASE_URL')
  .option('--demo', 'seed the demo city into an empty database')
  .option('--people <n>', 'demo population size', int, 10_000)
  .option('--workers <n>', 'hub processes sharing the port (Node cluster; PostgreSQL only)', int)
  .option('--accept-unverified-restore', 'serve a database whose last qdh restore did not verify')
  .option('--role <role>', 'this node in the cascade: city (default) or district', nodeRole)
  .option('--division <code>', "the node's GB/T 2260 division code (a district's own)", divisionCode)
  .option('--parent <url>', "a district's city node")
  .option('--enrol <token>', 'the one-time token of the first start (qdh cascade token on the city)')
  .action(async (flags: ServeFlags) => {
    const started = Date.now();
    const { config } = hubOptions(flags);
    const logger = createLogger(config.logLevel);
    await refuseHeldRestore(config, (flags as { acceptUnverifiedRestore?: boolean }).acceptUnverifiedRestore, logger);
    // Every worker would present the one-time token: enrol with one process, then scale out.
    if ((flags.workers ?? 1) > 1 && flags.enrol)
      throw new InvalidArgumentError('--enrol takes one process: enrol once without --workers');
    if ((flags.workers ?? 1) > 1 && cluster.isPrimary) {
      const options = { workers: flags.workers!, config, demo: !!flags.demo, people: flags.people, logger };
      return superviseWorkers(options);
    }
    const running = await startHub({
      databaseUrl: config.databaseUrl,
      readUrls: config.databaseReadUrls,
      replicaMaxLagMs: config.replicaMaxLagMs,
      dataDir: config.dataDir,
      port: config.port,
      host: config.host,
      demo: flags.demo,
      demoPassword: config.demoPassword,
      demoPeople: flags.people,
      generateKek: mayGenerateKek(flags.demo),
      webDir: config.webDir,
      logger,
      node: {
        role: flags.role,
        division: flags.division,
        parentUrl: flags.parent,
        enrolToken: flags.enrol,
        publicUrl: process.env.QDH_PUBLIC_URL,
      },
    });
    // A worker of `--workers N` tells the primary, which prints the banner once for all.
    if (cluster.isWorker) process.send!({ qdh: 'listening', url: running.url } satisfies ListeningMessage);
    else {
      const took = Date.now() - started;
      console.log(`\n泉城数据中枢 Quancheng Data Hub — serving ${running.url}  (started in ${took} ms)`);
      console.log(`  database: ${running.hub.db.describe}`);
      console.log(`  API docs: ${running.url}/api/docs`);
      if (running.demo) {
        const pw = running.demo.password ?? '(set at first start; see QDH_DEMO_PASSWORD)';
        console.log(`  demo accounts (password: ${pw}):`);
        for (const a of running.demo.accounts)
          console.log(`    ${a.username.padEnd(14)} ${a.roles.join(',').padEnd(12)} ${a.org ?? ''}`);
      }
    }
    const stop = async () => {
      await running.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .option('-d, --data <dir>', 'PGlite data directory')
  .action(async (flags: { data?: string }) => {
    const { databaseUrl, dataDir } = hubOptions(flags);
    const db = await connect({ databaseUrl, dataDir });
    const applied = await migrate(db, MIGRATIONS);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'up to date');
    await db.close();
  });

program
  .command('demo')
  .description('seed the demo city into an empty database (never into one holding data)')
  .option('-d, --data <dir>', 'PGlite data directory')
  .option('--people <n>', 'population size', int, 10_000)
  .action(async (flags: { data?: string; people: number }) => {
    const { dataDir, config } = hubOptions(flags);
    const hub = await openCliHub({ ...flags, demo: true });
    try {
      const t0 = Date.now();
      const summary = await seedDemo(hub, { password: config.demoPassword, people: flags.people, dataDir });
      if (!summary.seeded) console.log('the database already holds data: nothing seeded');
      else console.log(`demo city seeded in ${Date.now() - t0} ms; password: ${summary.password}`);
    } finally {
      await hub.close();
    }
  });

// `user add` acts as the holder of the server (holder.ts), unchecked: it makes the first operator
// of a fresh install, before anyone exists to act as. `user create --as OPERATOR` is the checked way.
program
  .command('user')
  .description('manage users')
  .command('add')
  .description('create a user')
  .requiredOption('-u, --username <name>')
  .requiredOption('-r, --roles <roles>', `comma-separated: ${ROLES.join(', ')}`)
  .option('-o, --org <code>', 'organization code')
  .option('-n, --name <displayName>')
  .option('--citizen-id <id>', 'for citizen accounts: their ID number')
  .option('-d, --data <dir>', 'PGlite data directory')
  .addHelpText('after', ACTS_AS_HOLDER)
  .action(
    async (flags: {
      username: string;
      roles: string;
      org?: string;
      name?: string;
      citizenId?: string;
      data?: string;
    }) => {
      const password = process.env.QDH_PASSWORD;
      if (!password) throw new InvalidArgumentError('set the password in QDH_PASSWORD (never on the command line)');
      const hub = await openCliHub(flags);
      try {
        const user = await hub.access.createUser({
          username: flags.username,
          displayName: flags.name ?? flags.username,
          password,
          orgCode: flags.org ?? null,
          roles: flags.roles.split(',').map((r) => r.trim()) as Role[],
          citizenId: flags.citizenId ?? null,
        });
        console.log(`created user ${user.username} (${user.roles.join(', ')}) ${user.org?.name ?? ''}`);
      } finally {
        await hub.close();
      }
    },
  );

// After `user add`: `user create|disable|enable|reset-password` go under it.
registerAdminCommands(program, openCliHub);

registerEnterpriseCommands(program, openCliHub);

registerIngestCommands(program, openCliHub);

registerCatalogCommands(program, openCliHub);
registerCascadeCommands(program, openCliHub);

registerShareCommands(program, openCliHub);

// After ingest: `ingest mapping` goes under it.
registerQualityCommands(program, openCliHub);

registerBaseCommands(program, openCliHub);

registerWatermarkCommands(program, async () => {
  const hub = await openCliHub();
  return {
    identify: (table) => hub.share.identifyExport(table),
    close: () => hub.close(),
  };
});

registerKeysCommands(program, openCliHub);

registerLedgerCommands(program, async () => {
  const hub = await openCliHub();
  return { ledger: hub.ledger, db: hub.db.kysely.withTables<LedgerTables>(), close: () => hub.close() };
});

registerBackupCommands(
  program,
  (flags) => hubOptions(flags),
  () =>
    MIGRATIONS.flatMap((m) =>
      m.migrations.flatMap((x) => [m.module, m.renamedFrom ?? m.module].map((name) => `${name}/${x.id}`)),
    ),
  (target) => openHub(target),
);

program.parseAsync().catch((e: unknown) => {
  console.error(isHubError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e));
  process.exit(1);
});
