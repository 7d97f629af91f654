export { shareMigrations } from './migrations.js';
export { ShareService, MAX_BATCH, type Lookup, type Sight, type Visibility } from './service.js';
export { recordSight } from './record-sight.js';
export type { KeyedRecord, NodeAsk, RemoteAsk, RemoteRecords } from './remote.js';
export { Grants, type Grant, type GrantInput, type GrantScope, type ActiveGrant } from './grants.js';
export { AuthorizedGrants } from './authorized-grants.js';
export { DataServices, serviceCodeOf, serviceOpenApi, type DataService } from './services.js';
export { Usage, ANOMALY } from './usage.js';
export { Monitoring, type UsagePoint, type Alert } from './monitoring.js';
export { maskValue, projectRecord } from './masking.js';
export {
  recordedRead,
  type Admission,
  type ReadLedger,
  type ReadRequest,
  type ReadSteps,
  type Refusal,
  type Subject,
} from './recorded-read.js';
export { AuthorizedDemands } from './authorized-demands.js';
export { AuthorizedMonitoring } from './authorized-monitoring.js';
export { AuthorizedServices, type CallableService } from './authorized-services.js';
export {
  DemandService,
  CONFIRM_DAYS,
  PUBLISH_DAYS,
  PORTAL_CONSUMER,
  type Demand,
  type DemandOutcome,
  type DemandDeps,
  type DemandInput,
  type DemandFilter,
  type DemandScope,
  type DemandStep,
} from './demands.js';
export {
  readCsvTable,
  decodeCsvBytes,
  embedWatermark,
  freeTextFields,
  identifyWatermark,
  newMark,
  scoreWatermark,
  type Candidate,
  type Evidence,
  type ExportShape,
  type WatermarkReading,
} from './watermark.js';
export type { ExportRecord, Identification } from './service.js';
export type { ShareTables, GrantState, DemandState } from './tables.js';
