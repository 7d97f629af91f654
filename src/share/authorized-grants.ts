import { authorize, isAllowed, type Actor } from '../access/index.js';
import { HubError } from '../kernel/index.js';
import { providerOf } from './resource-code.js';
import type { ActiveGrant, AlsoInGrant, Grant, GrantInput, Grants } from './grants.js';

type GrantAction = 'suspend' | 'resume' | 'revoke';

/**
 * Grants as callers reach them (HTTP, CLI): each method asks the access policy what the actor
 * may do or see, then calls the `Grants` method of the same name.
 */
export class AuthorizedGrants {
  constructor(private readonly grants: Grants) {}

  create(actor: Actor | null, input: GrantInput): Promise<Grant> {
    authorize(actor, 'grant:manage');
    return this.grants.create(actor, input);
  }

  /** Suspends, resumes or revokes. */
  change(actor: Actor | null, id: number, action: GrantAction): Promise<Grant> {
    authorize(actor, 'grant:manage');
    return this.grants.change(actor, id, action);
  }

  /**
   * The grants the policy lets the actor read (`grant:read`: operators and auditors every one, an
   * organization those it gives or receives); the scope only spares reading the others.
   */
  async list(actor: Actor | null): Promise<Grant[]> {
    if (actor === null) throw new HubError('ACC_UNAUTHENTICATED');
    const scoped = await this.grants.list({ org: actor.org?.code ?? null, all: isAllowed(actor, 'grant:list-all') });
    return scoped.filter((g) =>
      isAllowed(actor, 'grant:read', { ownerOrg: [g.consumer.code, providerOf(g.resource.code)!] }),
    );
  }

  /**
   * The grant a published demand carries. The demand's workflow has already decided who may
   * take that step (the provider's officer or an operator), so no operator role is asked here.
   */
  forDemand(by: Actor, input: GrantInput & { demandId: number; also?: AlsoInGrant }): Promise<Grant> {
    return this.grants.create(by, input);
  }

  /** Work that needs no caller: the consumer's active grant on a resource (the read path's). */
  active(consumer: string, resource: string): Promise<ActiveGrant | null> {
    return this.grants.active(consumer, resource);
  }

  /** Work that needs no caller: the consumers of each resource (the asset map's). */
  consumersByResource(): Promise<Map<string, string[]>> {
    return this.grants.consumersByResource();
  }
}
