import { describe, expect, it } from 'vitest';
import { bindFields, type Resource } from '../catalog/index.js';
import { checkRules, type QualityRule } from './rules.js';

/** The part of a catalog entry the rules look at. */
function resourceOf(code: string, keyField: string, fields: Parameters<typeof bindFields>[0]): Resource {
  const provider = { code: code.split('-')[0]!, name: code };
  return { id: 1, code, provider, name: code, keyField, fields: bindFields(fields) } as Resource;
}

const PERSON = resourceOf('JNGAJ-0001', 'citizen_id', [
  { name: 'citizen_id', label: '公民身份号码', element: 'citizen_id', required: true },
  { name: 'name', label: '姓名', element: 'person_name' },
  { name: 'birth_date', label: '出生日期', element: 'birth_date' },
  { name: 'age', label: '年龄', type: 'integer' },
  { name: 'employer', label: '单位', element: 'credit_code' },
]);
const ENTERPRISE = resourceOf('JNSCJG-0001', 'credit_code', [
  { name: 'credit_code', label: '统一社会信用代码', element: 'credit_code', required: true },
]);
const find = async (code: string) => (code === ENTERPRISE.code ? ENTERPRISE : undefined);
const check = (rules: unknown) => checkRules(PERSON, rules, find);
const problems = async (rules: unknown) => {
  try {
    await check(rules);
  } catch (e) {
    return {
      code: (e as { code: string }).code,
      status: (e as { status: number }).status,
      problems: (e as { problems: unknown[] }).problems,
    };
  }
  throw new Error('expected the rules to be refused');
};

describe('checkRules', () => {
  it('takes one rule of each kind and names them <kind>.<field>', async () => {
    const rules: QualityRule[] = [
      { field: 'name', kind: 'regex', severity: 'warn', pattern: '^\\p{Script=Han}{2,4}$' },
      { field: 'age', kind: 'range', severity: 'reject', min: 0, max: 130 },
      { field: 'birth_date', kind: 'range', severity: 'reject', min: '1900-01-01' },
      { field: 'name', kind: 'unique', severity: 'warn' },
      {
        field: 'employer',
        kind: 'referential',
        severity: 'reject',
        refResource: 'JNSCJG-0001',
        refField: 'credit_code',
      },
      { field: 'birth_date', kind: 'freshness', severity: 'warn', maxAgeDays: 365 },
      { id: 'age-again', field: 'age', kind: 'range', severity: 'warn', max: 100 },
      { field: 'age', kind: 'range', severity: 'warn', min: 1 },
    ];
    const named = await check(rules);
    expect(named.map((r) => r.id)).toEqual([
      'regex.name',
      'range.age',
      'range.birth_date',
      'unique.name',
      'referential.employer',
      'freshness.birth_date',
      'age-again',
      'range.age-2',
    ]);
  });

  it('refuses a bad regex with a 400 naming the rule and parameter', async () => {
    expect(await problems([{ field: 'name', kind: 'regex', severity: 'warn', pattern: '([a-z' }])).toMatchObject({
      code: 'QLT_BAD_RULE',
      status: 400,
      problems: [{ field: 'rules/0/pattern', reason: expect.stringContaining('not a valid regular expression') }],
    });
    expect(await problems([{ field: 'name', kind: 'regex', severity: 'warn', pattern: '^(a+)+$' }])).toMatchObject({
      problems: [{ field: 'rules/0/pattern', reason: expect.stringContaining('nested quantifiers') }],
    });
    expect(await problems([{ field: 'name', kind: 'regex', severity: 'warn' }])).toMatchObject({
      problems: [{ field: 'rules/0/pattern' }],
    });
  });

  it('refuses what does not fit the field or the kind', async () => {
    const out = await problems([
      { field: 'nope', kind: 'unique', severity: 'warn' },
      { field: 'name', kind: 'range', severity: 'warn', min: 1 },
      { field: 'age', kind: 'range', severity: 'warn', min: '2000-01-01' },
      { field: 'birth_date', kind: 'range', severity: 'warn', max: 5 },
      { field: 'age', kind: 'range', severity: 'warn', min: 5, max: 1 },
      { field: 'age', kind: 'range', severity: 'warn' },
      { field: 'citizen_id', kind: 'unique', severity: 'warn' },
      { field: 'name', kind: 'freshness', severity: 'warn', maxAgeDays: 3 },
      { field: 'name', kind: 'unique', severity: 'warn', pattern: 'x' },
    ]);
    expect(out.problems).toMatchObject([
      { field: 'rules/0/field', reason: 'JNGAJ-0001 has no field nope' },
      { field: 'rules/1/field', reason: expect.stringContaining('number or date field') },
      { field: 'rules/2/min', reason: expect.stringContaining('must be a number') },
      { field: 'rules/3/max', reason: expect.stringContaining('must be a date') },
      { field: 'rules/4/max', reason: 'must not be below min' },
      { field: 'rules/5/min', reason: expect.stringContaining('min, max or both') },
      { field: 'rules/6/field', reason: expect.stringContaining('unique already') },
      { field: 'rules/7/field', reason: expect.stringContaining('date field') },
      { field: 'rules/8/pattern', reason: 'a unique rule takes no pattern' },
    ]);
  });

  it('needs a referenced resource that exists and has the field', async () => {
    const out = await problems([
      { field: 'employer', kind: 'referential', severity: 'reject', refResource: 'JNXX-0009', refField: 'credit_code' },
      { field: 'employer', kind: 'referential', severity: 'reject', refResource: 'JNSCJG-0001', refField: 'nope' },
      { field: 'employer', kind: 'referential', severity: 'reject', refResource: 'JNSCJG-0001' },
    ]);
    expect(out.problems).toMatchObject([
      { field: 'rules/0/refResource', reason: 'no resource JNXX-0009' },
      { field: 'rules/1/refField', reason: 'JNSCJG-0001 has no field nope' },
      { field: 'rules/2/refField', reason: 'required for a referential rule' },
    ]);
  });

  it('refuses by schema what is not a rule, and the same id twice', async () => {
    const bad = await problems([{ field: 'name', kind: 'sql', severity: 'warn' }]);
    expect(bad.problems).toMatchObject([{ field: 'rules/0/kind' }]);
    const extra = await problems([{ field: 'name', kind: 'unique', severity: 'warn', where: '1=1' }]);
    expect(extra.code).toBe('QLT_BAD_RULE');
    const twice = await problems([
      { id: 'x', field: 'name', kind: 'unique', severity: 'warn' },
      { id: 'x', field: 'age', kind: 'range', severity: 'warn', min: 0 },
    ]);
    expect(twice.problems).toMatchObject([
      { field: 'rules/1/id', reason: 'id x is used twice', code: 'quality.idTwice' },
    ]);
  });
});
