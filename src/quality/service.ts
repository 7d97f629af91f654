import type { Actor } from '../access/index.js';
import type { Resource } from '../catalog/index.js';
import type { Database, Kysely } from '../db/index.js';
import { chinaDate } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import type { RecordStore } from '../records/index.js';
import { makeChecker, type CheckerOptions, type RowChecker } from './checker.js';
import { AuthorizedCorrections } from './authorized-corrections.js';
import { AuthorizedIndicators } from './authorized-indicators.js';
import { Corrections, type CorrectionDeps, type CorrectionFilter, type CorrectionInput } from './corrections.js';
import { fixDaysByProvider } from './fix-days.js';
import { correctionIndicators, type QualityIndicators } from './indicators.js';
import { AuthorizedRuleSets } from './authorized-rule-sets.js';
import { RuleSets, type RuleSet } from './rule-sets.js';
import type { QualityThreshold } from './rules.js';
import type { QualityTables } from './tables.js';

export interface QualityDeps extends Omit<CorrectionDeps, 'records' | 'ledger' | 'now'> {
  records: CorrectionDeps['records'] & Pick<RecordStore, 'findByField'>;
  ledger: CorrectionDeps['ledger'] & Pick<Ledger, 'suite'>;
  orgName(code: string): Promise<string | undefined>;
  /** A citizen account's own ID number; null for other accounts. */
  citizenIdOf(actor: Actor): Promise<string | null>;
  /** The clock (tests set it): due dates, overdue flags and freshness are read on it. */
  now?: () => Date;
}

/**
 * 数据质量 (#4, 聚): rule sets per resource and the checker ingest runs them with, and
 * corrections (纠错) with their working-day deadline. The per-load and per-field scores are
 * ingest's, counted from what the checker reports.
 */
export class QualityService {
  private readonly db: Kysely<QualityTables>;
  private readonly now: () => Date;
  private readonly corrections: AuthorizedCorrections;
  private readonly ruleSets: RuleSets;
  private readonly authorizedRuleSets: AuthorizedRuleSets;
  private readonly authorizedIndicators: AuthorizedIndicators;

  constructor(
    database: Database,
    private readonly deps: QualityDeps,
  ) {
    this.db = database.kysely.withTables<QualityTables>();
    this.now = deps.now ?? (() => new Date());
    this.corrections = new AuthorizedCorrections(
      new Corrections(database, { ...deps, now: this.now }),
      deps.citizenIdOf,
      deps.ledger,
    );
    this.ruleSets = new RuleSets(database, { ...deps, now: this.now });
    this.authorizedRuleSets = new AuthorizedRuleSets(this.ruleSets, deps.catalog);
    this.authorizedIndicators = new AuthorizedIndicators(() => this.indicators());
  }

  /** The current rule set of a resource. Callers decide who may read it (the catalog entry's readers). */
  rules(code: string): Promise<RuleSet> {
    return this.ruleSets.rules(code);
  }

  /**
   * Replaces a resource's configurable rules with a new version (the policy's quality:edit-rules);
   * `threshold` undefined keeps the current threshold, null returns to the default.
   */
  setRules(
    code: string,
    input: unknown,
    by: Actor | null,
    baseVersion?: number,
    threshold?: QualityThreshold | null,
  ): Promise<RuleSet> {
    return this.authorizedRuleSets.replace(by, code, input, baseVersion, threshold);
  }

  /** The threshold a resource's next load is held to (ingest's outcome and hold). */
  async threshold(code: string): Promise<QualityThreshold> {
    return (await this.rules(code)).threshold;
  }

  /**
   * The checker of one load (stage 4 of ingest): call `checkBatch` for each batch of rows that
   * passed validation. Rules on fields the resource no longer has are skipped. With
   * `snapshot`, the load replaces every record, so stored values do not count for `unique`.
   */
  async checker(resource: Resource, opts: CheckerOptions = {}): Promise<RowChecker> {
    const names = new Set(resource.fields.map((f) => f.name));
    const rules = (await this.rules(resource.code)).rules.filter((r) => names.has(r.field));
    const refs = new Map<string, Resource>();
    for (const r of rules) {
      if (r.kind === 'referential' && !refs.has(r.refResource!))
        refs.set(r.refResource!, await this.deps.catalog.get(r.refResource!));
    }
    const lookup = (ref: Pick<Resource, 'id' | 'keyField'>, field: string, values: string[]) =>
      this.deps.records.findByField(ref, field, values);
    return makeChecker(resource, rules, refs, lookup, this.now(), opts);
  }

  report(actor: Actor | null, input: CorrectionInput) {
    return this.corrections.report(actor, input);
  }

  /** An open-data portal developer's error report (AuthorizedCorrections.fromPortal). */
  reportFromPortal(input: CorrectionInput) {
    return this.corrections.fromPortal(input);
  }

  portalOutcomes(ids: number[]) {
    return this.corrections.portalOutcomes(ids);
  }

  list(actor: Actor | null, filter: CorrectionFilter = {}) {
    return this.corrections.list(actor, filter);
  }

  get(actor: Actor | null, id: number) {
    return this.corrections.get(actor, id);
  }

  accept(actor: Actor | null, id: number, opts: { value?: string | undefined } = {}) {
    return this.corrections.accept(actor, id, opts);
  }

  reject(actor: Actor | null, id: number, reason: string) {
    return this.corrections.reject(actor, id, reason);
  }

  flagOverdue(now?: Date): Promise<number> {
    return this.corrections.flagOverdue(now);
  }

  /** Seals the corrections an earlier version stored in clear (correction-box.ts); the hub calls it at start. */
  sealAtRest(): Promise<number> {
    return this.corrections.sealAtRest();
  }

  /** Correction indicators per provider and city-wide (formulas in indicators.ts and docs/quality.md). */
  indicators(): Promise<QualityIndicators> {
    return correctionIndicators(this.db, chinaDate(this.now()), this.deps.orgName);
  }

  /** 整改时长 per providing department: working days summed over accepted corrections, and how many (fix-days.ts). */
  fixDays(): Promise<Map<string, { days: number; fixes: number }>> {
    return fixDaysByProvider(this.db);
  }

  /** The indicators as a caller asks for them (the policy's quality:indicators), for HTTP and CLI alike. */
  indicatorsFor(actor: Actor | null): Promise<QualityIndicators> {
    return this.authorizedIndicators.read(actor);
  }
}
