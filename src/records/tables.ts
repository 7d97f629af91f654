import type { Generated } from '../db/index.js';

/** Per field, the accepted correction (纠错) whose value a record holds instead of its load's. */
export type CorrectionMarks = Record<string, { correction: number; at: string }>;

export type RecordTables = {
  /**
   * The data a resource mounts: one row per subject key. Small resources share the DEFAULT
   * partition `records.record_shared` (16 hash leaves); a large one has a partition of its own,
   * `records.record_r<id>` (layout.ts, docs/records.md). Written by loads and corrections.
   */
  'records.record': {
    resource_id: number;
    key: string;
    doc: Record<string, unknown>;
    job_id: string | null;
    source_row: number | null;
    loaded_at: Generated<Date>;
    corrected: Generated<CorrectionMarks>;
  };
};
