import { randomUUID } from 'node:crypto';
import type { Actor } from '../access/index.js';
import type { CatalogService } from '../catalog/index.js';
import type { HubError } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import { evaluate } from './evaluate.js';
import type { ProofItem } from './items.js';
import { sourcesOf } from './rule.js';
import { fetchSubject, type SubjectReader } from './sources.js';
import type { AnswerCounts } from './stats.js';

/** The statement the hub signs of an answer (docs/attest.md, "What is signed"). */
export interface Statement {
  type: 'qdh.attestation';
  id: string;
  item: string;
  ruleVersion: number;
  subjectKind: ProofItem['subjectKind'];
  /** The ledger's keyed tag of the subject's ID: binds the answer to the subject, names no one. */
  subject: string;
  answer: boolean;
  purpose: string;
  asker: string;
  basis: { consent: string } | { legalBasis: string };
  issuedAt: string;
}

export interface Answer {
  id: string;
  answer: boolean;
  item: string;
  ruleVersion: number;
  issuedAt: string;
  signature: string;
  statement: Statement;
}

/** What a question names: the item, whose, why, and on what basis. */
export interface Question {
  item: ProofItem;
  key: string;
  purpose: string;
  basis: { consent: string } | { legalBasis: string };
}

/** A basis as asked: a consent id, a stated legal basis, or (refused) neither. */
export type Basis = { consent?: string | undefined; legalBasis?: string | undefined };

export type Refusal = 'forbidden' | 'no_basis' | 'consent';

export interface AnswerDeps {
  catalog: Pick<CatalogService, 'get'>;
  reader: SubjectReader;
  counts: Pick<AnswerCounts, 'count'>;
  ledger: Pick<Ledger, 'append' | 'subjectTag' | 'signStatement' | 'verifyStatement'>;
  now?: () => Date;
}

/**
 * 无证明核验: a question about one subject decided by the item's rule in force over the subject's
 * own records, answered yes or no, signed, counted and put on the ledger before it leaves. No
 * value of the records is in the answer, the ledger entry or any error.
 */
export class Answers {
  private readonly now: () => Date;

  constructor(private readonly deps: AnswerDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async answer(actor: Actor, q: Question): Promise<Answer> {
    const { item } = q;
    const data = await fetchSubject(sourcesOf(item.rule, item.subjectKind), item.subjectKind, q.key, this.deps);
    const at = this.now();
    const statement: Statement = {
      type: 'qdh.attestation',
      id: randomUUID(),
      item: item.code,
      ruleVersion: item.version,
      subjectKind: item.subjectKind,
      subject: this.deps.ledger.subjectTag(q.key),
      answer: evaluate(item.rule, item.subjectKind, data, at),
      purpose: q.purpose,
      asker: actor.org!.code,
      basis: q.basis,
      issuedAt: at.toISOString(),
    };
    const signature = this.deps.ledger.signStatement(statement);
    this.deps.counts.count({
      item: item.code,
      version: item.version,
      provider: item.provider,
      askerOrg: statement.asker,
      answer: statement.answer,
      at,
    });
    await this.deps.ledger.append({
      kind: 'attest.answered',
      outcome: 'answered',
      attestation: statement.id,
      item: item.code,
      ruleVersion: item.version,
      provider: item.provider,
      subject: statement.subject,
      purpose: q.purpose,
      ...basisOf(q.basis),
      answer: statement.answer,
      signature,
      actor: actor.username,
      org: statement.asker,
      at: statement.issuedAt,
    });
    return {
      id: statement.id,
      answer: statement.answer,
      item: item.code,
      ruleVersion: item.version,
      issuedAt: statement.issuedAt,
      signature,
      statement,
    };
  }

  /** A question refused: on the ledger like an answer, then its problem thrown. */
  async refuse(
    actor: Actor,
    q: { item: string; provider?: string | undefined; key: string; purpose: string; basis: Basis },
    reason: Refusal,
    problem: HubError,
  ): Promise<never> {
    await this.deps.ledger.append({
      kind: 'attest.answered',
      outcome: 'denied',
      reason,
      item: q.item,
      ...(q.provider ? { provider: q.provider } : {}),
      subject: this.deps.ledger.subjectTag(q.key),
      purpose: q.purpose,
      ...basisOf(q.basis),
      actor: actor.username,
      org: actor.org?.code ?? null,
      at: this.now().toISOString(),
    });
    throw problem;
  }

  /** Whether a statement is one the hub signed as an attestation, unchanged. */
  verify(statement: unknown, signature: string): boolean {
    if (statement === null || typeof statement !== 'object') return false;
    if ((statement as { type?: unknown }).type !== 'qdh.attestation') return false;
    return this.deps.ledger.verifyStatement(statement, signature);
  }
}

/** The basis as the ledger entry names it: the consent's id, or the stated legal basis. */
function basisOf(basis: Basis) {
  return {
    ...(basis.consent !== undefined ? { consent: basis.consent } : {}),
    ...(basis.legalBasis !== undefined ? { legalBasis: basis.legalBasis } : {}),
  };
}
