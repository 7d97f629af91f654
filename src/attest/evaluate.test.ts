import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chinaDay, evaluate, holds, resolveDay, wholeYears, type Doc } from './evaluate.js';
import { readsOf, sourcesOf, type Condition, type Test } from './rule.js';

const NOW = new Date('2026-06-15T02:00:00Z');
const TODAY = chinaDay(NOW);
const person: Doc = { division: '370113', birth_date: '1961-08-18', marital_status: '已婚', household_size: 1 };
const insurance: Doc = { active: true, start_date: '2002-08-15', insurance_type: '职工基本养老保险' };
const data = new Map<string, Doc | null>([
  ['base:person', person],
  ['resource:JNRSJ-0001', insurance],
  ['resource:JNGAJ-0007', null],
]);
const yes = (c: Condition) => evaluate(c, 'person', data, NOW);

describe('the rule evaluator', () => {
  it('tests the base by default and a resource when named', () => {
    expect(yes({ field: 'division', op: 'prefix', value: '3701' })).toBe(true);
    expect(yes({ field: 'division', op: 'prefix', value: '3702' })).toBe(false);
    expect(yes({ source: { resource: 'JNRSJ-0001' }, field: 'active', op: 'eq', value: true })).toBe(true);
  });

  it('answers exists and not_exists on records, with a where over the record', () => {
    expect(yes({ exists: { resource: 'JNRSJ-0001' } })).toBe(true);
    expect(yes({ not_exists: { resource: 'JNGAJ-0007' } })).toBe(true);
    expect(yes({ exists: { resource: 'JNGAJ-0007' } })).toBe(false);
    expect(yes({ exists: { resource: 'JNRSJ-0001', where: { field: 'active', op: 'eq', value: false } } })).toBe(false);
    expect(yes({ not_exists: { resource: 'JNRSJ-0001', where: { field: 'active', op: 'eq', value: false } } })).toBe(
      true,
    );
    expect(yes({ exists: { base: 'person' } })).toBe(true);
  });

  it('combines with all, any and not', () => {
    const a: Condition = { field: 'household_size', op: 'eq', value: 1 };
    const b: Condition = { field: 'household_size', op: 'gt', value: 3 };
    expect(yes({ all: [a, b] })).toBe(false);
    expect(yes({ any: [a, b] })).toBe(true);
    expect(yes({ not: b })).toBe(true);
  });

  it('compares numbers, codes and days', () => {
    expect(yes({ field: 'household_size', op: 'in', value: [1, 2] })).toBe(true);
    expect(yes({ field: 'household_size', op: 'ge', value: 1 })).toBe(true);
    expect(yes({ field: 'household_size', op: 'lt', value: 1 })).toBe(false);
    expect(yes({ field: 'marital_status', op: 'ne', value: '未婚' })).toBe(true);
    expect(yes({ field: 'birth_date', op: 'lt', value: '1970-01-01' })).toBe(true);
    expect(yes({ field: 'birth_date', op: 'age_ge', value: 60 })).toBe(true);
    expect(yes({ field: 'birth_date', op: 'age_ge', value: 65 })).toBe(false);
    expect(yes({ field: 'birth_date', op: 'age_lt', value: 65 })).toBe(true);
    expect(yes({ source: { resource: 'JNRSJ-0001' }, field: 'start_date', op: 'le', value: 'today-1y' })).toBe(true);
  });

  it('holds no test of a missing value but not_exists, and no test of a missing record', () => {
    for (const op of ['eq', 'ne', 'gt', 'prefix', 'within_days'] as const)
      expect(holds({ field: 'x', op, value: op === 'prefix' ? '1' : 1 }, person, TODAY)).toBe(false);
    expect(holds({ field: 'x', op: 'not_exists' }, person, TODAY)).toBe(true);
    expect(holds({ field: 'x', op: 'exists' }, person, TODAY)).toBe(false);
    expect(yes({ source: { resource: 'JNGAJ-0007' }, field: 'charge', op: 'ne', value: 'x' })).toBe(false);
  });

  it('counts within_days from the answer’s day in China time, both ends included', () => {
    const t = (day: string, n: number) => holds({ field: 'd', op: 'within_days', value: n }, { d: day }, TODAY);
    expect(TODAY).toBe('2026-06-15');
    expect(t('2026-06-15', 0)).toBe(true);
    expect(t('2026-05-16', 30)).toBe(true);
    expect(t('2026-05-15', 30)).toBe(false);
    expect(t('2026-06-16', 30)).toBe(false);
    // 23:30 UTC is the next morning in Jinan.
    expect(chinaDay(new Date('2026-06-15T23:30:00Z'))).toBe('2026-06-16');
  });

  it('reads relative days', () => {
    expect(resolveDay('today', TODAY)).toBe('2026-06-15');
    expect(resolveDay('today-30d', TODAY)).toBe('2026-05-16');
    expect(resolveDay('today+1y', TODAY)).toBe('2027-06-15');
    expect(resolveDay('2020-01-01', TODAY)).toBe('2020-01-01');
  });

  it('lists each source a rule reads once', () => {
    const rule: Condition = {
      all: [
        { field: 'division', op: 'prefix', value: '3701' },
        { exists: { resource: 'JNRSJ-0001', where: { field: 'active', op: 'eq', value: true } } },
        { not: { source: { resource: 'JNRSJ-0001' }, field: 'active', op: 'eq', value: false } },
      ],
    };
    expect(sourcesOf(rule, 'person')).toEqual([{ base: 'person' }, { resource: 'JNRSJ-0001' }]);
    const fields = [...readsOf(rule, 'person').entries()].map(([k, r]) => [k, [...r.fields]]);
    expect(fields).toEqual([
      ['base:person', ['division']],
      ['resource:JNRSJ-0001', ['active']],
    ]);
  });
});

describe('properties of the evaluator', () => {
  const day = fc
    .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  const leaf = fc
    .record({
      field: fc.constantFrom('a', 'b', 'missing'),
      op: fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le', 'exists', 'not_exists') as fc.Arbitrary<Test['op']>,
      value: fc.integer({ min: -5, max: 5 }),
    })
    .map((t): Condition => (t.op === 'exists' || t.op === 'not_exists' ? { field: t.field, op: t.op } : t));
  const condition = fc.letrec<{ c: Condition }>((tie) => ({
    c: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('c'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
      fc.array(tie('c'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
      tie('c').map((c) => ({ not: c })),
    ),
  })).c;
  const docs = fc.record({ a: fc.integer({ min: -5, max: 5 }), b: fc.integer({ min: -5, max: 5 }) });

  it('not flips every answer, and all/any of one part are that part', () => {
    fc.assert(
      fc.property(condition, docs, (c, d) => {
        const data = new Map([['base:person', d]]);
        const v = evaluate(c, 'person', data, NOW);
        expect(evaluate({ not: c }, 'person', data, NOW)).toBe(!v);
        expect(evaluate({ all: [c] }, 'person', data, NOW)).toBe(v);
        expect(evaluate({ any: [c] }, 'person', data, NOW)).toBe(v);
      }),
    );
  });

  it('gt and le are complements on a present number, as are eq and ne', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (x, y) => {
        const d = { x };
        expect(holds({ field: 'x', op: 'gt', value: y }, d, TODAY)).toBe(
          !holds({ field: 'x', op: 'le', value: y }, d, TODAY),
        );
        expect(holds({ field: 'x', op: 'eq', value: y }, d, TODAY)).toBe(
          !holds({ field: 'x', op: 'ne', value: y }, d, TODAY),
        );
      }),
    );
  });

  it('age_ge n holds exactly when the n-th birthday is on or before the day', () => {
    fc.assert(
      fc.property(day, day, fc.integer({ min: 0, max: 120 }), (born, on, n) => {
        fc.pre(!born.endsWith('02-29'));
        const birthday = `${String(Number(born.slice(0, 4)) + n).padStart(4, '0')}${born.slice(4)}`;
        expect(wholeYears(born, on) >= n).toBe(birthday <= on);
      }),
    );
  });
});
