import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { CatalogService, Resource } from '../catalog/index.js';
import type { LoadOutcome, RecordRow, RecordStore } from '../records/index.js';
import type { Database, Kysely, Transaction } from '../db/index.js';
import type { Actor } from '../access/index.js';
import type { Ledger } from '../ledger/index.js';
import {
  HubError,
  writeCsv,
  fieldProblem,
  english,
  isMessage,
  msg,
  render,
  withProblems,
  type Language,
  type MessageKey,
  type Params,
} from '../kernel/index.js';
import { HeldRows } from './held.js';
import { belowThreshold, jobOutcome, type JobOutcome, type Threshold } from './outcome.js';
import { inBatches, parseSource, type FileLimits, type SourceFormat } from './parse.js';
import { suggestMapping, type SavedMapping } from './mapping.js';
import { Quarantine } from './quarantine.js';
import { storageFull } from './storage-full.js';
import { NO_JOB_ERROR, jobErrorOf, storedJobError, type JobError } from './job-error.js';
import { loadQuality, qualityTrend, type LoadQuality, type QualityTrendPoint } from './quality-report.js';
import { validBatches, type Reject, type RowChecker, type ValidateProgress } from './stages.js';
import type { IngestTables, JobState } from './tables.js';

export interface JobReport extends JobOutcome, JobError {
  id: string;
  resource: string;
  state: JobState;
  /**
   * What is still going on: `load` (queued, or reading and merging), `base` (the load committed;
   * the base databases have not taken its rows yet), `done` (nothing more: succeeded, or failed).
   */
  phase: JobPhase;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  /** Share of rows read that passed validation and the quality rules, in percent (one decimal); null before any row. */
  qualityScore: number | null;
  /** How the rows went in: the staged table swapped in whole, or merged by key. */
  merge: 'swap' | 'upsert' | null;
  rejects: Reject[];
}

export type JobPhase = 'load' | 'base' | 'done';

/** Where a run's validated rows go instead of a load of their own (`IngestService.stage`). */
type Put = (
  jobId: string,
  batches: AsyncIterable<RecordRow[]>,
  quarantine: Quarantine,
  progress: ValidateProgress,
) => Promise<void>;

export interface RunOptions {
  createdBy: number;
  source: string;
  /** A job created earlier (queued); otherwise the run creates one. */
  jobId?: string;
  /** The rows are the whole resource: keys not in them are removed. */
  snapshot?: boolean;
  onProgress?: (p: ValidateProgress) => void;
  /** False: leave the work built on this load (IngestHooks.afterLoad) to its owner's catch-up. */
  followUp?: boolean;
  /**
   * Inside the merge transaction, after the job's outcome: the caller's own record of the load
   * (a cascade batch's acknowledgement), committed with the data or not at all. Throwing rolls
   * the load back.
   */
  inMerge?: (
    trx: Transaction<object>,
    load: { jobId: string; rowsRead: number; rowsLoaded: number; rowsRejected: number },
  ) => Promise<void>;
}

/** What other modules do with a load: check its rows (quality), take them in (base databases). */
export interface IngestHooks {
  /** `snapshot`: stored rows are about to be replaced, so rules need not compare with them. */
  checker?: (resource: Resource, opts: { snapshot: boolean }) => Promise<RowChecker | undefined>;
  /**
   * After a load committed (the job has succeeded): work built on it, such as the base
   * databases' absorb, which may take far longer than the load. It runs in the background —
   * `settled()` waits for it — and must be idempotent: whoever owns it also catches up with
   * loads it missed (a crash, a failure).
   */
  afterLoad?: (resource: Resource, jobId: string) => Promise<void>;
  /** Whether the work built on a committed load (afterLoad, or its catch-up) is still to be done. */
  pending?: (resourceCode: string, jobId: string) => Promise<boolean>;
  /** The quality threshold a resource's load is judged by (the quality module's rule set). */
  threshold?: (resource: Resource) => Promise<Threshold>;
  /** Where the release or discard of a held load is recorded. */
  ledger?: Pick<Ledger, 'append'>;
}

export interface Lineage {
  resource: string;
  key: string;
  fields: Array<{
    field: string;
    origin:
      | { kind: 'load'; jobId: string | null; source: string | null; row: number | null; at: string }
      | { kind: 'correction'; correction: number; at: string };
  }>;
}

/** How many quarantined reasons a report returns inline; all of them stay in ingest.reject. */
const INLINE_REJECTS = 1000;
/** How often an upload's job says it is still running (JobQueue's staleness bound is 60 s). */
const UPLOAD_BEAT_MS = 10_000;
const DUPLICATE = { reason: english(msg('ingest.duplicateKey')), code: 'ingest.duplicateKey' } as const;

export class IngestService {
  private readonly db: Kysely<IngestTables>;
  private readonly held: HeldRows;

  constructor(
    database: Database,
    private readonly catalog: CatalogService,
    private readonly records: RecordStore,
    private readonly hooks: IngestHooks = {},
  ) {
    this.db = database.kysely.withTables<IngestTables>();
    this.held = new HeldRows(database, (id) => records.codecOf(id));
  }

  /** The job of a run given no job (an upload): source jobs are queued by JobQueue.enqueue. */
  private async createJob(resource: Resource, opts: { createdBy: number; source: string }): Promise<string> {
    const id = randomUUID();
    await this.db
      .insertInto('ingest.job')
      .values({
        id,
        resource_code: resource.code,
        source: opts.source,
        state: 'queued',
        created_by: opts.createdBy,
        ...NO_JOB_ERROR,
        finished_at: null,
      })
      .execute();
    return id;
  }

  /** A file (CSV in UTF-8 or GBK, XLSX, JSON or NDJSON) through the pipeline. */
  runFile(
    resource: Resource,
    input: Readable,
    opts: RunOptions & { format?: SourceFormat; limits?: Partial<FileLimits> },
  ): Promise<JobReport> {
    return this.runBatches(resource, parseSource(input, opts.format ?? 'csv', opts.limits), opts);
  }

  /**
   * Rows (the header first) through map → validate → quality → stage → merge. Good rows go in
   * by one transaction, together with the job's counts; if anything fails the resource keeps
   * its previous data and the job says why. Running a job again repeats it from the start.
   */
  run(resource: Resource, rows: AsyncIterable<string[]>, opts: RunOptions): Promise<JobReport> {
    return this.runBatches(resource, inBatches(rows), opts);
  }

  /**
   * Rows (the header first) through the same stages as `run` — validation, quality rules,
   * quarantine — into a load staged call by call and merged once by `mergeStaged`: a district's
   * full push, batch by batch (docs/cascade.md). Once the rows are staged, the job's counts and
   * the caller's `inMerge` commit in one transaction; the job stays running, without a heartbeat
   * (nothing requeues it), until the merge. The quality rules take the rows as a snapshot.
   */
  stage(resource: Resource, rows: AsyncIterable<string[]>, opts: RunOptions & { stage: string }): Promise<JobReport> {
    const put: Put = async (id, batches, quarantine, progress) => {
      const staged = await this.records.stage(resource.id, opts.stage, id, batches);
      await quarantine.drain();
      await this.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('ingest.job')
          .set({
            rows_read: progress.rowsRead,
            rows_loaded: staged,
            rows_rejected: progress.rowsRejected,
            heartbeat_at: null,
          })
          .where('id', '=', id)
          .execute();
        const load = { jobId: id, ...progress, rowsLoaded: staged };
        await opts.inMerge?.(trx as unknown as Transaction<object>, load);
      });
    };
    return this.runBatches(resource, inBatches(rows), { ...opts, snapshot: true, followUp: false }, put);
  }

  /**
   * Merges a load staged by `stage` calls as one snapshot of the resource. The rows of the
   * resource's jobs whose source starts with `source` and are not among `jobs` — calls whose
   * outcome the caller did not keep: a delivery that lost a race, a process that died between
   * staging and recording — are taken out first. In the merge's transaction every kept job
   * succeeds (a key staged twice quarantined as a duplicate under its job), with the caller's
   * `inMerge`; then the work built on loads follows each.
   */
  async mergeStaged(
    resource: Resource,
    opts: {
      stage: string;
      jobs: string[];
      source: string;
      inMerge: (trx: Transaction<object>, outcome: LoadOutcome) => Promise<void>;
    },
  ): Promise<LoadOutcome> {
    const orphans = await this.db
      .selectFrom('ingest.job')
      .select('id')
      .where('resource_code', '=', resource.code)
      .where('source', 'like', `${opts.source}%`)
      .$if(opts.jobs.length > 0, (q) => q.where('id', 'not in', opts.jobs))
      .execute();
    await this.records.unstage(
      opts.stage,
      orphans.map((o) => o.id),
    );
    // Jobs of the run that were merged on their own (a run begun before staged loads, resumed
    // since) hold rows that are nowhere in the staged table: it is merged by key over them then.
    const merged =
      opts.jobs.length > 0 &&
      (await this.db
        .selectFrom('ingest.job')
        .select('id')
        .where('id', 'in', opts.jobs)
        .where('state', '=', 'succeeded')
        .executeTakeFirst()) !== undefined;
    const outcome = await this.records.mergeStaged(resource.id, opts.stage, {
      snapshot: !merged,
      onMerge: async (trx, outcome) => {
        await this.mergedStaged(trx, opts.jobs, resource.keyField, outcome);
        await opts.inMerge(trx, outcome);
      },
    });
    for (const id of opts.jobs) this.follow(resource, id);
    return outcome;
  }

  /**
   * Gives up a load staged by `stage` calls that will never be merged: its staged table is
   * dropped, and its jobs (those of the resource whose source starts with `source`, still
   * running) fail with `reason`, so that none is left running with rows that never went live.
   */
  async dropStaged(resource: Resource, opts: { stage: string; source: string; reason: HubError }): Promise<void> {
    await this.records.dropStaged(opts.stage);
    await this.db
      .updateTable('ingest.job')
      .set({ state: 'failed', rows_loaded: 0, ...jobErrorOf(opts.reason), heartbeat_at: null, finished_at: new Date() })
      .where('resource_code', '=', resource.code)
      .where('source', 'like', `${opts.source}%`)
      .where('state', '=', 'running')
      .execute();
  }

  /** The staged jobs of a merge succeed in its transaction; duplicates are quarantined under their job. */
  private async mergedStaged(trx: Transaction<object>, jobs: string[], keyField: string, outcome: LoadOutcome) {
    if (jobs.length === 0) return;
    const db = trx.withTables<IngestTables>();
    await db
      .updateTable('ingest.job')
      .set({ state: 'succeeded', merge: outcome.merge, ...NO_JOB_ERROR, heartbeat_at: null, finished_at: new Date() })
      .where('id', 'in', jobs)
      .where('state', 'in', ['running', 'failed'])
      .execute();
    const byJob = new Map<string, LoadOutcome['duplicates']>();
    for (const d of outcome.duplicates) byJob.set(d.jobId, [...(byJob.get(d.jobId) ?? []), d]);
    for (const [id, duplicates] of byJob) {
      await new Quarantine(db, id).writeIn(
        db,
        duplicates.map((d) => ({ row: d.sourceRow, field: keyField, ...DUPLICATE })),
      );
      await db
        .updateTable('ingest.job')
        .set((eb) => ({
          rows_loaded: eb('rows_loaded', '-', duplicates.length),
          rows_rejected: eb('rows_rejected', '+', duplicates.length),
        }))
        .where('id', '=', id)
        .execute();
    }
  }

  private async runBatches(
    resource: Resource,
    rows: AsyncIterable<string[][]>,
    opts: RunOptions,
    put?: Put,
  ): Promise<JobReport> {
    const id = opts.jobId ?? (await this.createJob(resource, opts));
    const threshold = (await this.hooks.threshold?.(resource)) ?? null;
    const snapshot = opts.snapshot ?? false;
    const holds = threshold?.action === 'hold';
    await this.start(id, threshold, snapshot);
    const quarantine = new Quarantine(this.db, id);
    await quarantine.clear();
    const progress: ValidateProgress = { rowsRead: 0, rowsRejected: 0 };
    const timer = opts.onProgress && setInterval(() => opts.onProgress!(progress), 200);
    // A job the queue runs beats from there; an upload beats here, so that a job whose process
    // died shows as such (JobQueue.requeueStale) instead of running for ever.
    const beat = opts.jobId ? undefined : setInterval(() => void this.beat(id).catch(() => {}), UPLOAD_BEAT_MS);
    try {
      const checker = await this.hooks.checker?.(resource, { snapshot });
      const saved = await this.savedMapping(resource.code);
      const valid = validBatches(rows, resource, quarantine.add, progress, { checker, saved });
      // A resource that holds loads below its threshold has its rows judged before any go in.
      const batches = holds ? await this.judge(resource, id, valid, quarantine, progress, threshold) : valid;
      if (!batches) return await this.report(id);
      if (put) await put(id, batches, quarantine, progress);
      else
        await this.records.load(resource.id, id, batches, {
          snapshot,
          beforeMerge: () => quarantine.drain(),
          onMerge: async (trx, outcome) => {
            await this.merged(trx, id, resource.keyField, quarantine, progress, outcome);
            await opts.inMerge?.(trx, { jobId: id, ...progress, rowsLoaded: outcome.loaded });
          },
        });
      if (holds) await this.held.clear(id);
    } catch (e) {
      // The job keeps the reason; the caller still gets the error (a 400 for a bad file).
      await quarantine.drain().catch(() => {});
      if (holds) await this.held.clear(id).catch(() => {});
      // A full disk is said in words (the resource kept its data); other errors as they came.
      const failure = storageFull(e) ?? e;
      await this.failed(id, progress, failure);
      throw failure;
    } finally {
      if (timer) clearInterval(timer);
      clearInterval(beat);
      opts.onProgress?.(progress);
    }
    if (opts.followUp !== false) this.follow(resource, id);
    return this.report(id);
  }

  private readonly following = new Set<Promise<void>>();

  private follow(resource: Resource, jobId: string): void {
    if (!this.hooks.afterLoad) return;
    const work = this.hooks.afterLoad(resource, jobId).finally(() => this.following.delete(work));
    this.following.add(work);
  }

  /** Waits for the work started after loads (`IngestHooks.afterLoad`) to finish. */
  async settled(): Promise<void> {
    while (this.following.size > 0) await Promise.allSettled([...this.following]);
  }

  private async beat(id: string): Promise<void> {
    await this.db
      .updateTable('ingest.job')
      .set({ heartbeat_at: new Date() })
      .where('id', '=', id)
      .where('state', '=', 'running')
      .execute();
  }

  /**
   * Rows of a resource that holds loads below its threshold: staged in ingest.held_row and
   * judged once all are read. Below the threshold the job is held (undefined: nothing goes in);
   * at or above it the staged rows are what the load takes.
   */
  private async judge(
    resource: Resource,
    id: string,
    valid: AsyncIterable<RecordRow[]>,
    quarantine: Quarantine,
    progress: ValidateProgress,
    threshold: Threshold,
  ): Promise<AsyncIterable<RecordRow[]> | undefined> {
    await this.held.stage(id, resource.id, valid);
    const duplicates = await this.held.dedupe(id);
    quarantine.add(duplicates.map((d) => ({ row: d.sourceRow, field: resource.keyField, ...DUPLICATE })));
    await quarantine.drain();
    progress.rowsRejected += duplicates.length;
    if (!belowThreshold(progress.rowsRead, progress.rowsRejected, threshold.minPassRate))
      return this.held.batches(id, resource.id);
    await this.db
      .updateTable('ingest.job')
      .set({
        state: 'held',
        rows_read: progress.rowsRead,
        rows_loaded: 0,
        rows_rejected: progress.rowsRejected,
        heartbeat_at: null,
        finished_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    return undefined;
  }

  /**
   * A held load released by an officer of its provider (IngestScope authorizes): its rows go
   * in as they would have at once (swap or upsert, one transaction), the job `succeeded` and
   * still `below_threshold`, the release on the ledger. Refused unless the job is held.
   */
  async release(resource: Resource, id: string, by: Actor): Promise<JobReport> {
    const job = await this.decide(id, 'running', by);
    const progress: ValidateProgress = { rowsRead: job.rows_read, rowsRejected: job.rows_rejected };
    const quarantine = new Quarantine(this.db, id);
    const beat = setInterval(() => void this.beat(id).catch(() => {}), UPLOAD_BEAT_MS);
    try {
      await this.records.load(resource.id, id, this.held.batches(id, resource.id), {
        snapshot: job.snapshot,
        onMerge: (trx, outcome) => this.merged(trx, id, resource.keyField, quarantine, progress, outcome),
      });
    } catch (e) {
      // Nothing went in: the load waits again, for another try or a discard.
      await this.db
        .updateTable('ingest.job')
        .set({ state: 'held', decided_by: null, decided_at: null, heartbeat_at: null })
        .where('id', '=', id)
        .execute();
      throw e;
    } finally {
      clearInterval(beat);
    }
    await this.held.clear(id);
    await this.recordDecision('release', resource, job, by);
    this.follow(resource, id);
    return this.report(id);
  }

  /** A held load discarded: its rows are dropped, the resource keeps its records, the discard on the ledger. */
  async discard(resource: Resource, id: string, by: Actor): Promise<JobReport> {
    const job = await this.decide(id, 'discarded', by);
    await this.held.clear(id);
    await this.recordDecision('discard', resource, job, by);
    return this.report(id);
  }

  /** Takes a held job for a decision, in one statement: of two officers deciding at once, one wins. */
  private async decide(id: string, state: 'running' | 'discarded', by: Actor) {
    const job = await this.db
      .updateTable('ingest.job')
      .set({
        state,
        decided_by: by.username,
        decided_at: new Date(),
        heartbeat_at: state === 'running' ? new Date() : null,
      })
      .where('id', '=', id)
      .where('state', '=', 'held')
      .returningAll()
      .executeTakeFirst();
    if (!job) throw new HubError('ING_JOB_BAD_STATE', msg('ingest.jobNotHeld', { id }));
    return job;
  }

  private async recordDecision(
    action: 'release' | 'discard',
    resource: Resource,
    job: { id: string; rows_read: number; rows_rejected: number; min_pass_rate: string | number | null },
    by: Actor,
  ): Promise<void> {
    await this.hooks.ledger?.append({
      kind: 'ingest.job.decided',
      action,
      job: job.id,
      resource: resource.code,
      rowsRead: job.rows_read,
      rowsRejected: job.rows_rejected,
      minPassRate: Number(job.min_pass_rate ?? 0),
      actor: by.username,
      org: by.org?.code ?? null,
      at: new Date().toISOString(),
    });
  }

  private async start(id: string, threshold: Threshold | null, snapshot: boolean): Promise<void> {
    const started = await this.db
      .updateTable('ingest.job')
      .set({
        state: 'running',
        started_at: new Date(),
        finished_at: null,
        ...NO_JOB_ERROR,
        heartbeat_at: new Date(),
        min_pass_rate: threshold?.minPassRate ?? null,
        below_action: threshold?.action ?? null,
        snapshot,
        decided_by: null,
        decided_at: null,
      })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(started.numUpdatedRows) === 0) throw new HubError('ING_JOB_NOT_FOUND', msg('ingest.noJob', { id }));
  }

  /** Inside the merge transaction: the job's outcome commits with the data, or neither does. */
  private async merged(
    trx: Transaction<object>,
    id: string,
    keyField: string,
    quarantine: Quarantine,
    progress: ValidateProgress,
    outcome: LoadOutcome,
  ): Promise<void> {
    const db = trx.withTables<IngestTables>();
    const duplicates = outcome.duplicates.map((d) => ({ row: d.sourceRow, field: keyField, ...DUPLICATE }));
    await quarantine.writeIn(db, duplicates);
    progress.rowsRejected += duplicates.length;
    await db
      .updateTable('ingest.job')
      .set({
        rows_read: progress.rowsRead,
        rows_loaded: outcome.loaded,
        rows_rejected: progress.rowsRejected,
        merge: outcome.merge,
        state: 'succeeded',
        finished_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
  }

  private async failed(id: string, progress: ValidateProgress, e: unknown): Promise<void> {
    await this.db
      .updateTable('ingest.job')
      .set({
        state: 'failed',
        rows_read: progress.rowsRead,
        rows_loaded: 0,
        rows_rejected: progress.rowsRejected,
        ...jobErrorOf(e),
        finished_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Lineage of one record: per field, the load it came from (job, its source, the row) or the
   * accepted correction that changed it since. Undefined when the resource has no such record.
   */
  async lineage(resource: Resource, key: string): Promise<Lineage | undefined> {
    const origin = await this.records.origin(resource.id, key);
    if (!origin) return undefined;
    const job = origin.jobId
      ? await this.db
          .selectFrom('ingest.job')
          .select(['id', 'source'])
          .where('id', '=', origin.jobId)
          .executeTakeFirst()
      : undefined;
    const load = {
      kind: 'load' as const,
      jobId: origin.jobId,
      source: job?.source ?? null,
      row: origin.sourceRow,
      at: origin.loadedAt,
    };
    return {
      resource: resource.code,
      key,
      fields: resource.fields.map((f) => {
        const c = origin.corrected[f.name];
        return {
          field: f.name,
          origin: c ? { kind: 'correction' as const, correction: c.correction, at: c.at } : load,
        };
      }),
    };
  }

  /** The column → field mapping saved for a resource's sources. */
  async savedMapping(resourceCode: string): Promise<SavedMapping> {
    const rows = await this.db
      .selectFrom('ingest.column_mapping')
      .select(['source_column', 'field'])
      .where('resource_code', '=', resourceCode)
      .orderBy('source_column')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.source_column, r.field]));
  }

  /** Replaces the saved mapping; every column names a field of the resource, or null to skip it. */
  async saveMapping(resource: Resource, columns: SavedMapping, by: number): Promise<SavedMapping> {
    const fields = new Set(resource.fields.map((f) => f.name));
    const problems = Object.entries(columns)
      .filter(([, field]) => field !== null && !fields.has(field))
      .map(([column, field]) =>
        fieldProblem(`body/columns/${column}`, msg('catalog.noField', { code: resource.code, field: field! })),
      );
    if (problems.length > 0) throw withProblems('ING_BAD_MAPPING', problems);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('ingest.column_mapping').where('resource_code', '=', resource.code).execute();
      const rows = Object.entries(columns).map(([column, field]) => ({
        resource_code: resource.code,
        source_column: column.trim(),
        field,
        saved_by: by,
      }));
      if (rows.length > 0) await trx.insertInto('ingest.column_mapping').values(rows).execute();
    });
    return this.savedMapping(resource.code);
  }

  /** How a source's header would map, with guesses from sample values for the columns left over. */
  async suggestMapping(resource: Resource, header: string[], sample: string[][] = []) {
    const matches = suggestMapping(header, resource.fields, await this.savedMapping(resource.code), sample);
    const mapped = new Set(matches.map((m) => m.field));
    const missing = resource.fields.filter((f) => f.required && !mapped.has(f.name)).map((f) => f.name);
    return { columns: matches, missingRequired: missing };
  }

  /** A load's score and pass rate, overall, per field and per rule (quality-report.ts defines them). */
  quality(resource: Resource, jobId: string): Promise<LoadQuality> {
    return loadQuality(this.db, resource, jobId);
  }

  /** The last `limit` finished loads of a resource, oldest first. */
  qualityTrend(resourceCode: string, limit?: number): Promise<QualityTrendPoint[]> {
    return qualityTrend(this.db, resourceCode, limit);
  }

  /** Every quarantined reason of a job, as CSV (row, field, reason), in row order, in `language`. */
  async rejectsCsv(id: string, language: Language = 'en'): Promise<string> {
    await this.report(id);
    const rows = await this.rejectRows(id);
    return writeCsv(
      rows.map((r) => [r.row, r.field, reasonIn(r, language)]),
      ['row', 'field', 'reason'],
    );
  }

  private async rejectRows(id: string, limit?: number): Promise<Reject[]> {
    let q = this.db
      .selectFrom('ingest.reject')
      .select(['row_number', 'field', 'reason', 'reason_code', 'reason_params'])
      .where('job_id', '=', id)
      .where('severity', '=', 'reject')
      .orderBy('row_number')
      .orderBy('field');
    if (limit !== undefined) q = q.limit(limit);
    return (await q.execute()).map((r) => ({
      row: r.row_number,
      field: r.field,
      reason: r.reason,
      ...(r.reason_code && isMessage({ key: r.reason_code })
        ? { code: r.reason_code as MessageKey, params: (parsedJson(r.reason_params) ?? {}) as Params }
        : {}),
    }));
  }

  private async phase(id: string, resourceCode: string, state: JobState): Promise<JobPhase> {
    if (state === 'queued' || state === 'running') return 'load';
    if (state === 'failed' || state === 'held' || state === 'discarded') return 'done';
    return (await this.hooks.pending?.(resourceCode, id)) ? 'base' : 'done';
  }

  /**
   * When the oldest load of a resource still running started, or null: rows it stages carry a
   * time from then on, and become visible only when it merges (a push's window ends before it).
   */
  async loadingSince(resourceCode: string): Promise<Date | null> {
    const row = await this.db
      .selectFrom('ingest.job')
      .select((eb) => eb.fn.min('started_at').as('since'))
      .where('resource_code', '=', resourceCode)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return row?.since ? new Date(row.since) : null;
  }

  /** When each of these jobs finished (a value's freshness: the load it came from); unfinished ones are left out. */
  async finishedAt(ids: string[]): Promise<Map<string, Date>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('ingest.job')
      .select(['id', 'finished_at'])
      .where('id', 'in', [...new Set(ids)])
      .where('finished_at', 'is not', null)
      .execute();
    return new Map(rows.map((r) => [r.id, r.finished_at!]));
  }

  async report(id: string): Promise<JobReport> {
    const job = await this.db.selectFrom('ingest.job').selectAll().where('id', '=', id).executeTakeFirst();
    if (!job) throw new HubError('ING_JOB_NOT_FOUND', msg('ingest.noJob', { id }));
    const rejects = await this.rejectRows(id, INLINE_REJECTS);
    return {
      id: job.id,
      resource: job.resource_code,
      state: job.state,
      phase: await this.phase(job.id, job.resource_code, job.state),
      rowsRead: job.rows_read,
      rowsLoaded: job.rows_loaded,
      rowsRejected: job.rows_rejected,
      qualityScore:
        job.rows_read === 0 ? null : Math.round((1000 * (job.rows_read - job.rows_rejected)) / job.rows_read) / 10,
      merge: job.merge,
      ...storedJobError(job),
      rejects,
      ...jobOutcome(job),
    };
  }
}

/** A quarantined reason in `language`: rendered from its key, or as stored (rows from before keys). */
export function reasonIn(r: Pick<Reject, 'reason' | 'code' | 'params'>, language: Language): string {
  return r.code ? render({ key: r.code, ...(r.params ? { params: r.params } : {}) }, language) : r.reason;
}

/** jsonb as PGlite (a value) and pg (a value, or text for json columns) return it. */
function parsedJson(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}
