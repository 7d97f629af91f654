import { checkCreditCode, HubError, invalid, msg } from '../kernel/index.js';
import type { Ledger, NewEntry } from '../ledger/index.js';
import type { Actor } from './actor.js';
import { authorize, type Target } from './authorize.js';
import { endOf } from './enterprise-authority.js';
import type { AgentAppointment, Enterprise, Enterprises, PersonRef } from './enterprises.js';

/** A purpose by code and the name people read (the purpose registry, src/purpose). */
export interface NamedPurpose {
  code: string;
  name: string;
}

/**
 * What enterprises need of the purpose registry, which is built after access (it names access's
 * actors): the names of the codes, and the check that codes are registered (422 naming `at`).
 */
export interface PurposeRegistry {
  list(): Promise<NamedPurpose[]>;
  require(codes: string[], at: string): Promise<NamedPurpose[]>;
}

/** An enterprise the caller may act for, and how (我的企业). */
export interface ActingFor {
  creditCode: string;
  name: string;
  representative: PersonRef;
  as: 'representative' | 'agent';
  /** The purposes the caller may act for it for; null: any. */
  purposes: NamedPurpose[] | null;
  /** When the caller's appointment ends (ISO 8601); null: never (the representative) or until revoked. */
  until: string | null;
}

export interface EnterpriseRow {
  creditCode: string;
  name: string;
  representative: PersonRef;
  boundBy: PersonRef;
  boundAt: string;
  /** Live appointments of agents (expired ones included until revoked). */
  agents: number;
}

export interface AgentView {
  agent: PersonRef;
  purposes: NamedPurpose[] | null;
  validUntil: string | null;
  /** The appointment has passed its end: the agent no longer acts for the enterprise. */
  expired: boolean;
  appointedBy: PersonRef;
  appointedAt: string;
  revokedAt: string | null;
}

export interface BindEnterprise {
  creditCode: string;
  name: string;
  /** The username of the legal representative's citizen account. */
  representative: string;
}

export interface AppointAgent {
  username: string;
  /** Purpose codes of the registry; absent or null: any purpose. */
  purposes?: string[] | null;
  /** ISO 8601, a date meaning the end of that day in China time; absent or null: until revoked. */
  validUntil?: string | null;
}

/**
 * Enterprise accounts as callers reach them (HTTP, CLI): the access policy asked before each step —
 * on an enterprise's own routes the policy's `self` is its legal representative — and every binding,
 * appointment and revocation written to the ledger after it is made, the enterprise under its
 * subject tag and people by username (never a citizen ID).
 */
export class AuthorizedEnterprises {
  constructor(
    private readonly enterprises: Enterprises,
    private readonly ledger: Pick<Ledger, 'append' | 'subjectTag'>,
    private readonly purposes: PurposeRegistry,
  ) {}

  /** The enterprises the caller represents or is a live agent of, with how. */
  async mine(actor: Actor | null): Promise<ActingFor[]> {
    authorize(actor, 'enterprise:read-own', { self: true });
    const held = await this.enterprises.actingFor(actor.userId);
    const named = await this.namer();
    return held.map(({ enterprise: e, authority: a }) => ({
      creditCode: e.creditCode,
      name: e.name,
      representative: e.representative,
      as: a.as,
      purposes: named(a.purposes),
      until: a.until?.toISOString() ?? null,
    }));
  }

  async list(actor: Actor | null): Promise<EnterpriseRow[]> {
    authorize(actor, 'enterprise:list-all');
    return (await this.enterprises.list()).map((e) => ({ ...row(e), agents: e.agents }));
  }

  /** Binds an enterprise account to its credit code and representative, or binds it again. */
  async bind(actor: Actor | null, input: BindEnterprise): Promise<EnterpriseRow> {
    authorize(actor, 'enterprise:bind');
    const check = checkCreditCode(input.creditCode);
    if (!check.ok) throw invalid('creditCode', check.message);
    const code = check.value.code;
    const name = input.name.trim();
    if (name === '') throw invalid('name', msg('kernel.required'));
    const representative = await this.enterprises.citizenAccount(input.representative, 'representative');
    const { previous, agentsRevoked } = await this.enterprises.bind(
      { creditCode: code, name, representative },
      actor.userId,
    );
    await this.record(actor, {
      kind: 'access.enterprise.bound',
      subject: this.ledger.subjectTag(code),
      name,
      representative: representative.username,
      previous: previous?.username ?? null,
      agentsRevoked,
    });
    const bound = (await this.enterprises.list()).find((e) => e.creditCode === code)!;
    return { ...row(bound), agents: bound.agents };
  }

  /** The agents of an enterprise (operators; its representative), expired ones marked. */
  async agents(actor: Actor | null, creditCode: string): Promise<{ enterprise: EnterpriseRow; items: AgentView[] }> {
    const code = normalized(creditCode);
    authorize(actor, 'enterprise:read-agents', await this.target(actor, code));
    const enterprise = await this.require(code);
    const appointments = await this.enterprises.agents(code);
    const named = await this.namer();
    const items = appointments.map((a) => this.view(a, named));
    return { enterprise: { ...row(enterprise), agents: items.length }, items };
  }

  /**
   * The representative appoints a citizen account as an agent, for purposes of the registry (none
   * named: any) until a time (none: until revoked); appointing a live agent again replaces the terms.
   */
  async appoint(actor: Actor | null, creditCode: string, input: AppointAgent): Promise<AgentView> {
    const code = normalized(creditCode);
    authorize(actor, 'enterprise:appoint-agents', await this.target(actor, code));
    const enterprise = await this.require(code);
    const agent = await this.enterprises.citizenAccount(input.username, 'username');
    if (agent.username === enterprise.representative.username) {
      throw invalid('username', msg('access.representativeNotAgent', { user: agent.username }));
    }
    const purposes =
      input.purposes === undefined || input.purposes === null
        ? null
        : (await this.purposes.require(input.purposes, 'purposes')).map((p) => p.code);
    const validUntil = input.validUntil ? endOf(input.validUntil) : null;
    if (validUntil !== null && !(validUntil.getTime() > this.enterprises.now().getTime())) {
      throw invalid('validUntil', msg('kernel.mustBeFuture'));
    }
    const { appointment, replaced } = await this.enterprises.appoint(
      code,
      agent,
      { purposes, validUntil },
      actor.userId,
    );
    await this.record(actor, {
      kind: 'access.enterprise.agent.changed',
      action: 'appoint',
      subject: this.ledger.subjectTag(code),
      agent: agent.username,
      purposes,
      validUntil: validUntil?.toISOString() ?? null,
      replaced,
    });
    return this.view(appointment, await this.namer());
  }

  /** The representative ends an agent's appointment. */
  async revoke(actor: Actor | null, creditCode: string, username: string): Promise<AgentView> {
    const code = normalized(creditCode);
    authorize(actor, 'enterprise:revoke-agents', await this.target(actor, code));
    await this.require(code);
    const ended = await this.enterprises.revoke(code, username, actor.userId);
    if (!ended) throw new HubError('ACC_AGENT_NOT_FOUND', msg('access.notAnAgent', { user: username }));
    await this.record(actor, {
      kind: 'access.enterprise.agent.changed',
      action: 'revoke',
      subject: this.ledger.subjectTag(code),
      agent: username,
    });
    return this.view(ended, await this.namer());
  }

  /** On an enterprise's routes the policy's `self` is its legal representative. */
  private async target(actor: Actor | null, code: string): Promise<Target> {
    return { self: actor !== null && (await this.enterprises.isRepresentative(actor.userId, code)) };
  }

  private async require(code: string): Promise<Enterprise> {
    const enterprise = await this.enterprises.find(code);
    if (!enterprise) throw new HubError('ACC_ENTERPRISE_NOT_FOUND', msg('access.noEnterprise', { creditCode: code }));
    return enterprise;
  }

  private view(a: AgentAppointment, named: (codes: string[] | null) => NamedPurpose[] | null): AgentView {
    return {
      agent: a.agent,
      purposes: named(a.purposes),
      validUntil: a.validUntil?.toISOString() ?? null,
      expired: a.validUntil !== null && a.validUntil.getTime() <= this.enterprises.now().getTime(),
      appointedBy: a.appointedBy,
      appointedAt: a.appointedAt.toISOString(),
      revokedAt: a.revokedAt?.toISOString() ?? null,
    };
  }

  /** Purpose codes with their names (a code the registry does not know keeps its code as its name). */
  private async namer(): Promise<(codes: string[] | null) => NamedPurpose[] | null> {
    const names = new Map((await this.purposes.list()).map((p) => [p.code, p.name]));
    return (codes) => codes && codes.map((code) => ({ code, name: names.get(code) ?? code }));
  }

  /** After the change is made: the entry names who made it, and when. */
  private async record(
    actor: Actor,
    entry: DistributiveOmit<Extract<NewEntry, { kind: `access.enterprise.${string}` }>, 'actor' | 'at'>,
  ): Promise<void> {
    await this.ledger.append({ ...entry, actor: actor.username, at: new Date().toISOString() } as NewEntry);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const normalized = (creditCode: string) => creditCode.trim().toUpperCase();

function row(e: Enterprise): Omit<EnterpriseRow, 'agents'> {
  return {
    creditCode: e.creditCode,
    name: e.name,
    representative: e.representative,
    boundBy: e.boundBy,
    boundAt: e.boundAt.toISOString(),
  };
}
