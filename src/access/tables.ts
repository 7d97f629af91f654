import type { Generated } from '../db/index.js';

export const ROLES = ['operator', 'officer', 'consumer', 'citizen', 'auditor', 'third_party'] as const;
export type Role = (typeof ROLES)[number];

export const ORG_KINDS = ['platform', 'department', 'district', 'enterprise', 'third_party'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export type AccessTables = {
  'access.organization': {
    id: Generated<number>;
    code: string;
    name: string;
    kind: OrgKind;
    division: string;
    credit_code: string | null;
    parent_code: string | null;
    /** The purposes a third party may ask data subjects to consent to (codes of the purpose registry). */
    purposes: Generated<string[] | null>;
    created_at: Generated<Date>;
  };
  'access.user': {
    id: Generated<number>;
    username: string;
    display_name: string;
    password_hash: string;
    org_id: number | null;
    roles: Role[];
    /** Sealed (citizen-ids.ts); in clear only in a database an earlier version wrote, until the hub starts. */
    citizen_id: string | null;
    /** The keyed tag of the citizen ID, by which an account is found. */
    citizen_tag: string | null;
    disabled: Generated<boolean>;
    must_change_password: Generated<boolean>;
    created_at: Generated<Date>;
  };
  'access.api_key': {
    id: Generated<number>;
    user_id: number;
    name: string;
    prefix: string;
    key_hash: string;
    created_at: Generated<Date>;
    revoked_at: Date | null;
  };
  'access.login_failure': { username: string; source: string; address: string; at: Date };
  'access.known_source': { user_id: number; source: string; last_at: Date };
  'access.session': {
    id: string;
    user_id: number;
    created_at: Date;
    expires_at: Date;
    revoked_at: Date | null;
  };
  'access.secret': { name: string; value: string };
  'access.oidc_handoff': { code_hash: string; user_id: number; expires_at: Date };
  'access.enterprise': {
    credit_code: string;
    name: string;
    representative_user: number;
    bound_by: number;
    bound_at: Generated<Date>;
  };
  'access.enterprise_agent': {
    id: Generated<number>;
    credit_code: string;
    agent_user: number;
    purposes: string[] | null;
    valid_until: Date | null;
    appointed_by: number;
    appointed_at: Generated<Date>;
    revoked_at: Date | null;
    revoked_by: number | null;
  };
  'access.officer': { org_code: string; user_id: number; duty: 'chief' | 'steward' };
  'access.task': {
    id: Generated<number>;
    org_code: string | null;
    kind: string;
    ref: string;
    title: string;
    due_date: string | null;
    state: Generated<'open' | 'done'>;
    created_at: Generated<Date>;
    done_at: Date | null;
  };
};
