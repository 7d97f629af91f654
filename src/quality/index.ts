export { qualityMigrations } from './migrations.js';
export { QualityService, type QualityDeps, type RuleSet } from './service.js';
export {
  QualityRuleSchema,
  QualityRulesSchema,
  RULE_KINDS,
  SEVERITIES,
  checkRules,
  type QualityRule,
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
export type { Correction } from './correction-view.js';
export type { CorrectionIndicators, QualityIndicators } from './indicators.js';
export type { CorrectionState, ReporterKind, QualityTables } from './tables.js';
