import { actionLabel, authorize, hasRole, isAllowed, type Actor } from '../access/index.js';
import type { Consents } from '../consent/index.js';
import {
  HubError,
  checkCitizenId,
  checkCreditCode,
  invalid,
  maskPersonalText,
  msg,
  type Texts,
} from '../kernel/index.js';
import type { Purposes } from '../purpose/index.js';
import type { Answer, Answers, Basis } from './answers.js';
import { uncoveredRead } from './coverage.js';
import { checkName, type NewItem, type ProofItem, type ProofItems, type RuleVersion } from './items.js';
import type { SubjectKind } from './rule.js';
import type { AnswerCounts, AttestStats } from './stats.js';

/** A question as the window or system asks it (POST /api/v1/attestations). */
export interface AskInput {
  item: string;
  /** A citizen ID or a unified social credit code. */
  subject: string;
  purpose: string;
  consent?: string | undefined;
  legalBasis?: string | undefined;
}

export interface AttestDeps {
  consents: Pick<Consents, 'get' | 'tagOf' | 'admit'>;
  purposes: Pick<Purposes, 'require'>;
  orgExists: (code: string) => Promise<boolean>;
  counts: Pick<AnswerCounts, 'stats'>;
}

/**
 * Proof items and attestations as callers reach them: the access policy before each step, then
 * for a question its basis — the subject's consent in force to the asker for this purpose, or a
 * legal basis the asker states (a department's, not a third party's). Every question, refused or
 * answered, is on the ledger (answers.ts).
 */
export class AuthorizedAttestations {
  constructor(
    readonly items: ProofItems,
    readonly answers: Answers,
    private readonly deps: AttestDeps,
  ) {}

  listItems(actor: Actor | null): Promise<ProofItem[]> {
    authorize(actor, 'attest:read');
    return this.items.list();
  }

  async getItem(actor: Actor | null, code: string): Promise<{ item: ProofItem; versions: RuleVersion[] }> {
    authorize(actor, 'attest:read');
    return { item: await this.items.get(code), versions: await this.items.versions(code) };
  }

  /** A rule checked and put in words before it is saved (the operators' editor). */
  check(actor: Actor | null, kind: SubjectKind, rule: unknown) {
    authorize(actor, 'attest:manage', { ownerOrg: actor?.org?.code });
    return this.items.check(kind, rule);
  }

  /** A new item: an operator's for any department, a data officer's for their own. */
  async create(actor: Actor | null, input: NewItem): Promise<ProofItem> {
    authorize(actor, 'attest:manage', { ownerOrg: actor?.org?.code });
    checkName(input.name);
    if (!(await this.deps.orgExists(input.provider)))
      throw invalid('provider', msg('attest.noProvider', { code: input.provider }));
    authorize(actor, 'attest:manage', { ownerOrg: input.provider });
    return this.items.create(actor!, input);
  }

  async revise(
    actor: Actor | null,
    code: string,
    input: { rule: unknown; note?: string | undefined; baseVersion: number },
  ): Promise<ProofItem> {
    authorize(actor, 'attest:manage', { ownerOrg: actor?.org?.code });
    const item = await this.items.get(code);
    authorize(actor, 'attest:manage', { ownerOrg: item.provider });
    return this.items.revise(actor!, code, input);
  }

  async ask(actor: Actor | null, input: AskInput): Promise<Answer> {
    if (actor === null) throw new HubError('ACC_UNAUTHENTICATED');
    const { key, kind } = subjectOf(input.subject);
    // A stated basis is kept on the ledger: an ID or a phone number typed into it is masked first.
    const basis: Basis = {
      consent: input.consent,
      legalBasis: input.legalBasis === undefined ? undefined : maskPersonalText(input.legalBasis.trim()),
    };
    const asked = { item: input.item, key, purpose: input.purpose, basis };
    if (!isAllowed(actor, 'attest:ask') || actor.org === null) {
      const problem = new HubError(
        'ACC_FORBIDDEN',
        msg('access.mayNot', { user: actor.username, action: actionLabel('attest:ask') }),
      );
      return this.answers.refuse(actor, asked, 'forbidden', problem);
    }
    const item = await this.items.get(input.item);
    if (item.subjectKind !== kind)
      throw invalid('subject', msg('attest.wrongSubjectKind', { kind: msg(`baseKind.${item.subjectKind}`) }));
    const [purpose] = await this.deps.purposes.require([input.purpose], 'purpose');
    const q = { ...asked, provider: item.provider, purpose: purpose!.code };
    if (basis.consent !== undefined) {
      await this.admitConsent(actor, item, q, basis.consent);
      return this.answers.answer(actor, { item, key, purpose: q.purpose, basis: { consent: basis.consent } });
    }
    // A third party has no legal basis of its own to ask about a person: it asks under consent.
    const official = hasRole(actor, 'officer', 'consumer', 'operator');
    if (basis.legalBasis === undefined || !official) {
      const reason = official ? msg('attest.basisRequired') : msg('attest.thirdPartyConsent');
      return this.answers.refuse(actor, q, 'no_basis', new HubError('ATT_NO_BASIS', reason));
    }
    return this.answers.answer(actor, { item, key, purpose: q.purpose, basis: { legalBasis: basis.legalBasis } });
  }

  /**
   * The consent is the subject's, to the asker's organization, for this purpose, covers what the
   * item's rule reads (coverage.ts), and is in force with room in its frequency (consent's own
   * admission, which counts the use).
   */
  private async admitConsent(
    actor: Actor,
    item: ProofItem,
    q: { item: string; provider: string; key: string; purpose: string; basis: Basis },
    id: string,
  ): Promise<void> {
    const { consents } = this.deps;
    const row = await consents.get(id).catch((e: unknown) => {
      if (e instanceof HubError && e.code === 'CNS_NOT_FOUND') return null;
      throw e;
    });
    const fits =
      row !== null &&
      row.requester_org === actor.org?.code &&
      row.subject_tag === consents.tagOf(q.key) &&
      row.purpose === q.purpose;
    if (!fits)
      return this.answers.refuse(actor, q, 'consent', new HubError('ATT_CONSENT_INVALID', msg('attest.consentNotFor')));
    const uncovered = uncoveredRead(item.rule, item.subjectKind, row.terms.data);
    if (uncovered) return this.answers.refuse(actor, q, 'consent', new HubError('ATT_CONSENT_INVALID', uncovered));
    const refusal = await consents.admit(row);
    if (refusal) return this.answers.refuse(actor, q, 'consent', refusal.refused);
  }

  /** Whether a returned answer's statement is the hub's, unchanged (public: anyone holding one may ask). */
  verify(statement: unknown, signature: string): boolean {
    return this.answers.verify(statement, signature);
  }

  stats(actor: Actor | null, since?: Date): Promise<AttestStats> {
    authorize(actor, 'attest:stats');
    return this.deps.counts.stats(since);
  }

  /** Item names by code (the subject's usage page names the item asked about). */
  names(codes: string[]): Promise<Map<string, Texts>> {
    return this.items.names(codes);
  }
}

/** The subject's ID and its kind: a citizen ID (a person) or else a credit code (an enterprise). */
function subjectOf(raw: string): { key: string; kind: SubjectKind } {
  const person = checkCitizenId(raw);
  if (person.ok) return { key: person.value.id, kind: 'person' };
  const firm = checkCreditCode(raw);
  if (firm.ok) return { key: firm.value.code, kind: 'legal_entity' };
  throw invalid(
    'subject',
    raw.trim().length === 18 && /^\d{17}/.test(raw.trim()) ? person.message : msg('attest.badSubject'),
  );
}
