import { describe, expect, it } from 'vitest';
import { bindFields, type Resource } from '../catalog/index.js';
import type { RecordRow } from '../records/index.js';
import { english, makeCitizenId, type Message } from '../kernel/index.js';
import { makeChecker, type FieldLookup } from './checker.js';
import { builtinRules, valueCheck } from './checks.js';
import type { QualityRule } from './rules.js';

/** A check's reason in English, as logs and stored reports keep it. */
const en = (m: Message | null) => m && english(m);

/** The part of a catalog entry the checker looks at. */
function resourceOf(id: number, code: string, keyField: string, fields: Parameters<typeof bindFields>[0]): Resource {
  const provider = { code: code.split('-')[0]!, name: code };
  return { id, code, provider, name: code, keyField, fields: bindFields(fields) } as Resource;
}

const PERSON = resourceOf(1, 'JNGAJ-0001', 'citizen_id', [
  { name: 'citizen_id', label: '公民身份号码', element: 'citizen_id', required: true },
  { name: 'name', label: '姓名', element: 'person_name' },
  { name: 'gender', label: '性别', element: 'gender' },
  { name: 'birth_date', label: '出生日期', element: 'birth_date' },
  { name: 'phone', label: '联系电话', element: 'phone' },
  { name: 'employer', label: '单位', element: 'credit_code' },
  { name: 'checked_on', label: '核验日期', type: 'date' },
  { name: 'score', label: '评分', type: 'number' },
]);
const ENTERPRISE = resourceOf(2, 'JNSCJG-0001', 'credit_code', [
  { name: 'credit_code', label: '统一社会信用代码', element: 'credit_code', required: true },
]);
const NOW = new Date('2026-06-15T02:00:00Z');
const rule = (r: Omit<QualityRule, 'id' | 'severity'> & Partial<QualityRule>): QualityRule => ({
  id: `${r.kind}.${r.field}`,
  severity: 'reject',
  ...r,
});

describe('value checks', () => {
  it('regex: a value matches or says which pattern it missed', () => {
    const check = valueCheck(rule({ field: 'name', kind: 'regex', pattern: '^\\p{Script=Han}{2,4}$' }), NOW)!;
    expect(check('张三')).toBeNull();
    expect(en(check('Zhang San'))).toBe('does not match the pattern ^\\p{Script=Han}{2,4}$');
  });

  it('range: numbers compare as numbers, dates as dates, bounds included', () => {
    const score = valueCheck(rule({ field: 'score', kind: 'range', min: 0, max: 100 }), NOW)!;
    expect([score(0), score(100), score(9.5)]).toEqual([null, null, null]);
    expect(en(score(-1))).toBe('below the minimum 0');
    expect(en(score(100.5))).toBe('above the maximum 100');
    const since = valueCheck(rule({ field: 'checked_on', kind: 'range', min: '2020-01-01', max: '2026-12-31' }), NOW)!;
    expect([since('2020-01-01'), since('2026-12-31')]).toEqual([null, null]);
    expect(en(since('2019-12-31'))).toBe('below the minimum 2020-01-01');
    expect(en(since('2027-01-01'))).toBe('above the maximum 2026-12-31');
  });

  it('freshness: a date older than maxAgeDays before the load time warns', () => {
    const fresh = valueCheck(rule({ field: 'checked_on', kind: 'freshness', maxAgeDays: 30, severity: 'warn' }), NOW)!;
    expect(fresh('2026-05-16')).toBeNull();
    expect(en(fresh('2026-05-15'))).toBe('older than 30 days (before 2026-05-16)');
  });

  it('has none for the kinds that need other rows', () => {
    expect(valueCheck(rule({ field: 'name', kind: 'unique' }), NOW)).toBeUndefined();
  });
});

describe('built-in rules from the data elements', () => {
  const id = makeCitizenId('370102', '1980-05-17', 123); // 17th digit 3: male
  const [birth, gender] = builtinRules(PERSON);

  it('bind a birth date and a gender to the citizen ID', () => {
    expect(builtinRules(PERSON).map((r) => r.id)).toEqual([
      'builtin.id-birth-date.birth_date',
      'builtin.id-gender.gender',
    ]);
    expect(builtinRules(ENTERPRISE)).toEqual([]);
  });

  it('pass when the fields agree with the ID and fail when they do not', () => {
    expect(birth!.check({ citizen_id: id, birth_date: '1980-05-17' })).toBeNull();
    expect(en(birth!.check({ citizen_id: id, birth_date: '1980-05-18' }))).toBe(
      'differs from the birth date in the citizen ID',
    );
    expect(gender!.check({ citizen_id: id, gender: '男' })).toBeNull();
    expect(en(gender!.check({ citizen_id: id, gender: '女' }))).toBe('differs from the gender in the citizen ID');
  });

  it('leave empty values and codes the ID says nothing about alone', () => {
    expect(birth!.check({ citizen_id: id, birth_date: null })).toBeNull();
    expect(gender!.check({ citizen_id: id, gender: '未说明' })).toBeNull();
  });

  it('need to know which ID: none when several IDs and none is the key', () => {
    const two = resourceOf(3, 'JNMZJ-0001', 'cert_no', [
      { name: 'cert_no', label: '证书编号', type: 'string', required: true },
      { name: 'husband_id', label: '男方身份证', element: 'citizen_id' },
      { name: 'wife_id', label: '女方身份证', element: 'citizen_id' },
      { name: 'birth_date', label: '出生日期', element: 'birth_date' },
    ]);
    expect(builtinRules(two)).toEqual([]);
  });
});

describe('the checker of a load', () => {
  const person = (n: number, doc: Record<string, unknown> = {}): RecordRow => {
    const citizenId = makeCitizenId('370102', '1990-01-01', n);
    return { key: citizenId, sourceRow: n + 1, doc: { citizen_id: citizenId, ...doc } };
  };
  /** A stored resource as a map: resource id → rows; counts the lookups. */
  const store = (records: Record<number, Array<Record<string, unknown> & { key: string }>>) => {
    const calls: string[] = [];
    const lookup: FieldLookup = async (res, field, values) => {
      calls.push(`${res.id}:${field}:${values.length}`);
      return (records[res.id] ?? [])
        .filter((r) => r[field] !== undefined && values.includes(String(r[field])))
        .map((r) => ({ key: r.key, value: String(r[field]) }));
    };
    return { lookup, calls };
  };

  it('reports each failing row once per rule, and passes the others', async () => {
    const rules = [
      rule({ field: 'phone', kind: 'regex', pattern: '^1\\d{10}$', severity: 'warn' }),
      rule({ field: 'score', kind: 'range', min: 0, max: 100 }),
    ];
    const { lookup } = store({});
    const checker = makeChecker(PERSON, rules, new Map(), lookup, NOW);
    const issues = await checker.checkBatch([
      person(1, { phone: '13800000000', score: 50 }),
      person(2, { phone: '0531-8888888', score: 101, gender: '男' }), // sequence 2: a woman
      person(3, { phone: null, score: null }),
    ]);
    expect(issues).toMatchObject([
      {
        row: 3,
        field: 'gender',
        rule: 'builtin.id-gender.gender',
        severity: 'reject',
        reason: 'differs from the gender in the citizen ID',
        code: 'quality.genderDiffers',
      },
      {
        row: 3,
        field: 'phone',
        rule: 'regex.phone',
        severity: 'warn',
        reason: 'does not match the pattern ^1\\d{10}$',
      },
      { row: 3, field: 'score', rule: 'range.score', severity: 'reject', reason: 'above the maximum 100' },
    ]);
  });

  it('referential: one lookup per batch, missing values fail', async () => {
    const [a, b, c] = ['91370100MA3C5XXX0A', '91370100MA3C5XXX1B', '91370100MA3C5XXX2C'];
    const { lookup, calls } = store({
      2: [
        { key: a, credit_code: a },
        { key: b, credit_code: b },
      ],
    });
    const rules = [
      rule({ field: 'employer', kind: 'referential', refResource: ENTERPRISE.code, refField: 'credit_code' }),
    ];
    const checker = makeChecker(PERSON, rules, new Map([[ENTERPRISE.code, ENTERPRISE]]), lookup, NOW);
    const issues = await checker.checkBatch([
      person(1, { employer: a }),
      person(2, { employer: c }),
      person(3, { employer: a }),
      person(4, { employer: null }),
    ]);
    expect(issues).toMatchObject([
      {
        row: 3,
        field: 'employer',
        rule: 'referential.employer',
        severity: 'reject',
        reason: 'no record of JNSCJG-0001 has this credit_code',
      },
    ]);
    expect(calls).toEqual(['2:credit_code:2']);
  });

  it('unique: against earlier rows of the load and against stored records of other keys', async () => {
    const stored = person(9, { phone: '13900000009' });
    const { lookup, calls } = store({ 1: [{ key: stored.key, ...stored.doc }] });
    const rules = [rule({ field: 'phone', kind: 'unique' })];
    const checker = makeChecker(PERSON, rules, new Map(), lookup, NOW);
    const first = await checker.checkBatch([
      person(1, { phone: '13900000001' }),
      person(2, { phone: '13900000001' }),
      person(3, { phone: '13900000009' }),
      person(9, { phone: '13900000009' }), // the stored record itself, loaded again
    ]);
    expect(first.map((i) => [i.row, i.reason])).toEqual([
      [3, 'an earlier row of this load has the same value'],
      [4, 'a stored record has the same value'],
    ]);
    const second = await checker.checkBatch([person(4, { phone: '13900000001' }), person(5, { phone: '13900000005' })]);
    expect(second.map((i) => [i.row, i.reason])).toEqual([[5, 'an earlier row of this load has the same value']]);
    expect(calls).toEqual(['1:phone:2', '1:phone:2']);
  });

  it('unique: rows another rule rejects do not take a value; a snapshot ignores stored records', async () => {
    const stored = person(9, { phone: '13900000009' });
    const { lookup } = store({ 1: [{ key: stored.key, ...stored.doc }] });
    const rules = [rule({ field: 'phone', kind: 'unique' }), rule({ field: 'score', kind: 'range', max: 10 })];
    const checker = makeChecker(PERSON, rules, new Map(), lookup, NOW, { snapshot: true });
    const issues = await checker.checkBatch([
      person(1, { phone: '13900000001', score: 11 }),
      person(2, { phone: '13900000001', score: 1 }),
      person(3, { phone: '13900000009', score: 1 }),
    ]);
    expect(issues.map((i) => [i.row, i.rule])).toEqual([[2, 'range.score']]);
  });

  it('freshness warns through the checker without rejecting', async () => {
    const { lookup } = store({});
    const rules = [rule({ field: 'checked_on', kind: 'freshness', maxAgeDays: 365, severity: 'warn' })];
    const issues = await makeChecker(PERSON, rules, new Map(), lookup, NOW).checkBatch([
      person(1, { checked_on: '2026-01-01' }),
      person(2, { checked_on: '2024-01-01' }),
    ]);
    expect(issues).toMatchObject([
      {
        row: 3,
        field: 'checked_on',
        rule: 'freshness.checked_on',
        severity: 'warn',
        reason: 'older than 365 days (before 2025-06-15)',
      },
    ]);
  });
});
