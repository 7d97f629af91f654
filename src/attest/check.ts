import { Compile } from 'typebox/compile';
import type { FieldType } from '../catalog/index.js';
import {
  fieldProblem,
  isCalendarDate,
  isDivisionCode,
  msg,
  schemaMessage,
  withProblems,
  type FieldProblem,
  type Message,
  type Texts,
} from '../kernel/index.js';
import {
  NODE_SCHEMAS,
  OPS_BY_KIND,
  kindOf,
  presenceSource,
  type Condition,
  type Literal,
  type Op,
  type Source,
  type SubjectKind,
  type Test,
  type ValueKind,
} from './rule.js';

/** One field a rule may test, as the catalog (or the base's data elements) declares it. */
export interface RuleField {
  name: string;
  label: string;
  type: FieldType;
  codeList?: string[] | undefined;
}

/** A source as the checks and the words need it: its name and its fields. */
export interface SourceInfo {
  name: string;
  fields: RuleField[];
}

/** Where a rule's sources are looked up: a source the subject's records cannot be found in answers why not. */
export interface RuleCatalog {
  source(source: Source, kind: SubjectKind): Promise<SourceInfo | Message>;
}

const MAX_NODES = 50;
const MAX_DEPTH = 8;
const MAX_PROBLEMS = 20;
const CHECKERS = Object.fromEntries(Object.entries(NODE_SCHEMAS).map(([k, s]) => [k, Compile(s)])) as {
  [K in keyof typeof NODE_SCHEMAS]: ReturnType<typeof Compile<(typeof NODE_SCHEMAS)[K]>>;
};

/** A relative day: `today`, `today-30d`, `today+1y` (days or years from the answer's day, China time). */
export const RELATIVE_DAY = /^today(?:([+-])(\d{1,5})([dy]))?$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The one gate a rule passes before it is saved (docs/attest.md): each node's shape by its schema,
 * then its meaning — the sources exist and hold records keyed by this kind of subject, the fields
 * exist, each operator fits its field's type and each literal parses as that type. Answers the
 * rule with its literals normalized (numbers as numbers, 是/否 as booleans), or throws ATT_BAD_RULE
 * listing every problem found, each at its JSON path, in words.
 */
export async function checkRule(
  input: unknown,
  kind: SubjectKind,
  catalog: RuleCatalog,
): Promise<{ rule: Condition; sources: Map<string, SourceInfo> }> {
  const problems: FieldProblem[] = [];
  const sources = new Map<string, SourceInfo | Message>();
  const count = { nodes: 0 };
  const fail = (at: string, reason: Message) => {
    if (problems.length < MAX_PROBLEMS) problems.push(fieldProblem(at, reason));
    return undefined;
  };
  const infoOf = async (s: Source): Promise<SourceInfo | undefined> => {
    const key = 'resource' in s ? `resource:${s.resource}` : `base:${s.base}`;
    if (!sources.has(key)) sources.set(key, await catalog.source(s, kind));
    const info = sources.get(key)!;
    return 'fields' in info ? info : undefined;
  };

  const node = async (
    n: unknown,
    at: string,
    depth: number,
    implied: Source | undefined,
  ): Promise<Condition | undefined> => {
    if (++count.nodes > MAX_NODES) return fail(at, msg('attest.maxNodes', { max: MAX_NODES }));
    if (depth > MAX_DEPTH) return fail(at, msg('attest.maxDepth', { max: MAX_DEPTH }));
    if (n === null || typeof n !== 'object' || Array.isArray(n)) return fail(at, msg('attest.object'));
    const o = n as Record<string, unknown>;
    const which =
      (['all', 'any', 'not', 'exists', 'not_exists'] as const).find((k) => k in o) ??
      ('field' in o ? 'test' : undefined);
    if (!which)
      return fail(
        at,
        msg('attest.nodeKind', {
          kinds: ['all', 'any', 'not', 'exists', 'not_exists'],
          parts: ['field', 'op', 'value'],
        }),
      );
    const shape = shapeProblem(which, o);
    if (shape) return fail(at + shape.path, shape.reason);
    if (which === 'all' || which === 'any') {
      const list = o[which] as unknown[];
      const parts = await Promise.all(list.map((m, i) => node(m, `${at}/${which}/${i}`, depth + 1, implied)));
      return parts.every(Boolean) ? ({ [which]: parts } as Condition) : undefined;
    }
    if (which === 'not') {
      const inner = await node(o.not, `${at}/not`, depth + 1, implied);
      return inner && { not: inner };
    }
    if (which === 'exists' || which === 'not_exists') {
      const p = o[which] as { resource?: string; base?: SubjectKind; where?: unknown };
      const here = `${at}/${which}`;
      if (implied) return fail(here, msg('attest.presenceInWhere'));
      if ((p.resource === undefined) === (p.base === undefined))
        return fail(here, msg('attest.oneSource', { choices: ['resource', 'base'] }));
      if (p.base !== undefined && p.base !== kind) return fail(`${here}/base`, msg('attest.otherBase'));
      const source = presenceSource({ ...p, where: undefined }, kind);
      const info = await infoOf(source);
      if (!info)
        return fail(
          `${here}/${'resource' in source ? 'resource' : 'base'}`,
          sources.get(sourceKeyOf(source)) as Message,
        );
      const where = p.where === undefined ? undefined : await node(p.where, `${here}/where`, depth + 1, source);
      if (p.where !== undefined && !where) return undefined;
      const presence = {
        ...('resource' in source ? { resource: source.resource } : { base: source.base }),
        ...(where ? { where } : {}),
      };
      return { [which]: presence } as Condition;
    }
    return test(o as Test, at, implied);
  };

  const test = async (t: Test, at: string, implied: Source | undefined): Promise<Condition | undefined> => {
    if (implied && t.source) return fail(`${at}/source`, msg('attest.sourceInWhere'));
    const source = t.source ?? implied ?? { base: kind };
    if ('base' in source && source.base !== kind) return fail(`${at}/source/base`, msg('attest.otherBase'));
    const info = await infoOf(source);
    if (!info) return fail(t.source ? `${at}/source` : at, sources.get(sourceKeyOf(source)) as Message);
    const field = info.fields.find((f) => f.name === t.field);
    if (!field) return fail(`${at}/field`, msg('attest.noField', { field: t.field, source: info.name }));
    const valueKind = kindOf(field.type);
    if (!OPS_BY_KIND[valueKind].includes(t.op))
      return fail(
        `${at}/op`,
        msg('attest.opForType', {
          op: t.op,
          type: msg(`attest.kind.${valueKind}`),
          allowed: [...OPS_BY_KIND[valueKind]],
        }),
      );
    const value = literal(t.op, t.value, field, valueKind);
    if ('problem' in value) return fail(`${at}/value`, value.problem);
    const out: Test = { ...(t.source ? { source: t.source } : {}), field: t.field, op: t.op };
    if (value.value !== undefined) out.value = value.value;
    return out;
  };

  const rule = await node(input, 'rule', 1, undefined);
  if (problems.length > 0 || !rule) throw withProblems('ATT_BAD_RULE', problems);
  const known = new Map([...sources].flatMap(([k, v]) => ('fields' in v ? [[k, v] as const] : [])));
  return { rule, sources: known };
}

function sourceKeyOf(s: Source): string {
  return 'resource' in s ? `resource:${s.resource}` : `base:${s.base}`;
}

/** The first thing wrong with a node's shape, at its path below the node. */
function shapeProblem(which: keyof typeof NODE_SCHEMAS, o: unknown): { path: string; reason: Message } | undefined {
  const checker = CHECKERS[which];
  if (checker.Check(o)) return undefined;
  const errors = [...checker.Errors(o)];
  const first = errors.find((e) => e.keyword !== 'boolean' && e.keyword !== 'anyOf') ?? errors[0]!;
  const extra = (first.params as { additionalProperties?: string[] } | undefined)?.additionalProperties?.[0];
  const path = first.instancePath + (first.keyword === 'additionalProperties' && extra ? `/${extra}` : '');
  if (first.keyword === 'additionalProperties') return { path, reason: msg('attest.notPart') };
  if (path === '/op')
    return { path, reason: msg('attest.unknownOp', { allowed: [...new Set(Object.values(OPS_BY_KIND).flat())] }) };
  return { path, reason: schemaMessage(first) };
}

type Parsed = { value: Literal | undefined } | { problem: Message };

/** The literal of a test, parsed as its field's type: the normalized value, or why it does not parse. */
export function literal(op: Op, raw: Literal | undefined, field: RuleField, kind: ValueKind): Parsed {
  if (op === 'exists' || op === 'not_exists')
    return raw === undefined ? { value: undefined } : { problem: msg('attest.noValueFor', { op }) };
  if (raw === undefined) return { problem: msg('attest.valueRequired', { op }) };
  if (op === 'within_days' || op === 'age_ge' || op === 'age_lt') {
    const max = op === 'within_days' ? 36_500 : 150;
    const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max
      ? { value: n }
      : { problem: msg('attest.wholeNumber', { max }) };
  }
  if (op === 'in') {
    if (!Array.isArray(raw)) return { problem: msg('attest.listRequired') };
    const parsed = raw.map((v) => scalar(v, field, kind, op));
    const bad = parsed.find((p) => 'problem' in p);
    return bad ?? { value: parsed.map((p) => (p as { value: string | number | boolean }).value) };
  }
  if (Array.isArray(raw)) return { problem: msg('attest.oneValue', { op }) };
  return scalar(raw, field, kind, op);
}

function scalar(raw: string | number | boolean, field: RuleField, kind: ValueKind, op: Op): Parsed {
  if (op === 'prefix') {
    if (typeof raw !== 'string' || raw.length === 0) return { problem: msg('attest.textRequired') };
    if (field.type === 'division' && !/^\d{2,6}$/.test(raw)) return { problem: msg('attest.divisionPrefix') };
    return { value: raw };
  }
  switch (kind) {
    case 'number': {
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      if (typeof n !== 'number' || !Number.isFinite(n)) return { problem: msg('attest.numberRequired') };
      if (field.type === 'integer' && !Number.isInteger(n)) return { problem: msg('attest.integerRequired') };
      return { value: n };
    }
    case 'boolean': {
      const truth: Record<string, boolean> = { true: true, false: false, 是: true, 否: false };
      const b = typeof raw === 'boolean' ? raw : typeof raw === 'string' ? truth[raw] : undefined;
      return b === undefined ? { problem: msg('attest.booleanRequired') } : { value: b };
    }
    case 'date':
      return typeof raw === 'string' && isDay(raw)
        ? { value: raw }
        : { problem: msg('attest.dateRequired', { forms: ['today', 'today-30d', 'today+1y'] }) };
    case 'text': {
      if (typeof raw !== 'string' || raw.length === 0) return { problem: msg('attest.textRequired') };
      if (field.codeList && !field.codeList.includes(raw))
        return { problem: msg('attest.notInCodeList', { allowed: field.codeList.slice(0, 12) }) };
      if (field.type === 'division' && !isDivisionCode(raw))
        return { problem: msg('kernel.notDivision', { code: raw }) };
      return { value: raw };
    }
  }
}

/** A calendar day `YYYY-MM-DD` or a day relative to the answer's (`today-30d`). */
export function isDay(text: string): boolean {
  if (RELATIVE_DAY.test(text)) return true;
  const m = DAY.exec(text);
  return m !== null && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** The names a description in words shows, for any language. */
export type Names = Map<string, SourceInfo>;

/** Both languages of a text built of parts. */
export const texts = (zh: string, en: string): Texts => ({ 'zh-CN': zh, en });
