export { openMigrations } from './migrations.js';
export type { OpenTables, OpenEvent } from './tables.js';
export { OpenCounters, type DatasetCounts } from './counters.js';
export { OpenDatasets, type OpenDataset, type DatasetSearch, type RecordAsk, type RecordPage } from './datasets.js';
export { openFieldsOf, openRecord, type OpenFields } from './rules.js';
export { datasetName, datasetId, distributionId, parseId, DISTRIBUTIONS, type Distribution } from './ids.js';
export {
  CKAN_ACTIONS,
  CkanActions,
  helpUrl,
  ROWS_MAX,
  DATASTORE_MAX,
  type ActionContext,
  type ConditionalReader,
  type CkanAction,
  type Params,
} from './actions.js';
export { packageDict, resourceDict, organizationDict, orgName, type Organization } from './ckan.js';
export { parseSelect, type ParsedSelect } from './sql.js';
export { csvDownload, download } from './downloads.js';
export { datasetPage, downloadUrl, dataPackageUrl, apiUrl, MEDIA_TYPES } from './urls.js';
export { dataPackage } from './datapackage.js';
export { FILE_NAME } from './downloads.js';
export {
  catalogQuads,
  writeRdf,
  formatOf,
  PER_PAGE,
  RDF_MEDIA_TYPES,
  type RdfFormat,
  type CatalogPage,
} from './dcat.js';
export { dataJson } from './data-json.js';
export {
  Developers,
  API_KEY_PREFIX,
  SESSION_PREFIX,
  KEYS_MAX,
  isOpenCredential,
  type Developer,
  type ApiKey,
  type KeyHolder,
} from './developers.js';
export { ApiMeter, DEFAULT_LIMITS, type Limit, type OpenLimits } from './meter.js';
export { ConditionalOpen, type Application, type ApplicationInput, type Decision } from './conditional.js';
export type { ApplicationState } from './tables.js';
export {
  OpenFeedback,
  type Rating,
  type DatasetRatings,
  type OwnRating,
  type PendingComment,
  type Moderation,
} from './feedback.js';
export { FEEDBACK_PER_DAY } from './feedback-limit.js';
export { OpenErrorReports, type CorrectionDesk, type ErrorReport, type ErrorReportInput } from './error-reports.js';
export {
  OpenDatasetRequests,
  type DemandDesk,
  type DatasetRequest,
  type DatasetRequestInput,
  type RequestState,
} from './dataset-requests.js';
