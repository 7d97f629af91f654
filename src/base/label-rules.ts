import { HubError } from '../kernel/index.js';
import { BASE_KINDS, isBaseElement, type BaseKind } from './kinds.js';

/**
 * The label language (数字画像规则): a predicate over one subject's base values and its other
 * labels. Rules are data (base.label_rule), so an operator can declare a new label without a
 * release; `parseRule` is the one gate every rule passes before it is stored or evaluated.
 *
 *   { all: [p, …] }  { any: [p, …] }  { not: p }
 *   { label: 'elderly' }                               the subject has that label
 *   { element: 'birth_date', op: 'ageAtLeast', value: 60 }
 *
 * Ops: eq, in, lt, gt (numbers), ageAtLeast, ageBelow (whole years, from a date), exists.
 * Only values that pass their element's validator take part.
 */
export const OPS = ['eq', 'in', 'lt', 'gt', 'ageAtLeast', 'ageBelow', 'exists'] as const;
export type Op = (typeof OPS)[number];
export type Scalar = string | number | boolean;

export type Predicate =
  | { all: Predicate[] }
  | { any: Predicate[] }
  | { not: Predicate }
  | { label: string }
  | { element: string; op: Op; value?: Scalar | Scalar[] };

export interface LabelRule {
  code: string;
  name: string;
  kind: BaseKind;
  rule: Predicate;
  description: string;
}

const CODE = /^[a-z][a-z0-9_]{1,39}$/;
const MAX_NODES = 50;
const MAX_DEPTH = 8;

/** Checks a rule's shape and its references; throws BAS_BAD_RULE naming the place that is wrong. */
export function parseRule(input: LabelRule): LabelRule {
  if (!CODE.test(input.code)) fail('code', 'lower-case letters, digits and _, starting with a letter');
  if (!BASE_KINDS.includes(input.kind)) fail('kind', `one of ${BASE_KINDS.join(', ')}`);
  if (!input.name?.trim()) fail('name', 'required');
  const count = { nodes: 0 };
  checkPredicate(input.rule, input.kind, 'rule', 1, count);
  return { ...input, name: input.name.trim(), description: input.description?.trim() ?? '' };
}

function checkPredicate(p: unknown, kind: BaseKind, at: string, depth: number, count: { nodes: number }): void {
  if (++count.nodes > MAX_NODES) fail(at, `a rule has at most ${MAX_NODES} parts`);
  if (depth > MAX_DEPTH) fail(at, `nested at most ${MAX_DEPTH} deep`);
  if (p === null || typeof p !== 'object' || Array.isArray(p)) fail(at, 'expected an object');
  const o = p as Record<string, unknown>;
  const keys = Object.keys(o);
  if ('all' in o || 'any' in o) {
    const [name] = keys;
    const list = o[name!];
    if (keys.length !== 1 || !Array.isArray(list) || list.length === 0) fail(at, `${name} takes a non-empty list`);
    list.forEach((q, i) => checkPredicate(q, kind, `${at}/${name}/${i}`, depth + 1, count));
  } else if ('not' in o) {
    if (keys.length !== 1) fail(at, 'not takes one predicate and nothing beside it');
    checkPredicate(o.not, kind, `${at}/not`, depth + 1, count);
  } else if ('label' in o) {
    if (keys.length !== 1 || typeof o.label !== 'string' || !CODE.test(o.label)) fail(at, 'label takes a label code');
  } else if ('element' in o) {
    checkAtom(o, kind, at);
  } else {
    fail(at, 'expected all, any, not, label or element');
  }
}

function checkAtom(o: Record<string, unknown>, kind: BaseKind, at: string): void {
  const extra = Object.keys(o).filter((k) => !['element', 'op', 'value'].includes(k));
  if (extra.length > 0) fail(`${at}/${extra[0]}`, 'not part of a condition');
  if (typeof o.element !== 'string' || !isBaseElement(kind, o.element)) {
    fail(`${at}/element`, `not an element of the ${kind} base`);
  }
  if (!OPS.includes(o.op as Op)) fail(`${at}/op`, `one of ${OPS.join(', ')}`);
  const v = o.value;
  const scalar = (x: unknown) => ['string', 'number', 'boolean'].includes(typeof x);
  const ok: Record<Op, boolean> = {
    eq: scalar(v),
    in: Array.isArray(v) && v.length > 0 && v.length <= 100 && v.every(scalar),
    lt: typeof v === 'number' && Number.isFinite(v),
    gt: typeof v === 'number' && Number.isFinite(v),
    ageAtLeast: Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 150,
    ageBelow: Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 150,
    exists: v === undefined,
  };
  if (!ok[o.op as Op]) fail(`${at}/value`, VALUE_HINT[o.op as Op]);
}

const VALUE_HINT: Record<Op, string> = {
  eq: 'a string, number or boolean',
  in: 'a list of 1–100 strings, numbers or booleans',
  lt: 'a number',
  gt: 'a number',
  ageAtLeast: 'whole years, 0–150',
  ageBelow: 'whole years, 0–150',
  exists: 'no value',
};

/** The label codes a predicate refers to. */
export function referencedLabels(p: Predicate): string[] {
  if ('all' in p) return p.all.flatMap(referencedLabels);
  if ('any' in p) return p.any.flatMap(referencedLabels);
  if ('not' in p) return referencedLabels(p.not);
  if ('label' in p) return [p.label];
  return [];
}

/**
 * Rules in an order where every label comes after the labels it refers to, so one pass computes
 * them all. A reference to a missing label, to another base's label, or a cycle, is refused.
 */
export function evaluationOrder(rules: LabelRule[]): LabelRule[] {
  const byCode = new Map(rules.map((r) => [r.code, r]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: LabelRule[] = [];
  const visit = (r: LabelRule) => {
    if (done.has(r.code)) return;
    if (visiting.has(r.code)) fail('rule', `label ${r.code} refers to itself through other labels`);
    visiting.add(r.code);
    for (const ref of referencedLabels(r.rule)) {
      const target = byCode.get(ref);
      if (!target) fail('rule', `label ${r.code} refers to ${ref}, which is not declared`);
      if (target.kind !== r.kind) fail('rule', `label ${r.code} refers to ${ref} of another base`);
      visit(target);
    }
    visiting.delete(r.code);
    done.add(r.code);
    order.push(r);
  };
  rules.forEach(visit);
  return order;
}

function fail(field: string, reason: string): never {
  throw new HubError('BAS_BAD_RULE', `${field}: ${reason}`, { problems: [{ field, reason }] });
}
