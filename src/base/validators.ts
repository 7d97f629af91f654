import { checkValue, type DataElement } from '../catalog/index.js';
import { GENDER_NAME, citizenIdFacts } from '../kernel/index.js';
import type { BaseKind } from './kinds.js';

export type Verdict = { valid: true } | { valid: false; reason: string };

const OK: Verdict = { valid: true };
/** A Chinese name (with the middle dot of minority names) or a name in Latin letters. */
const PERSON_NAME = /^(?:[\p{Script=Han}·]{2,20}|[A-Za-z][A-Za-z .'-]{1,49})$/u;

type Rule = (value: unknown, key: string) => Verdict;

/**
 * What a base value must be beyond the type its field already checked at ingest: rules that
 * tie it to the subject key (a birth date or gender the citizen ID contradicts), ranges, and
 * formats. A value that fails stays in the base, marked invalid; it counts against accuracy
 * and makes no label.
 */
const RULES: Record<string, Partial<Record<BaseKind, Rule>>> = {
  // Subject keys are loaded keys, validated at ingest: their digits are read, not checked again.
  birth_date: {
    person: (v, key) => {
      const id = citizenIdFacts(key);
      if (!id) return OK;
      return id.birthDate === v ? OK : bad('differs from the birth date in the citizen ID');
    },
  },
  gender: {
    person: (v, key) => {
      const id = citizenIdFacts(key);
      if (!id) return OK;
      return v === GENDER_NAME[id.gender] ? OK : bad('differs from the gender the citizen ID gives');
    },
  },
  person_name: { person: (v) => (PERSON_NAME.test(String(v)) ? OK : bad('not a person’s name')) },
  legal_rep: { legal_entity: (v) => (PERSON_NAME.test(String(v)) ? OK : bad('not a person’s name')) },
  household_size: { person: (v) => range(v, 1, 30) },
  disability_cert_no: {
    person: (v, key) =>
      new RegExp(`^${key}[1-7][1-4]$`).test(String(v))
        ? OK
        : bad('not the holder’s citizen ID followed by a category (1–7) and a grade (1–4)'),
  },
  employees: { legal_entity: (v) => range(v, 0, 10_000_000) },
  reg_capital: { legal_entity: (v) => range(v, 0, 1e9) },
  revenue: { legal_entity: (v) => range(v, 0, 1e10) },
};

/**
 * The check of a value of `element` in the base of `kind`: the element's own checks (type, code
 * list, length) and then the base's rules for it. Prepared once for the many values of a load.
 */
export function validatorOf(kind: BaseKind, element: DataElement): (key: string, value: unknown) => Verdict {
  const field = {
    name: element.code,
    label: element.name,
    element: element.code,
    type: element.type,
    required: true,
    sensitivity: element.sensitivity,
    ...(element.maxLength === undefined ? {} : { maxLength: element.maxLength }),
    ...(element.codeList === undefined ? {} : { codeList: element.codeList }),
  };
  const rule = RULES[element.code]?.[kind];
  return (key, value) => {
    const typed = checkValue(field, String(value));
    if (!typed.ok) return bad(typed.reason);
    return rule?.(typed.value, key) ?? OK;
  };
}

/**
 * The form in which two providers' values are compared: full-width letters and digits folded
 * (NFKC) and white space dropped, so that "泉城路 1 号" and "泉城路１号" confirm each other
 * rather than conflict. Numbers compare by value.
 */
export function normalize(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value).normalize('NFKC').replace(/\s+/g, '');
}

function range(v: unknown, min: number, max: number): Verdict {
  const n = Number(v);
  return n >= min && n <= max ? OK : bad(`outside ${min}–${max}`);
}

function bad(reason: string): Verdict {
  return { valid: false, reason };
}
