export { recordsMigrations } from './migrations.js';
export {
  PUBLIC_QUERY_MS,
  withStatementTimeout,
  conditionFields,
  type Condition,
  type Comparison,
  type RecordQuery,
  type Scalar,
} from './query.js';
export { RecordStore, type RecordCounts, type RecordOrigin } from './store.js';
export type { RecordRow, LoadOptions, LoadOutcome } from './load.js';
export type { CorrectionMarks, RecordTables } from './tables.js';
export {
  PLAIN_CODECS,
  RecordCodec,
  recordCodecs,
  resourceScope,
  type RecordCodecs,
  type SealedShape,
  type SealingKeys,
} from './codec.js';
