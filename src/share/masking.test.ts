import { describe, expect, it } from 'vitest';
import type { Field } from '../catalog/index.js';
import { maskValue, projectRecord } from './masking.js';

const f = (name: string, type: Field['type'], element?: string): Field => ({
  name,
  label: name,
  type,
  required: false,
  sensitivity: 4,
  ...(element ? { element } : {}),
});

describe('masking', () => {
  it('masks by what a field holds', () => {
    expect(maskValue(f('id', 'citizen_id'), '370102198005171234')).toBe('370102********1234');
    expect(maskValue(f('name', 'string', 'person_name'), '张三')).toBe('张*');
    expect(maskValue(f('name', 'string', 'person_name'), '欧阳娜娜')).toBe('欧**');
    expect(maskValue(f('note', 'string'), '欧阳娜娜')).toBe('欧****娜');
    expect(maskValue(f('phone', 'phone'), '13812345678')).toBe('138****5678');
    expect(maskValue(f('birth', 'date'), '1980-05-17')).toBe('1980');
    expect(maskValue(f('n', 'integer'), 3)).toBe(3);
    expect(maskValue(f('name', 'string'), null)).toBeNull();
  });

  it('masks by the bound data element: addresses to the district, codes not at all', () => {
    expect(maskValue(f('addr', 'string', 'address'), '山东省济南市历下区泉城路1号')).toBe('山东省济南市历下区****');
    expect(maskValue(f('addr', 'string', 'address'), '济南市章丘区明水街道')).toBe('济南市章丘区****');
    expect(maskValue(f('addr', 'string', 'address'), '平阴县榆山街道')).toBe('平阴县****');
    expect(maskValue(f('addr', 'string', 'address'), '不详')).toBe('****');
    expect(maskValue(f('g', 'string', 'gender'), '男')).toBe('男');
    expect(maskValue(f('h', 'string', 'health_status'), '高血压')).toBe('****');
    expect(maskValue(f('b', 'date', 'birth_date'), '1980-05-17')).toBe('1980');
  });

  it('leaves out fields that are not visible and masks only the chosen ones', () => {
    const fields = [f('id', 'citizen_id'), f('name', 'string', 'person_name'), f('phone', 'phone')];
    const record = { id: '370102198005171234', name: '张三', phone: '13812345678' };
    expect(projectRecord(record, fields, new Set(['id', 'name']), new Set(['name']))).toEqual({
      id: '370102198005171234',
      name: '张*',
    });
  });
});
