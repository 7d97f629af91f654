export { ingestMigrations } from './migrations.js';
export { IngestService, type JobReport, type RunOptions } from './service.js';
export type { Reject, ValidateProgress } from './stages.js';
