import { findDataElement } from '../catalog/index.js';
import { invalidAs, msg, type Message } from '../kernel/index.js';
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
  if (!CODE.test(input.code)) fail('code', msg('label.code'));
  if (!BASE_KINDS.includes(input.kind)) fail('kind', msg('label.oneOf', { allowed: [...BASE_KINDS] }));
  if (!input.name?.trim()) fail('name', msg('kernel.required'));
  const count = { nodes: 0 };
  checkPredicate(input.rule, input.kind, 'rule', 1, count);
  return { ...input, name: input.name.trim(), description: input.description?.trim() ?? '' };
}

function checkPredicate(p: unknown, kind: BaseKind, at: string, depth: number, count: { nodes: number }): void {
  if (++count.nodes > MAX_NODES) fail(at, msg('label.maxParts', { max: MAX_NODES }));
  if (depth > MAX_DEPTH) fail(at, msg('label.maxDepth', { max: MAX_DEPTH }));
  if (p === null || typeof p !== 'object' || Array.isArray(p)) fail(at, msg('label.object'));
  const o = p as Record<string, unknown>;
  const keys = Object.keys(o);
  if ('all' in o || 'any' in o) {
    const [name] = keys;
    const list = o[name!];
    if (keys.length !== 1 || !Array.isArray(list) || list.length === 0)
      fail(at, msg('label.nonEmptyList', { name: name! }));
    list.forEach((q, i) => checkPredicate(q, kind, `${at}/${name}/${i}`, depth + 1, count));
  } else if ('not' in o) {
    if (keys.length !== 1) fail(at, msg('label.notOne'));
    checkPredicate(o.not, kind, `${at}/not`, depth + 1, count);
  } else if ('label' in o) {
    if (keys.length !== 1 || typeof o.label !== 'string' || !CODE.test(o.label)) fail(at, msg('label.labelCode'));
  } else if ('element' in o) {
    checkAtom(o, kind, at);
  } else {
    fail(at, msg('label.predicate'));
  }
}

function checkAtom(o: Record<string, unknown>, kind: BaseKind, at: string): void {
  const extra = Object.keys(o).filter((k) => !['element', 'op', 'value'].includes(k));
  if (extra.length > 0) fail(`${at}/${extra[0]}`, msg('label.notPart'));
  if (typeof o.element !== 'string' || !isBaseElement(kind, o.element)) {
    fail(`${at}/element`, msg('base.notElementOf', { base: msg(`baseKind.${kind}`) }));
  }
  if (!OPS.includes(o.op as Op)) fail(`${at}/op`, msg('label.oneOf', { allowed: [...OPS] }));
  // Sensitive personal information is sealed at rest (codec.ts): a rule may ask only whether it is there.
  if ((findDataElement(o.element)?.sensitivity ?? 0) >= 4 && o.op !== 'exists') {
    fail(`${at}/op`, msg('label.sealedOnlyExists', { name: findDataElement(o.element)!.name }));
  }
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
  if (!ok[o.op as Op]) fail(`${at}/value`, msg(`label.value.${o.op as Op}`));
}

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
    if (visiting.has(r.code)) fail('rule', msg('label.cycle', { code: r.code }));
    visiting.add(r.code);
    for (const ref of referencedLabels(r.rule)) {
      const target = byCode.get(ref);
      if (!target) fail('rule', msg('label.undeclared', { code: r.code, ref }));
      if (target.kind !== r.kind) fail('rule', msg('label.otherBase', { code: r.code, ref }));
      visit(target);
    }
    visiting.delete(r.code);
    done.add(r.code);
    order.push(r);
  };
  rules.forEach(visit);
  return order;
}

function fail(field: string, reason: Message): never {
  throw invalidAs('BAS_BAD_RULE', field, reason);
}
