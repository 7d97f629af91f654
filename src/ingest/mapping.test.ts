import { describe, expect, it } from 'vitest';
import type { Field } from '../catalog/index.js';
import { makeCitizenId } from '../kernel/index.js';
import { matchColumns, suggestMapping } from './mapping.js';

const fields: Field[] = [
  { name: 'citizen_id', label: '公民身份号码', type: 'citizen_id', element: 'citizen_id', required: true },
  { name: 'name', label: '姓名', type: 'string', element: 'person_name', required: true },
  { name: 'birth_date', label: '出生日期', type: 'date', element: 'birth_date', required: true },
  { name: 'phone', label: '联系电话', type: 'phone', element: 'phone', required: false },
] as Field[];

describe('stage 2 — map', () => {
  it('maps by saved mapping first, then name or label, then the data element’s names', () => {
    const header = ['身份证号', 'NAME', '出生 日期', 'shouji'];
    expect(matchColumns(header, fields, { shouji: 'phone' })).toEqual([
      { column: '身份证号', field: 'citizen_id', by: 'element' },
      { column: 'NAME', field: 'name', by: 'name' },
      { column: '出生 日期', field: 'birth_date', by: 'name' },
      { column: 'shouji', field: 'phone', by: 'saved' },
    ]);
  });

  it('keeps a column saved as skipped out, though its name matches, and lets the next one take the field', () => {
    expect(matchColumns(['姓名', 'xm', '手机'], fields, { 姓名: null })).toEqual([
      { column: '姓名', field: null, by: 'saved' },
      { column: 'xm', field: 'name', by: 'element' },
      { column: '手机', field: 'phone', by: 'element' },
    ]);
    const sample = [[makeCitizenId('370102', '1980-01-01', 1)]];
    expect(suggestMapping(['zjhm'], fields, { zjhm: null }, sample)[0]).toEqual({
      column: 'zjhm',
      field: null,
      by: 'saved',
    });
  });

  it('gives each field one column: a second column of the same name stays unmapped', () => {
    expect(matchColumns(['姓名', 'xm'], fields).map((m) => m.field)).toEqual(['name', null]);
  });

  it('guesses from sample values only for distinctive checks, and only when most values pass', () => {
    const ids = [1, 2, 3].map((n) => makeCitizenId('370102', '1980-01-01', n));
    const sample = ids.map((id, i) => [id, `1980-01-0${i + 1}`, '某人']);
    const matches = suggestMapping(['zjhm', 'rq', 'xingming'], fields, {}, sample);
    expect(matches.map((m) => [m.field, m.by])).toEqual([
      ['citizen_id', 'values'],
      ['birth_date', 'values'],
      [null, null], // a name is not told by its value
    ]);
    const bad = suggestMapping(['zjhm'], fields, {}, [['123'], [ids[0]!]]);
    expect(bad[0]!.field).toBeNull();
  });
});
