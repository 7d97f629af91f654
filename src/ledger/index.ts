export { ledgerMigrations } from './migrations.js';
export {
  Ledger,
  openLedger,
  type ConsistencyProof,
  type InclusionProof,
  type LedgerEntryRow,
  type LedgerKey,
} from './ledger.js';
export { headMessage, verifyHead, type SignedTreeHead } from './heads.js';
export { verifyLedger, type VerifyProblem, type VerifyReport } from './verify.js';
export { leafHash, nodeHash, rootOf, verifyConsistency, verifyInclusion, type Hash, type HashFn } from './merkle.js';
export type { LedgerTables } from './tables.js';
