import { describe, expect, it } from 'vitest';
import * as names from '../../web/src/texts/names.js';
import { ruleName } from '../../web/src/ui/rule-name.js';
import { readableChange, readableChanges, type DiffNames } from '../../web/src/ui/version-diff.js';

/** A stand-in for i18next's t over the names dictionary and a few app-wide keys. */
const TEXTS: Record<string, string> = {
  ...names.zh,
  'level.important': '重要',
  'level.core': '核心',
  'share.conditional': '有条件共享',
  'mount.records': '记录',
  'ruleKind.regex': '正则匹配',
  qualityValidation: '类型与格式校验',
  required: '必填',
  yes: '是',
  no: '否',
};
const t = (key: string, options: Record<string, unknown> = {}) =>
  (TEXTS[key] ?? (options.defaultValue as string | undefined) ?? key).replace(/\{\{(\w+)\}\}/g, (_, k: string) =>
    String(options[k]),
  );
const fields: Record<string, string> = { citizen_id: '公民身份号码', birth_date: '出生日期', phone: '联系电话' };
const ELEMENTS: Record<string, string> = { citizen_id: '公民身份号码', gender: '性别' };
const diffNames: DiffNames = {
  t,
  fieldLabel: (n) => fields[n],
  elementName: (c) => ELEMENTS[c],
};

describe('rule names', () => {
  it('say what a rule checks, by field label, never its id', () => {
    const label = (n: string) => fields[n];
    expect(ruleName('builtin.id-birth-date.birth_date', label, t)).toBe('出生日期与公民身份号码中的出生日期一致');
    expect(ruleName('builtin.id-gender.xb', label, t)).toBe('xb与公民身份号码中的性别一致');
    expect(ruleName('builtin.other-check.phone', label, t)).toBe('联系电话的内置校验');
    expect(ruleName('regex.phone', label, t)).toBe('联系电话 · 正则匹配');
    expect(ruleName('validation', label, t)).toBe('类型与格式校验');
    // An id chosen by hand is the only name the rule has.
    expect(ruleName('phone-mobile', label, t)).toBe('phone-mobile');
  });
});

describe('readable version changes', () => {
  it('name properties and enum values by their labels', () => {
    expect(readableChange({ path: 'level', before: 'important', after: 'core' }, diffNames)).toEqual({
      path: 'level',
      kind: 'changed',
      what: '分级',
      before: '重要',
      after: '核心',
    });
    expect(readableChange({ path: 'keyField', before: null, after: 'citizen_id' }, diffNames)).toMatchObject({
      kind: 'added',
      what: '主键',
      after: '公民身份号码',
    });
    expect(readableChange({ path: 'keywords', before: ['人口'], after: ['人口', '户籍'] }, diffNames).after).toBe(
      '人口、户籍',
    );
  });

  it('name a field by its label and summarise an added one without JSON', () => {
    const added = readableChange(
      {
        path: 'fields/citizen_id',
        before: null,
        after: { name: 'citizen_id', label: '公民身份号码', type: 'citizen_id', required: true, element: 'citizen_id' },
      },
      diffNames,
    );
    expect(added).toMatchObject({ kind: 'added', what: '信息项「公民身份号码」' });
    expect(added.after).toBe('公民身份号码 · 必填 · 数据元 公民身份号码');
    expect(added.after).not.toMatch(/[{}"]|citizen_id/);
    const changed = readableChange({ path: 'fields/phone/required', before: false, after: true }, diffNames);
    expect(changed).toMatchObject({ what: '信息项「联系电话」 必填', before: '否', after: '是' });
    const removed = readableChange(
      { path: 'fields/old', before: { label: '旧字段', type: 'string' }, after: null },
      diffNames,
    );
    expect(removed).toMatchObject({ kind: 'removed', what: '信息项「旧字段」', before: '文本' });
  });

  it('leaves out a change from nothing to nothing', () => {
    const diff = [
      { path: 'levelReason', before: null, after: '' },
      { path: 'name', before: null, after: '人口基础信息' },
    ];
    expect(readableChanges(diff, diffNames).map((c) => c.what)).toEqual(['资源名称']);
  });

  it('has every text in both languages', () => {
    expect(Object.keys(names.en).sort()).toEqual(Object.keys(names.zh).sort());
  });
});
