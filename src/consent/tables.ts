import type { Generated } from '../db/index.js';
import type { ConsentTerms, StoredStatus, SubjectKind } from './terms.js';

export type ConsentTables = {
  'consent.consent': {
    id: string;
    seq: Generated<string>;
    requester_org: string;
    requested_by: string;
    subject_kind: SubjectKind;
    /** The ledger's keyed tag of the subject's ID: how the subject finds its consents. */
    subject_tag: string;
    /** The subject's ID, sealed (keys.box('consent')). */
    subject_key: string;
    purpose: string;
    /** The terms as the requester asked for them; `terms` are those in force (narrowed on approval). */
    requested: ConsentTerms;
    terms: ConsentTerms;
    status: StoredStatus;
    starts_at: Date;
    expires_at: Date;
    version: Generated<number>;
    /** The hub's signature of the consent artefact in its current version (docs/consent.md). */
    signature: string;
    decided_by: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  'consent.use': { consent_id: string; period: string; used: number };
};
