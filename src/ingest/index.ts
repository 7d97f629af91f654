export { ingestMigrations } from './migrations.js';
export { IngestService, type JobReport, type RunOptions } from './service.js';
export type { Reject, ValidateProgress } from './stages.js';
export { FORMATS as SOURCE_FORMATS, formatOf, parseSource, decodeText, type SourceFormat } from './parse.js';
