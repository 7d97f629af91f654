import { actionLabel, isAllowed, type Action, type Actor, type Target } from '../access/index.js';
import { HubError, digestJson, msg } from '../kernel/index.js';
import type { Ledger, ReadOp, ShareReadEntry } from '../ledger/index.js';

/** What of the ledger a recorded read uses. */
export type ReadLedger = Pick<Ledger, 'append' | 'subjectTag' | 'suite'>;

/** What is read, for the policy and for the ledger entry. */
export interface ReadRequest {
  actor: Actor | null;
  /** The policy's action (and target) that must allow the read; without it nothing is read. */
  action: Action;
  target?: Target;
  op: ReadOp;
  /** A catalog resource code, or `base:<kind>` for a base database. */
  resource: string;
  purpose: string;
  /** The data subjects' identifiers, each on its own entry so its citizen finds it; null for a page. */
  subjects: Subject[] | null;
  /** The label whose members are read (base.members). */
  label?: string;
  /** The consent a third party fetches under (consent.fetch). */
  consent?: string;
  /** The problem a policy denial answers with; ACC_FORBIDDEN when not given. */
  forbidden?: (actor: Actor) => HubError;
}

/**
 * A subject read: its identifier, or with the resource it was read from where one read spans
 * several (a list of corrections), so that its entry names that resource rather than the read's.
 */
export type Subject = string | { key: string; resource: string };

/** A refusal past the policy: a missing grant, a purpose it does not allow, an exhausted quota, a consent not in force. */
export interface Refusal {
  refused: HubError;
  reason: 'no_grant' | 'purpose' | 'quota' | 'consent' | 'frequency';
  grant: number | null;
}

/** What the read may show: under which grant, which fields, and what `fetch` and `mask` need. */
export interface Admission<A> {
  grant?: number | null;
  fields?: string[];
  context: A;
}

export interface ReadSteps<A, R, T> {
  /** The checks past the policy (grants, purposes, quotas); a refusal is recorded like a denial. */
  admit: (actor: Actor) => Promise<Refusal | Admission<A>>;
  fetch: (context: A) => Promise<R>;
  /** Masks by each field's data element (share's `projectRecord`/`maskValue`): what leaves. */
  mask: (raw: R, context: A) => T;
  /** Rows in the answer: a read of named subjects that finds none is `not_found`. */
  rows: (value: T) => number;
  /**
   * What of the masked value leaves, for the entry's `resultDigest`: the whole value when not
   * given. A read whose value also carries its own context (share's visibility) names the part
   * the caller receives, so that the caller can recompute the digest from what it got.
   */
  answer?: (value: T) => unknown;
  /**
   * The subjects of an answer known only once read (a page, a filter, a sample): one entry each,
   * so each citizen finds the read; a page that returned no one is one entry without a subject.
   */
  subjectsOf?: (raw: R) => Subject[];
  /** Errors of `fetch` that mean "no such subject": recorded as `not_found`, then rethrown. */
  notFound?: (error: unknown) => boolean;
}

type Outcome = Pick<ShareReadEntry, 'outcome' | 'reason' | 'grant' | 'fields' | 'rows' | 'resultDigest'>;

/**
 * The one recorded read (DESIGN.md): every path that returns personal or non-open data passes
 * here. It asks the policy, then the read's own admission, reads, masks, appends one
 * `share.read` entry per subject (or one for a page) and waits for it to be durable, and only then
 * returns — a refusal is appended before its problem is thrown. The entries of one read are
 * appended together, so they share the ledger's group commit with every other read in flight.
 */
export async function recordedRead<A, R, T>(
  ledger: ReadLedger,
  req: ReadRequest,
  steps: ReadSteps<A, R, T>,
): Promise<T> {
  const actor = req.actor;
  if (actor === null) throw new HubError('ACC_UNAUTHENTICATED');
  if (!isAllowed(actor, req.action, req.target)) {
    await record(ledger, actor, req, { outcome: 'denied', reason: 'forbidden' });
    throw (
      req.forbidden?.(actor) ??
      new HubError('ACC_FORBIDDEN', msg('access.mayNot', { user: actor.username, action: actionLabel(req.action) }))
    );
  }
  const admitted = await steps.admit(actor);
  if ('refused' in admitted) {
    await record(ledger, actor, req, { outcome: 'denied', reason: admitted.reason, grant: admitted.grant });
    throw admitted.refused;
  }
  const under = { grant: admitted.grant, fields: admitted.fields };
  let raw: R;
  try {
    raw = await steps.fetch(admitted.context);
  } catch (e) {
    if (steps.notFound?.(e)) await record(ledger, actor, req, { outcome: 'not_found', ...under });
    throw e;
  }
  const value = steps.mask(raw, admitted.context);
  const rows = steps.rows(value);
  const outcome = req.subjects !== null && rows === 0 ? 'not_found' : 'allowed';
  const read = steps.subjectsOf ? { ...req, subjects: nonEmpty(steps.subjectsOf(raw)) } : req;
  const resultDigest = digestJson(ledger.suite, steps.answer ? steps.answer(value) : value);
  await record(ledger, actor, read, { outcome, ...under, rows, resultDigest });
  return value;
}

async function record(ledger: ReadLedger, actor: Actor, req: ReadRequest, outcome: Outcome): Promise<void> {
  const entry: Omit<ShareReadEntry, 'v' | 'subject'> = {
    kind: 'share.read',
    op: req.op,
    at: new Date().toISOString(),
    actor: actor.username,
    org: actor.org?.code ?? null,
    resource: req.resource,
    purpose: req.purpose,
    outcome: outcome.outcome,
  };
  if (req.label !== undefined) entry.label = req.label;
  if (req.consent !== undefined) entry.consent = req.consent;
  // An absent value stays absent in the hashed JSON rather than failing its schema as `undefined`.
  if (outcome.reason !== undefined) entry.reason = outcome.reason;
  if (outcome.grant !== undefined) entry.grant = outcome.grant;
  if (outcome.fields !== undefined) entry.fields = outcome.fields;
  if (outcome.rows !== undefined) entry.rows = outcome.rows;
  if (outcome.resultDigest !== undefined) entry.resultDigest = outcome.resultDigest;
  const subjects = req.subjects;
  const of = (s: Subject) =>
    typeof s === 'string'
      ? { ...entry, subject: ledger.subjectTag(s) }
      : { ...entry, resource: s.resource, subject: ledger.subjectTag(s.key) };
  // One subject, the data service's usual call: no array of promises to wait on.
  if (subjects?.length === 1) return void (await ledger.append(of(subjects[0]!)));
  await Promise.all(
    subjects === null ? [ledger.append({ ...entry, subject: null })] : subjects.map((s) => ledger.append(of(s))),
  );
}

/** The subjects read, each once; null when there were none (one entry for the page). */
function nonEmpty(subjects: Subject[]): Subject[] | null {
  const once = new Map(subjects.map((s) => [typeof s === 'string' ? s : `${s.resource}\0${s.key}`, s]));
  return once.size > 0 ? [...once.values()] : null;
}
