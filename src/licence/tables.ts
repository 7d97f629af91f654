import type { Generated } from '../db/index.js';
import type { FieldDef, HolderKind } from './types.js';

export type StoredStatus = 'valid' | 'superseded' | 'revoked';

export type LicenceTables = {
  /** 证照类型: what a licence of this type says, of whom, and for how long by default. */
  'licence.type': {
    code: string;
    name_zh: string;
    name_en: string;
    holder_kind: HolderKind;
    fields: FieldDef[];
    /** Days a licence runs by default; null: long-term (长期). */
    validity_days: number | null;
  };
  /** One version of one licence; a revision is a new row that supersedes the old one. */
  'licence.licence': {
    id: string;
    seq: Generated<string>;
    /** GB/T 36902 identifier with its MOD 37,36 check character (identifier.ts). */
    identifier: string;
    type_code: string;
    issuer_org: string;
    serial: number;
    version: number;
    holder_kind: HolderKind;
    /** The ledger's keyed tag of the holder's citizen ID or credit code: how a holder finds its licences. */
    holder_tag: string;
    /** The holder's ID, sealed (keys.box('licence')). */
    holder_key: string;
    /** The field values, as JSON, sealed (keys.box('licence')). */
    fields: string;
    status: StoredStatus;
    valid_from: Date;
    valid_until: Date | null;
    supersedes: string | null;
    issued_by: string;
    issued_at: Date;
    revoked_at: Date | null;
    revoke_reason: string | null;
    status_list: string;
    status_index: number;
  };
  /** A serial counter per issuer and type; the identifier's serial. */
  'licence.serial': { issuer_org: string; type_code: string; last: number };
  /** Bitstring status lists, one per issuer (and more once one fills): the next free index. */
  'licence.status_list': { id: string; issuer_org: string; size: number; next_index: number };
  /** Signing keys of issuer departments: public JWK in clear, private JWK sealed (keys.box('licence-keys')); SM2 keys as JWK-like objects with crv SM2. */
  'licence.issuer_key': {
    key_id: string;
    issuer_org: string;
    alg: 'ES256' | 'EdDSA' | 'SM2';
    public_jwk: Record<string, string>;
    private_jwk: string;
    created_at: Generated<Date>;
  };
  /** Counters for the cockpit: events per day, type and issuer. */
  'licence.event_count': {
    day: string;
    type_code: string;
    issuer_org: string;
    event: 'issued' | 'revised' | 'revoked' | 'presented' | 'verified';
    count: number;
  };
};
