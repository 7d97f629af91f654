export { exchangeMigrations } from './migrations.js';
export { ExchangeService, MAX_BATCH, type Lookup, type Visibility } from './service.js';
export { Grants, type Grant, type GrantInput, type ActiveGrant } from './grants.js';
export { DataServices, serviceCodeOf, serviceOpenApi, type DataService } from './services.js';
export { Usage, ANOMALY } from './usage.js';
export { Monitoring, type UsagePoint, type Alert } from './monitoring.js';
export { maskValue, projectRecord } from './masking.js';
export {
  DemandService,
  CONFIRM_DAYS,
  PUBLISH_DAYS,
  type Demand,
  type DemandDeps,
  type DemandInput,
  type DemandFilter,
  type DemandStep,
} from './demands.js';
export { extractWatermark, readCsvTable, decodeCsvBytes, embedWatermark, newMark, visibleText } from './watermark.js';
export type { ExchangeTables, GrantState, DemandState } from './tables.js';
