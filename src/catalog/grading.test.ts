import { describe, expect, it } from 'vitest';
import type { Field } from './fields.js';
import { checkLevel, gradingFlags, suggestLevel } from './grading.js';

const f = (name: string, type: Field['type'], sensitivity: number): Field => ({
  name,
  label: name,
  type,
  required: true,
  sensitivity,
});
const person = [f('id', 'citizen_id', 4), f('name', 'string', 3)];
const company = [f('code', 'credit_code', 1), f('rep', 'string', 2)];

describe('grading', () => {
  it('suggests core for a base resource keyed by sensitive personal data, important for sensitive fields', () => {
    expect(suggestLevel({ category: 'base', keyField: 'id', fields: person })).toBe('core');
    expect(suggestLevel({ category: 'theme', keyField: 'id', fields: person })).toBe('important');
    expect(suggestLevel({ category: 'theme', keyField: 'id', fields: [f('id', 'citizen_id', 3)] })).toBe('important');
    expect(suggestLevel({ category: 'base', keyField: 'code', fields: company })).toBe('general');
  });

  it('wants a reason for a level below the suggestion, and none for one above it', () => {
    const r = { category: 'theme', keyField: 'id', fields: person };
    expect(() => checkLevel({ ...r, level: 'general' })).toThrow(/levelReason|below/);
    expect(() => checkLevel({ ...r, level: 'general', levelReason: '仅含脱敏数据' })).not.toThrow();
    expect(() => checkLevel({ ...r, level: 'core' })).not.toThrow();
  });

  it('flags sharing and opening that contradict the grade', () => {
    const base = { category: 'theme', keyField: 'id', fields: person, level: 'important' as const };
    expect(gradingFlags({ ...base, shareType: 'unconditional', openType: 'open' })).toEqual([
      'unconditional-share-of-graded',
      'open-with-sensitive-fields',
    ]);
    expect(gradingFlags({ ...base, level: 'core', shareType: 'conditional', openType: 'conditional' })).toEqual([
      'open-with-sensitive-fields',
      'open-of-core',
    ]);
    expect(
      gradingFlags({ ...base, fields: company, level: 'general', shareType: 'unconditional', openType: 'open' }),
    ).toEqual([]);
  });
});
