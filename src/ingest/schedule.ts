import { Cron } from 'croner';
import { json, sql, type Database, type Kysely, type Selectable } from '../db/index.js';
import { HubError, announce, invalid, type Logger, msg } from '../kernel/index.js';
import { outcomeOf, type Outcome } from './outcome.js';
import type { JobQueue } from './queue.js';
import { describeSource, type SourceSpec } from './sources.js';
import type { IngestTables, JobState } from './tables.js';

/** Schedules run in China time unless they say otherwise. */
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';
/** Shorter intervals would fill the queue faster than most sources change. */
const MIN_INTERVAL_MS = 60_000;
/** The longest a started scheduler sleeps without looking (changes wake it at once). */
const MAX_SLEEP_MS = 60_000;
/** Announced when a schedule is created, changed or made due, so that sleeping schedulers look again. */
const CHANNEL = 'ingest_schedule';

export interface Schedule {
  id: number;
  resource: string;
  spec: SourceSpec;
  source: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  maxAttempts: number;
  /** When it next enqueues a job; null while disabled. */
  nextRunAt: string | null;
  /** The next few run times, for people to check the cron expression against. */
  nextRuns: string[];
  /** The last job it queued, with how that load went (outcome.ts), as the jobs list says it. */
  lastJob: { id: string; state: JobState; outcome: Outcome; finishedAt: string | null } | null;
  createdAt: string;
}

export interface ScheduleInput {
  resource: string;
  spec: SourceSpec;
  cron: string;
  timezone?: string;
  enabled?: boolean;
  maxAttempts?: number;
  createdBy: number;
}

export type SchedulePatch = Partial<Pick<ScheduleInput, 'cron' | 'timezone' | 'enabled' | 'maxAttempts'>>;

type Row = Selectable<IngestTables['ingest.schedule']>;
type Db = Kysely<IngestTables>;

/**
 * The next `n` times a cron expression (5 fields, or 6 with seconds) fires after `from`, in
 * `timezone`. Throws a 422 naming `cron` for an expression croner refuses or one that fires
 * more than once a minute.
 */
export function nextRuns(cron: string, timezone = DEFAULT_TIMEZONE, n = 3, from = new Date()): Date[] {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw invalid('timezone', msg('ingest.unknownZone', { zone: timezone }));
  }
  let runs: Date[];
  try {
    runs = new Cron(cron, { timezone, mode: '5-or-6-parts' }).nextRuns(Math.max(n, 2), from);
  } catch (e) {
    throw invalid('cron', msg('ingest.badCron', { error: (e as Error).message }));
  }
  if (runs.length === 2 && runs[1]!.getTime() - runs[0]!.getTime() < MIN_INTERVAL_MS)
    throw invalid('cron', msg('ingest.cronTooOften'));
  return runs.slice(0, n);
}

/**
 * Schedules (ingest.schedule) turn into queued jobs when due. A tick claims due rows with
 * FOR UPDATE SKIP LOCKED and moves next_run_at on in the same transaction as the job insert,
 * so that however many hub processes tick, each due run enqueues exactly one job.
 *
 * A started scheduler does not poll: it sleeps until the earliest next run (by the database's
 * clock), at most `tickMs`, and wakes at once when any process changes a schedule (NOTIFY).
 */
export class Scheduler {
  private readonly db: Db;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  private started = false;
  private again = false;
  private stopListening: Promise<(() => Promise<void>) | undefined> | undefined;

  constructor(
    private readonly database: Database,
    private readonly queue: JobQueue,
    private readonly opts: { tickMs?: number; logger?: Logger } = {},
  ) {
    this.db = database.kysely.withTables<IngestTables>();
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    // The first look only once listening: a change announced in between is then not missed.
    this.stopListening = this.database
      .listen(CHANNEL, () => this.soon(0))
      .catch((e: unknown) => {
        this.opts.logger?.warn({ err: e }, 'ingest schedules: cannot listen for changes; looking every tickMs');
        return undefined;
      })
      .finally(() => this.soon(0));
  }

  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    await (
      await this.stopListening
    )?.();
    this.stopListening = undefined;
  }

  /** The next tick in `ms` (replacing a later one); after each tick, the next is due when the next run is. */
  private soon(ms: number): void {
    if (!this.started) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.turn();
    }, ms);
    this.timer.unref();
  }

  private turn(): void {
    // A change announced while a tick runs is looked at right after it.
    if (this.ticking) return void (this.again = true);
    this.ticking = this.tick()
      .catch((e: unknown) => this.opts.logger?.warn({ err: e }, 'ingest schedules: tick failed'))
      .then(() => this.untilDue())
      .catch(() => this.opts.tickMs ?? MAX_SLEEP_MS)
      .then((wait) => {
        this.ticking = undefined;
        const now = this.again;
        this.again = false;
        if (now || !this.timer) this.soon(now ? 0 : wait);
      });
  }

  /** Milliseconds until the earliest enabled schedule is due, at most tickMs. */
  private async untilDue(): Promise<number> {
    const max = this.opts.tickMs ?? MAX_SLEEP_MS;
    const row = await sql<{ wait: number | null }>`
      select cast(extract(epoch from min(next_run_at) - now()) * 1000 as float8) as wait
      from ingest.schedule where enabled`.execute(this.db);
    const wait = row.rows[0]?.wait;
    return wait === null || wait === undefined ? max : Math.min(max, Math.max(0, wait) + 10);
  }

  /** Enqueues a job for every due schedule; returns the jobs' ids. */
  async tick(): Promise<string[]> {
    const jobs = await this.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('ingest.schedule')
        .selectAll()
        .where('enabled', '=', true)
        .where('next_run_at', '<=', sql<Date>`now()`)
        .orderBy('next_run_at')
        .limit(50)
        .forUpdate()
        .skipLocked()
        .execute();
      const ids: string[] = [];
      for (const s of due) ids.push(await this.fire(trx, s));
      return ids;
    });
    if (jobs.length > 0) this.queue.wake();
    return jobs;
  }

  /** One due run: its job, and the next run strictly after the one that fired (clocks of processes differ). */
  private async fire(trx: Db, s: Row): Promise<string> {
    const jobId = await this.enqueue(trx, s);
    const after = new Date(Math.max(Date.now(), s.next_run_at!.getTime()));
    await trx
      .updateTable('ingest.schedule')
      .set({ next_run_at: nextRuns(s.cron, s.timezone, 1, after)[0] ?? null })
      .where('id', '=', s.id)
      .execute();
    return jobId;
  }

  private async enqueue(trx: Db, s: Row): Promise<string> {
    const jobId = await this.queue.enqueue(
      {
        resource: s.resource_code,
        spec: s.spec as SourceSpec,
        createdBy: s.created_by,
        maxAttempts: s.max_attempts,
        scheduleId: s.id,
      },
      trx,
    );
    await trx.updateTable('ingest.schedule').set({ last_job_id: jobId }).where('id', '=', s.id).execute();
    return jobId;
  }

  async create(input: ScheduleInput): Promise<Schedule> {
    const timezone = input.timezone ?? DEFAULT_TIMEZONE;
    const enabled = input.enabled ?? true;
    const next = nextRuns(input.cron, timezone, 1)[0] ?? null;
    const row = await this.db
      .insertInto('ingest.schedule')
      .values({
        resource_code: input.resource,
        spec: json(input.spec),
        source: describeSource(input.spec),
        cron: input.cron,
        timezone,
        enabled,
        max_attempts: input.maxAttempts ?? 3,
        next_run_at: enabled ? next : null,
        last_job_id: null,
        created_by: input.createdBy,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await announce(this.db, CHANNEL, String(row.id));
    return this.get(row.id);
  }

  /** Enable, disable, or change the cron: the next run is worked out again from now. */
  async update(id: number, patch: SchedulePatch): Promise<Schedule> {
    const s = await this.row(id);
    const cron = patch.cron ?? s.cron;
    const timezone = patch.timezone ?? s.timezone;
    const enabled = patch.enabled ?? s.enabled;
    const next = nextRuns(cron, timezone, 1)[0] ?? null;
    await this.db
      .updateTable('ingest.schedule')
      .set({
        cron,
        timezone,
        enabled,
        max_attempts: patch.maxAttempts ?? s.max_attempts,
        next_run_at: enabled ? next : null,
      })
      .where('id', '=', id)
      .execute();
    await announce(this.db, CHANNEL, String(id));
    return this.get(id);
  }

  async remove(id: number): Promise<void> {
    const result = await this.db.deleteFrom('ingest.schedule').where('id', '=', id).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound(id);
  }

  /** Enqueues a job now, whether or not the schedule is enabled; its regular runs stay as they were. */
  async runNow(id: number): Promise<string> {
    const jobId = await this.db.transaction().execute(async (trx) => {
      const s = await trx.selectFrom('ingest.schedule').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!s) throw notFound(id);
      return this.enqueue(trx, s);
    });
    this.queue.wake();
    return jobId;
  }

  /** Due now (a test hook, and what an operator does to catch up after a change). */
  async makeDue(id: number): Promise<void> {
    await this.db
      .updateTable('ingest.schedule')
      .set({ next_run_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
    await announce(this.db, CHANNEL, String(id));
  }

  async row(id: number): Promise<Row> {
    const s = await this.db.selectFrom('ingest.schedule').selectAll().where('id', '=', id).executeTakeFirst();
    if (!s) throw notFound(id);
    return s;
  }

  async get(id: number): Promise<Schedule> {
    const [s] = await this.list({ id });
    if (!s) throw notFound(id);
    return s;
  }

  /** Newest first; `resources` limits the list to those codes (an officer's own). */
  async list(filter: { resources?: string[] | undefined; id?: number }): Promise<Schedule[]> {
    if (filter.resources?.length === 0) return [];
    let q = this.db
      .selectFrom('ingest.schedule as s')
      .leftJoin('ingest.job as j', 'j.id', 's.last_job_id')
      .selectAll('s')
      .select([
        'j.state as last_state',
        'j.finished_at as last_finished_at',
        'j.rows_read as last_rows_read',
        'j.rows_rejected as last_rows_rejected',
        'j.min_pass_rate as last_min_pass_rate',
      ])
      .orderBy('s.id', 'desc')
      .limit(500);
    if (filter.resources) q = q.where('s.resource_code', 'in', filter.resources);
    if (filter.id !== undefined) q = q.where('s.id', '=', filter.id);
    return (await q.execute()).map(scheduleOf);
  }
}

type ListedRow = Row & {
  last_state: JobState | null;
  last_finished_at: Date | null;
  last_rows_read: number | null;
  last_rows_rejected: number | null;
  last_min_pass_rate: string | number | null;
};

function scheduleOf(r: ListedRow): Schedule {
  let runs: string[] = [];
  try {
    runs = r.enabled ? nextRuns(r.cron, r.timezone, 3).map((d) => d.toISOString()) : [];
  } catch {
    // An expression stored before a rule tightened still lists; it just shows no runs.
  }
  return {
    id: r.id,
    resource: r.resource_code,
    spec: r.spec as SourceSpec,
    source: r.source,
    cron: r.cron,
    timezone: r.timezone,
    enabled: r.enabled,
    maxAttempts: r.max_attempts,
    nextRunAt: r.next_run_at?.toISOString() ?? null,
    nextRuns: runs,
    lastJob: r.last_job_id ? lastJobOf(r, r.last_job_id) : null,
    createdAt: r.created_at.toISOString(),
  };
}

function lastJobOf(r: ListedRow, id: string): NonNullable<Schedule['lastJob']> {
  const state = r.last_state ?? 'queued';
  const outcome = outcomeOf({
    state,
    rowsRead: r.last_rows_read ?? 0,
    rowsRejected: r.last_rows_rejected ?? 0,
    minPassRate: r.last_min_pass_rate === null ? null : Number(r.last_min_pass_rate),
  });
  return { id, state, outcome, finishedAt: r.last_finished_at?.toISOString() ?? null };
}

const notFound = (id: number) => new HubError('ING_SCHEDULE_NOT_FOUND', msg('ingest.noSchedule', { id }));
