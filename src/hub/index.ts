import { AccessService, OfficerService, accessMigrations } from '../access/index.js';
import { BaseService, baseMigrations } from '../base/index.js';
import { CatalogService, catalogMigrations } from '../catalog/index.js';
import { connect, migrate, type Database, type ModuleMigrations } from '../db/index.js';
import { DemandService, ExchangeService, exchangeMigrations } from '../exchange/index.js';
import { IngestService, JobQueue, Scheduler, ingestMigrations } from '../ingest/index.js';
import { maskPersonalText, type Logger } from '../kernel/index.js';
import { ledgerMigrations, openLedger, type Ledger } from '../ledger/index.js';
import { Purposes, purposeMigrations } from '../purpose/index.js';
import { QualityService, qualityMigrations } from '../quality/index.js';

/** Modules in dependency order: a module's migrations may refer to tables of those before it. */
export const MIGRATIONS: readonly ModuleMigrations[] = [
  accessMigrations,
  ledgerMigrations,
  catalogMigrations,
  ingestMigrations,
  baseMigrations,
  purposeMigrations,
  exchangeMigrations,
  qualityMigrations,
];

/** How often a hub looks for demand steps and corrections past their working-day deadline. */
const OVERDUE_CHECK_MS = 10 * 60_000;
/** How often a serving hub looks for loads the base databases have not absorbed. */
const ABSORB_CATCH_UP_MS = 5 * 60_000;

/** Every module of one hub process, wired together. The only place that knows them all. */
export interface Hub {
  db: Database;
  access: AccessService;
  officers: OfficerService;
  catalog: CatalogService;
  ingest: IngestService;
  /** The base databases (人口, 法人): absorbed loads, authority, conflicts, labels. */
  base: BaseService;
  /** Ingest jobs from database and HTTP sources, and the schedules that enqueue them. */
  jobs: JobQueue;
  schedules: Scheduler;
  /** The purpose registry (用途) that grants, calls and — later — consents name. */
  purposes: Purposes;
  exchange: ExchangeService;
  demands: DemandService;
  quality: QualityService;
  ledger: Ledger;
  /** Starts the background work of a serving process (what `worker` starts at once); again, nothing. */
  startWorker(): void;
  close(): Promise<void>;
}

export interface OpenHubOptions {
  databaseUrl?: string | undefined;
  dataDir?: string;
  /** Interval of signed tree heads while entries arrive. */
  headIntervalMs?: number;
  /** PostgreSQL connections of this process (default 10). */
  poolSize?: number;
  /**
   * Run queued ingest jobs, due schedules and the absorbs' catch-up in this process at once
   * (`qdh serve` starts them once it listens: `startWorker`; one-off commands do not).
   */
  worker?: boolean;
  /** Where background work that fails (absorbs, overdue checks) says so; it is retried either way. */
  logger?: Logger;
  /** The clock of tokens and of the login throttle (tests move it). */
  now?: () => Date;
}

export async function openHub(opts: OpenHubOptions): Promise<Hub> {
  const db = await connect({
    databaseUrl: opts.databaseUrl,
    dataDir: opts.dataDir ?? 'memory://',
    poolSize: opts.poolSize,
  });
  try {
    await migrate(db, MIGRATIONS);
    const access = await AccessService.open(db, { now: opts.now });
    const ledger = await openLedger(db, { headIntervalMs: opts.headIntervalMs ?? 2000 });
    const officers = new OfficerService(db);
    const orgNames = async (codes: string[]) => {
      const orgs = await access.listOrganizations();
      return new Map(orgs.filter((o) => codes.includes(o.code)).map((o) => [o.code, o.name]));
    };
    const orgName = async (code: string) => (await orgNames([code])).get(code);
    const failed =
      (what: string, context: Record<string, unknown> = {}) =>
      (e: unknown) =>
        void opts.logger?.warn(
          { ...context, error: maskPersonalText(e instanceof Error ? e.message : String(e)) },
          what,
        );
    const catalog = new CatalogService(db, orgNames, ledger, officers);
    const base = new BaseService(db, catalog, ledger, {
      orgNames,
      citizenIdOf: (actor) => access.citizenIdOf(actor),
    });
    await catalog.reindexMissing();
    // Grants come from exchange, built below: asked for only when a correction is reported.
    const quality = new QualityService(db, {
      catalog,
      tasks: officers,
      ledger,
      grantedFields: async (org, resource) => (await exchange.grants.active(org, resource))?.fields ?? null,
      citizenIdOf: (actor) => access.citizenIdOf(actor),
      orgName,
    });
    const ingest = new IngestService(db, catalog, {
      checker: (resource, o) => quality.checker(resource, o),
      // A failed absorb is not lost: the worker's catch-up (below) absorbs what was missed.
      afterLoad: async (resource, jobId) =>
        void (await base
          .absorbJob(resource, jobId)
          .catch(failed('base absorb failed; the catch-up retries it', { job: jobId, resource: resource.code }))),
      pending: (resource, jobId) => base.pending(resource, jobId),
    });
    const jobs = new JobQueue(db, {
      run: (r, rows, o) => ingest.run(r, rows, o),
      resource: (code) => catalog.get(code),
    });
    const schedules = new Scheduler(db, jobs);
    const purposes = new Purposes(db, ledger);
    const exchange = new ExchangeService(db, access, catalog, ledger, purposes, {
      watermarkSecret: await access.secret('watermark'),
    });
    await exchange.start();
    const demands = new DemandService(db, {
      catalog,
      tasks: officers,
      ledger,
      orgName,
      purposes,
      publish: async ({ demandId, consumer, resource, fields, purposes, by }) => {
        const grant = await exchange.grants.forDemand(by, { demandId, consumer, resource, fields, purposes });
        const service = await exchange.services.publish(resource, by.username);
        return { grantId: grant.id, serviceCode: service.code };
      },
    });
    // Overdue demand steps and corrections become tasks for the providers' officers and the operators.
    const overdue = setInterval(() => {
      void demands.flagOverdue().catch(failed('flagging overdue demand steps failed'));
      void quality.flagOverdue().catch(failed('flagging overdue corrections failed'));
    }, OVERDUE_CHECK_MS);
    overdue.unref();
    // Last, so that a failure above leaves no worker running on a closed database.
    let catchUp: NodeJS.Timeout | undefined;
    const startWorker = () => {
      if (catchUp) return;
      jobs.start();
      schedules.start();
      // Not awaited: a catch-up of a large load takes minutes, a transaction per chunk.
      const absorbMissed = () => void base.absorbMissed().catch(failed('catching up missed absorbs failed'));
      absorbMissed();
      catchUp = setInterval(absorbMissed, ABSORB_CATCH_UP_MS);
      catchUp.unref();
    };
    if (opts.worker) startWorker();
    return {
      db,
      access,
      officers,
      catalog,
      ingest,
      base,
      jobs,
      schedules,
      purposes,
      exchange,
      demands,
      quality,
      ledger,
      startWorker,
      close: async () => {
        clearInterval(overdue);
        clearInterval(catchUp);
        await ingest.settled();
        await schedules.stop();
        await jobs.stop();
        await exchange.stop();
        await ledger.close();
        await db.close();
      },
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}
