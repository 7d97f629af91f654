import type { Generated } from '../db/index.js';
import type { SuiteName } from '../kernel/index.js';

export type LedgerTables = {
  'ledger.state': { id: number; suite: SuiteName; tree_size: Generated<number>; created_at: Generated<Date> };
  'ledger.key': {
    id: number;
    private_key: string;
    public_key_pem: string;
    public_key_hex: string | null;
    subject_key: Buffer;
  };
  'ledger.entry': {
    idx: number;
    entry: string;
    leaf_hash: Buffer;
    subject: string | null;
    kind: string;
    created_at: Generated<Date>;
  };
  /** Written with each appended entry: the organizations it concerns (`orgsOf`), for search. */
  'ledger.entry_org': { org: string; idx: number; kind: string | null };
  'ledger.node': { level: number; idx: number; hash: Buffer };
  'ledger.head': { tree_size: number; root_hash: Buffer; timestamp: number; signature: string };
};
