import { describe, expect, it } from 'vitest';
import { ETHNICITY, GENDER, MARITAL_STATUS, labelFor, labelsOf } from './code-lists.js';
import { findDataElement } from './elements.js';
import { bindFields, checkValue } from './fields.js';

describe('national code lists', () => {
  it('hold their standards’ codes and labels', () => {
    expect(GENDER.entries.map((e) => `${e.code} ${e.label}`)).toEqual([
      '0 未知的性别',
      '1 男',
      '2 女',
      '9 未说明的性别',
    ]);
    expect(MARITAL_STATUS.entries.map((e) => e.code)).toEqual(['10', '20', '21', '22', '23', '30', '40', '90']);
    expect(labelFor(MARITAL_STATUS, '40')).toBe('离婚');
    // GB/T 3304: the 56 民族, 其他 (97) and 外国血统中国籍人士 (98), each code once, each name once.
    expect(ETHNICITY.entries).toHaveLength(58);
    expect(new Set(ETHNICITY.entries.map((e) => e.code)).size).toBe(58);
    expect(new Set(labelsOf(ETHNICITY)).size).toBe(58);
    const known: Array<[string, string]> = [
      ['01', '汉族'],
      ['03', '回族'],
      ['11', '满族'],
      ['22', '畲族'],
      ['29', '柯尔克孜族'],
      ['43', '乌孜别克族'],
      ['56', '基诺族'],
      ['97', '其他'],
      ['98', '外国血统中国籍人士'],
    ];
    for (const [code, label] of known) expect(labelFor(ETHNICITY, code)).toBe(label);
    const numbered = ETHNICITY.entries.slice(0, 56).map((e) => Number(e.code));
    expect(numbered).toEqual(Array.from({ length: 56 }, (_, i) => i + 1));
  });

  it('find a label by code, by label, or by a code that lost its leading zero', () => {
    expect(labelFor(GENDER, '1')).toBe('男');
    expect(labelFor(GENDER, ' 女 ')).toBe('女');
    expect(labelFor(ETHNICITY, '1')).toBe('汉族');
    expect(labelFor(GENDER, '3')).toBeUndefined();
    expect(labelFor(MARITAL_STATUS, '1')).toBeUndefined();
    expect(labelFor(ETHNICITY, '99')).toBeUndefined();
  });

  it('are attached to the person data elements', () => {
    expect(findDataElement('gender')).toMatchObject({ codes: GENDER, codeList: labelsOf(GENDER) });
    expect(findDataElement('ethnicity')).toMatchObject({ codes: ETHNICITY, codeList: labelsOf(ETHNICITY) });
    expect(findDataElement('marital_status')).toMatchObject({ codes: MARITAL_STATUS });
  });
});

describe('a value of a coded field', () => {
  const [gender, ethnicity, marriage, plain] = bindFields([
    { name: 'xb', label: '性别', element: 'gender', required: true },
    { name: 'mz', label: '民族', element: 'ethnicity' },
    // A resource may narrow a standard list: its own code list still takes the standard's codes.
    {
      name: 'hy',
      label: '婚姻状况',
      element: 'marital_status',
      codeList: ['未婚', '已婚', '离婚', '丧偶'],
      maxLength: 4,
    },
    { name: 'lx', label: '类型', type: 'string', codeList: ['1', '2'] },
  ]);

  it('is stored as the label whether it came as code or label', () => {
    expect(checkValue(gender!, '1')).toEqual({ ok: true, value: '男' });
    expect(checkValue(gender!, '2')).toEqual({ ok: true, value: '女' });
    expect(checkValue(gender!, ' 女 ')).toEqual({ ok: true, value: '女' });
    expect(checkValue(gender!, '9')).toEqual({ ok: true, value: '未说明的性别' });
    expect(checkValue(ethnicity!, '01')).toEqual({ ok: true, value: '汉族' });
    expect(checkValue(ethnicity!, '回族')).toEqual({ ok: true, value: '回族' });
    expect(checkValue(marriage!, '20')).toEqual({ ok: true, value: '已婚' });
  });

  it('is refused when it is neither, or outside a narrowed list', () => {
    expect(checkValue(gender!, '3')).toMatchObject({ ok: false, reason: /code list/ });
    expect(checkValue(gender!, 'M')).toMatchObject({ ok: false, reason: /code list/ });
    expect(checkValue(ethnicity!, '99')).toMatchObject({ ok: false, reason: /code list/ });
    expect(checkValue(marriage!, '21')).toMatchObject({ ok: false, reason: /code list/ });
  });

  it('of a field bound to no standard list is taken as written', () => {
    expect(checkValue(plain!, '1')).toEqual({ ok: true, value: '1' });
    expect(checkValue(plain!, '男')).toMatchObject({ ok: false });
  });
});
