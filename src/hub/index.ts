import {
  AccessService,
  AuthorizedAccess,
  AuthorizedEnterprises,
  OfficerService,
  OidcLogin,
  accessMigrations,
  appointmentCovers,
  oidcConfigFromEnv,
  type OidcConfig,
} from '../access/index.js';
import { AuthorizedBase, BaseService, baseMigrations } from '../base/index.js';
import { AuthorizedCatalog, CatalogService, catalogMigrations } from '../catalog/index.js';
import { connect, migrate, type Database, type ModuleMigrations } from '../db/index.js';
import {
  AuthorizedDemands,
  AuthorizedMonitoring,
  AuthorizedServices,
  DemandService,
  ShareService,
  recordSight,
  recordedRead,
  shareMigrations,
} from '../share/index.js';
import { IngestScope, IngestService, JobQueue, Scheduler, ingestMigrations } from '../ingest/index.js';
import { maskPersonalText, runAlone, type Logger } from '../kernel/index.js';
import { ledgerMigrations, openLedger, type Ledger } from '../ledger/index.js';
import {
  Cascade,
  CatalogFederation,
  DataReturn,
  PushReceiver,
  PushService,
  RemoteRecordsLink,
  cascadeMigrations,
  type NodeRole,
} from '../cascade/index.js';
import { AuthorizedPurposes, Purposes, purposeMigrations } from '../purpose/index.js';
import { QualityService, qualityMigrations } from '../quality/index.js';
import { AuthorizedConsents, Consents, consentMigrations } from '../consent/index.js';
import { KeyStore, configuredKeks, keysMigrations, type KeyEncryptionKey } from '../keys/index.js';
import { RecordStore, recordCodecs, recordsMigrations } from '../records/index.js';
import {
  AnswerCounts,
  Answers,
  AuthorizedAttestations,
  ProofItems,
  attestMigrations,
  catalogSources,
} from '../attest/index.js';
import {
  AuthorizedLicences,
  Credentials,
  IssuerKeys,
  LICENCE_USE,
  Licences,
  Presentations,
  licenceMigrations,
  type LicenceTables,
} from '../licence/index.js';
import {
  ApiMeter,
  CkanActions,
  ConditionalOpen,
  DEFAULT_LIMITS,
  Developers,
  OpenCounters,
  OpenDatasets,
  OpenFeedback,
  OpenErrorReports,
  OpenDatasetRequests,
  openMigrations,
  type OpenLimits,
  type OpenTables,
} from '../open/index.js';
import { Cockpit, cockpitMigrations } from '../cockpit/index.js';
import { cockpitSources } from './cockpit-sources.js';
import { openIndicators } from './open-indicators.js';
import { cascadeIndicators } from './cascade-indicators.js';

/** Modules in dependency order: a module's migrations may refer to tables of those before it. */
export { assetMap } from './asset-map.js';
export { platformStats } from './stats.js';

export const MIGRATIONS: readonly ModuleMigrations[] = [
  accessMigrations,
  keysMigrations,
  ledgerMigrations,
  catalogMigrations,
  recordsMigrations,
  ingestMigrations,
  baseMigrations,
  purposeMigrations,
  shareMigrations,
  qualityMigrations,
  consentMigrations,
  attestMigrations,
  licenceMigrations,
  openMigrations,
  cockpitMigrations,
  cascadeMigrations,
];

/** How often a hub looks for demand steps and corrections past their working-day deadline. */
const OVERDUE_CHECK_MS = 10 * 60_000;
/** How often a serving node witnesses its peers' ledgers (docs/cascade.md, "Witnessed ledgers"). */
const WITNESS_MS = 60_000;
/** How often a serving district looks for pushes whose schedule is due. */
const PUSH_CHECK_MS = 30_000;
/** How often a serving hub looks for loads the base databases have not absorbed. */
const ABSORB_CATCH_UP_MS = 5 * 60_000;
/** How often the city node takes its districts' catalog changes (docs/cascade.md). */
const CATALOG_SYNC_MS = 60_000;
/** How often a district pulls its data return from the city (docs/cascade.md); on demand besides. */
const RETURN_PULL_MS = 10 * 60_000;

/** Every module of one hub process, wired together. The only place that knows them all. */
export interface Hub {
  db: Database;
  access: AccessService;
  officers: OfficerService;
  /** Organizations, accounts and officers as callers reach them: the access policy checked first. */
  authorizedAccess: AuthorizedAccess;
  /** Login through the unified identity (OpenID Connect, docs/oidc.md); null where none is configured. */
  oidc: OidcLogin | null;
  /**
   * Enterprise accounts, their legal representatives and agents as callers reach them (#16); how a
   * person may act for an enterprise is `access.enterpriseAuthority`.
   */
  enterprises: AuthorizedEnterprises;
  catalog: CatalogService;
  /** The catalog as callers (HTTP, CLI) reach it: the access policy checked before each step. */
  authorizedCatalog: AuthorizedCatalog;
  /** The data resources mount, one record per subject key, by resource id. */
  records: RecordStore;
  ingest: IngestService;
  /** Which resources' jobs and schedules, and which sources, the access policy lets a caller use. */
  ingestScope: IngestScope;
  /** The base databases (人口, 法人): absorbed loads, authority, conflicts, labels; the policy checked first. */
  base: AuthorizedBase;
  /** Ingest jobs from database and HTTP sources, and the schedules that enqueue them. */
  jobs: JobQueue;
  schedules: Scheduler;
  /** The purpose registry (用途) that grants, calls and — later — consents name. */
  purposes: Purposes;
  /** The purpose registry as callers reach it. */
  authorizedPurposes: AuthorizedPurposes;
  share: ShareService;
  /** The data services' directory (list, publish, OpenAPI documents) as callers reach it. */
  services: AuthorizedServices;
  /** Usage, alerts and leaked exports of the data services as callers reach them. */
  monitoring: AuthorizedMonitoring;
  /** Demands as callers reach them: the access policy checked before each step. */
  demands: AuthorizedDemands;
  quality: QualityService;
  /** Consents of data subjects to third parties (授权), as callers reach them. */
  consents: AuthorizedConsents;
  /** Proof items and proof-free attestations (无证明核验), as callers reach them. */
  attest: AuthorizedAttestations;
  /** E-licences (电子证照, #17): issuing, 亮证 and verification, W3C credentials, as callers reach them. */
  licences: AuthorizedLicences;
  /** The issuer departments' signing keys, published as JWKS and did:web. */
  licenceKeys: IssuerKeys;
  /** The open-data portal (#18, docs/open.md): open datasets, their records as the public sees them, counters. */
  open: OpenDatasets;
  /** CKAN's Action API over the open datasets. */
  ckan: CkanActions;
  /** The portal's developer accounts, their API keys and the data API's limits. */
  developers: Developers;
  /** Conditional open (有条件开放): developers' applications, the providers' answers, approved use. */
  conditional: ConditionalOpen;
  /** Ratings and comments (好差评) of open datasets, with the providers' answers. */
  feedback: OpenFeedback;
  /** Developers' error reports (纠错), each a correction in quality's workflow filed by the portal. */
  errorReports: OpenErrorReports;
  /** Developers' requests for data (数据需求), each a free-text demand filed by the portal. */
  datasetRequests: OpenDatasetRequests;
  /** 驾驶舱 (#19): indicators against the plan's targets, the evaluation index, topic dashboards. */
  cockpit: Cockpit;
  /** The city–district cascade (#20, docs/cascade.md): this node, its peers, signed calls between them. */
  cascade: Cascade;
  /** The federated catalog: a district's changes for its city; on the city, the districts' resources taken in. */
  catalogFederation: CatalogFederation;
  /** 数据返还 (#20): the city answering its districts' pulls, a district keeping its returned slice. */
  dataReturn: DataReturn;
  /** Push up (归集, docs/cascade.md): on a district, its pushes of resources into the city's copies. */
  pushes: PushService;
  /** On the city: the districts' pushed batches, each loaded once through ingest's validation. */
  pushesIn: PushReceiver;
  /** A district's records read through the city: the city fetching them, the district answering its city. */
  remoteRecords: RemoteRecordsLink;
  ledger: Ledger;
  /** Envelope keys of encryption at rest (docs/encryption.md): records' sealed fields, the ledger's secrets. */
  keys: KeyStore;
  /** Starts the background work of a serving process (what `worker` starts at once); again, nothing. */
  startWorker(): void;
  close(): Promise<void>;
}

export interface OpenHubOptions {
  databaseUrl?: string | undefined;
  /** PostgreSQL streaming replicas (DATABASE_READ_URLS) for record reads that may be a moment stale. */
  readUrls?: readonly string[];
  /** The staleness bound of those reads (QDH_REPLICA_MAX_LAG_MS; docs/replicas.md). */
  replicaMaxLagMs?: number;
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
  /** The open-data portal's data API limits (docs/open.md); tests set small ones. */
  openLimits?: Partial<OpenLimits>;
  /**
   * Key-encryption keys, newest first (docs/encryption.md); default QDH_KEK / QDH_KEK_FILE and
   * QDH_KEK_PREVIOUS from the environment, and without any a generated one kept in the database.
   */
  keks?: KeyEncryptionKey[];
  /** Whether a database without any KEK may get a generated one (KeyStoreOptions.generate); default true. */
  generateKek?: boolean;
  /** PGlite in memory only: start from this dump of a database (tests clone a seeded demo city). */
  loadDataDir?: Blob | undefined;
  /** The unified identity to log in through; default QDH_OIDC_* from the environment, null for none. */
  oidc?: OidcConfig | null;
  /** This node's place in the cascade, fixed at its first start (default: the city node of Jinan). */
  node?: { role?: NodeRole | undefined; division?: string | undefined };
}

export async function openHub(opts: OpenHubOptions): Promise<Hub> {
  // Read before the database opens: a half-made configuration stops the start at once.
  const oidcConfig = opts.oidc === undefined ? oidcConfigFromEnv(process.env) : opts.oidc;
  const db = await connect({
    databaseUrl: opts.databaseUrl,
    dataDir: opts.dataDir ?? 'memory://',
    poolSize: opts.poolSize,
    loadDataDir: opts.loadDataDir,
    readUrls: opts.readUrls,
    replicaMaxLagMs: opts.replicaMaxLagMs,
    onReplicaChange: (change) =>
      change.usable
        ? opts.logger?.info(change, 'reads use this replica')
        : opts.logger?.warn(change, 'reads leave this replica for the primary'),
  });
  try {
    await migrate(db, MIGRATIONS);
    const keys = await KeyStore.open(db, {
      keks: opts.keks ?? configuredKeks(process.env, 'gm'),
      generate: opts.generateKek,
      logger: opts.logger,
    });
    const access = await AccessService.open(db, {
      now: opts.now,
      secrets: keys.box('access'),
      lookup: () => keys.lookup('access'),
    });
    const ledger = await openLedger(db, { headIntervalMs: opts.headIntervalMs ?? 2000, secrets: keys.box('ledger') });
    const officers = new OfficerService(db);
    const oidc = oidcConfig && (await OidcLogin.open(oidcConfig, { database: db, access, ledger, now: opts.now }));
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
    await catalog.start();
    const records = new RecordStore(
      db,
      {
        write: (trx, resourceId, count) => catalog.writeRecordCount(trx, resourceId, count),
        loaded: (resourceId) => catalog.recordsLoaded(resourceId),
      },
      // Sensitivity-4 fields are sealed at rest, a sealed key field stored as its blind index.
      recordCodecs(keys, async (resourceId) => {
        const resource = await catalog.getById(resourceId);
        return (
          resource && {
            keyField: resource.keyField,
            sealed: resource.fields.filter((f) => f.sensitivity >= 4).map((f) => f.name),
          }
        );
      }),
    );
    const base = new BaseService(db, catalog, records, ledger, {
      orgNames,
      citizenIdOf: (actor) => access.citizenIdOf(actor),
      keys,
    });
    // A base of a version before its encryption at rest is sealed before anything reads or absorbs into it.
    const sealedSubjects = await base.sealAtRest((kind, done) =>
      opts.logger?.info({ base: kind, done }, 'sealing base'),
    );
    if (sealedSubjects > 0) opts.logger?.info({ subjects: sealedSubjects }, 'base sealed at rest');
    // Ingest's after-load absorb goes through the face the hub exposes: what replaces hub.base.absorbJob reaches it.
    const authorizedBase = new AuthorizedBase(base);
    await catalog.reindexMissing();
    const authorizedCatalog = new AuthorizedCatalog(catalog, async () =>
      (await access.listOrganizations()).filter((o) => o.kind === 'department'),
    );
    // Grants come from share, built below: asked for only when a correction is reported.
    const quality = new QualityService(db, {
      catalog,
      records,
      tasks: officers,
      ledger,
      grantedFields: async (org, resource) => (await share.grants.active(org, resource))?.fields ?? null,
      citizenIdOf: (actor) => access.citizenIdOf(actor),
      orgName,
      box: keys.box('correction'),
    });
    const sealedCorrections = await quality.sealAtRest();
    if (sealedCorrections > 0) opts.logger?.info({ corrections: sealedCorrections }, 'corrections sealed at rest');
    const ingest = new IngestService(db, catalog, records, {
      checker: (resource, o) => quality.checker(resource, o),
      // A failed absorb is not lost: the worker's catch-up (below) absorbs what was missed.
      afterLoad: async (resource, jobId) =>
        void (await authorizedBase
          .absorbJob(resource, jobId)
          .catch(failed('base absorb failed; the catch-up retries it', { job: jobId, resource: resource.code }))),
      pending: (resource, jobId) => base.pending(resource, jobId),
      threshold: (resource) => quality.threshold(resource.code),
      ledger,
    });
    const jobs = new JobQueue(db, {
      run: (r, rows, o) => ingest.run(r, rows, o),
      resource: (code) => catalog.get(code),
    });
    const schedules = new Scheduler(db, jobs);
    const purposes = new Purposes(db, ledger);
    await purposes.start();
    const share = new ShareService(db, access, catalog, records, ledger, purposes, {
      watermarkSecret: await access.secret('watermark'),
      sight: recordSight,
    });
    await share.start();
    const demands = new AuthorizedDemands(
      new DemandService(db, {
        catalog,
        tasks: officers,
        ledger,
        orgName,
        purposes,
        // The service first (made once, harmless alone); the demand is finished in the grant's transaction.
        publish: async ({ demandId, consumer, resource, fields, purposes, by, finish }) => {
          const service = await share.services.publish(resource, by.username);
          const grant = await share.grants.forDemand(by, {
            demandId,
            consumer,
            resource,
            fields,
            purposes,
            also: (trx, grantId) => finish(trx, grantId, service.code),
          });
          return { grantId: grant.id, serviceCode: service.code };
        },
      }),
    );
    const consents = new AuthorizedConsents(
      new Consents(db, {
        catalog,
        purposes,
        ledger,
        box: keys.box('consent'),
        requesterPurposes: async (org) => (await access.findOrganization(org))?.purposes ?? null,
        now: opts.now,
      }),
      {
        parties: {
          citizenIdOf: (actor) => access.citizenIdOf(actor),
          // The legal representative, or an agent whose appointment covers the consent's purpose.
          actsForEnterprise: async (actor, code, purpose) =>
            (await access.enterpriseAuthority(actor, code, purpose)) !== null,
          enterprisesOf: async (actor) =>
            (await access.enterprises.actingFor(actor.userId)).map((e) => e.enterprise.creditCode),
        },
        catalog,
        records,
        ledger,
        now: opts.now,
      },
    );
    // The rule reads only the subject's own records: the base's values and each resource's record by key.
    const answerCounts = new AnswerCounts(db);
    const proofItems = new ProofItems(db, { catalog: catalogSources(catalog), ledger, now: opts.now });
    await proofItems.start();
    const attest = new AuthorizedAttestations(
      proofItems,
      new Answers({
        catalog,
        counts: answerCounts,
        ledger,
        now: opts.now,
        reader: {
          base: (kind, key) => base.valuesFor(kind, key),
          record: async (resource, key) => (await records.findDated(resource.id, key))?.doc ?? null,
        },
      }),
      {
        consents: consents.consents,
        purposes,
        orgExists: async (code) => Boolean(await access.findOrganization(code)),
        counts: answerCounts,
      },
    );
    const licenceKeys = new IssuerKeys(db.kysely.withTables<LicenceTables>(), keys.box('licence-keys'));
    const licenceCore = new Licences(db, {
      ledger,
      box: keys.box('licence'),
      keys: licenceKeys,
      org: (code) => access.findOrganization(code),
      now: opts.now,
    });
    await licenceCore.start();
    const licences = new AuthorizedLicences(
      licenceCore,
      new Presentations(licenceCore, { keys: licenceKeys, ledger, orgName, now: opts.now }),
      new Credentials(licenceCore, licenceKeys, orgName, opts.now),
      {
        parties: {
          citizenIdOf: (actor) => access.citizenIdOf(actor),
          actsForEnterprise: async (actor, code) =>
            (await access.enterpriseAuthority(actor, code, LICENCE_USE)) !== null,
          enterprisesOf: async (actor) =>
            (await access.enterprises.actingFor(actor.userId))
              .filter((e) => appointmentCovers(e.authority, LICENCE_USE))
              .map((e) => e.enterprise.creditCode),
        },
        // Issuing from a record is the issuer's read of the holder's record in its own resource: recorded.
        readRecord: async (actor, code, key) => {
          const resource = await catalog.get(code);
          return recordedRead(
            ledger,
            {
              actor,
              action: 'records:browse',
              target: { ownerOrg: resource.provider.code },
              op: 'licence.source',
              resource: code,
              purpose: 'licence_issue',
              subjects: [key],
            },
            {
              admit: async () => ({ context: null }),
              fetch: () => records.find(resource.id, key),
              mask: (doc) => doc,
              rows: (doc) => (doc ? 1 : 0),
            },
          );
        },
      },
    );
    const openDb = db.kysely.withTables<OpenTables>();
    const openData = new OpenDatasets(catalog, records, new OpenCounters(openDb));
    const clock = opts.now ?? (() => new Date());
    const developers = new Developers(
      openDb,
      new ApiMeter(openDb, clock),
      { ...DEFAULT_LIMITS, ...opts.openLimits },
      clock,
    );
    // Counters kept by licences and attestations are written before the cockpit reads them.
    const cockpitBase = cockpitSources(db, { access, base, quality, demands });
    const cockpit = new Cockpit(
      db,
      {
        ...cockpitBase,
        licencesPresented: async () => {
          await licenceCore.counters.flush();
          return cockpitBase.licencesPresented();
        },
        attestAnswered: async () => {
          await answerCounts.flush();
          return cockpitBase.attestAnswered();
        },
      },
      ledger,
      opts.now,
    );
    cockpit.registry.register(...openIndicators(db, openData, orgNames));
    const cascade = await Cascade.open(db, {
      ...opts.node,
      box: keys.box('cascade'),
      ledger,
      logger: opts.logger,
      now: opts.now,
    });
    const catalogFederation = new CatalogFederation(db, cascade, catalog, access);
    // A grant on a district's resource is served by the district through the city (docs/cascade.md):
    // the city fetches such records from the district's node; the district answers its city.
    const remoteRecords = new RemoteRecordsLink(cascade, (node, ask) => share.serveNode(node, ask));
    if (cascade.self.role === 'city') {
      catalog.useOrigins((codes) => catalogFederation.origins(codes));
      share.useRemoteRecords((origin, ask) => remoteRecords.fetch(origin, ask));
    }
    const dataReturn = new DataReturn({
      database: db,
      cascade,
      changes: (kind, division, after, limit) => base.changes(kind, division, after, limit),
      box: keys.box('cascade-return'),
      tag: async (identifier) => {
        const k = await keys.lookup('cascade-return');
        return k.cipher.mac(k.key, identifier).toString('hex');
      },
      ledger,
      now: opts.now,
    });
    const pushes = new PushService(
      db,
      cascade,
      {
        resource: (code) => catalog.get(code),
        changedSince: (id, o) => records.changedSince(id, o),
        clock: () => records.clock(),
        loadingSince: (code) => ingest.loadingSince(code),
      },
      { logger: opts.logger },
    );
    // A district's batch is an ingest job of no person's: created by 0, its source naming the batch.
    const pushesIn = new PushReceiver(db, cascade, {
      resource: (code) => catalog.get(code),
      orgsOf: async (division) =>
        (await access.listOrganizations()).filter((o) => o.division === division).map((o) => o.code),
      load: (resource, rows, o) => ingest.run(resource, rows, { createdBy: 0, ...o }),
      stage: (resource, rows, o) => ingest.stage(resource, rows, { createdBy: 0, ...o }),
      mergeStaged: (resource, o) => ingest.mergeStaged(resource, o),
      dropStaged: (resource, o) => ingest.dropStaged(resource, o),
    });
    // The districts' figures are the city's; a district's cockpit has no districts below it.
    cockpit.useCity(cascade.self.division);
    if (cascade.self.role === 'city')
      cockpit.registry.register(
        ...cascadeIndicators({
          nodes: () => cascade.nodes(),
          pushes: pushesIn,
          division: cascade.self.division,
        }),
      );
    // Overdue demand steps and corrections become tasks for the providers' officers and the operators.
    // Each process offers; one at a time across processes flags (an advisory lock, kernel/cluster.ts).
    const overdue = setInterval(() => {
      void runAlone(db, 'demands.flagOverdue', () => demands.flagOverdue()).catch(
        failed('flagging overdue demand steps failed'),
      );
      void runAlone(db, 'quality.flagOverdue', () => quality.flagOverdue()).catch(
        failed('flagging overdue corrections failed'),
      );
      void runAlone(db, 'cockpit.keepScores', () => cockpit.keepScores()).catch(
        failed('keeping the month’s evaluation scores failed'),
      );
    }, OVERDUE_CHECK_MS);
    overdue.unref();
    // Last, so that a failure above leaves no worker running on a closed database.
    const loops: NodeJS.Timeout[] = [];
    /** Background work every `ms`, run by one process of a cluster at a time; a failure is logged and retried. */
    const every = (name: string, ms: number, work: () => Promise<unknown>, what: string) => {
      const run = () => void runAlone(db, name, work).catch(failed(what));
      const loop = setInterval(run, ms);
      loop.unref();
      loops.push(loop);
      return run;
    };
    const startWorker = () => {
      if (loops.length > 0) return;
      jobs.start();
      schedules.start();
      // Not awaited: a catch-up of a large load takes minutes, a transaction per chunk.
      every('base.absorbMissed', ABSORB_CATCH_UP_MS, () => base.absorbMissed(), 'catching up missed absorbs failed')();
      // The cascade (docs/cascade.md): each node witnesses its peers; the city takes in its
      // districts' catalogs; a district pulls its data return and runs its due pushes.
      every(
        'cascade.witness',
        WITNESS_MS,
        () => cascade.witnesses.witnessAll(),
        'witnessing the peers’ ledgers failed',
      );
      every('cascade-return', RETURN_PULL_MS, () => dataReturn.scheduled(), 'the data return pull failed');
      if (cascade.self.role === 'city')
        every(
          'cascade.catalogSync',
          CATALOG_SYNC_MS,
          () => catalogFederation.syncAll(),
          'syncing the districts’ catalogs failed',
        );
      if (cascade.self.role === 'district')
        every('cascade.pushes', PUSH_CHECK_MS, () => pushes.runDue(), 'scheduled pushes failed');
    };
    if (opts.worker) startWorker();
    return {
      db,
      access,
      officers,
      authorizedAccess: new AuthorizedAccess(access, officers, ledger),
      oidc,
      enterprises: new AuthorizedEnterprises(access.enterprises, ledger, purposes),
      catalog,
      authorizedCatalog,
      records,
      ingest,
      ingestScope: new IngestScope(catalog),
      base: authorizedBase,
      jobs,
      schedules,
      purposes,
      authorizedPurposes: new AuthorizedPurposes(purposes),
      share,
      services: new AuthorizedServices(share, catalog, purposes),
      monitoring: new AuthorizedMonitoring(share),
      demands,
      quality,
      consents,
      attest,
      licences,
      licenceKeys,
      open: openData,
      ckan: new CkanActions(openData),
      developers,
      conditional: new ConditionalOpen(openDb, openData, ledger, clock),
      feedback: new OpenFeedback(openDb, openData, ledger, clock),
      errorReports: new OpenErrorReports(openDb, openData, {
        report: (input) => quality.reportFromPortal(input),
        outcomes: (ids) => quality.portalOutcomes(ids),
      }),
      datasetRequests: new OpenDatasetRequests(openDb, openData, {
        file: (input) => demands.fileFromPortal(input),
        outcomes: (ids) => demands.portalOutcomes(ids),
      }),
      cockpit,
      cascade,
      catalogFederation,
      dataReturn,
      pushes,
      pushesIn,
      remoteRecords,
      ledger,
      keys,
      startWorker,
      close: async () => {
        clearInterval(overdue);
        loops.forEach(clearInterval);
        await catalogFederation.settled();
        await ingest.settled();
        await schedules.stop();
        await jobs.stop();
        await share.stop();
        await licenceCore.stop();
        await answerCounts.flush();
        await licenceCore.counters.flush();
        await openData.counters.flush();
        await ledger.close();
        await keys.close();
        await db.close();
      },
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}
