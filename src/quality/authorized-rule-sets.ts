import { authorize, type Actor } from '../access/index.js';
import type { CatalogService } from '../catalog/index.js';
import type { RuleSet, RuleSets } from './rule-sets.js';
import type { QualityThreshold } from './rules.js';

/** Rule sets as callers change them: the provider's data officers and the operators, by the policy. */
export class AuthorizedRuleSets {
  constructor(
    private readonly ruleSets: RuleSets,
    private readonly catalog: Pick<CatalogService, 'get'>,
  ) {}

  async replace(
    actor: Actor | null,
    code: string,
    input: unknown,
    baseVersion?: number,
    threshold?: QualityThreshold | null,
  ): Promise<RuleSet> {
    const resource = await this.catalog.get(code);
    authorize(actor, 'quality:edit-rules', { ownerOrg: resource.provider.code });
    return this.ruleSets.replace(resource, input, actor, baseVersion, threshold);
  }
}
