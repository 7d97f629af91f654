import type { Kysely } from '../db/index.js';
import type { Reject } from './stages.js';
import type { IngestTables } from './tables.js';

export type Issue = Reject & { severity?: 'reject' | 'warn'; rule?: string | undefined };

/** Rows written per INSERT; also how many issues wait in memory at most. */
const CHUNK = 1000;

/**
 * A job's quarantine as it fills: issues are written in chunks while the file streams, so a
 * file with millions of bad rows does not hold them all in memory. Written outside the load's
 * transaction: a failed load keeps the reasons, which describe the file, not the data.
 */
export class Quarantine {
  private pending: Issue[] = [];
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  constructor(
    private readonly db: Kysely<IngestTables>,
    private readonly jobId: string,
  ) {}

  /** Starts the job's quarantine over: a re-run reports what this run found. */
  async clear(): Promise<void> {
    await this.db.deleteFrom('ingest.reject').where('job_id', '=', this.jobId).execute();
  }

  add = (issues: Issue[]): void => {
    this.pending.push(...issues);
    if (this.pending.length >= CHUNK) {
      const chunk = this.pending;
      this.pending = [];
      // One write at a time, in order; an error surfaces at the next flush.
      this.writing = this.writing
        .then(() => this.write(this.db, chunk))
        .catch((e: unknown) => void (this.failure ??= e));
    }
  };

  /** Writes what is pending (inside `db`, e.g. the merge transaction) and waits for earlier writes. */
  async flush(db: Kysely<IngestTables> = this.db): Promise<void> {
    await this.writing;
    if (this.failure) throw this.failure;
    const chunk = this.pending;
    this.pending = [];
    await this.write(db, chunk);
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
            severity: r.severity ?? 'reject',
            rule: r.rule ?? null,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }
}
