import { authorize, type Actor } from '../access/index.js';
import type { CatalogService, Resource } from '../catalog/index.js';
import { json, type Database, type Kysely } from '../db/index.js';
import { HubError, chinaDate, digestJson, isHubError } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import { makeChecker, type CheckerOptions, type RowChecker } from './checker.js';
import { builtinRules } from './checks.js';
import { Corrections, type CorrectionDeps, type CorrectionFilter, type CorrectionInput } from './corrections.js';
import { correctionIndicators, type QualityIndicators } from './indicators.js';
import { checkRules, type QualityRule, type Severity } from './rules.js';
import type { QualityTables } from './tables.js';

export interface QualityDeps extends Omit<CorrectionDeps, 'catalog' | 'ledger' | 'now'> {
  catalog: CorrectionDeps['catalog'] & Pick<CatalogService, 'findByField'>;
  ledger: CorrectionDeps['ledger'] & Pick<Ledger, 'suite'>;
  orgName(code: string): Promise<string | undefined>;
  /** The clock (tests set it): due dates, overdue flags and freshness are read on it. */
  now?: () => Date;
}

/** The rules a resource's loads are checked by: the configured ones and those built in. */
export interface RuleSet {
  resource: string;
  /** 0 until rules are first set; each change is a new version, kept whole. */
  version: number;
  rules: QualityRule[];
  builtins: Array<{ id: string; field: string; severity: Severity; description: string }>;
  setBy: string | null;
  setAt: string | null;
}

/**
 * 数据质量 (#4, 聚): rule sets per resource and the checker ingest runs them with, and
 * corrections (纠错) with their working-day deadline. The per-load and per-field scores are
 * ingest's, counted from what the checker reports.
 */
export class QualityService {
  private readonly db: Kysely<QualityTables>;
  private readonly now: () => Date;
  private readonly corrections: Corrections;

  constructor(
    database: Database,
    private readonly deps: QualityDeps,
  ) {
    this.db = database.kysely.withTables<QualityTables>();
    this.now = deps.now ?? (() => new Date());
    this.corrections = new Corrections(database, { ...deps, now: this.now });
  }

  /** The current rule set of a resource. Callers decide who may read it (the catalog entry's readers). */
  async rules(code: string): Promise<RuleSet> {
    const resource = await this.deps.catalog.get(code);
    const row = await this.db
      .selectFrom('quality.rule_set')
      .selectAll()
      .where('resource_code', '=', resource.code)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return {
      resource: resource.code,
      version: row?.version ?? 0,
      rules: row?.rules ?? [],
      builtins: builtinRules(resource).map(({ id, field, severity, description }) => ({
        id,
        field,
        severity,
        description,
      })),
      setBy: row?.set_by ?? null,
      setAt: row?.set_at.toISOString() ?? null,
    };
  }

  /**
   * Replaces a resource's configurable rules with a new version: the provider's data officers
   * and the operators may. `baseVersion`, when given, must be the current one (no lost edits).
   */
  async setRules(code: string, input: unknown, by: Actor | null, baseVersion?: number): Promise<RuleSet> {
    const resource = await this.deps.catalog.get(code);
    authorize(by, 'quality:edit-rules', { ownerOrg: resource.provider.code });
    const rules = await checkRules(resource, input, (c) => this.referable(resource, c));
    const current = await this.rules(code);
    if (baseVersion !== undefined && baseVersion !== current.version) {
      throw new HubError(
        'KRN_CONFLICT',
        `the rules of ${code} are at version ${current.version}, not ${baseVersion}: reload`,
      );
    }
    const version = current.version + 1;
    try {
      await this.db
        .insertInto('quality.rule_set')
        .values({ resource_code: resource.code, version, rules: json(rules), set_by: by.username })
        .execute();
    } catch (e) {
      if ((e as { code?: string }).code === '23505') {
        throw new HubError('KRN_CONFLICT', `the rules of ${code} were changed meanwhile: reload`);
      }
      throw e;
    }
    await this.deps.ledger.append({
      kind: 'quality.rules',
      resource: resource.code,
      version,
      digest: digestJson(this.deps.ledger.suite, rules),
      actor: by.username,
      at: this.now().toISOString(),
    });
    return this.rules(code);
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
      this.deps.catalog.findByField(ref, field, values);
    return makeChecker(resource, rules, refs, lookup, this.now(), opts);
  }

  report(actor: Actor | null, input: CorrectionInput) {
    return this.corrections.report(actor, input);
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

  /** Correction indicators per provider and city-wide (formulas in indicators.ts and docs/quality.md). */
  indicators(): Promise<QualityIndicators> {
    return correctionIndicators(this.db, chinaDate(this.now()), this.deps.orgName);
  }

  /** A resource a rule may refer to: a published one, or one of the same provider. */
  private async referable(resource: Resource, code: string): Promise<Resource | undefined> {
    try {
      const ref = await this.deps.catalog.get(code);
      return ref.publishedAt !== null || ref.provider.code === resource.provider.code ? ref : undefined;
    } catch (e) {
      if (isHubError(e) && e.code === 'CAT_RESOURCE_NOT_FOUND') return undefined;
      throw e;
    }
  }
}
