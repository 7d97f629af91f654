import { describe, expect, it } from 'vitest';
import { render, schemaMessage } from './index.js';

describe('schema validation messages', () => {
  it.each([
    [{ keyword: 'required', params: { missingProperty: 'name' } }, '必填', 'required'],
    [{ keyword: 'type', params: { type: 'integer' } }, '应为整数', 'must be an integer'],
    [{ keyword: 'minLength', params: { limit: 2 } }, '至少 2 个字符', 'must have at least 2 characters'],
    [{ keyword: 'maxLength', params: { limit: 200 } }, '最多 200 个字符', 'must have at most 200 characters'],
    [
      { keyword: 'pattern', params: { pattern: '^[a-z]+$' } },
      '格式不符合要求（^[a-z]+$）',
      'must match the pattern ^[a-z]+$',
    ],
    [
      { keyword: 'format', params: { format: 'date' } },
      '不是有效的日期（YYYY-MM-DD）',
      'must be a valid date (YYYY-MM-DD)',
    ],
    [{ keyword: 'enum', params: { allowedValues: ['a', 'b'] } }, '应为以下之一：a、b', 'must be one of: a, b'],
    [{ keyword: 'minimum', params: { limit: 1 } }, '不能小于 1', 'must be at least 1'],
    [{ keyword: 'maximum', params: { limit: 100 } }, '不能大于 100', 'must be at most 100'],
    [
      { keyword: 'additionalProperties', params: { additionalProperty: 'x' } },
      '不是可接受的属性',
      'is not a property this input takes',
    ],
    [{ keyword: 'minItems', params: { limit: 1 } }, '至少 1 项', 'must have at least 1 items'],
    [{ keyword: 'maxItems', params: { limit: 5 } }, '最多 5 项', 'must have at most 5 items'],
    [{ keyword: 'anyOf', params: {} }, '取值无效', 'is not valid'],
  ])('%j', (error, zh, en) => {
    expect(render(schemaMessage(error), 'zh-CN')).toBe(zh);
    expect(render(schemaMessage(error), 'en')).toBe(en);
  });
});
