import { describe, expect, it } from 'vitest';
import { diffContent, toContent } from './content.js';
import { bindFields, checkValue, maskingOf } from './fields.js';
import type { ResourceInput } from './schemas.js';

const input: ResourceInput = {
  name: ' 婚姻登记信息 ',
  summary: '',
  category: 'department',
  shareType: 'conditional',
  shareCondition: '婚姻状况核验',
  openType: 'closed',
  level: 'important',
  keyField: 'id',
  fields: [
    { name: 'id', label: '身份号码', element: 'citizen_id', required: true },
    { name: 'status', label: '婚姻状况', element: 'marital_status' },
  ],
};

describe('registration content', () => {
  it('binds fields to their data elements: type, sensitivity, code list', () => {
    const c = toContent(input);
    expect(c.name).toBe('婚姻登记信息');
    expect(c.fields[1]).toMatchObject({
      type: 'string',
      sensitivity: 3,
      codeList: ['未婚', '已婚', '初婚', '再婚', '复婚', '丧偶', '离婚', '未说明的婚姻状况'],
    });
    expect(checkValue(c.fields[1]!, '已婚')).toEqual({ ok: true, value: '已婚' });
    expect(checkValue(c.fields[1]!, '保密')).toMatchObject({ ok: false, reason: /code list/ });
    expect(maskingOf(c.fields[0]!)).toBe('id');
    expect(() => bindFields([{ name: 'x', label: 'x', element: 'no_such' }])).toThrow(/no data element/);
    expect(() => bindFields([{ name: 'x', label: 'x' }])).toThrow(/type/);
  });

  it('refuses a share type without its condition or legal basis', () => {
    expect(() => toContent({ ...input, shareCondition: ' ' })).toThrow(/shareCondition/);
    expect(() => toContent({ ...input, shareType: 'none', shareCondition: undefined })).toThrow(/legal basis/);
  });

  it('diffs metadata by property and fields by name', () => {
    const before = toContent(input);
    const after = toContent({
      ...input,
      summary: '民政婚姻登记',
      fields: [
        { ...input.fields[0]!, label: '公民身份号码' },
        { name: 'date', label: '登记日期', type: 'date' },
      ],
    });
    expect(diffContent(before, after)).toEqual([
      { path: 'summary', before: '', after: '民政婚姻登记' },
      { path: 'fields/id/label', before: '身份号码', after: '公民身份号码' },
      {
        path: 'fields/date',
        before: null,
        after: { name: 'date', label: '登记日期', type: 'date', required: false, sensitivity: 1 },
      },
      { path: 'fields/status', before: before.fields[1], after: null },
    ]);
    expect(diffContent(before, before)).toEqual([]);
  });
});
