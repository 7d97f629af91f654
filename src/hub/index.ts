import { AccessService, OfficerService, accessMigrations } from '../access/index.js';
import { CatalogService, catalogMigrations } from '../catalog/index.js';
import { connect, migrate, type Database, type ModuleMigrations } from '../db/index.js';
import { DemandService, ExchangeService, exchangeMigrations } from '../exchange/index.js';
import { IngestService, ingestMigrations } from '../ingest/index.js';
import { ledgerMigrations, openLedger, type Ledger } from '../ledger/index.js';

/** Modules in dependency order: a module's migrations may refer to tables of those before it. */
export const MIGRATIONS: readonly ModuleMigrations[] = [
  accessMigrations,
  ledgerMigrations,
  catalogMigrations,
  ingestMigrations,
  exchangeMigrations,
];

/** How often a hub looks for demand steps past their working-day deadline. */
const OVERDUE_CHECK_MS = 10 * 60_000;

/** Every module of one hub process, wired together. The only place that knows them all. */
export interface Hub {
  db: Database;
  access: AccessService;
  officers: OfficerService;
  catalog: CatalogService;
  ingest: IngestService;
  exchange: ExchangeService;
  demands: DemandService;
  ledger: Ledger;
  close(): Promise<void>;
}

export interface OpenHubOptions {
  databaseUrl?: string | undefined;
  dataDir?: string;
  /** Interval of signed tree heads while entries arrive. */
  headIntervalMs?: number;
  /** PostgreSQL connections of this process (default 10). */
  poolSize?: number;
}

export async function openHub(opts: OpenHubOptions): Promise<Hub> {
  const db = await connect({
    databaseUrl: opts.databaseUrl,
    dataDir: opts.dataDir ?? 'memory://',
    poolSize: opts.poolSize,
  });
  try {
    await migrate(db, MIGRATIONS);
    const access = await AccessService.open(db);
    const ledger = await openLedger(db, { headIntervalMs: opts.headIntervalMs ?? 2000 });
    const officers = new OfficerService(db);
    const catalog = new CatalogService(
      db,
      async (codes) => {
        const orgs = await access.listOrganizations();
        return new Map(orgs.filter((o) => codes.includes(o.code)).map((o) => [o.code, o.name]));
      },
      ledger,
      officers,
    );
    await catalog.reindexMissing();
    const ingest = new IngestService(db, catalog);
    const exchange = new ExchangeService(db, access, catalog, ledger, {
      watermarkSecret: await access.secret('watermark'),
    });
    await exchange.start();
    const demands = new DemandService(db, {
      catalog,
      tasks: officers,
      ledger,
      orgName: async (code) => (await access.listOrganizations()).find((o) => o.code === code)?.name,
      publish: async ({ demandId, consumer, resource, fields, purpose, by }) => {
        const grant = await exchange.grants.forDemand(by, { demandId, consumer, resource, fields, purpose });
        const service = await exchange.services.publish(resource, by.username);
        return { grantId: grant.id, serviceCode: service.code };
      },
    });
    // Overdue demand steps become tasks for the provider's officers and the operators.
    const overdue = setInterval(() => void demands.flagOverdue().catch(() => {}), OVERDUE_CHECK_MS);
    overdue.unref();
    return {
      db,
      access,
      officers,
      catalog,
      ingest,
      exchange,
      demands,
      ledger,
      close: async () => {
        clearInterval(overdue);
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
