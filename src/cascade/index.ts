export { cascadeMigrations } from './migrations.js';
export { Cascade, type CascadeOptions, type EnrolmentRequest, type NodeCard, type NodeStatus } from './service.js';
export type { Peer } from './peers.js';
export type { NodeIdentity } from './identity.js';
export { SIGNED_HEADERS, REPLAY_WINDOW_MS, signRequest, type PublicKeys } from './signing.js';
export type { CascadeTables, NodeRole } from './tables.js';
export { Witnesses, verifyCosignature, type Cosigned, type WitnessedHead, type WitnessOutcome } from './witness.js';
export type { AlertKind } from './tables.js';
export {
  CatalogFederation,
  CHANGES_PAGE,
  SETTLE_MS,
  type CatalogChange,
  type CatalogSync,
  type ChangesAnswer,
  type Organizations,
} from './catalog.js';
export {
  DataReturn,
  RETURN_PAGE,
  RETURN_PAGE_MAX,
  type DataReturnDeps,
  type PullResult,
  type ReturnedPage,
  type ReturnedSlice,
} from './return.js';
export { PushService, PUSH_BATCH_PATH, cellOf, type Push, type PushAck, type PushBatch, type PushRun } from './push.js';
export { PushReceiver, type PushTargets } from './push-receive.js';
export { RemoteRecordsLink, RECORDS_PATH, type RecordsAnswer } from './remote-records.js';
