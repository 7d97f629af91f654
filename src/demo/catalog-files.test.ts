import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Field, ResourceContent } from '../catalog/index.js';
import { CATALOG_DIR, WITH_DATA_DIR, readDemoCatalog, type DemoStatus } from './catalog-files.js';

interface DemoEntry {
  provider: string;
  status: DemoStatus;
  input: ResourceContent;
}

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
const ELEMENTS: Record<string, [Field['type'], Field['sensitivity']]> = {
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

describe('the demo catalog files', () => {
  let entries: DemoEntry[] = [];
  beforeAll(async () => {
    // Reading goes through the import template's parser, which refuses a file with any bad row.
    const departments = await readDemoCatalog();
    entries = departments.flatMap((d) =>
      d.registrations.map((r) => ({ provider: d.provider, ...r, input: r.content })),
    );
  });
  const label = (e: DemoEntry) => `${e.provider} ${e.input.name}`;

  it('holds 175 registrations (婚姻登记信息 and 不动产权利人信息 have their data, in with-data), 5–12 for each of the 21 departments', () => {
    expect(entries.length).toBe(175);
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
      if (e.input.shareType === 'unconditional') expect(e.input.shareCondition, label(e)).toBe('');
      else expect(e.input.shareCondition?.trim(), label(e)).toBeTruthy();
    }
  });

  it('grades every resource at least at the suggested level, or says why not', () => {
    const below = entries.filter((e) => rank(e.input.level) < rank(suggested(e.input)));
    for (const e of below) expect(e.input.levelReason?.trim(), label(e)).toBeTruthy();
    expect(below.length).toBeGreaterThanOrEqual(2);
    expect(below.length).toBeLessThanOrEqual(3);
    // A reason is given only where it is needed.
    expect(entries.filter((e) => e.input.levelReason !== '').map(label)).toEqual(below.map(label));
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

  it('keeps the statuses of before: 150 published, 9 submitted, 8 returned, 8 draft', () => {
    const count = (status: DemoStatus) => entries.filter((e) => e.status === status).length;
    expect([count('published'), count('submitted'), count('returned'), count('draft')]).toEqual([150, 9, 8, 8]);
  });

  it('keeps in code-lists.json only the code lists the template’s 代码集 cell cannot hold', () => {
    const lists = JSON.parse(readFileSync(join(CATALOG_DIR, 'code-lists.json'), 'utf8')) as Array<{
      codeList: string[];
    }>;
    for (const list of lists) expect(list.codeList.some((c) => /[;；、,，/]/.test(c))).toBe(true);
    const merged = entries.flatMap((e) => e.input.fields).filter((f) => f.codeList?.some((c) => c.includes('/')));
    expect(merged.length).toBeGreaterThanOrEqual(2);
  });
});

describe('the files of the resources the demo loads data into', () => {
  it('hold the eleven resources the generators fill, each published, apart from the catalog', async () => {
    const departments = await readDemoCatalog(WITH_DATA_DIR);
    const names = departments.flatMap((d) => d.registrations.map((r) => `${d.provider} ${r.content.name}`));
    expect(names).toHaveLength(11);
    expect(names).toContain('JNZRZY 不动产权利人信息');
    expect(names).toContain('JNGAJ 人口基础信息');
    expect(departments.flatMap((d) => d.registrations.map((r) => r.status))).toEqual(Array(11).fill('published'));
    const catalog = (await readDemoCatalog()).flatMap((d) => d.registrations.map((r) => r.content.name));
    for (const name of names) expect(catalog).not.toContain(name.split(' ')[1]);
  });
});

describe('reading the demo catalog files', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qdh-demo-catalog-'));
    cpSync(join(CATALOG_DIR, 'JNGAJ'), join(dir, 'JNGAJ'), { recursive: true });
    writeFileSync(join(dir, 'code-lists.json'), '[]');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const edit = (file: string, from: string, to: string) => {
    const path = join(dir, 'JNGAJ', file);
    const before = readFileSync(path, 'utf8');
    writeFileSync(path, before.replace(from, to));
    return () => writeFileSync(path, before);
  };

  it('reads one department on its own', async () => {
    const departments = await readDemoCatalog(dir);
    expect(departments.map((d) => d.provider)).toEqual(['JNGAJ']);
    expect(departments[0]!.registrations.length).toBeGreaterThanOrEqual(5);
  });

  it('refuses the whole folder for one bad row, as an upload would be', async () => {
    const restore = edit(
      '信息项.csv',
      ',citizen_id,公民身份号码,citizen_id,citizen_id,,是,4,',
      ',citizen_id,公民身份号码,no_such_element,,,是,4,',
    );
    await expect(readDemoCatalog(dir)).rejects.toMatchObject({ code: 'CAT_BAD_SPREADSHEET' });
    restore();
  });

  it('refuses a status the workflow does not know', async () => {
    const restore = edit('资源目录.csv', ',citizen_id,published\n', ',citizen_id,approved\n');
    await expect(readDemoCatalog(dir)).rejects.toThrow(/unknown status "approved"/);
    restore();
  });

  it('refuses a folder that is not a demo department', async () => {
    cpSync(join(dir, 'JNGAJ'), join(dir, 'JNXXX'), { recursive: true });
    await expect(readDemoCatalog(dir)).rejects.toThrow(/JNXXX is not a demo department/);
    rmSync(join(dir, 'JNXXX'), { recursive: true });
  });
});
