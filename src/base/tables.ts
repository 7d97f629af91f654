import type { Generated } from '../db/index.js';
import type { Predicate } from './label-rules.js';
import type { BaseKind } from './kinds.js';

export type ConflictState = 'open' | 'resolved' | 'dismissed' | 'superseded';

export type BaseTables = {
  'base.authority': {
    base_kind: BaseKind;
    element: string;
    provider_org: string;
    updated_by: string;
    updated_at: Generated<Date>;
  };
  'base.subject': { kind: BaseKind; key: string; first_job: string; created_at: Generated<Date> };
  'base.observation': {
    kind: BaseKind;
    subject_key: string;
    element: string;
    resource_code: string;
    provider_org: string;
    value: unknown;
    norm: string;
    valid: boolean;
    invalid_reason: string | null;
    job_id: string;
    source_row: number;
    seq: Generated<number>;
  };
  'base.value': {
    kind: BaseKind;
    subject_key: string;
    element: string;
    value: unknown;
    norm: string;
    valid: boolean;
    invalid_reason: string | null;
    resource_code: string;
    provider_org: string;
    job_id: string;
    source_row: number;
    authoritative: boolean;
    agrees: boolean;
    confirmations: number;
    kept_by_conflict: number | null;
    /** An open conflict is about it (kept by the conflicts' triggers, migration 004-accuracy-tally). */
    disputed: Generated<boolean>;
  };
  'base.conflict': {
    id: Generated<number>;
    kind: BaseKind;
    subject_key: string;
    element: string;
    auth_value: unknown;
    auth_norm: string;
    auth_resource: string;
    auth_provider: string;
    auth_job: string;
    auth_row: number;
    other_value: unknown;
    other_norm: string;
    other_resource: string;
    other_provider: string;
    other_job: string;
    other_row: number;
    state: Generated<ConflictState>;
    kept: 'authoritative' | 'other' | null;
    note: string | null;
    resolved_by: string | null;
    resolved_at: Date | null;
    created_at: Generated<Date>;
  };
  'base.label_rule': {
    code: string;
    name: string;
    kind: BaseKind;
    rule: Predicate;
    description: string;
    updated_by: string;
    updated_at: Generated<Date>;
  };
  'base.subject_label': { label: string; kind: BaseKind; subject_key: string };
  'base.absorption': {
    job_id: string;
    resource_code: string;
    kind: BaseKind;
    subjects: number;
    values_absorbed: number;
    conflicts: number;
    absorbed_at: Generated<Date>;
  };
  /** 数据返还: each subject's latest change in each county it was in (migration 002-changes). */
  'base.change': {
    kind: BaseKind;
    subject_key: string;
    division: string;
    seq: number;
    gone: boolean;
    changed_at: Generated<Date>;
  };
  /** Each sealed subject key by its blind index (migration 006-key-book); kept when the subject leaves. */
  'base.key_book': { kind: BaseKind; key: string; sealed: string };
  /** Bases holding data of before encryption at rest, until the hub has sealed them. */
  'base.seal_pending': { kind: BaseKind };
  /** Subjects per base and county now (migration 003-county-tally), kept by base.note_changed. */
  'base.county_tally': { kind: BaseKind; division: string; subjects: string | number };
  /** Field accuracy's counts per base and element (migration 004-accuracy-tally), kept by triggers on base.value (005). */
  'base.accuracy_tally': {
    kind: BaseKind;
    element: string;
    values: string | number;
    invalid: string | number;
    unconfirmed: string | number;
    disputed: string | number;
    confirmed: string | number;
  };
};
