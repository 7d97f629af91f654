import type { Field } from '../catalog/index.js';

/**
 * The one place where values are masked (脱敏), by what a field holds: every path that returns
 * data to someone who may not see it plainly goes through `maskRecord`.
 */
const BY_TYPE: Partial<Record<Field['type'], (v: string) => string>> = {
  citizen_id: (v) => v.slice(0, 6) + '*'.repeat(Math.max(0, v.length - 10)) + v.slice(-4),
  phone: (v) => (v.length >= 11 ? v.slice(0, 3) + '****' + v.slice(-4) : v.slice(0, 3) + '****'),
  date: (v) => v.slice(0, 4),
  string: (v) => (v.length <= 1 ? '*' : v.slice(0, 1) + '*'.repeat(Math.min(v.length - 1, 2))),
};

export function maskValue(field: Field, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const mask = BY_TYPE[field.type];
  return mask ? mask(String(value)) : value;
}

/**
 * Returns only `visible` fields of the record; of those, the ones in `masked` are masked.
 * Fields the caller may not see are left out, not masked: absence tells less than a mask.
 */
export function projectRecord(
  record: Record<string, unknown>,
  fields: Field[],
  visible: ReadonlySet<string>,
  masked: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!visible.has(f.name) || !(f.name in record)) continue;
    out[f.name] = masked.has(f.name) ? maskValue(f, record[f.name]) : record[f.name];
  }
  return out;
}
