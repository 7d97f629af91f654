import { RELATIVE_DAY } from './check.js';
import { presenceSource, sourceKey, type Condition, type Literal, type SubjectKind, type Test } from './rule.js';

/** One record of the subject: its fields by name. */
export type Doc = Readonly<Record<string, unknown>>;

/**
 * What the evaluation knows of the subject: each source's record by `sourceKey`, null where the
 * source holds none. Fetched before, so that evaluating is a pure function of the data and the time.
 */
export type SubjectData = ReadonlyMap<string, Doc | null>;

/**
 * Whether the subject satisfies the condition at `now` (docs/attest.md, "How a rule is decided").
 * Two-valued: a test of a field the subject has no value for is false (only `not_exists` holds),
 * a test of a source without a record of the subject is false, and `not` turns false into true —
 * so `{not: {field: x, op: eq, value: v}}` holds when x is missing. Days are China time.
 */
export function evaluate(rule: Condition, kind: SubjectKind, data: SubjectData, now: Date): boolean {
  const today = chinaDay(now);
  const decide = (c: Condition, implied: Doc | null | undefined): boolean => {
    if ('all' in c) return c.all.every((m) => decide(m, implied));
    if ('any' in c) return c.any.some((m) => decide(m, implied));
    if ('not' in c) return !decide(c.not, implied);
    if ('exists' in c || 'not_exists' in c) {
      const p = 'exists' in c ? c.exists : c.not_exists;
      const doc = data.get(sourceKey(presenceSource(p, kind))) ?? null;
      const present = doc !== null && (p.where === undefined || decide(p.where, doc));
      return 'exists' in c ? present : !present;
    }
    const doc =
      c.source !== undefined || implied === undefined
        ? (data.get(sourceKey(c.source ?? { base: kind })) ?? null)
        : implied;
    return holds(c, doc, today);
  };
  return decide(rule, undefined);
}

/** One test against one record (or none). */
export function holds(t: Test, doc: Doc | null, today: string): boolean {
  const raw = doc?.[t.field];
  const present = raw !== undefined && raw !== null && raw !== '';
  if (t.op === 'exists') return present;
  if (t.op === 'not_exists') return !present;
  if (!present) return false;
  const v = t.value;
  switch (t.op) {
    case 'eq':
      return same(raw, v, today);
    case 'ne':
      return !same(raw, v, today);
    case 'in':
      return Array.isArray(v) && v.some((x) => same(raw, x, today));
    case 'prefix':
      return typeof v === 'string' && String(raw).startsWith(v);
    case 'gt':
      return order(raw, v, today) > 0;
    case 'ge':
      return order(raw, v, today) >= 0;
    case 'lt':
      return order(raw, v, today) < 0;
    case 'le':
      return order(raw, v, today) <= 0;
    case 'within_days': {
      const day = asDay(raw);
      return day !== undefined && day <= today && day >= shift(today, -Number(v), 'd');
    }
    case 'age_ge':
    case 'age_lt': {
      const day = asDay(raw);
      if (day === undefined) return false;
      const years = wholeYears(day, today);
      return t.op === 'age_ge' ? years >= Number(v) : years < Number(v);
    }
  }
}

/** Equal as the literal's type: numbers as numbers, booleans as booleans, days as days. */
function same(raw: unknown, v: Literal | undefined, today: string): boolean {
  if (typeof v === 'number') return toNumber(raw) === v;
  if (typeof v === 'boolean') return toBoolean(raw) === v;
  if (typeof v === 'string' && isDayLiteral(v)) return asDay(raw) === resolveDay(v, today);
  return String(raw) === v;
}

/** -1, 0, 1; NaN when the two cannot be ordered (every comparison with NaN is false). */
function order(raw: unknown, v: Literal | undefined, today: string): number {
  if (typeof v === 'number') {
    const n = toNumber(raw);
    return n === undefined ? NaN : Math.sign(n - v);
  }
  if (typeof v === 'string') {
    const day = asDay(raw);
    if (day === undefined) return NaN;
    const other = resolveDay(v, today);
    return day < other ? -1 : day > other ? 1 : 0;
  }
  return NaN;
}

function toNumber(raw: unknown): number | undefined {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function toBoolean(raw: unknown): boolean | undefined {
  if (typeof raw === 'boolean') return raw;
  const truth: Record<string, boolean> = { true: true, false: false, 是: true, 否: false, '1': true, '0': false };
  return truth[String(raw)];
}

const DAY = /^\d{4}-\d{2}-\d{2}/;
const isDayLiteral = (v: string) => RELATIVE_DAY.test(v) || /^\d{4}-\d{2}-\d{2}$/.test(v);

/** A stored date (or timestamp) as its day `YYYY-MM-DD`. */
function asDay(raw: unknown): string | undefined {
  const text = raw instanceof Date ? raw.toISOString() : String(raw);
  return DAY.exec(text)?.[0];
}

/** A day literal as a calendar day: `today-30d` is thirty days before the answer's day. */
export function resolveDay(v: string, today: string): string {
  const m = RELATIVE_DAY.exec(v);
  if (!m) return v;
  if (!m[1]) return today;
  return shift(today, (m[1] === '-' ? -1 : 1) * Number(m[2]), m[3] as 'd' | 'y');
}

function shift(day: string, n: number, unit: 'd' | 'y'): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (unit === 'd') d.setUTCDate(d.getUTCDate() + n);
  else d.setUTCFullYear(d.getUTCFullYear() + n);
  return d.toISOString().slice(0, 10);
}

/** Whole years from `from` to `to` (an age on `to` of someone born on `from`). */
export function wholeYears(from: string, to: string): number {
  const years = Number(to.slice(0, 4)) - Number(from.slice(0, 4));
  return to.slice(5) < from.slice(5) ? years - 1 : years;
}

/** China time (UTC+8, no daylight saving) as `YYYY-MM-DD`. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
