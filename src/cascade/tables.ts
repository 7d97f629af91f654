import type { Generated } from '../db/index.js';

export type NodeRole = 'city' | 'district';
/** How a peer stands to this node: the parent it enrolled with, or a child that enrolled here. */
export type PeerRelation = 'parent' | 'child';
export type PeerStatus = 'active' | 'suspended';

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
};
