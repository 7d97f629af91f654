import { maskingOf, type Field, type Masking } from '../catalog/index.js';

/** Up to and including the county-level unit (区/县/县级市), the rest of an address hidden. */
const DISTRICT = /^.*?(?:区|县|旗)|^.*?市.*?市/;

/**
 * The one place where values are masked (脱敏). Which masking a field takes comes from its data
 * element (catalog's `maskingOf`), so a citizen ID or an address is masked alike everywhere;
 * every path that returns data to someone who may not see it plainly goes through `projectRecord`.
 */
const MASKS: Record<Masking, (v: string) => string> = {
  none: (v) => v,
  id: (v) => v.slice(0, 6) + '*'.repeat(Math.max(0, v.length - 10)) + v.slice(-4),
  name: (v) => (v.length <= 1 ? '*' : v.slice(0, 1) + '*'.repeat(Math.min(v.length - 1, 2))),
  phone: (v) => (v.length >= 11 ? v.slice(0, 3) + '****' + v.slice(-4) : v.slice(0, 3) + '****'),
  address: (v) => {
    const kept = DISTRICT.exec(v)?.[0];
    return kept && kept.length < v.length ? kept + '****' : '****';
  },
  year: (v) => v.slice(0, 4),
  partial: (v) => (v.length <= 2 ? '*'.repeat(v.length) : v.slice(0, 1) + '****' + v.slice(-1)),
  full: () => '****',
};

export function maskValue(field: Field, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const masking = maskingOf(field);
  return masking === 'none' ? value : MASKS[masking](String(value));
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
