import { randomUUID } from 'node:crypto';
import type { Resource } from '../catalog/index.js';
import type { Database, Kysely, Selectable } from '../db/index.js';
import { HubError, msg, type Logger } from '../kernel/index.js';
import type { Cascade } from './service.js';
import type { CascadeTables, PushRunState } from './tables.js';

/** What a push reads on the district: its resources and their records, changes by load time. */
export interface PushSources {
  resource(code: string): Promise<Resource>;
  changedSince(
    resourceId: number,
    opts: { since: Date | null; after: string | null; upTo?: string | undefined; limit: number },
  ): Promise<{ docs: Array<Record<string, unknown>>; last: string | null }>;
  /** The database's clock. */
  clock(): Promise<Date>;
  /** When the resource's oldest running load started, or null. */
  loadingSince(resourceCode: string): Promise<Date | null>;
}

export interface PushOptions {
  /** Batches sent before the first is acknowledged (default 2): reading overlaps the city's load. */
  window?: number;
  logger?: Pick<Logger, 'info' | 'warn'> | undefined;
}

/** One batch as it travels to the city (`POST /api/v1/cascade/link/push/batches`). */
export interface PushBatch {
  push: string;
  run: string;
  seq: number;
  target: string;
  /** The city resource's field names: the header of `rows`. */
  fields: string[];
  rows: string[][];
  /**
   * The run sends the whole resource (a first push): the city stages its batches and makes them
   * the copy's data at the end, at once, rather than merging each into the copy.
   */
  full?: boolean;
  /** A full run's last message, once every batch is acknowledged: no rows; the city swaps the staged load in. */
  end?: boolean;
}

/** The city's answer: the load the batch became, or — sent again — the one it became before. */
export interface PushAck {
  seq: number;
  job: string;
  loaded: number;
  rejected: number;
  replayed: boolean;
}

export interface PushRun {
  id: string;
  kind: 'full' | 'incremental';
  state: PushRunState;
  startedAt: string;
  finishedAt: string | null;
  rowsSent: number;
  rowsLoaded: number;
  rowsRejected: number;
  ackedSeq: number;
  error: string | null;
}

/** A push as the operations view shows it: with its last run and the batches sent, not yet acknowledged. */
export interface Push {
  id: string;
  resource: string;
  target: string;
  every: number | null;
  batchRows: number;
  nextRunAt: string | null;
  lastCutoff: string | null;
  createdBy: string;
  lastRun: PushRun | null;
  batchesInFlight: number;
}

export const PUSH_BATCH_PATH = '/api/v1/cascade/link/push/batches';

/** How a record's typed value travels: as the text cell a source file would hold. */
export function cellOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

type Db = Kysely<CascadeTables>;
type RunRow = Selectable<CascadeTables['cascade.push_run']>;
type BatchRow = Selectable<CascadeTables['cascade.push_batch']>;

/**
 * Push up (归集, docs/cascade.md), the district's side: each push copies one of its resources
 * into the city's copy, in signed batches of records in key order. Every batch is written down
 * (its key range) before it is sent and marked when the city acknowledges it, so a run that
 * stops anywhere resumes after its last acknowledged batch and sends the rest again, each batch
 * with the same range and number — the city applies a number once. A run sends what was loaded
 * since the last completed run's window ended (everything, the first time).
 */
export class PushService {
  private readonly db: Db;
  private readonly window: number;
  /** Runs going on in this process, by push: a second request waits for the first. */
  private readonly running = new Map<string, Promise<PushRun>>();

  constructor(
    database: Database,
    private readonly cascade: Cascade,
    private readonly sources: PushSources,
    private readonly opts: PushOptions = {},
  ) {
    this.db = database.kysely.withTables<CascadeTables>();
    this.window = Math.max(1, opts.window ?? 2);
  }

  async define(
    input: { resource: string; target: string; every?: number | undefined; batchRows?: number | undefined },
    by: string,
  ): Promise<Push> {
    if (this.cascade.self.role !== 'district') throw new HubError('CAS_NOT_DISTRICT');
    await this.sources.resource(input.resource);
    const id = randomUUID();
    const existing = await this.db
      .insertInto('cascade.push')
      .values({
        id,
        resource_code: input.resource,
        target_code: input.target,
        every_minutes: input.every ?? null,
        ...(input.batchRows ? { batch_rows: input.batchRows } : {}),
        next_run_at: input.every ? new Date() : null,
        last_cutoff: null,
        created_by: by,
      })
      .onConflict((oc) =>
        oc.columns(['resource_code', 'target_code']).doUpdateSet({
          every_minutes: input.every ?? null,
          next_run_at: input.every ? new Date() : null,
          ...(input.batchRows ? { batch_rows: input.batchRows } : {}),
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    return this.get(existing.id);
  }

  async list(): Promise<Push[]> {
    const rows = await this.db.selectFrom('cascade.push').select('id').orderBy('created_at').execute();
    return Promise.all(rows.map((r) => this.get(r.id)));
  }

  async get(id: string): Promise<Push> {
    const p = await this.db.selectFrom('cascade.push').selectAll().where('id', '=', id).executeTakeFirst();
    if (!p) throw notFound(id);
    const run = await this.lastRun(id);
    const inFlight =
      run && run.state !== 'succeeded'
        ? await this.db
            .selectFrom('cascade.push_batch')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('run_id', '=', run.id)
            .where('state', '=', 'sent')
            .executeTakeFirstOrThrow()
        : { n: '0' };
    return {
      id: p.id,
      resource: p.resource_code,
      target: p.target_code,
      every: p.every_minutes,
      batchRows: p.batch_rows,
      nextRunAt: p.next_run_at?.toISOString() ?? null,
      lastCutoff: p.last_cutoff?.toISOString() ?? null,
      createdBy: p.created_by,
      lastRun: run ? runOf(run) : null,
      batchesInFlight: Number(inFlight.n),
    };
  }

  /** Runs a push now — resuming its unfinished run, if any — and returns how the run ended. */
  run(id: string): Promise<PushRun> {
    const going = this.running.get(id);
    if (going) return going;
    const work = this.runOnce(id).finally(() => this.running.delete(id));
    this.running.set(id, work);
    return work;
  }

  /** Runs the pushes whose schedule is due (the worker's loop); failures are on each run and peer. */
  async runDue(): Promise<void> {
    const due = await this.db
      .selectFrom('cascade.push')
      .select(['id', 'every_minutes'])
      .where('next_run_at', '<=', new Date())
      .execute();
    for (const p of due) {
      await this.db
        .updateTable('cascade.push')
        .set({ next_run_at: new Date(Date.now() + p.every_minutes! * 60_000) })
        .where('id', '=', p.id)
        .execute();
      await this.run(p.id).catch((e: Error) => this.opts.logger?.warn({ push: p.id, error: e.message }, 'push failed'));
    }
  }

  private async runOnce(id: string): Promise<PushRun> {
    if (this.cascade.self.role !== 'district') throw new HubError('CAS_NOT_DISTRICT');
    const parent = await this.cascade.parent();
    const push = await this.db.selectFrom('cascade.push').selectAll().where('id', '=', id).executeTakeFirst();
    if (!push) throw notFound(id);
    const resource = await this.sources.resource(push.resource_code);
    const run = (await this.unfinished(id)) ?? (await this.start(push.id, push.resource_code, push.last_cutoff));
    if (run.state === 'failed')
      await this.db
        .updateTable('cascade.push_run')
        .set({ state: 'running', error: null })
        .where('id', '=', run.id)
        .execute();
    // A full run's batches are staged on the city and swapped in at its end (PushBatch.full).
    const full = run.since === null ? { full: true } : {};
    const send = (seq: number, docs: Array<Record<string, unknown>>, end = false) =>
      this.cascade.call<PushAck>(parent, 'POST', PUSH_BATCH_PATH, {
        push: push.id,
        run: run.id,
        seq,
        target: push.target_code,
        fields: resource.fields.map((f) => f.name),
        rows: docs.map((d) => resource.fields.map((f) => cellOf(d[f.name]))),
        ...full,
        ...(end ? { end } : {}),
      } satisfies PushBatch);
    try {
      await this.sendAll(run, resource.id, push.batch_rows, send);
      const done = await this.finish(run.id, 'succeeded', null);
      await this.db.updateTable('cascade.push').set({ last_cutoff: run.cutoff }).where('id', '=', push.id).execute();
      await this.cascade.peers.synced(parent.nodeId, Math.max(0, Date.now() - run.cutoff.getTime()));
      this.opts.logger?.info({ push: push.id, run: run.id, rows: done.rowsSent }, 'push completed');
      return done;
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      await this.finish(run.id, 'failed', reason);
      await this.cascade.peers.failed(parent.nodeId, e);
      throw e;
    }
  }

  /** The push's run that did not complete (interrupted, or failed): the next run resumes it. */
  private async unfinished(pushId: string): Promise<RunRow | undefined> {
    const run = await this.lastRun(pushId);
    return run && run.state !== 'succeeded' ? run : undefined;
  }

  private async lastRun(pushId: string): Promise<RunRow | undefined> {
    return this.db
      .selectFrom('cascade.push_run')
      .selectAll()
      .where('push_id', '=', pushId)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /**
   * A new run. Its window ends now, or when the resource's oldest running load started if that
   * is earlier: that load's rows bear its time but are not visible yet, so the next run takes them.
   */
  private async start(pushId: string, resourceCode: string, since: Date | null): Promise<RunRow> {
    const now = await this.sources.clock();
    const loading = await this.sources.loadingSince(resourceCode);
    const cutoff = loading && loading < now ? loading : now;
    return this.db
      .insertInto('cascade.push_run')
      .values({ id: randomUUID(), push_id: pushId, since, cutoff, state: 'running', finished_at: null, error: null })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * The batches of a run in order: first those sent before and never acknowledged, read again
   * over the same key range, then new ones after the last key sent. Up to `window` are on the
   * wire at once; each is acknowledged as its answer comes. A full run then sends its end, once
   * every batch is acknowledged: written down first as a batch of no rows, so that a run resumed
   * after it was sent reads nothing more and sends the same end again.
   */
  private async sendAll(
    run: RunRow,
    resourceId: number,
    batchRows: number,
    send: (seq: number, docs: Array<Record<string, unknown>>, end?: boolean) => Promise<PushAck>,
  ): Promise<void> {
    const pending = await this.db
      .selectFrom('cascade.push_batch')
      .selectAll()
      .where('run_id', '=', run.id)
      .orderBy('seq')
      .execute();
    const ended = pending.find((b) => b.rows === 0);
    const { seq, after } = await this.sendBatches(run, resourceId, batchRows, send, pending, ended !== undefined);
    if (run.since !== null || ended?.state === 'acked') return;
    const end = ended?.seq ?? seq + 1;
    if (!ended) await this.recordSent(run.id, end, after, after ?? '', 0);
    await this.acknowledge(run.id, end, await send(end, [], true));
  }

  /** The run's batches of rows (sendAll); returns the last number and key sent. */
  private async sendBatches(
    run: RunRow,
    resourceId: number,
    batchRows: number,
    send: (seq: number, docs: Array<Record<string, unknown>>) => Promise<PushAck>,
    pending: BatchRow[],
    ended: boolean,
  ): Promise<{ seq: number; after: string | null }> {
    const last = pending.at(-1);
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    const dispatch = async (seq: number, docs: Array<Record<string, unknown>>) => {
      while (inFlight.size >= this.window) await Promise.race(inFlight);
      if (failure) throw failure;
      const p = send(seq, docs)
        .then((ack) => this.acknowledge(run.id, seq, ack))
        .catch((e: unknown) => void (failure ??= e))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    };
    let after = last?.last_key ?? null;
    let seq = last?.seq ?? 0;
    try {
      for (const b of pending.filter((b) => b.state === 'sent' && b.rows > 0)) {
        const { docs } = await this.sources.changedSince(resourceId, {
          since: run.since,
          after: b.after_key,
          upTo: b.last_key,
          // Rows loaded into the range since it was first sent come too: a record sent twice is harmless.
          limit: 2 ** 31 - 1,
        });
        await dispatch(b.seq, docs);
      }
      while (!ended) {
        if (failure) throw failure;
        const next = await this.sources.changedSince(resourceId, { since: run.since, after, limit: batchRows });
        if (next.last === null) break;
        seq += 1;
        await this.recordSent(run.id, seq, after, next.last, next.docs.length);
        await this.db
          .updateTable('cascade.push_run')
          .set((eb) => ({ rows_sent: eb('rows_sent', '+', next.docs.length) }))
          .where('id', '=', run.id)
          .execute();
        await dispatch(seq, next.docs);
        after = next.last;
      }
    } finally {
      await Promise.allSettled(inFlight);
    }
    if (failure) throw failure;
    return { seq, after };
  }

  /** A batch written down as sent, before it goes on the wire: its key range is what a resumed run reads again. */
  private async recordSent(
    runId: string,
    seq: number,
    after: string | null,
    last: string,
    rows: number,
  ): Promise<void> {
    await this.db
      .insertInto('cascade.push_batch')
      .values({
        run_id: runId,
        seq,
        after_key: after,
        last_key: last,
        rows,
        state: 'sent',
        job_id: null,
        rows_loaded: null,
        rows_rejected: null,
        acked_at: null,
      })
      .execute();
  }

  /** The city's acknowledgement of a batch, and the run's last seq below which all are acknowledged. */
  private async acknowledge(runId: string, seq: number, ack: PushAck): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const marked = await trx
        .updateTable('cascade.push_batch')
        .set({
          state: 'acked',
          job_id: ack.job,
          rows_loaded: ack.loaded,
          rows_rejected: ack.rejected,
          acked_at: new Date(),
        })
        .where('run_id', '=', runId)
        .where('seq', '=', seq)
        .where('state', '=', 'sent')
        .executeTakeFirst();
      if (Number(marked.numUpdatedRows) === 0) return;
      const gap = await trx
        .selectFrom('cascade.push_batch')
        .select((eb) => eb.fn.min('seq').as('seq'))
        .where('run_id', '=', runId)
        .where('state', '=', 'sent')
        .executeTakeFirst();
      const top = await trx
        .selectFrom('cascade.push_batch')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('run_id', '=', runId)
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('cascade.push_run')
        .set((eb) => ({
          rows_loaded: eb('rows_loaded', '+', ack.loaded),
          rows_rejected: eb('rows_rejected', '+', ack.rejected),
          acked_seq: gap?.seq != null ? Number(gap.seq) - 1 : Number(top.seq ?? 0),
        }))
        .where('id', '=', runId)
        .execute();
    });
  }

  private async finish(runId: string, state: PushRunState, error: string | null): Promise<PushRun> {
    const row = await this.db
      .updateTable('cascade.push_run')
      .set({ state, error: error?.slice(0, 500) ?? null, finished_at: state === 'succeeded' ? new Date() : null })
      .where('id', '=', runId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return runOf(row);
  }
}

const notFound = (id: string) => new HubError('CAS_PUSH_NOT_FOUND', msg('cascade.noPush', { id }));

function runOf(r: RunRow): PushRun {
  return {
    id: r.id,
    kind: r.since === null ? 'full' : 'incremental',
    state: r.state,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    rowsSent: Number(r.rows_sent),
    rowsLoaded: Number(r.rows_loaded),
    rowsRejected: Number(r.rows_rejected),
    ackedSeq: r.acked_seq,
    error: r.error,
  };
}
