import type { Field, Resource } from '../catalog/index.js';
import {
  GENDER_NAME,
  chinaDate,
  citizenIdFacts,
  msg,
  type Message,
  type MessageKey,
  type Params,
} from '../kernel/index.js';
import type { QualityRule, Severity } from './rules.js';

/** What a rule found wrong with one value of one row. `row` is the source row (header = 1). */
export interface Issue {
  row: number;
  field: string;
  rule: string;
  severity: Severity;
  /** In English, for logs and stored reports; `code` and `params` render it in the reader's language. */
  reason: string;
  code?: MessageKey;
  params?: Params;
}

/** A check of one row's document: the reason it fails, or null. Reasons never quote the value. */
export type DocCheck = (doc: Record<string, unknown>) => Message | null;

/** A rule that holds for every resource with the fields it needs, from the data elements. */
export interface BuiltinRule {
  id: string;
  field: string;
  severity: Severity;
  description: string;
  check: DocCheck;
}

const DAY = 86_400_000;

/**
 * A check of one value for the rules that look at a value alone (regex, range, freshness);
 * undefined for the kinds that need other rows (unique, referential). `now` is the load time.
 */
export function valueCheck(rule: QualityRule, now: Date): ((value: unknown) => Message | null) | undefined {
  switch (rule.kind) {
    case 'regex': {
      const re = new RegExp(rule.pattern!, 'u');
      return (v) => (re.test(String(v)) ? null : msg('quality.noMatch', { pattern: rule.pattern! }));
    }
    case 'range':
      return (v) => rangeReason(v, rule.min, rule.max);
    case 'freshness': {
      const oldest = chinaDate(new Date(now.getTime() - rule.maxAgeDays! * DAY));
      return (v) => (String(v) < oldest ? msg('quality.olderThan', { days: rule.maxAgeDays!, date: oldest }) : null);
    }
    default:
      return undefined;
  }
}

/** Numbers compare as numbers, dates (YYYY-MM-DD) as strings, which orders them by time. */
function rangeReason(v: unknown, min: number | string | undefined, max: number | string | undefined): Message | null {
  const value = typeof min === 'number' || typeof max === 'number' ? Number(v) : String(v);
  if (min !== undefined && value < min) return msg('quality.belowMin', { min });
  if (max !== undefined && value > max) return msg('quality.aboveMax', { max });
  return null;
}

/**
 * The cross-field rules the data elements imply: a birth date (数据元 birth_date) and a gender
 * (gender) must agree with what the citizen ID (公民身份号码) encodes — its 7th–14th digits and
 * the parity of its 17th. The ID is the key when the key is a citizen ID, else the resource's
 * only citizen ID field; with several and none the key, which one a birth date belongs to is
 * not known and nothing is checked.
 */
export function builtinRules(resource: Resource): BuiltinRule[] {
  const idField = citizenIdField(resource);
  if (!idField) return [];
  const out: BuiltinRule[] = [];
  for (const f of resource.fields.filter((x) => x.element === 'birth_date')) {
    out.push({
      id: `builtin.id-birth-date.${f.name}`,
      field: f.name,
      severity: 'reject',
      description: `${f.label}与${idField.label}中的出生日期一致`,
      check: fromId(idField, f, (id) => id.birthDate, msg('quality.birthDateDiffers')),
    });
  }
  for (const f of resource.fields.filter((x) => x.element === 'gender')) {
    out.push({
      id: `builtin.id-gender.${f.name}`,
      field: f.name,
      severity: 'reject',
      description: `${f.label}与${idField.label}第 17 位（奇男偶女）一致`,
      // Only 男/女 are compared: other codes of GB/T 2261.1 (未知, 未说明) say nothing the ID could contradict.
      check: fromId(idField, f, (id) => GENDER_NAME[id.gender], msg('quality.genderDiffers'), ['男', '女']),
    });
  }
  return out;
}

function citizenIdField(resource: Resource): Field | undefined {
  const ids = resource.fields.filter((f) => f.type === 'citizen_id');
  return ids.find((f) => f.name === resource.keyField) ?? (ids.length === 1 ? ids[0] : undefined);
}

/** Compares a field with what the ID says; an empty field or an empty ID is not this rule's concern. */
function fromId(
  idField: Field,
  field: Field,
  expected: (id: { birthDate: string; gender: 'male' | 'female' }) => string,
  reason: Message,
  comparable?: readonly string[],
): DocCheck {
  return (doc) => {
    const id = doc[idField.name];
    const value = doc[field.name];
    if (id === null || id === undefined || value === null || value === undefined) return null;
    if (comparable && !comparable.includes(String(value))) return null;
    const facts = citizenIdFacts(String(id));
    if (!facts) return null;
    return String(value) === expected(facts) ? null : reason;
  };
}
