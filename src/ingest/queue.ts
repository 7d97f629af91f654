import { randomUUID } from 'node:crypto';
import type { Resource } from '../catalog/index.js';
import { json, sql, type Database, type Kysely, type Selectable } from '../db/index.js';
import { HubError, announce, english, isHubError, type Logger, msg } from '../kernel/index.js';
import type { JobReport } from './service.js';
import { jobOutcome, type JobOutcome } from './outcome.js';
import { describeSource, openSource, type SourceContext, type SourceSpec } from './sources.js';
import type { ValidateProgress } from './stages.js';
import { NO_JOB_ERROR, jobErrorOf, storedJobError, type JobError } from './job-error.js';
import type { IngestTables, JobState } from './tables.js';

/** What the queue needs from the rest of the hub: the pipeline, and a resource by code. */
export interface QueueDeps {
  run(
    resource: Resource,
    rows: AsyncIterable<string[]>,
    opts: { jobId: string; createdBy: number; source: string; onProgress?: (p: ValidateProgress) => void },
  ): Promise<JobReport>;
  resource(code: string): Promise<Resource>;
}

export interface QueueOptions {
  /**
   * The longest an idle worker waits before it looks again (for jobs of processes that died).
   * It looks at once when a job is queued in any process (NOTIFY) and when the next retry is due.
   */
  pollMs?: number;
  /** How often a running job's heartbeat (and progress) is written. */
  heartbeatMs?: number;
  /** A running job whose heartbeat is older than this lost its process: it is queued again. */
  staleMs?: number;
  /** Attempt n waits backoffMs × 2^(n−1) after failing, at most maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  sources?: SourceContext;
  logger?: Logger;
}

/** A job as lists and the jobs page show it: counts, its outcome, and where it is in the queue. */
export interface JobStatus extends JobOutcome, JobError {
  id: string;
  resource: string;
  source: string;
  state: JobState;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  qualityScore: number | null;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  scheduleId: number | null;
  /** The source of a queued job (never with credentials); null for an upload. */
  spec: SourceSpec | null;
}

export interface EnqueueInput {
  resource: string;
  spec: SourceSpec;
  createdBy: number;
  maxAttempts?: number;
  scheduleId?: number | null;
  /** Not for the workers: only `runNow` runs it (the command line, in its own process). */
  hold?: boolean;
}

type JobRow = Selectable<IngestTables['ingest.job']>;
type Db = Kysely<IngestTables>;

const DEFAULTS = { pollMs: 30_000, heartbeatMs: 5000, staleMs: 60_000, backoffMs: 30_000, maxBackoffMs: 3_600_000 };

/** Announced when a job becomes due to run now, so that idle workers in every process look at once. */
const CHANNEL = 'ingest_job';

/** What a job whose process died says (the same in migration 008 for jobs from before). */
const STOPPED = msg('ingest.processStopped');
const STOPPED_UPLOAD = msg('ingest.processStoppedUpload');

/** Errors that will come again however often the job runs: no retry for them. */
const PERMANENT = new Set(['ING_BAD_SOURCE', 'ING_BAD_FILE', 'CAT_RESOURCE_NOT_FOUND', 'KRN_VALIDATION']);

/**
 * The ingest jobs queue: jobs from a database or HTTP source wait in ingest.job as `queued`;
 * any hub process claims one with FOR UPDATE SKIP LOCKED (so two never run the same job), runs
 * it with a heartbeat, and on failure queues it again with backoff until `max_attempts`.
 * An idle worker does not poll: it sleeps until a job is announced (NOTIFY), the next retry is
 * due, or `pollMs` has passed.
 */
export class JobQueue {
  private readonly db: Db;
  private readonly opts: typeof DEFAULTS & QueueOptions;
  private loop: Promise<void> | undefined;
  private stopped = true;
  private wakeUp: (() => void) | undefined;
  private awake = false;
  private stopListening: Promise<(() => Promise<void>) | undefined> | undefined;

  constructor(
    private readonly database: Database,
    private readonly deps: QueueDeps,
    opts: QueueOptions = {},
  ) {
    this.db = database.kysely.withTables<IngestTables>();
    this.opts = { ...DEFAULTS, ...opts };
  }

  /** A job waiting to run; inside `trx` when given (a schedule enqueues with its own update). */
  async enqueue(input: EnqueueInput, trx: Db = this.db): Promise<string> {
    const id = randomUUID();
    await trx
      .insertInto('ingest.job')
      .values({
        id,
        resource_code: input.resource,
        source: describeSource(input.spec),
        state: 'queued',
        created_by: input.createdBy,
        ...NO_JOB_ERROR,
        finished_at: null,
        spec: json(input.spec),
        max_attempts: input.maxAttempts ?? 1,
        next_attempt_at: input.hold ? null : sql<Date>`now()`,
        schedule_id: input.scheduleId ?? null,
      })
      .execute();
    // Delivered at commit when `trx` is a transaction's.
    if (!input.hold) await announce(trx, CHANNEL, id);
    return id;
  }

  start(): void {
    if (this.loop) return;
    this.stopped = false;
    // A lost listening connection (null) may have missed a job: look again then too.
    this.stopListening = this.database
      .listen(CHANNEL, () => this.wake())
      .catch((e: unknown) => {
        this.opts.logger?.warn({ err: e }, 'ingest queue: cannot listen for new jobs; looking every pollMs');
        return undefined;
      });
    // The first look only once listening: a job queued in between is then not missed.
    this.loop = this.stopListening.then(() => this.runLoop());
  }

  /** Stops claiming; resolves when the job this process is running (if any) has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    this.loop = undefined;
    await (
      await this.stopListening
    )?.();
    this.stopListening = undefined;
  }

  /** Look for due jobs now rather than at the next poll (a job was just created in this process). */
  wake(): void {
    this.awake = true;
    this.wakeUp?.();
  }

  /** One turn of a worker: re-queue jobs of dead processes, then claim and run one due job. */
  async work(): Promise<boolean> {
    this.awake = false;
    await this.requeueStale();
    const job = await this.claim();
    if (!job) return false;
    await this.execute(job);
    return true;
  }

  /** Runs one queued job in this process, now (the command line), with its progress. */
  async runNow(id: string, onProgress?: (p: ValidateProgress) => void): Promise<JobStatus> {
    const job = await this.claim(id);
    if (!job) throw new HubError('ING_JOB_BAD_STATE', msg('ingest.jobNotQueued', { id }));
    await this.execute(job, onProgress);
    return this.get(id);
  }

  private async runLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        while (!this.stopped && (await this.work()));
      } catch (e) {
        // The database away for a moment: the next poll tries again.
        this.opts.logger?.warn({ err: e }, 'ingest queue: poll failed');
      }
      if (!this.stopped) await this.nap(await this.untilDue().catch(() => this.opts.pollMs));
    }
  }

  /** Milliseconds until the next queued job is due (by the database's clock), at most pollMs. */
  private async untilDue(): Promise<number> {
    const row = await sql<{ wait: number | null }>`
      select cast(extract(epoch from min(next_attempt_at) - now()) * 1000 as float8) as wait
      from ingest.job where state = 'queued' and spec is not null`.execute(this.db);
    const wait = row.rows[0]?.wait;
    return wait === null || wait === undefined ? this.opts.pollMs : Math.min(this.opts.pollMs, Math.max(0, wait) + 10);
  }

  /** Sleeps `ms`, or until woken; a wake that came while the worker was busy is not lost. */
  private nap(ms: number): Promise<void> {
    if (this.awake || this.stopped) {
      this.awake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.awake = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  /**
   * Takes the oldest due job (or job `id`) and marks it running, in one statement. SKIP LOCKED
   * lets concurrent workers pass over a row another is taking instead of waiting for it.
   */
  private async claim(id?: string): Promise<JobRow | undefined> {
    const due = id === undefined ? sql`next_attempt_at <= now()` : sql`id = ${id}`;
    const { rows } = await sql<JobRow>`
      update ingest.job set state = 'running', attempts = attempts + 1, heartbeat_at = now(),
        started_at = now(), finished_at = null
      where id = (select id from ingest.job where state = 'queued' and spec is not null and ${due}
                  order by next_attempt_at, id limit 1 for update skip locked)
      returning *`.execute(this.db);
    return rows[0];
  }

  private async execute(job: JobRow, onProgress?: (p: ValidateProgress) => void): Promise<void> {
    let progress: ValidateProgress = { rowsRead: 0, rowsRejected: 0 };
    const beat = setInterval(() => void this.beat(job.id, progress).catch(() => {}), this.opts.heartbeatMs);
    beat.unref();
    try {
      const resource = await this.deps.resource(job.resource_code);
      await this.deps.run(resource, openSource(job.spec as SourceSpec, this.opts.sources), {
        jobId: job.id,
        createdBy: job.created_by,
        source: job.source,
        onProgress: (p) => {
          progress = p;
          onProgress?.(p);
        },
      });
    } catch (e) {
      await this.failed(job, e);
    } finally {
      clearInterval(beat);
    }
  }

  /**
   * The heartbeat carries the progress, so that the jobs page can show rows read while it runs.
   * Counts only grow: the merge writes the final ones while the job is still `running`, and a
   * beat with older numbers must not undo them.
   */
  private async beat(id: string, p: ValidateProgress): Promise<void> {
    await this.db
      .updateTable('ingest.job')
      .set({
        heartbeat_at: sql<Date>`now()`,
        rows_read: sql<number>`greatest(rows_read, ${p.rowsRead})`,
        rows_rejected: sql<number>`greatest(rows_rejected, ${p.rowsRejected})`,
      })
      .where('id', '=', id)
      .where('state', '=', 'running')
      .execute();
  }

  /** Queued again after a backoff while attempts remain and the error may pass; failed otherwise. */
  private async failed(job: JobRow, e: unknown): Promise<void> {
    const error = jobErrorOf(e);
    // An unexpected error's own words go to the log; the job says that it was unexpected.
    if (!isHubError(e)) this.opts.logger?.error({ err: e, job: job.id }, 'ingest job failed on an unexpected error');
    const retry = job.attempts < job.max_attempts && !(isHubError(e) && PERMANENT.has(e.code));
    const wait = Math.min(this.opts.backoffMs * 2 ** (job.attempts - 1), this.opts.maxBackoffMs);
    const q = this.db.updateTable('ingest.job').where('id', '=', job.id).where('state', 'in', ['running', 'failed']);
    if (!retry) {
      await q
        .set({ state: 'failed', ...error, heartbeat_at: null, finished_at: sql<Date>`coalesce(finished_at, now())` })
        .execute();
      return;
    }
    await q
      .set({
        state: 'queued',
        ...error,
        next_attempt_at: sql<Date>`now() + cast(${wait} as integer) * interval '1 millisecond'`,
        heartbeat_at: null,
        finished_at: null,
        rows_read: 0,
        rows_loaded: 0,
        rows_rejected: 0,
      })
      .execute();
  }

  /**
   * A running job whose heartbeat stopped belonged to a process that died: queued again while
   * attempts remain (it starts over; the load is one transaction, so nothing half-done stays).
   * Returns how many source jobs were queued again.
   */
  async requeueStale(): Promise<number> {
    // A release (decided_by set) whose process died: nothing went in and its rows are still held,
    // so the load waits for a decision again rather than failing or reading its source anew.
    await sql`
      update ingest.job set state = 'held', decided_by = null, decided_at = null, heartbeat_at = null
      where state = 'running' and decided_by is not null
        and heartbeat_at < now() - cast(${this.opts.staleMs} as integer) * interval '1 millisecond'`.execute(this.db);
    // An upload cannot be read again: its job fails, and the provider uploads the file anew.
    await sql`
      update ingest.job set state = 'failed', heartbeat_at = null, finished_at = now(),
        error = ${english(STOPPED_UPLOAD)}, error_code = 'KRN_INTERNAL', error_detail = ${json(STOPPED_UPLOAD)}
      where state = 'running' and spec is null
        and heartbeat_at < now() - cast(${this.opts.staleMs} as integer) * interval '1 millisecond'`.execute(this.db);
    const result = await sql`
      update ingest.job set
        state = case when attempts < max_attempts then 'queued' else 'failed' end,
        next_attempt_at = now(), heartbeat_at = null,
        finished_at = case when attempts < max_attempts then null else now() end,
        error = ${english(STOPPED)}, error_code = 'KRN_INTERNAL', error_detail = ${json(STOPPED)}
      where state = 'running' and spec is not null
        and heartbeat_at < now() - cast(${this.opts.staleMs} as integer) * interval '1 millisecond'`.execute(this.db);
    return Number(result.numAffectedRows ?? 0);
  }

  async get(id: string): Promise<JobStatus> {
    const row = await this.db.selectFrom('ingest.job').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new HubError('ING_JOB_NOT_FOUND', msg('ingest.noJob', { id }));
    return statusOf(row);
  }

  /** Newest first; `resources` limits the list to those codes (an officer's own). */
  async list(filter: {
    resources?: string[] | undefined;
    state?: JobState | undefined;
    page?: number | undefined;
    pageSize?: number | undefined;
  }): Promise<{ items: JobStatus[]; total: number }> {
    if (filter.resources?.length === 0) return { items: [], total: 0 };
    let q = this.db.selectFrom('ingest.job');
    if (filter.resources) q = q.where('resource_code', 'in', filter.resources);
    if (filter.state) q = q.where('state', '=', filter.state);
    const pageSize = Math.min(100, Math.max(1, filter.pageSize ?? 20));
    const [rows, count] = await Promise.all([
      q
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(pageSize)
        .offset((Math.max(1, filter.page ?? 1) - 1) * pageSize)
        .execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(statusOf), total: Number(count.n) };
  }
}

function statusOf(row: JobRow): JobStatus {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: row.id,
    resource: row.resource_code,
    source: row.source,
    state: row.state,
    rowsRead: row.rows_read,
    rowsLoaded: row.rows_loaded,
    rowsRejected: row.rows_rejected,
    qualityScore:
      row.rows_read === 0 ? null : Math.round((1000 * (row.rows_read - row.rows_rejected)) / row.rows_read) / 10,
    ...storedJobError(row),
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    nextAttemptAt: row.state === 'queued' ? iso(row.next_attempt_at) : null,
    createdAt: row.created_at.toISOString(),
    startedAt: row.state === 'queued' ? null : iso(row.started_at),
    finishedAt: iso(row.finished_at),
    scheduleId: row.schedule_id,
    spec: (row.spec as SourceSpec | null) ?? null,
    ...jobOutcome(row),
  };
}
