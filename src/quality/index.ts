export { qualityMigrations } from './migrations.js';
export { QualityService, type QualityDeps } from './service.js';
export type { RuleSet } from './rule-sets.js';
export {
  QualityRuleSchema,
  QualityRulesSchema,
  QualityThresholdSchema,
  BELOW_THRESHOLD_ACTIONS,
  DEFAULT_THRESHOLD,
  RULE_KINDS,
  SEVERITIES,
  checkRules,
  type QualityRule,
  type QualityThreshold,
  type BelowThresholdAction,
  type RuleKind,
  type Severity,
} from './rules.js';
export { builtinRules, type Issue, type BuiltinRule } from './checks.js';
export { makeChecker, type RowChecker, type CheckerOptions, type FieldLookup } from './checker.js';
export {
  FIX_DAYS,
  PAGE_SIZE,
  type CorrectionInput,
  type CorrectionFilter,
  type CorrectionPage,
} from './corrections.js';
export type { Correction, CorrectionOutcome } from './correction-view.js';
export type { CorrectionIndicators, QualityIndicators } from './indicators.js';
export type { CorrectionState, ReporterKind, QualityTables } from './tables.js';
