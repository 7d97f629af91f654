import { authorize, isAllowed, type Actor } from '../access/index.js';
import { HubError, msg } from '../kernel/index.js';
import type {
  Demand,
  DemandAnswer,
  DemandFilter,
  DemandInput,
  DemandOutcome,
  DemandParties,
  DemandScope,
  DemandService,
} from './demands.js';
import type { TimedStep } from './demand-days.js';

/**
 * The demands as callers reach them (HTTP and CLI): every method asks the access policy whether
 * the actor may, then calls the `DemandService` method of the same name. A demand the actor's
 * organization has no part in is answered 404, as if it did not exist.
 */
export class AuthorizedDemands {
  constructor(private readonly demands: DemandService) {}

  async file(actor: Actor | null, input: DemandInput): Promise<Demand> {
    authorize(actor, 'demand:file', { ownerOrg: actor?.org?.code });
    const { org } = actor;
    // The rule holds only for an actor of the organization the demand is filed for.
    if (org === null) throw new HubError('ACC_FORBIDDEN', msg('access.noOrgOf', { user: actor.username }));
    // Without a target: whoever reads every organization's drafts is told a resource is unpublished.
    return this.demands.file({ ...actor, org }, input, isAllowed(actor, 'catalog:read-drafts'));
  }

  /**
   * A developer's request for data (数据需求) filed by the open-data portal: its routes checked the
   * developer's session; the demand is the portal's, and the operators route it (docs/open.md).
   */
  fileFromPortal(input: { need: string; purpose: string }): Promise<Demand> {
    return this.demands.fileFromPortal(input);
  }

  portalOutcomes(ids: number[]): Promise<DemandOutcome[]> {
    return this.demands.portalOutcomes(ids);
  }

  /** Operators assign a demand for data not yet in the catalog to the department that should provide it. */
  async assign(actor: Actor | null, id: number, org: string): Promise<Demand> {
    const a = signedIn(actor);
    await this.visible(a, id);
    authorize(a, 'demand:assign');
    return this.demands.assign(a, id, org);
  }

  async acceptBasis(actor: Actor | null, id: number): Promise<Demand> {
    const a = signedIn(actor);
    await this.visible(a, id);
    authorize(a, 'demand:review-basis');
    return this.demands.acceptBasis(a, id);
  }

  async rejectBasis(actor: Actor | null, id: number, reason: string): Promise<Demand> {
    const a = signedIn(actor);
    await this.visible(a, id);
    authorize(a, 'demand:review-basis');
    return this.demands.rejectBasis(a, id, reason);
  }

  /**
   * A demand naming no resource yet has no provider to confirm it until the operators assign
   * it: the service refuses it by its state. The assigned department answers with a resource.
   */
  async confirm(actor: Actor | null, id: number, answer?: DemandAnswer): Promise<Demand> {
    const a = signedIn(actor);
    const { provider } = await this.visible(a, id);
    if (provider !== null) authorize(a, 'demand:confirm', { ownerOrg: provider });
    return this.demands.confirm(a, id, answer);
  }

  /** The assigned department confirms a demand for data not yet in the catalog with the resource it registered. */
  async fulfil(actor: Actor | null, id: number, answer: DemandAnswer): Promise<Demand> {
    return this.confirm(actor, id, answer);
  }

  async refuse(actor: Actor | null, id: number, reason: string): Promise<Demand> {
    const a = signedIn(actor);
    const { provider } = await this.visible(a, id);
    if (provider === null) authorize(a, 'demand:answer');
    else authorize(a, 'demand:refuse', { ownerOrg: provider });
    return this.demands.refuse(a, id, reason);
  }

  async publish(actor: Actor | null, id: number): Promise<Demand> {
    const a = signedIn(actor);
    const { provider } = await this.visible(a, id);
    if (provider !== null) authorize(a, 'demand:publish', { ownerOrg: provider });
    return this.demands.publish(a, id);
  }

  async get(actor: Actor | null, id: number): Promise<Demand> {
    await this.visible(signedIn(actor), id);
    return this.demands.get(id);
  }

  /** The demands the policy lets the actor read (`demand:read`); the scope only spares reading the others. */
  async list(actor: Actor | null, filter: DemandFilter = {}): Promise<Demand[]> {
    const a = signedIn(actor);
    const scoped = await this.demands.list(scopeOf(a), filter);
    return scoped.filter((d) => isAllowed(a, 'demand:read', { ownerOrg: partiesOf(d) }));
  }

  async ledgerXlsx(actor: Actor | null, filter: DemandFilter = {}): Promise<Buffer> {
    authorize(actor, 'demand:export');
    return this.demands.ledgerXlsx(scopeOf(actor), filter);
  }

  /** For the cockpit, which needs no caller: working days to a step per providing department. */
  stepDays(step: TimedStep): Promise<Map<string, { days: number; demands: number }>> {
    return this.demands.stepDays(step);
  }

  /** Work that needs no caller: flagging overdue steps. */
  async flagOverdue(): Promise<number> {
    return this.demands.flagOverdue();
  }

  /** The demand's parties, or 404 when it does not exist or is none of the actor's business. */
  private async visible(actor: Actor, id: number): Promise<DemandParties> {
    const parties = await this.demands.parties(id);
    const ownerOrg = parties.provider === null ? [parties.consumer] : [parties.consumer, parties.provider];
    if (!isAllowed(actor, 'demand:read', { ownerOrg }))
      throw new HubError('SHR_DEMAND_NOT_FOUND', msg('share.noDemand', { id }));
    return parties;
  }
}

/** The organizations that own a demand: its consumer and its provider (or the one it was assigned to). */
function partiesOf(d: Demand): string[] {
  const provider = d.resource?.provider.code ?? d.assignedTo?.code;
  return provider === undefined ? [d.consumer.code] : [d.consumer.code, provider];
}

function scopeOf(actor: Actor | null): DemandScope {
  const a = signedIn(actor);
  return { org: a.org?.code ?? null, all: isAllowed(a, 'demand:list-all') };
}

function signedIn(actor: Actor | null): Actor {
  if (actor === null) throw new HubError('ACC_UNAUTHENTICATED');
  return actor;
}
