export { catalogMigrations } from './migrations.js';
export {
  CatalogService,
  REVIEW_DAYS,
  type Author,
  type ChangePosition,
  type OrgNames,
  type Origins,
  type PublishedChange,
  type TaskInbox,
  type Transition,
} from './service.js';
export type { ListQuery, Facets } from './search.js';
export { AuthorizedCatalog, type Permissions } from './authorized-catalog.js';
export { viewerOf, seesWorkingCopy, type Viewer } from './visibility.js';
export {
  bindFields,
  checkValue,
  maskingOf,
  FIELD_TYPES,
  type Field,
  type FieldInput,
  type FieldType,
  type FieldValue,
  type Checked,
} from './fields.js';
export { DATA_ELEMENTS, MASKINGS, findDataElement, type DataElement, type Masking } from './elements.js';
export { suggestLevel, gradingFlags, type Level } from './grading.js';
export { toContent, diffContent, columnsOf, type ResourceContent, type Change } from './content.js';
export {
  ResourceInputSchema,
  ResourceSchema,
  ResourceSummarySchema,
  OriginSchema,
  FieldSchema,
  FieldInputSchema,
  VersionEventSchema,
  DataElementSchema,
  CATEGORIES,
  SHARE_TYPES,
  OPEN_TYPES,
  LEVELS,
  STATUSES,
  UPDATE_FREQUENCIES,
  FORMATS,
  literals,
  type Resource,
  type ResourceInput,
  type ResourceSummary,
  type Origin,
  type Status,
  type VersionEvent,
} from './schemas.js';
export {
  CATALOG_RATES,
  catalogIndicators,
  indicatorRow,
  rateOf,
  type CatalogRate,
  type IndicatorCounts,
  type IndicatorRow,
  type Indicators,
} from './indicators.js';
export {
  readCatalogWorkbook,
  writeCatalogWorkbook,
  writeCatalogCsv,
  catalogTemplate,
  CATALOG_WORDS,
} from './spreadsheet.js';
export type { CatalogTables } from './tables.js';
