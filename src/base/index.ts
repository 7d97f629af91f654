export { baseMigrations } from './migrations.js';
export { AuthorizedBase } from './authorized-base.js';
export { BaseService, type AuthorityInput, type BaseDeps, type Page, type SubjectView } from './service.js';
export type { AbsorbResult, LoadedRow } from './absorb.js';
export type { ChangePage, SubjectChange } from './changes.js';
export {
  ACCURACY_TARGET,
  type Accuracy,
  type ElementAccuracy,
  type ProviderAgreement,
  type Tally,
} from './accuracy.js';
export type { Authority } from './authority.js';
export type { ConflictFilter, ConflictRecord, Decision, Origin } from './conflicts.js';
export { baseScope } from './codec.js';
export { BASE_KINDS, BASES, feedOf, type BaseKind, type BaseDefinition } from './kinds.js';
export { showKey } from './masks.js';
export { OPS, parseRule, type LabelRule, type Op, type Predicate } from './label-rules.js';
export type { Overview } from './overview.js';
export type { SubjectElement } from './subjects.js';
export type { BaseTables, ConflictState } from './tables.js';
