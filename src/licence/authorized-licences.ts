import { authorize, isAllowed, type Actor } from '../access/index.js';
import { HubError, msg } from '../kernel/index.js';
import type { Credentials } from './credentials.js';
import type { SigningAlg } from './issuer-keys.js';
import type { IssueInput, LicenceRow, Licences, ReviseInput } from './licences.js';
import type { Presentations } from './presentations.js';
import type { HolderKind } from './types.js';

/**
 * The purpose (registry, migration purpose/003) an agent's appointment must name to reach the
 * enterprise's licences; the legal representative needs none.
 */
export const LICENCE_USE = 'licence_use';

/** Who the actor is to holders: its own citizen ID, and the enterprises it acts for in their licences. */
export interface HolderParties {
  citizenIdOf(actor: Actor): Promise<string | null>;
  /** Whether the actor is the legal representative, or a live agent for LICENCE_USE, of the enterprise. */
  actsForEnterprise(actor: Actor, creditCode: string): Promise<boolean>;
  /** The enterprises whose representative the actor is, or whose live agent for LICENCE_USE. */
  enterprisesOf(actor: Actor): Promise<string[]>;
}

/** The subject's record in one of the issuer's resources, read as a recorded read (undefined: none). */
export type RecordReader = (
  actor: Actor,
  resource: string,
  key: string,
) => Promise<Record<string, unknown> | undefined>;

export interface IssueFromRecord extends Omit<IssueInput, 'fields'> {
  resource: string;
  /** Licence field ← resource field, where the names differ; the rest are taken by the same name. */
  mapping?: Record<string, string> | undefined;
  fields?: Record<string, string> | undefined;
}

/**
 * Licences as callers reach them: the policy first, then who the caller is to the licence —
 * its issuer's officer, or its holder (a citizen, or one who acts for the enterprise). A licence
 * the caller is neither to is answered as not found, so that ids cannot be probed.
 */
export class AuthorizedLicences {
  constructor(
    readonly licences: Licences,
    readonly presentations: Presentations,
    readonly credentials: Credentials,
    private readonly deps: { parties: HolderParties; readRecord: RecordReader },
  ) {}

  /** The caller's own licences and those of the enterprises it acts for; none for who holds none. */
  async mine(actor: Actor | null): Promise<LicenceRow[]> {
    if (actor === null) throw new HubError('ACC_UNAUTHENTICATED');
    if (!isAllowed(actor, 'licence:hold', { self: true })) return [];
    const own = await this.deps.parties.citizenIdOf(actor);
    const firms = await this.deps.parties.enterprisesOf(actor);
    return this.licences.byHolders([...(own ? [own] : []), ...firms].map((k) => this.licences.tagOf(k)));
  }

  issued(actor: Actor | null, page: { limit: number; before?: string | undefined }) {
    authorize(actor, 'licence:read-issued', { ownerOrg: actor?.org?.code });
    return this.licences.byIssuer(actor.org!.code, page);
  }

  issue(actor: Actor | null, input: IssueInput): Promise<LicenceRow> {
    authorize(actor, 'licence:issue', { ownerOrg: actor?.org?.code });
    return this.licences.issue(actor, input);
  }

  /** Issues from the holder's record in a resource of the issuer's own; given fields win over the record's. */
  async issueFromRecord(actor: Actor | null, input: IssueFromRecord): Promise<LicenceRow> {
    authorize(actor, 'licence:issue', { ownerOrg: actor?.org?.code });
    const record = await this.deps.readRecord(actor, input.resource, input.holder.id.trim().toUpperCase());
    if (!record) throw new HubError('LIC_NO_RECORD', msg('licence.noRecord', { resource: input.resource }));
    const type = await this.licences.type(input.type);
    const fields: Record<string, string> = {};
    for (const f of type.fields) {
      const value = record[input.mapping?.[f.name] ?? f.name];
      if (value !== undefined && value !== null && value !== '') fields[f.name] = String(value);
    }
    const { resource: _resource, mapping: _mapping, ...rest } = input;
    return this.licences.issue(actor, { ...rest, fields: { ...fields, ...input.fields } });
  }

  async revise(actor: Actor | null, id: string, input: ReviseInput): Promise<LicenceRow> {
    const row = await this.asIssuer(actor, id, 'licence:issue');
    return this.licences.revise(actor!, row, input);
  }

  async revoke(actor: Actor | null, id: string, reason: string): Promise<LicenceRow> {
    const row = await this.asIssuer(actor, id, 'licence:revoke');
    return this.licences.revoke(actor!, row, reason);
  }

  /** One licence to its holder (or who acts for the holding enterprise). */
  async held(actor: Actor | null, id: string): Promise<LicenceRow> {
    authorize(actor, 'licence:hold', { self: true });
    const row = await this.licences.get(id);
    if (!(await this.isHolder(actor, row.holder_kind, row)))
      throw new HubError('LIC_NOT_FOUND', msg('licence.notFound'));
    return row;
  }

  async present(
    actor: Actor | null,
    id: string,
    opts: { fields?: string[] | undefined; ttl: number; verifyUrl: string },
  ) {
    const row = await this.held(actor, id);
    return this.presentations.present(actor!, row, opts);
  }

  async credential(actor: Actor | null, id: string, origin: string, alg: SigningAlg): Promise<string> {
    return this.credentials.licence(await this.held(actor, id), origin, alg);
  }

  stats(actor: Actor | null, from?: string) {
    authorize(actor, 'licence:stats');
    return this.licences.counters.stats(from);
  }

  /** The policy for the caller's own organization first (403 for a role that never may), then the licence's issuer. */
  private async asIssuer(actor: Actor | null, id: string, action: 'licence:issue' | 'licence:revoke') {
    authorize(actor, action, { ownerOrg: actor?.org?.code });
    const row = await this.licences.get(id);
    if (!isAllowed(actor, action, { ownerOrg: row.issuer_org }))
      throw new HubError('LIC_NOT_FOUND', msg('licence.notFound'));
    return row;
  }

  private async isHolder(actor: Actor, kind: HolderKind, row: LicenceRow): Promise<boolean> {
    if (kind === 'person') {
      const own = await this.deps.parties.citizenIdOf(actor);
      return own !== null && this.licences.tagOf(own) === row.holder_tag;
    }
    const { key } = await this.licences.open(row);
    return this.deps.parties.actsForEnterprise(actor, key);
  }
}
