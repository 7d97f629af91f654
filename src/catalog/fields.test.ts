import { describe, expect, it } from 'vitest';
import { checkValue, type Field } from './fields.js';

const field = (type: Field['type'], required = false, maxLength?: number): Field => ({
  name: 'f',
  label: 'f',
  type,
  required,
  sensitivity: 1,
  maxLength,
});

describe('checkValue', () => {
  it('treats blanks as null unless required', () => {
    expect(checkValue(field('string'), '  ')).toEqual({ ok: true, value: null });
    expect(checkValue(field('string', true), '')).toMatchObject({ ok: false, reason: 'required' });
  });

  it('types numbers, dates and booleans, and says why not', () => {
    expect(checkValue(field('integer'), '42')).toEqual({ ok: true, value: 42 });
    expect(checkValue(field('integer'), '4.2')).toMatchObject({ ok: false, reason: 'not an integer' });
    expect(checkValue(field('number'), '-3.50')).toEqual({ ok: true, value: -3.5 });
    expect(checkValue(field('date'), '2024-02-29')).toEqual({ ok: true, value: '2024-02-29' });
    expect(checkValue(field('date'), '2023-02-29')).toMatchObject({ ok: false, reason: '2023-02-29 does not exist' });
    expect(checkValue(field('date'), '2023/02/01')).toMatchObject({ ok: false });
    expect(checkValue(field('boolean'), '是')).toEqual({ ok: true, value: true });
    expect(checkValue(field('boolean'), 'maybe')).toMatchObject({ ok: false });
  });

  it('validates identifiers with their check digits and normalizes them', () => {
    expect(checkValue(field('citizen_id'), '11010519491231002x')).toEqual({ ok: true, value: '11010519491231002X' });
    expect(checkValue(field('citizen_id'), '110105194912310021')).toMatchObject({ ok: false });
    expect(checkValue(field('credit_code'), '91350100M000100Y43')).toEqual({ ok: true, value: '91350100M000100Y43' });
    expect(checkValue(field('division'), '370102')).toEqual({ ok: true, value: '370102' });
    expect(checkValue(field('division'), '379999')).toMatchObject({ ok: false });
  });

  it('accepts mobile and landline phone numbers and enforces lengths', () => {
    expect(checkValue(field('phone'), '13812345678')).toMatchObject({ ok: true });
    expect(checkValue(field('phone'), '0531-88888888')).toMatchObject({ ok: true });
    expect(checkValue(field('phone'), '12345')).toMatchObject({ ok: false });
    expect(checkValue(field('string', false, 3), '泉城路')).toMatchObject({ ok: true });
    expect(checkValue(field('string', false, 3), '泉城路1')).toMatchObject({ ok: false });
  });
});
