import { authorize, isAllowed, type Actor } from '../access/index.js';
import type { CatalogService } from '../catalog/index.js';
import { HubError, msg } from '../kernel/index.js';
import type { RecordStore } from '../records/index.js';
import { recordedRead, type ReadLedger } from '../share/index.js';
import type { Consents } from './consents.js';
import { type ConsentRequest, type ConsentRow, type Decision } from './consents.js';
import { inRange, type Narrowing, type Status } from './terms.js';

/** Who the actor is to data subjects: its own citizen ID, and the enterprises it acts for. */
export interface SubjectParties {
  citizenIdOf(actor: Actor): Promise<string | null>;
  /** Whether the actor may act for the enterprise of this credit code, for this purpose. */
  actsForEnterprise(actor: Actor, creditCode: string, purpose: string): Promise<boolean>;
  /** The credit codes of the enterprises the actor may act for (any purpose). */
  enterprisesOf(actor: Actor): Promise<string[]>;
}

/** One resource of a fetch: the consented fields of the subject's record, if in the consented period. */
export interface FetchedItem {
  resource: string;
  fields: string[];
  record: Record<string, unknown> | null;
  /** Why there is no record: the resource holds none of the subject, or not of the consented period. */
  missing: 'not_found' | 'out_of_range' | null;
}

export interface Fetched {
  consent: string;
  purpose: string;
  items: FetchedItem[];
  /** Until when the requester may keep what it fetched (the consent's data life). */
  keepUntil: string;
}

export type ListRole = 'subject' | 'requester' | 'all';

/**
 * Consents as callers reach them: the access policy, then who the actor is to the consent's
 * subject (the subject, or one who acts for the enterprise), before each step. The requester's
 * fetch is a recorded read (share/recorded-read.ts) whose admission is the consent's own check.
 */
export class AuthorizedConsents {
  constructor(
    readonly consents: Consents,
    private readonly deps: {
      parties: SubjectParties;
      catalog: Pick<CatalogService, 'get'>;
      records: Pick<RecordStore, 'findDated'>;
      ledger: ReadLedger;
      now?: () => Date;
    },
  ) {}

  request(actor: Actor | null, input: ConsentRequest): Promise<ConsentRow> {
    authorize(actor, 'consent:request', { ownerOrg: actor?.org?.code });
    return this.consents.request(actor, input);
  }

  /**
   * A list narrowed to what the caller may read: as subject, the consents about itself (none for
   * an account that is no data subject); as requester, its organization's (none for an
   * organization that requests none); all of them only where the policy says so.
   */
  async list(
    actor: Actor | null,
    role: ListRole,
    page: { limit: number; before?: string | undefined; status?: Status | undefined },
  ): Promise<{ items: ConsentRow[]; next: string | null }> {
    if (actor === null) throw new HubError('ACC_UNAUTHENTICATED');
    if (role === 'all') {
      authorize(actor, 'consent:list-all');
      return this.consents.list('all', page);
    }
    const none = { items: [], next: null };
    if (role === 'requester') {
      const org = actor.org?.code;
      if (!isAllowed(actor, 'consent:read', { ownerOrg: org })) return none;
      return this.consents.list({ requester: org! }, page);
    }
    if (!isAllowed(actor, 'consent:read', { self: true })) return none;
    const found = await this.consents.list({ subjectTags: await this.subjectTagsOf(actor) }, page);
    // An agent sees an enterprise's consents only for the purposes of its appointment.
    const mine = await Promise.all(found.items.map((row) => this.isSubject(actor, row)));
    return { items: found.items.filter((_, i) => mine[i]), next: found.next };
  }

  /** One consent, to its requester, its subject (or who acts for it), operators and auditors. */
  async get(actor: Actor | null, id: string): Promise<ConsentRow> {
    const row = await this.consents.get(id);
    if (isAllowed(actor, 'consent:read', { ownerOrg: row.requester_org })) return row;
    authorize(actor, 'consent:read', { self: await this.isSubject(actor!, row) });
    return row;
  }

  async decide(actor: Actor | null, id: string, decision: Decision, narrowing?: Narrowing): Promise<ConsentRow> {
    if (actor === null) throw new HubError('ACC_UNAUTHENTICATED');
    const row = await this.consents.get(id);
    if (!isAllowed(actor, 'consent:decide', { self: await this.isSubject(actor, row) }))
      throw new HubError('ACC_FORBIDDEN', msg('consent.subjectOnly'));
    return this.consents.decide(actor, row, decision, narrowing);
  }

  /**
   * The requester's fetch: the consent counted (in force, with room in its frequency) in one
   * statement, the subject's record of each consented resource read, only the consented fields
   * of the consented period returned, and one ledger entry per resource naming the consent —
   * a refusal recorded the same way.
   */
  async fetch(actor: Actor | null, id: string): Promise<Fetched> {
    const { row, key } = await this.consents.forFetch(id);
    const { terms } = row;
    const request = {
      actor,
      action: 'consent:fetch' as const,
      target: { ownerOrg: row.requester_org },
      op: 'consent.fetch' as const,
      resource: terms.data[0]!.resource,
      purpose: row.purpose,
      subjects: terms.data.map((d) => ({ key, resource: d.resource })),
      consent: row.id,
      forbidden: () => new HubError('ACC_FORBIDDEN', msg('consent.requesterOnly')),
    };
    const items = await recordedRead(this.deps.ledger, request, {
      admit: async () => {
        const refusal = await this.consents.admit(row);
        if (refusal) return { ...refusal, grant: null };
        return { fields: [...new Set(terms.data.flatMap((d) => d.fields))], context: null };
      },
      fetch: () => Promise.all(terms.data.map((d) => this.recordOf(d.resource, key))),
      mask: (found) =>
        terms.data.map((d, i): FetchedItem => {
          const at = found[i];
          const missing = !at ? 'not_found' : inRange(terms, at.loadedAt) ? null : 'out_of_range';
          const record = at && !missing ? pick(at.doc, d.fields) : null;
          return { resource: d.resource, fields: d.fields, record, missing };
        }),
      rows: (fetched) => fetched.filter((f) => f.record !== null).length,
    });
    const now = this.deps.now?.() ?? new Date();
    const keepUntil = new Date(now.getTime() + terms.dataLifeDays * 86_400_000).toISOString();
    return { consent: row.id, purpose: row.purpose, items, keepUntil };
  }

  private async recordOf(code: string, key: string) {
    const resource = await this.deps.catalog.get(code);
    return this.deps.records.findDated(resource.id, key);
  }

  /** Whether the actor is the consent's subject, or acts for the enterprise that is, for its purpose. */
  private async isSubject(actor: Actor, row: ConsentRow): Promise<boolean> {
    if (row.subject_kind === 'person') {
      const own = await this.deps.parties.citizenIdOf(actor);
      return own !== null && this.consents.tagOf(own) === row.subject_tag;
    }
    return this.deps.parties.actsForEnterprise(actor, await this.consents.keyOf(row), row.purpose);
  }

  private async subjectTagsOf(actor: Actor): Promise<string[]> {
    const own = await this.deps.parties.citizenIdOf(actor);
    const enterprises = await this.deps.parties.enterprisesOf(actor);
    return [...(own ? [own] : []), ...enterprises].map((k) => this.consents.tagOf(k));
  }
}

function pick(doc: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => f in doc).map((f) => [f, doc[f]]));
}
