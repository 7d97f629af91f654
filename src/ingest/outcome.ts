import type { Selectable } from '../db/index.js';
import type { IngestTables, JobState } from './tables.js';

/**
 * What happened to a load, in one word, for every reader of a job (HTTP list and detail, the
 * command line, the web): the one place that says so.
 *  queued, running      — not finished;
 *  loaded               — every row read went in;
 *  loaded_with_rejects  — it went in, some rows quarantined, still at or above the threshold;
 *  below_threshold      — it went in although fewer rows than the threshold asks were accepted
 *                         (action `warn`, or a held load an officer released);
 *  held                 — below a `hold` threshold: its rows wait, the resource keeps its records;
 *  discarded            — a held load an officer discarded: nothing of it went in;
 *  failed               — nothing went in: the source, the file or the hub failed.
 */
export const OUTCOMES = [
  'queued',
  'running',
  'loaded',
  'loaded_with_rejects',
  'below_threshold',
  'held',
  'discarded',
  'failed',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The threshold a load is judged by (the quality module's QualityThreshold). */
export interface Threshold {
  /** Least share of rows read that must be accepted, in percent. */
  minPassRate: number;
  action: 'warn' | 'hold';
}

/** Rows accepted fall short of `minPassRate` percent of rows read (exactly, not the rounded score). */
export function belowThreshold(rowsRead: number, rowsRejected: number, minPassRate: number | null): boolean {
  return minPassRate !== null && rowsRead > 0 && 100 * (rowsRead - rowsRejected) < minPassRate * rowsRead;
}

export function outcomeOf(job: {
  state: JobState;
  rowsRead: number;
  rowsRejected: number;
  minPassRate: number | null;
}): Outcome {
  if (job.state !== 'succeeded') return job.state;
  if (belowThreshold(job.rowsRead, job.rowsRejected, job.minPassRate)) return 'below_threshold';
  return job.rowsRejected > 0 ? 'loaded_with_rejects' : 'loaded';
}

/** How a job was judged, as every job read returns it. */
export interface JobOutcome {
  outcome: Outcome;
  /** The threshold the load was judged by: null for a job that has not run yet (or ran before thresholds). */
  threshold: Threshold | null;
  /** Who released or discarded a held load, and when. */
  decidedBy: string | null;
  decidedAt: string | null;
}

type JobRow = Selectable<IngestTables['ingest.job']>;

export function jobOutcome(row: JobRow): JobOutcome {
  const minPassRate = row.min_pass_rate === null ? null : Number(row.min_pass_rate);
  return {
    outcome: outcomeOf({
      state: row.state,
      rowsRead: row.rows_read,
      rowsRejected: row.rows_rejected,
      minPassRate,
    }),
    threshold: minPassRate === null ? null : { minPassRate, action: row.below_action ?? 'warn' },
    decidedBy: row.decided_by,
    decidedAt: row.decided_at?.toISOString() ?? null,
  };
}
