import type { Generated } from '../db/index.js';
import type { SuiteName } from '../kernel/index.js';

export type KeyState = 'active' | 'retiring' | 'retired';
export type KeyPurpose = 'data' | 'lookup';

export type KeysTables = {
  /**
   * Key-encryption keys this hub generated for itself because none was configured (demo and
   * tests only, said so in the log): kept beside the data they protect, so they protect nothing
   * against a copy of the database. Emptied by the first `qdh keys rotate` with a configured KEK.
   */
  'keys.generated_kek': { id: string; key: Buffer; created_at: Generated<Date> };
  /**
   * Data-encryption keys, wrapped by a KEK: per scope (`resource:<id>`, `base:<kind>`,
   * `ledger`, `access`) one lookup key and data keys by version. The `active` data key seals
   * new values; older ones stay to open what they sealed until a data rotation re-encrypted it.
   */
  'keys.dek': {
    scope: string;
    purpose: KeyPurpose;
    version: number;
    suite: SuiteName;
    kek_id: string;
    wrapped: Buffer;
    state: KeyState;
    created_at: Generated<Date>;
  };
  /** A data rotation's progress per scope, so that `qdh keys status` can show it and a rerun resume. */
  'keys.rotation': {
    scope: string;
    to_version: number;
    done: number;
    total: number;
    started_at: Generated<Date>;
    finished_at: Date | null;
  };
};
