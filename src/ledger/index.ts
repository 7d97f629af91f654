export { ledgerMigrations } from './migrations.js';
export {
  Ledger,
  openLedger,
  type LedgerSecrets,
  type ConsistencyProof,
  type InclusionProof,
  type LedgerEntryRow,
  type LedgerKey,
} from './ledger.js';
export { headMessage, verifyHead, type SignedTreeHead } from './heads.js';
export { verifyLedger, type VerifyProblem, type VerifyReport } from './verify.js';
export { leafHash, nodeHash, rootOf, verifyConsistency, verifyInclusion, type Hash, type HashFn } from './merkle.js';
export type { LedgerTables } from './tables.js';
export {
  ENTRY_KINDS,
  ENTRY_SCHEMAS,
  ENTRY_VERSION,
  LedgerEntrySchema,
  READ_OPS,
  entryProblem,
  isResourceCode,
  orgsOf,
  type EntryKind,
  type LedgerEntry,
  type NewEntry,
  type ReadOp,
  type ShareReadEntry,
} from './entries.js';
export { LEGACY_KINDS, readEntry } from './legacy.js';
export type { EntrySearch, SubjectTally } from './search.js';
export {
  MAX_EXPORT,
  auditExport,
  subjectSearch,
  type AuditExport,
  type AuditExportRequest,
  type ExportFormat,
  type SubjectSearchRequest,
} from './export.js';
