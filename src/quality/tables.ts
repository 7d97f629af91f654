import type { Generated } from '../db/index.js';
import type { QualityRule, QualityThreshold } from './rules.js';

export type CorrectionState = 'open' | 'accepted' | 'rejected';
/** `portal`: a developer of the open-data portal, reported by the portal on their behalf. */
export type ReporterKind = 'citizen' | 'consumer' | 'operator' | 'portal';

export type QualityTables = {
  'quality.rule_set': {
    resource_code: string;
    version: number;
    rules: QualityRule[];
    /** null: the default threshold (rules.ts DEFAULT_THRESHOLD). */
    threshold: Generated<QualityThreshold | null>;
    set_by: string;
    set_at: Generated<Date>;
  };
  'quality.correction': {
    id: Generated<number>;
    resource_code: string;
    provider_org: string;
    record_key: string;
    field: string;
    claimed_value: string;
    proposed_value: string | null;
    note: string;
    reporter_kind: ReporterKind;
    reported_by: number;
    reporter_org: string | null;
    state: Generated<CorrectionState>;
    filed_at: Date;
    due_date: string;
    overdue_at: Date | null;
    decided_at: Date | null;
    decided_by: string | null;
    reject_reason: string | null;
    old_value: unknown;
    new_value: unknown;
    /** Working days from filing to acceptance, set when accepted (fix-days.ts). */
    fix_days: number | null;
    /** The ledger's keyed tag of the key (of the resource's code when it names no record); null: not yet sealed. */
    subject_tag: string | null;
  };
  /** 整改时长 per providing department, kept by triggers on quality.correction (migration 004). */
  'quality.fix_tally': { provider_org: string; days: string | number; fixes: string | number };
};
