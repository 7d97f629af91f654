import { authorize, type Actor } from '../access/index.js';
import type { Resource } from '../catalog/index.js';
import type { AbsorbResult, LoadedRow } from './absorb.js';
import type { Accuracy } from './accuracy.js';
import type { Authority } from './authority.js';
import type { ConflictFilter, ConflictRecord, Decision } from './conflicts.js';
import type { BaseKind } from './kinds.js';
import type { LabelRule } from './label-rules.js';
import type { Overview } from './overview.js';
import type { AuthorityInput, BaseService, Page, SubjectView } from './service.js';

/**
 * The base databases as callers reach them (HTTP, CLI, the demo's seeding): governance steps and
 * figures ask the access policy first, then call the `BaseService` method of the same name. Reads
 * of subjects' data are authorized inside the service's one recorded read, which records a denial
 * on the ledger as well, so they pass through as they are.
 */
export class AuthorizedBase {
  constructor(private readonly base: BaseService) {}

  subject(kind: BaseKind, key: string, actor: Actor | null, purpose?: string): Promise<SubjectView> {
    return this.base.subject(kind, key, actor, purpose);
  }

  members(code: string, page: number, actor: Actor | null, pageSize?: number): ReturnType<BaseService['members']> {
    return this.base.members(code, page, actor, pageSize);
  }

  conflicts(filter: ConflictFilter, actor: Actor | null): Promise<Page<ConflictRecord & { elementName: string }>> {
    return this.base.conflicts(filter, actor);
  }

  async resolve(id: number, by: Actor | null, decision: Decision): Promise<ConflictRecord & { elementName: string }> {
    authorize(by, 'base:review');
    return this.base.resolve(id, by, decision);
  }

  async labels(actor: Actor | null): Promise<Array<LabelRule & { members: number }>> {
    authorize(actor, 'base:read');
    return this.base.labels();
  }

  async defineLabel(actor: Actor | null, rule: LabelRule): Promise<LabelRule> {
    authorize(actor, 'base:govern');
    return this.base.defineLabel(actor, rule);
  }

  async accuracy(actor: Actor | null): Promise<Accuracy> {
    authorize(actor, 'base:read');
    return this.base.accuracy();
  }

  async overview(actor: Actor | null): Promise<Overview> {
    authorize(actor, 'base:read');
    return this.base.overview();
  }

  async authorities(actor: Actor | null): Promise<Array<Authority & { elementName: string; providerName: string }>> {
    authorize(actor, 'base:read');
    return this.base.authorities();
  }

  async setAuthority(actor: Actor | null, input: AuthorityInput): Promise<void> {
    authorize(actor, 'base:govern');
    return this.base.setAuthority(actor, input);
  }

  /** Work that needs no caller: taking a committed load into its base. */
  absorb(
    resource: Resource,
    jobId: string,
    batches: AsyncIterable<LoadedRow[]>,
    opts?: { whole?: boolean; chunk?: number },
  ): Promise<AbsorbResult> {
    return this.base.absorb(resource, jobId, batches, opts);
  }

  /** Work that needs no caller: a data rotation's pass over a base (`qdh keys rotate --data`). */
  reseal(kind: BaseKind, batch: number, onBatch?: (done: number) => Promise<void>): Promise<number> {
    return this.base.reseal(kind, batch, onBatch);
  }

  /** Work that needs no caller: how many subjects a data rotation of a base goes through. */
  subjectsToReseal(kind: BaseKind): Promise<number> {
    return this.base.subjectsToReseal(kind);
  }

  /** Work that needs no caller: a subject key as the base's tables hold it (a hash: it reads nothing). */
  storedKey(kind: BaseKind, key: string): Promise<string> {
    return this.base.storedKey(kind, key);
  }

  /** Work that needs no caller: absorbing one job's rows as the catalog holds them now. */
  absorbJob(resource: Resource, jobId: string): Promise<AbsorbResult> {
    return this.base.absorbJob(resource, jobId);
  }

  /** Work that needs no caller: the catch-up of loads not absorbed yet. */
  absorbMissed(): Promise<number> {
    return this.base.absorbMissed();
  }
}
