import {
  checkCitizenId,
  checkCreditCode,
  invalid,
  isCalendarDate,
  isDivisionCode,
  msg,
  refuse,
  type Refusal,
} from '../kernel/index.js';
import { labelFor } from './code-lists.js';
import { findDataElement, type Masking } from './elements.js';

export const FIELD_TYPES = [
  'string',
  'integer',
  'number',
  'date',
  'boolean',
  'citizen_id',
  'credit_code',
  'division',
  'phone',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** One column of a resource (信息项). `sensitivity` 4 is sensitive personal information. */
export interface Field {
  name: string;
  label: string;
  type: FieldType;
  required: boolean;
  /** 1–4, checked at the edge by FieldSchema. */
  sensitivity: number;
  maxLength?: number;
  /** The data element (数据元) this field binds to: its type, validator, sensitivity and masking. */
  element?: string;
  /** The only values allowed (代码集), when the field takes values from a code list. */
  codeList?: string[];
}

export type FieldValue = string | number | boolean | null;
export type Checked = { ok: true; value: FieldValue } | Refusal;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-?\d{7,8}$/;

/**
 * Turns one raw text value into the field's typed value, or says why it cannot. Every way into
 * the hub (CSV, API, spreadsheet) validates through here, so a rule is fixed in one place.
 */
export function checkValue(field: Field, raw: string | undefined): Checked {
  const trimmed = raw?.trim() ?? '';
  if (trimmed === '') return field.required ? refuse('kernel.required') : { ok: true, value: null };
  // A national code (性别 1, 民族 01) is stored as its label; the list, not the length, bounds it.
  const label = codeLabel(field, trimmed);
  const text = label ?? trimmed;
  if (label === undefined && field.maxLength !== undefined && text.length > field.maxLength) {
    return refuse('value.tooLong', { max: field.maxLength });
  }
  const checked = CHECKS[field.type](text);
  if (checked.ok && field.codeList && !field.codeList.includes(String(checked.value))) {
    return refuse('value.notInCodeList', { codes: field.codeList.slice(0, 8).join('/') });
  }
  return checked;
}

/** The label of a value of a field whose data element has a national code list, if it is on it. */
function codeLabel(field: Field, text: string): string | undefined {
  const codes = field.element === undefined ? undefined : findDataElement(field.element)?.codes;
  return codes && labelFor(codes, text);
}

/** A field as a registration gives it: the type may come from the bound element alone. */
export type FieldInput = Omit<Field, 'type' | 'sensitivity' | 'required'> & {
  type?: FieldType;
  sensitivity?: number;
  required?: boolean;
};

/**
 * Binds each field to its data element: the element's type always, its maximum length, code
 * list and default sensitivity unless the field says otherwise. A type that contradicts the
 * element is refused rather than silently replaced. `at` is the JSON path of the list.
 */
export function bindFields(fields: FieldInput[], at = 'fields'): Field[] {
  return fields.map((f, i) => {
    const element = f.element === undefined ? undefined : findDataElement(f.element);
    if (f.element !== undefined && !element)
      throw invalid(`${at}/${i}/element`, msg('catalog.noElement', { element: f.element }));
    if (!element) {
      if (!f.type) throw invalid(`${at}/${i}/type`, msg('catalog.typeRequired'));
      return { ...f, type: f.type, required: f.required ?? false, sensitivity: f.sensitivity ?? 1 };
    }
    if (f.type && f.type !== element.type) {
      throw invalid(
        `${at}/${i}/type`,
        msg('catalog.elementTypeDiffers', { element: element.code, elementType: element.type, type: f.type }),
      );
    }
    const bound: Field = {
      ...f,
      type: element.type,
      required: f.required ?? false,
      sensitivity: f.sensitivity ?? element.sensitivity,
    };
    const maxLength = f.maxLength ?? element.maxLength;
    const codeList = f.codeList ?? element.codeList;
    if (maxLength !== undefined) bound.maxLength = maxLength;
    if (codeList !== undefined) bound.codeList = codeList;
    return bound;
  });
}

const MASKING_BY_TYPE: Partial<Record<FieldType, Masking>> = {
  citizen_id: 'id',
  phone: 'phone',
  date: 'year',
  string: 'partial',
};

/** Which masking a field takes: its element's, else a default by type (none for codes and numbers). */
export function maskingOf(field: Field): Masking {
  const element = field.element === undefined ? undefined : findDataElement(field.element);
  return element?.masking ?? MASKING_BY_TYPE[field.type] ?? 'none';
}

const CHECKS: Record<FieldType, (text: string) => Checked> = {
  string: (t) => ({ ok: true, value: t }),
  integer: (t) => (/^-?\d{1,15}$/.test(t) ? { ok: true, value: Number(t) } : refuse('value.notInteger')),
  number: (t) =>
    /^-?\d+(\.\d+)?$/.test(t) && Number.isFinite(Number(t))
      ? { ok: true, value: Number(t) }
      : refuse('value.notNumber'),
  date: checkDate,
  boolean: (t) => {
    const v = BOOLEANS[t.toLowerCase()];
    return v === undefined ? refuse('value.notBoolean') : { ok: true, value: v };
  },
  citizen_id: (t) => {
    const c = checkCitizenId(t);
    return c.ok ? { ok: true, value: c.value.id } : c;
  },
  credit_code: (t) => {
    const c = checkCreditCode(t);
    return c.ok ? { ok: true, value: c.value.code } : c;
  },
  division: (t) => (isDivisionCode(t) ? { ok: true, value: t } : refuse('kernel.notDivision', { code: t })),
  phone: (t) => (MOBILE.test(t) || LANDLINE.test(t) ? { ok: true, value: t } : refuse('value.notPhone')),
};

const BOOLEANS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, 是: true, 否: false };

function checkDate(text: string): Checked {
  const m = DATE.exec(text);
  if (!m) return refuse('value.notDate');
  if (!isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return refuse('value.dateMissing', { date: text });
  return { ok: true, value: text };
}
