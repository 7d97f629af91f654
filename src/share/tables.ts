import type { Generated } from '../db/index.js';

export type GrantState = 'active' | 'suspended' | 'revoked';
export type DemandState = 'basis_review' | 'filed' | 'confirmed' | 'refused' | 'published';

export type ShareTables = {
  'share.grant': {
    id: Generated<number>;
    consumer_org: string;
    resource_code: string;
    fields: string[];
    /** Codes of the purpose registry the grant allows; each call states one of them. */
    purposes: string[];
    expires_at: Date | null;
    state: Generated<GrantState>;
    created_by: number;
    created_at: Generated<Date>;
    revoked_at: Date | null;
    masked: Generated<string[]>;
    daily_quota: number | null;
    rate_per_second: number | null;
    demand_id: number | null;
    suspended_at: Date | null;
  };
  'share.demand': {
    id: Generated<number>;
    consumer_org: string;
    resource_code: string | null;
    need: string;
    fields: string[];
    /** The consumer's own words on what the data is for. */
    purpose: string;
    /** Codes of the purpose registry the demand asks for; the grant it gets allows these. */
    purposes: Generated<string[]>;
    legal_basis: string;
    volume: string;
    frequency: string;
    state: DemandState;
    filed_by: number;
    filed_at: Generated<Date>;
    confirm_due: string | null;
    publish_due: string | null;
    confirmed_at: Date | null;
    refused_reason: string | null;
    published_at: Date | null;
    grant_id: number | null;
    service_code: string | null;
    /** The department the operators assigned a demand naming no resource to; null until then. */
    assigned_org: string | null;
    /** The department its step times count for, and the working days from filing to each step (demand-days.ts). */
    days_org: string | null;
    confirm_days: number | null;
    publish_days: number | null;
  };
  /** 需求响应时长 per department and step, kept by triggers on share.demand (migration 007). */
  'share.demand_days': { org: string; step: 'confirm' | 'publish'; days: string | number; demands: string | number };
  'share.service': { code: string; resource_code: string; published_by: string; published_at: Generated<Date> };
  'share.usage': {
    minute: Date;
    service_code: string;
    consumer_org: string;
    calls: number;
    rows: number;
    errors: number;
    latency_ms_sum: number;
    latency_ms_max: number;
  };
  'share.quota_use': { service_code: string; consumer_org: string; day: string; calls: number };
  'share.rate_use': { grant_id: number; tat_ms: number };
  'share.alert': {
    id: Generated<number>;
    kind: string;
    consumer_org: string;
    service_code: string | null;
    detail: unknown;
    at: Generated<Date>;
    acknowledged_by: string | null;
    acknowledged_at: Date | null;
  };
  'share.export': {
    id: Generated<number>;
    mark: string;
    consumer_org: string;
    resource_code: string;
    rows: number;
    created_by: string;
    created_at: Generated<Date>;
  };
};
