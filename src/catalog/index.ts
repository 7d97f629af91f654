export { catalogMigrations } from './migrations.js';
export { CatalogService, type ListQuery, type OrgNames } from './service.js';
export { checkValue, FIELD_TYPES, type Field, type FieldType, type FieldValue, type Checked } from './fields.js';
export {
  ResourceInputSchema,
  ResourceSchema,
  ResourceSummarySchema,
  FieldSchema,
  CATEGORIES,
  SHARE_TYPES,
  OPEN_TYPES,
  LEVELS,
  type Resource,
  type ResourceInput,
  type ResourceSummary,
} from './schemas.js';
export type { CatalogTables } from './tables.js';
export type { RecordRow } from './records.js';
