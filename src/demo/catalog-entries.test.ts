import { describe, expect, it } from 'vitest';
import { demoCatalogEntries, type DemoEntry, type DemoField } from './catalog-entries.js';

const DEPARTMENTS = [
  'JNGAJ',
  'JNSCJG',
  'JNRSJ',
  'JNWJW',
  'JNYBJ',
  'JNMZJ',
  'JNZRZY',
  'JNJYJ',
  'JNZJJ',
  'JNJTJ',
  'JNSFJ',
  'JNCZJ',
  'JNSTHJ',
  'JNNYJ',
  'JNWLJ',
  'JNTJJ',
  'JNYJJ',
  'JNSWJ',
  'JNSPJ',
  'JNFGW',
  'JNGXJ',
];

/** Type and default sensitivity of the data elements a field may bind to (the catalog's library). */
const ELEMENTS: Record<string, [DemoField['type'], DemoField['sensitivity']]> = {
  citizen_id: ['citizen_id', 4],
  person_name: ['string', 3],
  gender: ['string', 2],
  birth_date: ['date', 3],
  division: ['division', 1],
  address: ['string', 3],
  phone: ['phone', 4],
  credit_code: ['credit_code', 1],
  enterprise_name: ['string', 1],
  legal_rep: ['string', 2],
  licence_no: ['string', 1],
  email: ['string', 3],
  ethnicity: ['string', 2],
  marital_status: ['string', 3],
  education: ['string', 2],
  reg_capital: ['number', 1],
  issue_date: ['date', 1],
  expiry_date: ['date', 1],
  org_name: ['string', 1],
  health_status: ['string', 4],
  religion: ['string', 4],
  biometric: ['string', 4],
  bank_account: ['string', 4],
  vehicle_plate: ['string', 3],
  coordinate: ['string', 2],
};

const LEVELS = ['general', 'important', 'core'] as const;
const rank = (level: DemoEntry['input']['level']) => LEVELS.indexOf(level);

/** The hub's grading suggestion, as docs/catalog.md states it. */
function suggested(input: DemoEntry['input']): DemoEntry['input']['level'] {
  const key = input.fields.find((f) => f.name === input.keyField);
  if (input.category === 'base' && key && key.sensitivity >= 4) return 'core';
  if (input.fields.some((f) => f.sensitivity >= 4)) return 'important';
  if (key?.type === 'citizen_id' && input.fields.some((f) => f.sensitivity >= 3)) return 'important';
  return 'general';
}

const hasSensitive = (input: DemoEntry['input']) => input.fields.some((f) => f.sensitivity >= 3);

describe('demoCatalogEntries', () => {
  const entries = demoCatalogEntries();
  const label = (e: DemoEntry) => `${e.provider} ${e.input.name}`;

  it('has at least 170 entries, 5–12 for each of the 21 departments and no other provider', () => {
    expect(entries.length).toBeGreaterThanOrEqual(170);
    const perDept = new Map<string, number>();
    for (const e of entries) perDept.set(e.provider, (perDept.get(e.provider) ?? 0) + 1);
    expect([...perDept.keys()].sort()).toEqual([...DEPARTMENTS].sort());
    for (const code of DEPARTMENTS) {
      expect(perDept.get(code), code).toBeGreaterThanOrEqual(5);
      expect(perDept.get(code), code).toBeLessThanOrEqual(12);
    }
  });

  it('names every resource uniquely, with a summary and 2–5 keywords', () => {
    const names = entries.map((e) => e.input.name);
    expect(new Set(names).size).toBe(names.length);
    for (const e of entries) {
      expect(e.input.summary.length, label(e)).toBeGreaterThan(10);
      expect(e.input.keywords.length, label(e)).toBeGreaterThanOrEqual(2);
      expect(e.input.keywords.length, label(e)).toBeLessThanOrEqual(5);
      expect(new Set(e.input.keywords).size, label(e)).toBe(e.input.keywords.length);
    }
  });

  it('keys every resource by one of its required fields', () => {
    for (const e of entries) {
      const key = e.input.fields.find((f) => f.name === e.input.keyField);
      expect(key, label(e)).toBeDefined();
      expect(key?.required, label(e)).toBe(true);
    }
  });

  it('gives each resource 3–10 fields with unique snake_case names', () => {
    for (const e of entries) {
      const names = e.input.fields.map((f) => f.name);
      expect(names.length, label(e)).toBeGreaterThanOrEqual(3);
      expect(names.length, label(e)).toBeLessThanOrEqual(10);
      expect(new Set(names).size, label(e)).toBe(names.length);
      for (const name of names) expect(name, label(e)).toMatch(/^[a-z][a-z0-9_]{0,62}$/);
    }
  });

  it('binds fields only to known data elements, with the element’s type and sensitivity', () => {
    for (const e of entries) {
      for (const f of e.input.fields) {
        if (f.element === undefined) continue;
        const element = ELEMENTS[f.element];
        expect(element, `${label(e)}.${f.name}`).toBeDefined();
        expect([f.type, f.sensitivity], `${label(e)}.${f.name}`).toEqual(element);
      }
    }
  });

  it('states the condition or the legal basis for conditional and no sharing', () => {
    for (const e of entries) {
      if (e.input.shareType === 'unconditional') expect(e.input.shareCondition, label(e)).toBeUndefined();
      else expect(e.input.shareCondition?.trim(), label(e)).toBeTruthy();
    }
  });

  it('grades every resource at least at the suggested level, or says why not', () => {
    const below = entries.filter((e) => rank(e.input.level) < rank(suggested(e.input)));
    for (const e of below) expect(e.input.levelReason?.trim(), label(e)).toBeTruthy();
    expect(below.length).toBeGreaterThanOrEqual(2);
    expect(below.length).toBeLessThanOrEqual(3);
    // A reason is given only where it is needed.
    expect(entries.filter((e) => e.input.levelReason !== undefined).map(label)).toEqual(below.map(label));
  });

  it('keeps core for base resources keyed by citizen ID, and mostly general or important', () => {
    const core = entries.filter((e) => e.input.level === 'core');
    expect(core.length).toBeGreaterThanOrEqual(3);
    for (const e of core) {
      expect(e.input.category, label(e)).toBe('base');
      expect(e.input.fields.find((f) => f.name === e.input.keyField)?.type, label(e)).toBe('citizen_id');
    }
    expect(core.length).toBeLessThan(entries.length / 10);
  });

  it('opens only resources without fields of sensitivity 3 or more, and never a graded one', () => {
    for (const e of entries) {
      if (e.input.openType === 'closed') continue;
      expect(hasSensitive(e.input), label(e)).toBe(false);
      expect(e.input.level, label(e)).toBe('general');
    }
    const closed = entries.filter((e) => e.input.openType === 'closed').length;
    expect(closed).toBeGreaterThan(entries.length / 2);
  });

  it('shares unconditionally only general resources without sensitive fields, about a quarter of them', () => {
    const unconditional = entries.filter((e) => e.input.shareType === 'unconditional');
    for (const e of unconditional) {
      expect(e.input.level, label(e)).toBe('general');
      expect(hasSensitive(e.input), label(e)).toBe(false);
    }
    expect(unconditional.length / entries.length).toBeGreaterThan(0.2);
    expect(unconditional.length / entries.length).toBeLessThan(0.32);
    const none = entries.filter((e) => e.input.shareType === 'none').length;
    expect(none).toBeGreaterThanOrEqual(3);
    expect(none).toBeLessThanOrEqual(8);
  });

  it('publishes most entries and leaves some in each workflow state', () => {
    const published = entries.filter((e) => e.status === 'published').length;
    expect(published / entries.length).toBeGreaterThan(0.8);
    expect(published / entries.length).toBeLessThan(0.9);
    for (const status of ['submitted', 'returned', 'draft'] as const) {
      expect(
        entries.some((e) => e.status === status),
        status,
      ).toBe(true);
    }
  });

  it('is deterministic', () => {
    expect(demoCatalogEntries()).toEqual(demoCatalogEntries());
    expect(demoCatalogEntries()).toEqual(entries);
  });
});
