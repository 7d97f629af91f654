import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HubError, msg, render, type FieldProblem } from '../kernel/index.js';
import { checkRule, type RuleCatalog, type SourceInfo } from './check.js';
import { describeRule } from './describe.js';
import type { SubjectKind } from './rule.js';

const PERSON: SourceInfo = {
  name: '人口基础库',
  fields: [
    { name: 'division', label: '户籍地行政区划', type: 'division' },
    { name: 'birth_date', label: '出生日期', type: 'date' },
    { name: 'marital_status', label: '婚姻状况', type: 'string', codeList: ['未婚', '已婚', '离婚', '丧偶'] },
    { name: 'household_size', label: '同住人数', type: 'integer' },
  ],
};
const INSURANCE: SourceInfo = {
  name: '社会保险参保信息',
  fields: [
    { name: 'active', label: '是否在保', type: 'boolean' },
    { name: 'start_date', label: '参保日期', type: 'date' },
  ],
};
const catalog: RuleCatalog = {
  async source(s) {
    if ('base' in s) return PERSON;
    if (s.resource === 'JNRSJ-0001') return INSURANCE;
    if (s.resource === 'JNSCJG-0001') return msg('attest.notAboutSubject', { code: s.resource, base: 'x' });
    return msg('attest.noResource', { code: s.resource });
  },
};

/** The problems a rule is refused with, each as `path: reason` in Chinese. */
async function refusal(rule: unknown, kind: SubjectKind = 'person'): Promise<string[]> {
  const e = await checkRule(rule, kind, catalog).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HubError);
  expect((e as HubError).code).toBe('ATT_BAD_RULE');
  return (e as HubError).problems.map(
    (p: FieldProblem) => `${p.field}: ${render({ key: p.code as never, params: p.params }, 'zh-CN')}`,
  );
}

describe('checking a rule before it is saved', () => {
  it('takes a good rule, its literals normalized', async () => {
    const { rule } = await checkRule(
      {
        all: [
          { field: 'household_size', op: 'le', value: '3' },
          { exists: { resource: 'JNRSJ-0001', where: { field: 'active', op: 'eq', value: '是' } } },
          { field: 'birth_date', op: 'age_ge', value: 18 },
          { source: { resource: 'JNRSJ-0001' }, field: 'start_date', op: 'ge', value: 'today-30d' },
        ],
      },
      'person',
      catalog,
    );
    expect(rule).toEqual({
      all: [
        { field: 'household_size', op: 'le', value: 3 },
        { exists: { resource: 'JNRSJ-0001', where: { field: 'active', op: 'eq', value: true } } },
        { field: 'birth_date', op: 'age_ge', value: 18 },
        { source: { resource: 'JNRSJ-0001' }, field: 'start_date', op: 'ge', value: 'today-30d' },
      ],
    });
  });

  it('refuses an unknown resource or field, in words', async () => {
    expect(await refusal({ source: { resource: 'JNZZ-0009' }, field: 'x', op: 'exists' })).toEqual([
      'rule/source: 目录中没有数据资源 JNZZ-0009',
    ]);
    expect(await refusal({ field: 'salary', op: 'gt', value: 1 })).toEqual(['rule/field: 人口基础库没有信息项 salary']);
    expect((await refusal({ exists: { resource: 'JNSCJG-0001' } }))[0]).toMatch(
      /^rule\/exists\/resource: 数据资源 JNSCJG-0001 的记录不以/,
    );
  });

  it('refuses an operator that does not fit the field’s type', async () => {
    const [p] = await refusal({ field: 'marital_status', op: 'gt', value: '已婚' });
    expect(p).toMatch(/^rule\/op: 文本类信息项不能使用运算符 gt/);
    expect(
      await refusal({ source: { resource: 'JNRSJ-0001' }, field: 'active', op: 'within_days', value: 3 }),
    ).toHaveLength(1);
  });

  it('refuses literals that do not parse as the field’s type', async () => {
    expect(await refusal({ field: 'household_size', op: 'eq', value: 'many' })).toEqual(['rule/value: 应为数值']);
    expect(await refusal({ field: 'household_size', op: 'eq', value: 1.5 })).toEqual(['rule/value: 应为整数']);
    expect((await refusal({ field: 'birth_date', op: 'lt', value: '1990-02-30' }))[0]).toMatch(
      /^rule\/value: 应为日期/,
    );
    expect((await refusal({ field: 'marital_status', op: 'eq', value: '已昏' }))[0]).toMatch(
      /^rule\/value: 应为代码集中的值/,
    );
    expect(await refusal({ field: 'household_size', op: 'in', value: 2 })).toEqual(['rule/value: 应为取值的列表']);
    expect(await refusal({ field: 'household_size', op: 'exists', value: 2 })).toEqual([
      'rule/value: 运算符 exists 不带比较值',
    ]);
    expect(await refusal({ field: 'household_size', op: 'eq' })).toEqual(['rule/value: 运算符 eq 须有比较值']);
  });

  it('refuses shapes that are not the language, naming where', async () => {
    expect((await refusal({ all: [] }))[0]).toMatch(/^rule\/all: /);
    expect(await refusal({ field: 'division', op: 'prefix', value: '3701', sql: 'drop table' })).toEqual([
      'rule/sql: 不是条件的组成部分',
    ]);
    expect((await refusal({ field: 'division', op: 'like', value: '%' }))[0]).toMatch(/^rule\/op: 运算符应为以下之一/);
    expect((await refusal('1 = 1'))[0]).toBe('rule: 应为一个条件（对象）');
    expect((await refusal({ exists: { resource: 'JNRSJ-0001', base: 'person' } }))[0]).toMatch(
      /^rule\/exists: 须且只能指定一个数据来源/,
    );
    expect(
      (
        await refusal({
          exists: { resource: 'JNRSJ-0001', where: { source: { base: 'person' }, field: 'division', op: 'exists' } },
        })
      )[0],
    ).toMatch(/^rule\/exists\/where\/source: /);
    expect(await refusal({ source: { base: 'person' }, field: 'division', op: 'exists' }, 'legal_entity')).toEqual([
      'rule/source/base: 只能使用本事项主体所在的基础库',
    ]);
  });

  it('lists every problem, not only the first', async () => {
    const problems = await refusal({
      any: [
        { field: 'salary', op: 'gt', value: 1 },
        { field: 'household_size', op: 'eq', value: 'x' },
      ],
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['rule/any/0/field', 'rule/any/1/value']);
  });

  it('bounds the size and depth of a rule', async () => {
    let deep: unknown = { field: 'division', op: 'exists' };
    for (let i = 0; i < 10; i++) deep = { not: deep };
    expect((await refusal(deep))[0]).toMatch(/最多嵌套 8 层/);
    const wide = {
      any: Array.from({ length: 20 }, () => ({
        all: [
          { field: 'division', op: 'exists' },
          { field: 'division', op: 'exists' },
          { field: 'division', op: 'exists' },
        ],
      })),
    };
    expect((await refusal(wide)).some((p) => /最多 50 个条件/.test(p))).toBe(true);
  });

  it('never throws anything but its own refusal, whatever JSON it is given', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (input) => {
        await checkRule(input, 'person', catalog).catch((e: unknown) => {
          expect(e).toBeInstanceOf(HubError);
          expect((e as HubError).code).toBe('ATT_BAD_RULE');
        });
      }),
      { numRuns: 300 },
    );
  });

  it('puts a rule in words in both languages', async () => {
    const { rule, sources } = await checkRule(
      { all: [{ field: 'division', op: 'prefix', value: '3701' }, { not_exists: { resource: 'JNRSJ-0001' } }] },
      'person',
      catalog,
    );
    const words = describeRule(rule, 'person', sources);
    expect(words['zh-CN']).toBe(
      '「人口基础库」的「户籍地行政区划」以“3701”开头，并且「社会保险参保信息」中没有本人的记录',
    );
    expect(words.en).toContain('starts with “3701”');
  });
});
