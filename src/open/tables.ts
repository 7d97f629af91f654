import type { Generated } from '../db/index.js';

export type OpenTables = {
  'open.dataset_count': { resource_id: number; event: OpenEvent; count: number | string };
  'open.developer': {
    id: Generated<number>;
    name: string;
    email: string;
    password_hash: string;
    created_at: Generated<Date>;
  };
  'open.developer_session': { token_hash: string; developer_id: number; expires_at: Date };
  'open.api_key': {
    id: Generated<number>;
    developer_id: number;
    name: string;
    prefix: string;
    secret_hash: string;
    per_minute: number;
    per_day: number;
    created_at: Generated<Date>;
    revoked_at: Date | null;
  };
  'open.application': {
    id: Generated<number>;
    developer_id: number;
    resource_id: number;
    resource_code: string;
    provider_org: string;
    purpose: string;
    use: string;
    security: string;
    state: Generated<ApplicationState>;
    terms: string | null;
    expires_at: Date | null;
    reason: string | null;
    decided_by: string | null;
    decided_at: Date | null;
    created_at: Generated<Date>;
  };
  'open.rating': {
    id: Generated<number>;
    resource_id: number;
    resource_code: string;
    /** The provider the catalog named for the entry when it was rated: it answers. */
    provider_org: string;
    developer_id: number;
    rating: number;
    comment: string;
    created_at: Date;
    answer: string | null;
    answered_by: string | null;
    answered_at: Date | null;
    /** Reviewed before shown (先审后发): an empty comment is published as it needs no review. */
    comment_state: CommentState;
    /** Why an operator rejected the comment, shown to its author only. */
    moderation_reason: string | null;
    moderated_by: string | null;
    moderated_at: Date | null;
  };
  'open.error_report': {
    id: Generated<number>;
    developer_id: number;
    resource_code: string;
    /** The record's key as the developer gave it (a public value); null for the field across the dataset. */
    record_key: string | null;
    field: string;
    correction_id: number;
    created_at: Generated<Date>;
  };
  'open.dataset_request': {
    id: Generated<number>;
    developer_id: number;
    demand_id: number;
    /** The developer's own words, kept apart from the demand's text (which names them). */
    need: string;
    purpose: string;
    created_at: Generated<Date>;
  };
  'open.api_use': { subject: string; span: UseSpan; window_start: Date; count: number };
};

export type OpenEvent = 'view' | 'download' | 'call';
/** The fixed windows a data API caller is counted in. */
export type UseSpan = 'minute' | 'day';
export type CommentState = 'pending' | 'published' | 'rejected';
export type ApplicationState = 'pending' | 'approved' | 'refused';
