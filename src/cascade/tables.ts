import type { Generated } from '../db/index.js';
import type { SuiteName } from '../kernel/index.js';

export type NodeRole = 'city' | 'district';
/** How a peer stands to this node: the parent it enrolled with, or a child that enrolled here. */
export type PeerRelation = 'parent' | 'child';
export type PeerStatus = 'active' | 'suspended';
/**
 * Why a witness raised an alert: two heads of one size with different roots (`fork`), a larger
 * head its consistency proof does not join to the last (`inconsistent`), a smaller one
 * (`rollback`), another ledger key (`key_changed`); `reported`: a peer found one in this node's.
 */
export type AlertKind = 'fork' | 'inconsistent' | 'rollback' | 'key_changed' | 'reported';

export type CascadeTables = {
  /** One row: this node, fixed at its first start. */
  'cascade.self': {
    id: number;
    node_id: string;
    role: NodeRole;
    division: string;
    /** Sealed (keys.box('cascade')): the SM2 scalar, hex. */
    sm2_private: string;
    sm2_public: string;
    /** Sealed: the Ed25519 PKCS#8 PEM. */
    ed25519_private: string;
    ed25519_public: string;
    chosen: boolean;
    created_at: Generated<Date>;
  };
  'cascade.peer': {
    node_id: string;
    relation: PeerRelation;
    division: string;
    url: string;
    sm2_public: string;
    ed25519_public: string;
    status: Generated<PeerStatus>;
    enrolled_at: Generated<Date>;
    last_seen_at: Date | null;
    last_sync_at: Date | null;
    /** Milliseconds the peer's copy was behind at the last sync; null before the first. */
    lag_ms: number | null;
    last_error: string | null;
    last_error_at: Date | null;
  };
  'cascade.enrolment': {
    token_hash: string;
    /** The district the token is for; null: any district of the city. */
    division: string | null;
    created_by: string;
    created_at: Generated<Date>;
    expires_at: Date;
    used_at: Date | null;
    used_by: string | null;
  };
  'cascade.nonce': {
    node_id: string;
    nonce: string;
    seen_at: Generated<Date>;
  };
  /** Heads of peers' ledgers this node witnessed, with its cosignature. */
  'cascade.witness': {
    node_id: string;
    tree_size: number;
    root_hash: string;
    timestamp: number;
    suite: SuiteName;
    signature: string;
    cosignature: string;
    witnessed_at: Generated<Date>;
  };
  /** This node's own heads, as peers witnessed them. */
  'cascade.witnessed': {
    tree_size: number;
    witness: string;
    root_hash: string;
    timestamp: number;
    signature: string;
    cosignature: string;
    received_at: Generated<Date>;
  };
  /** Each peer's ledger key as first seen. */
  'cascade.ledger_key': {
    node_id: string;
    suite: SuiteName;
    public_key: string;
    pinned_at: Generated<Date>;
  };
  'cascade.alert': {
    id: Generated<number>;
    node_id: string;
    kind: AlertKind;
    /** JSON: the conflicting heads. */
    detail: string;
    at: Generated<Date>;
  };
  /** On the city: how far each district's catalog changes were taken (catalog.ts). */
  'cascade.catalog_cursor': {
    node_id: string;
    /** The position of the last change taken: `<microseconds>.<id>` on the district. */
    position: string;
    synced_at: Generated<Date>;
  };
  /** On the city: a district's resource and the code it has in the city's catalog. */
  'cascade.remote_resource': {
    division: string;
    remote_code: string;
    local_code: string;
    node_id: string;
    published: boolean;
  };
  /** On the city: a district's organization and the district organization it is here. */
  'cascade.remote_org': {
    division: string;
    remote_org: string;
    local_org: string;
  };
  /** 数据返还, on a district: the returned subjects, key and values sealed (migration 004-return). */
  'cascade.returned': {
    kind: 'person' | 'legal_entity';
    subject_tag: string;
    /** Sealed (keys.box('cascade-return')): JSON of the subject's key and values. */
    doc: string;
    seq: number;
    received_at: Generated<Date>;
  };
  'cascade.return_cursor': {
    kind: 'person' | 'legal_entity';
    after: Generated<number>;
    pulled_at: Date | null;
  };
  // Push up (归集, push.ts). On a district: what it pushes where, each run, each batch sent.
  'cascade.push': {
    id: string;
    resource_code: string;
    /** The city's copy: a resource on the city node owned by this district's organization there. */
    target_code: string;
    /** Minutes between scheduled runs; null: on demand only. */
    every_minutes: number | null;
    /** Records per batch. */
    batch_rows: Generated<number>;
    next_run_at: Date | null;
    /** Where the last completed run's window ended: the next run sends what changed since. */
    last_cutoff: Date | null;
    created_by: string;
    created_at: Generated<Date>;
  };
  'cascade.push_run': {
    id: string;
    push_id: string;
    /** Changes loaded at or after this go; null: every record (a full push). */
    since: Date | null;
    cutoff: Date;
    state: PushRunState;
    started_at: Generated<Date>;
    finished_at: Date | null;
    rows_sent: Generated<number>;
    rows_loaded: Generated<number>;
    rows_rejected: Generated<number>;
    /** Every batch up to this one is acknowledged by the city: a resumed run goes on after it. */
    acked_seq: Generated<number>;
    error: string | null;
  };
  'cascade.push_batch': {
    run_id: string;
    seq: number;
    /** The stored keys the batch covers: after `after_key` (null: from the first) up to `last_key`. */
    after_key: string | null;
    last_key: string;
    rows: number;
    state: 'sent' | 'acked';
    job_id: string | null;
    rows_loaded: number | null;
    rows_rejected: number | null;
    sent_at: Generated<Date>;
    acked_at: Date | null;
  };
  /** On the city: each batch applied, once per (node, run, seq), with its outcome for a replay. */
  'cascade.push_applied': {
    node_id: string;
    run_id: string;
    seq: number;
    push_id: string;
    target_code: string;
    job_id: string;
    rows_loaded: number;
    rows_rejected: number;
    applied_at: Generated<Date>;
  };
  /** On the city: a full run staged and not yet ended, or given up for a newer run of its copy. */
  'cascade.push_staging': {
    node_id: string;
    run_id: string;
    target_code: string;
    started_at: Generated<Date>;
    superseded_by: string | null;
  };
};

export type PushRunState = 'running' | 'succeeded' | 'failed';
