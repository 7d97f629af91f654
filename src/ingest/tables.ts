import type { Generated } from '../db/index.js';

/** `held`: below its resource's threshold with action hold, waiting for release or discard. */
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'held' | 'discarded';

export type IngestTables = {
  'ingest.job': {
    id: string;
    resource_code: string;
    source: string;
    state: JobState;
    rows_read: Generated<number>;
    rows_loaded: Generated<number>;
    rows_rejected: Generated<number>;
    /** The error as text, for the log; people read error_code and error_detail (job-error.ts). */
    error: string | null;
    error_code: Generated<string | null>;
    /** jsonb: the error's message, `{ key, params }` of the message catalogue. */
    error_detail: Generated<unknown>;
    created_by: number;
    started_at: Generated<Date>;
    finished_at: Date | null;
    merge: Generated<'swap' | 'upsert' | null>;
    // Queued jobs (002-sources): the source to read, retries and the worker's heartbeat.
    spec: Generated<unknown>;
    attempts: Generated<number>;
    max_attempts: Generated<number>;
    next_attempt_at: Generated<Date | null>;
    heartbeat_at: Generated<Date | null>;
    created_at: Generated<Date>;
    schedule_id: Generated<number | null>;
    // The outcome (006-outcome): the threshold the load was judged by, and a held load's decision.
    /** numeric: read as a string (db/connect.ts). */
    min_pass_rate: Generated<string | number | null>;
    below_action: Generated<'warn' | 'hold' | null>;
    snapshot: Generated<boolean>;
    decided_by: Generated<string | null>;
    decided_at: Generated<Date | null>;
  };
  /** The rows of a held load, validated, waiting for the decision. */
  'ingest.held_row': {
    job_id: string;
    source_row: number;
    key: string;
    doc: Record<string, unknown>;
  };
  'ingest.schedule': {
    id: Generated<number>;
    resource_code: string;
    spec: unknown;
    source: string;
    cron: string;
    timezone: string;
    enabled: boolean;
    max_attempts: number;
    next_run_at: Date | null;
    last_job_id: string | null;
    created_by: number;
    created_at: Generated<Date>;
  };
  'ingest.reject': {
    job_id: string;
    row_number: number;
    field: string;
    reason: string;
    reason_code: string | null;
    reason_params: unknown;
    severity: Generated<'reject' | 'warn'>;
    rule: string | null;
  };
  'ingest.column_mapping': {
    resource_code: string;
    source_column: string;
    /** null: the column is skipped. */
    field: string | null;
    saved_by: number;
    saved_at: Generated<Date>;
  };
};
