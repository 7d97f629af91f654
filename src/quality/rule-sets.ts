import type { Actor } from '../access/index.js';
import type { CatalogService, Resource } from '../catalog/index.js';
import { json, type Database, type Kysely } from '../db/index.js';
import { HubError, digestJson, isHubError, msg, invalidAs } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import { builtinRules } from './checks.js';
import { Value } from 'typebox/value';
import {
  DEFAULT_THRESHOLD,
  QualityThresholdSchema,
  checkRules,
  type QualityRule,
  type QualityThreshold,
  type Severity,
} from './rules.js';
import type { QualityTables } from './tables.js';

/** The rules a resource's loads are checked by: the configured ones and those built in. */
export interface RuleSet {
  resource: string;
  /** 0 until rules are first set; each change is a new version, kept whole. */
  version: number;
  rules: QualityRule[];
  builtins: Array<{ id: string; field: string; severity: Severity; description: string }>;
  /** The threshold loads are held to: the one set with this version, else DEFAULT_THRESHOLD. */
  threshold: QualityThreshold;
  /** No threshold was set: `threshold` is the default. */
  thresholdIsDefault: boolean;
  setBy: string | null;
  setAt: string | null;
}

/** The versioned rule sets of resources; who may read or replace them is decided by callers. */
export class RuleSets {
  private readonly db: Kysely<QualityTables>;

  constructor(
    database: Database,
    private readonly deps: {
      catalog: Pick<CatalogService, 'get'>;
      ledger: Pick<Ledger, 'append' | 'suite'>;
      now: () => Date;
    },
  ) {
    this.db = database.kysely.withTables<QualityTables>();
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
      threshold: row?.threshold ?? DEFAULT_THRESHOLD,
      thresholdIsDefault: !row?.threshold,
      setBy: row?.set_by ?? null,
      setAt: row?.set_at.toISOString() ?? null,
    };
  }

  /**
   * Replaces a resource's configurable rules with a new version. `baseVersion`, when given, must
   * be the current one (no lost edits). `threshold`: undefined keeps the current one, null goes
   * back to the default; either way the new version holds it, so its history is the versions'.
   */
  async replace(
    resource: Resource,
    input: unknown,
    by: Actor,
    baseVersion?: number,
    threshold?: QualityThreshold | null,
  ): Promise<RuleSet> {
    const code = resource.code;
    const rules = await checkRules(resource, input, (c) => this.referable(resource, c));
    if (threshold && !Value.Check(QualityThresholdSchema, threshold)) {
      throw invalidAs('QLT_BAD_RULE', 'threshold', msg('quality.badThreshold'));
    }
    const current = await this.rules(code);
    const kept = threshold === undefined ? (current.thresholdIsDefault ? null : current.threshold) : threshold;
    if (baseVersion !== undefined && baseVersion !== current.version) {
      throw new HubError(
        'QLT_VERSION_CONFLICT',
        msg('quality.rulesVersionConflict', { code, version: current.version, base: baseVersion }),
      );
    }
    const version = current.version + 1;
    try {
      await this.db
        .insertInto('quality.rule_set')
        .values({
          resource_code: resource.code,
          version,
          rules: json(rules),
          threshold: kept ? json(kept) : null,
          set_by: by.username,
        })
        .execute();
    } catch (e) {
      if ((e as { code?: string }).code === '23505') {
        throw new HubError('QLT_VERSION_CONFLICT', msg('quality.rulesChangedMeanwhile', { code }));
      }
      throw e;
    }
    await this.deps.ledger.append({
      kind: 'quality.rules.set',
      resource: resource.code,
      version,
      // The rules alone as before thresholds existed; with a threshold, both (docs/ledger.md).
      digest: digestJson(this.deps.ledger.suite, kept ? { rules, threshold: kept } : rules),
      actor: by.username,
      at: this.deps.now().toISOString(),
    });
    return this.rules(code);
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
