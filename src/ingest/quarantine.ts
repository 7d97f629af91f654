import type { Kysely } from '../db/index.js';
import type { Reject } from './stages.js';
import type { IngestTables } from './tables.js';

export type Issue = Reject & { severity?: 'reject' | 'warn'; rule?: string | undefined };

/** Rows written per INSERT; also how many issues wait in memory before a write starts. */
const CHUNK = 1000;
/** Writes queued at most before `add` asks its caller to wait: memory stays bounded. */
const QUEUED = 4;

/**
 * A job's quarantine as it fills: issues are written in chunks while the file streams, so a
 * file with millions of bad rows does not hold them all in memory. Written outside the load's
 * transaction: a failed load keeps the reasons, which describe the file, not the data.
 *
 * The writes take the database's connection, so they must all have landed (`drain`) before the
 * merge transaction begins: on PGlite the transaction holds the one connection, and awaiting a
 * write from inside it would wait for ever — and with it every other request.
 */
export class Quarantine {
  private pending: Issue[] = [];
  private writing: Promise<void> = Promise.resolve();
  private queued = 0;
  private failure: unknown = null;

  constructor(
    private readonly db: Kysely<IngestTables>,
    private readonly jobId: string,
  ) {}

  /** Starts the job's quarantine over: a re-run reports what this run found. */
  async clear(): Promise<void> {
    await this.db.deleteFrom('ingest.reject').where('job_id', '=', this.jobId).execute();
  }

  /** Takes issues; when writes fall behind, returns a promise the caller should await before more. */
  add = (issues: Issue[]): Promise<void> | undefined => {
    this.pending.push(...issues);
    if (this.pending.length < CHUNK) return undefined;
    const chunk = this.pending;
    this.pending = [];
    this.queued++;
    // One write at a time, in order; an error surfaces at `drain`.
    this.writing = this.writing
      .then(() => this.write(this.db, chunk))
      .catch((e: unknown) => void (this.failure ??= e))
      .finally(() => this.queued--);
    return this.queued > QUEUED ? this.writing : undefined;
  };

  /** Writes everything taken so far, outside any transaction: before the merge, or after a failure. */
  async drain(): Promise<void> {
    const chunk = this.pending;
    this.pending = [];
    this.writing = this.writing.then(() => this.write(this.db, chunk));
    await this.writing.catch((e: unknown) => void (this.failure ??= e));
    if (this.failure) throw this.failure;
  }

  /**
   * Writes `issues` inside `trx` (the merge's duplicates, which commit with the data). Never
   * waits for the writes of `add`: they must have been drained before the transaction began.
   */
  async writeIn(trx: Kysely<IngestTables>, issues: Issue[]): Promise<void> {
    if (this.queued > 0 || this.pending.length > 0) throw new Error('quarantine not drained before the merge');
    await this.write(trx, issues);
  }

  private async write(db: Kysely<IngestTables>, issues: Issue[]): Promise<void> {
    for (let i = 0; i < issues.length; i += CHUNK) {
      await db
        .insertInto('ingest.reject')
        .values(
          issues.slice(i, i + CHUNK).map((r) => ({
            job_id: this.jobId,
            row_number: r.row,
            field: r.field,
            reason: r.reason,
            reason_code: r.code ?? null,
            reason_params: r.params === undefined ? null : JSON.stringify(r.params),
            severity: r.severity ?? 'reject',
            rule: r.rule ?? null,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }
}
