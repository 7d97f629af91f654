import { randomUUID } from 'node:crypto';
import type { Actor } from '../access/index.js';
import { BASES, showKey } from '../base/index.js';
import type { CatalogService, Resource } from '../catalog/index.js';
import { json, type Database, type ExpressionBuilder, type Kysely, type Selectable } from '../db/index.js';
import type { SecretBox } from '../keys/index.js';
import { HubError, checkCitizenId, checkCreditCode, invalid, msg } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import type { Purposes } from '../purpose/index.js';
import { FetchCounter } from './fetch-count.js';
import type { ConsentTables } from './tables.js';
import {
  checkTerms,
  narrow,
  periodOf,
  statusAt,
  type ConsentTerms,
  type Narrowing,
  type Status,
  type StoredStatus,
  type SubjectKind,
} from './terms.js';

type Row = Selectable<ConsentTables['consent.consent']>;

/** What a third party files: whose data, for what, on which terms. */
export interface ConsentRequest {
  subject: { kind: SubjectKind; id: string };
  purpose: string;
  terms: Omit<ConsentTerms, 'startsAt'> & { startsAt?: string | undefined };
}

/** A consent as the hub keeps it, its key still sealed and its status as stored. */
export type ConsentRow = Row;

/** The subject's decisions and the state each moves a consent from and to. */
export const DECISIONS = {
  approve: { from: ['pending'], to: 'active' },
  reject: { from: ['pending'], to: 'rejected' },
  pause: { from: ['active'], to: 'paused' },
  resume: { from: ['paused'], to: 'active' },
  revoke: { from: ['active', 'paused'], to: 'revoked' },
} as const satisfies Record<string, { from: readonly StoredStatus[]; to: StoredStatus }>;
export type Decision = keyof typeof DECISIONS;

export interface ConsentDeps {
  catalog: Pick<CatalogService, 'get'>;
  purposes: Pick<Purposes, 'require'>;
  ledger: Pick<Ledger, 'append' | 'subjectTag' | 'signStatement'>;
  /** Seals the subject's ID at rest. */
  box: SecretBox;
  /** The purposes an organization registered to ask consent for (null: none). */
  requesterPurposes: (org: string) => Promise<string[] | null>;
  now?: () => Date;
}

/**
 * 授权: consents of data subjects to third parties, their states and the fetch counter. Every
 * state change is signed with the hub's ledger key and appended to the ledger; who may do what is
 * decided by the caller (authorized-consents.ts), which passes in who the actor is to the subject.
 */
export class Consents {
  private readonly db: Kysely<ConsentTables>;
  private readonly now: () => Date;
  /**
   * Decided consents with their opened keys, for fetches: once decided, a consent's terms, subject
   * and requester never change again (only its status, which `count` reads from the database on
   * every fetch), so a process may keep them. Bounded: cleared when full.
   */
  private readonly decided = new Map<string, { row: Row; key: string }>();
  private readonly counter: FetchCounter;

  constructor(
    database: Database,
    private readonly deps: ConsentDeps,
  ) {
    this.db = database.kysely.withTables<ConsentTables>();
    this.now = deps.now ?? (() => new Date());
    this.counter = new FetchCounter(this.db);
  }

  /** Files a pending consent request of the actor's organization. */
  async request(actor: Actor, input: ConsentRequest): Promise<Row> {
    const now = this.now();
    const key = subjectKey(input.subject.kind, input.subject.id);
    const [purpose] = await this.deps.purposes.require([input.purpose], 'purpose');
    // A third party asks only for what it registered to ask for: a bank is no insurer.
    if (!(await this.deps.requesterPurposes(actor.org!.code))?.includes(purpose!.code))
      throw new HubError(
        'CNS_PURPOSE_NOT_REGISTERED',
        msg('consent.purposeNotRegistered', { purpose: purpose!.name, org: actor.org!.name }),
      );
    const terms: ConsentTerms = { ...input.terms, startsAt: input.terms.startsAt ?? now.toISOString() };
    checkTerms(terms, now);
    await this.checkData(input.subject.kind, terms);
    const row = {
      id: randomUUID(),
      requester_org: actor.org!.code,
      requested_by: actor.username,
      subject_kind: input.subject.kind,
      subject_tag: this.tagOf(key),
      subject_key: await this.deps.box.seal(Buffer.from(key, 'utf8')),
      purpose: purpose!.code,
      requested: terms,
      terms,
      status: 'pending' as const,
      starts_at: new Date(terms.startsAt),
      expires_at: new Date(terms.expiresAt),
      version: 1,
      decided_by: null,
      created_at: now,
      updated_at: now,
    };
    const signature = this.deps.ledger.signStatement(artefact(row));
    await this.db
      .insertInto('consent.consent')
      .values({ ...row, requested: json(terms), terms: json(terms), signature })
      .execute();
    await this.record(actor, { ...row, signature, seq: '0' }, 'request');
    return { ...row, signature, seq: '0' };
  }

  async get(id: string): Promise<Row> {
    const row = UUID.test(id)
      ? await this.db.selectFrom('consent.consent').selectAll().where('id', '=', id).executeTakeFirst()
      : undefined;
    if (!row) throw new HubError('CNS_NOT_FOUND', msg('consent.notFound', { id }));
    return row;
  }

  /** The keyed tag a subject's ID is found by (the ledger's, so its entries and its consents match). */
  tagOf(key: string): string {
    return this.deps.ledger.subjectTag(key.trim().toUpperCase());
  }

  /** A consent and its subject's ID for a fetch: from memory once decided (see `decided`). */
  async forFetch(id: string): Promise<{ row: Row; key: string }> {
    const kept = this.decided.get(id);
    if (kept) return kept;
    const row = await this.get(id);
    const found = { row, key: await this.keyOf(row) };
    if (row.status !== 'pending') {
      if (this.decided.size >= MAX_DECIDED) this.decided.clear();
      this.decided.set(id, found);
    }
    return found;
  }

  /** The subject's ID, opened: the fetch, and the check of who may act for an enterprise, need it. */
  async keyOf(row: Row): Promise<string> {
    return (await this.deps.box.open(row.subject_key)).toString('utf8');
  }

  /** Consents of a subject (by its keyed tag) or of a requester, newest first. */
  async list(
    by: { subjectTags: string[] } | { requester: string } | 'all',
    page: { limit: number; before?: string | undefined; status?: Status | undefined },
  ): Promise<{ items: Row[]; next: string | null }> {
    let q = this.db.selectFrom('consent.consent').selectAll();
    if (by !== 'all')
      q =
        'requester' in by
          ? q.where('requester_org', '=', by.requester)
          : q.where('subject_tag', 'in', by.subjectTags.length ? by.subjectTags : ['']);
    if (page.before) q = q.where('seq', '<', page.before);
    const status = page.status;
    if (status) q = q.where((eb) => statusIs(eb, status, this.now()));
    const rows = await q
      .orderBy('seq', 'desc')
      .limit(page.limit + 1)
      .execute();
    const items = rows.slice(0, page.limit);
    return { items, next: rows.length > page.limit ? items.at(-1)!.seq : null };
  }

  /**
   * The subject's decision, with narrowed terms on approval. The update names the state it moves
   * from, so that two decisions at once cannot both succeed.
   */
  async decide(actor: Actor, row: Row, decision: Decision, narrowing?: Narrowing): Promise<Row> {
    const now = this.now();
    const step = DECISIONS[decision];
    const status = statusAt(row.status, row.expires_at, now);
    if (!(step.from as readonly string[]).includes(status))
      throw new HubError(
        'CNS_BAD_STATE',
        msg('consent.badState', {
          status: msg(`consent.state.${status}`),
          decision: msg(`consent.decision.${decision}`),
        }),
      );
    const terms = decision === 'approve' && narrowing ? narrow(row.requested, narrowing, now) : row.terms;
    const next = {
      ...row,
      terms,
      status: step.to,
      expires_at: new Date(terms.expiresAt),
      version: row.version + 1,
      decided_by: actor.username,
      updated_at: now,
    };
    const signature = this.deps.ledger.signStatement(artefact(next));
    const done = await this.db
      .updateTable('consent.consent')
      .set({
        terms: json(terms),
        status: next.status,
        expires_at: next.expires_at,
        version: next.version,
        decided_by: next.decided_by,
        updated_at: now,
        signature,
      })
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1)
      throw new HubError('CNS_BAD_STATE', msg('consent.changedMeanwhile', { id: row.id }));
    await this.record(actor, { ...next, signature }, decision);
    return { ...next, signature };
  }

  /**
   * Admits one fetch: the consent in force as the database has it now (a revocation or pause
   * committed by any process is seen by the next fetch), then room in its period's frequency
   * (fetch-count.ts). Answers nothing, or why not.
   */
  async admit(row: Row): Promise<{ refused: HubError; reason: 'consent' | 'frequency' } | undefined> {
    const now = this.now();
    const state = await this.counter.state(row.id);
    const status = state ? statusAt(state.status, state.expires_at, now) : 'revoked';
    if (!state || status !== 'active' || state.starts_at > now)
      return {
        refused: new HubError('CNS_NOT_ACTIVE', msg('consent.notActive', { status: msg(`consent.state.${status}`) })),
        reason: 'consent',
      };
    const { period, max } = periodOf(row.terms, now);
    if (await this.counter.take(row.id, period, max)) return undefined;
    return {
      refused: new HubError('CNS_FREQUENCY_EXHAUSTED', msg('consent.frequencyUsed', { max })),
      reason: 'frequency',
    };
  }

  /** Each resource exists, its records are keyed by this kind of subject, and it has the fields named. */
  private async checkData(kind: SubjectKind, terms: ConsentTerms): Promise<void> {
    for (const [i, item] of terms.data.entries()) {
      const resource: Resource = await this.deps.catalog.get(item.resource).catch(() => {
        throw invalid(`data/${i}/resource`, msg('consent.noResource', { code: item.resource }));
      });
      const keyField = resource.fields.find((f) => f.name === resource.keyField);
      if (keyField?.element !== BASES[kind].keyElement)
        throw invalid(`data/${i}/resource`, msg('consent.notAboutSubject', { code: item.resource }));
      const unknown = item.fields.find((f) => !resource.fields.some((rf) => rf.name === f));
      if (unknown !== undefined) throw invalid(`data/${i}/fields`, msg('consent.noField', { field: unknown }));
    }
  }

  private async record(actor: Actor, row: Row, action: Decision | 'request'): Promise<void> {
    await this.deps.ledger.append({
      kind: 'consent.changed',
      action,
      consent: row.id,
      version: row.version,
      state: row.status,
      requester: row.requester_org,
      purpose: row.purpose,
      subject: row.subject_tag,
      signature: row.signature,
      actor: actor.username,
      org: actor.org?.code ?? null,
      at: row.updated_at.toISOString(),
    });
  }
}

const MAX_DECIDED = 20_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * What the hub signs of a consent in each version (docs/consent.md): who asks whom (the subject
 * by its tag) for what, the terms in force, the state, and when. The signature is verifiable
 * with the ledger's public key; the ledger entry of the change carries it.
 */
export function artefact(row: Omit<Row, 'seq' | 'signature'>) {
  return {
    consent: row.id,
    version: row.version,
    status: row.status,
    requester: row.requester_org,
    subject: row.subject_tag,
    subjectKind: row.subject_kind,
    purpose: row.purpose,
    terms: row.terms,
    decidedBy: row.decided_by,
    at: row.updated_at.toISOString(),
  };
}

/** The subject's ID as stored: validated as a citizen ID (GB 11643) or a credit code (GB 32100). */
function subjectKey(kind: SubjectKind, raw: string): string {
  const checked = kind === 'person' ? checkCitizenId(raw) : checkCreditCode(raw);
  if (!checked.ok) throw invalid('subject/id', checked.message);
  return raw.trim().toUpperCase();
}

/** The subject's ID as anyone but its holder sees it in a list. */
export function maskedSubject(row: Row, key: string): string {
  return showKey(row.subject_kind, key, 'masked');
}

const OPEN: StoredStatus[] = ['pending', 'active', 'paused'];

/** Rows whose status is `status` now, the expiry taken into account as `statusAt` does. */
function statusIs(eb: ExpressionBuilder<ConsentTables, 'consent.consent'>, status: Status, now: Date) {
  if (status === 'expired') return eb.and([eb('status', 'in', OPEN), eb('expires_at', '<=', now)]);
  if (OPEN.includes(status)) return eb.and([eb('status', '=', status), eb('expires_at', '>', now)]);
  return eb('status', '=', status);
}
