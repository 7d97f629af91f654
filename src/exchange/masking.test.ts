import { describe, expect, it } from 'vitest';
import type { Field } from '../catalog/index.js';
import { maskValue, projectRecord } from './masking.js';

const f = (name: string, type: Field['type']): Field => ({ name, label: name, type, required: false, sensitivity: 4 });

describe('masking', () => {
  it('masks by what a field holds', () => {
    expect(maskValue(f('id', 'citizen_id'), '370102198005171234')).toBe('370102********1234');
    expect(maskValue(f('name', 'string'), '张三')).toBe('张*');
    expect(maskValue(f('name', 'string'), '欧阳娜娜')).toBe('欧**');
    expect(maskValue(f('phone', 'phone'), '13812345678')).toBe('138****5678');
    expect(maskValue(f('birth', 'date'), '1980-05-17')).toBe('1980');
    expect(maskValue(f('n', 'integer'), 3)).toBe(3);
    expect(maskValue(f('name', 'string'), null)).toBeNull();
  });

  it('leaves out fields that are not visible and masks only the chosen ones', () => {
    const fields = [f('id', 'citizen_id'), f('name', 'string'), f('phone', 'phone')];
    const record = { id: '370102198005171234', name: '张三', phone: '13812345678' };
    expect(projectRecord(record, fields, new Set(['id', 'name']), new Set(['name']))).toEqual({
      id: '370102198005171234',
      name: '张*',
    });
  });
});
