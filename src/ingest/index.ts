export { ingestMigrations } from './migrations.js';
export { IngestService, reasonIn, type IngestHooks, type JobReport, type Lineage, type RunOptions } from './service.js';
export { IngestScope, type IngestAction } from './ingest-scope.js';
export { OUTCOMES, outcomeOf, belowThreshold, type Outcome, type JobOutcome, type Threshold } from './outcome.js';
export type { Reject, RowChecker, ValidateProgress } from './stages.js';
export type { LoadQuality, QualityTrendPoint } from './quality-report.js';
export { FORMATS as SOURCE_FORMATS, formatOf, parseSource, decodeText, type SourceFormat } from './parse.js';
export {
  SourceSpecSchema,
  DatabaseSourceSchema,
  HttpSourceSchema,
  checkSource,
  connectionOrg,
  describeSource,
  namedConnections,
  openSource,
  databaseSource,
  httpSource,
  type SourceSpec,
  type SourceContext,
} from './sources.js';
export { jobErrorIn, type JobError } from './job-error.js';
export { JobQueue, type JobStatus, type QueueOptions, type EnqueueInput } from './queue.js';
export {
  Scheduler,
  nextRuns,
  DEFAULT_TIMEZONE,
  type Schedule,
  type ScheduleInput,
  type SchedulePatch,
} from './schedule.js';
export { matchColumns, suggestMapping, type ColumnMatch, type MatchedBy, type SavedMapping } from './mapping.js';
