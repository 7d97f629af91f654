import type { TFunction } from 'i18next';

/** A record's value as a person reads it: a dash for none, 是/否 for a yes-or-no, else as held. */
export function displayValue(t: TFunction, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return t(value ? 'yes' : 'no');
  return String(value);
}
