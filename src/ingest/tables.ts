import type { Generated } from '../db/index.js';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';

export type IngestTables = {
  'ingest.job': {
    id: string;
    resource_code: string;
    source: string;
    state: JobState;
    rows_read: Generated<number>;
    rows_loaded: Generated<number>;
    rows_rejected: Generated<number>;
    error: string | null;
    created_by: number;
    started_at: Generated<Date>;
    finished_at: Date | null;
  };
  'ingest.reject': { job_id: string; row_number: number; field: string; reason: string };
};
