import { describe, expect, it } from 'vitest';
import { checkCitizenId, citizenIdCheckDigit, isCitizenId, makeCitizenId } from './citizen-id.js';

describe('citizen ID (GB 11643, ISO 7064 MOD 11-2)', () => {
  it('accepts the standard example and computes its check digit', () => {
    // The example of GB 11643-1999 itself: 11010519491231002X.
    expect(citizenIdCheckDigit('11010519491231002')).toBe('X');
    expect(checkCitizenId('11010519491231002X')).toEqual({
      ok: true,
      value: {
        id: '11010519491231002X',
        division: '110105',
        birthDate: '1949-12-31',
        gender: 'female',
        upgradedFrom15: false,
      },
    });
  });

  it('accepts a lowercase x and normalizes it', () => {
    expect(checkCitizenId(' 11010519491231002x ')).toMatchObject({ ok: true, value: { id: '11010519491231002X' } });
  });

  it('rejects a wrong check digit and says which one is right', () => {
    expect(checkCitizenId('110105194912310021')).toMatchObject({ ok: false, reason: 'check digit should be X, got 1' });
    const id = makeCitizenId('370102', '1980-05-17', 123);
    const wrong = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    expect(isCitizenId(wrong)).toBe(false);
  });

  it('rejects impossible and out-of-range birth dates', () => {
    const feb29 = '37010220230229001';
    expect(checkCitizenId(feb29 + citizenIdCheckDigit(feb29))).toMatchObject({
      ok: false,
      reason: 'birth date 2023-02-29 does not exist',
    });
    const month13 = '37010219801301001';
    expect(checkCitizenId(month13 + citizenIdCheckDigit(month13)).ok).toBe(false);
    const future = '37010221000101001';
    expect(checkCitizenId(future + citizenIdCheckDigit(future))).toMatchObject({ ok: false, reason: /out of range/ });
    const leap = '37010220000229001';
    expect(checkCitizenId(leap + citizenIdCheckDigit(leap)).ok).toBe(true);
  });

  it('recognises the old 15-digit form and upgrades it', () => {
    const result = checkCitizenId('370102800517123');
    expect(result).toEqual({
      ok: true,
      value: {
        id: '37010219800517123' + citizenIdCheckDigit('37010219800517123'),
        division: '370102',
        birthDate: '1980-05-17',
        gender: 'male',
        upgradedFrom15: true,
      },
    });
    expect(checkCitizenId('370102801317123').ok).toBe(false);
  });

  it('rejects wrong lengths and characters', () => {
    expect(checkCitizenId('3701021980051712')).toMatchObject({ ok: false, reason: /18 characters/ });
    expect(checkCitizenId('37010219800517123A')).toMatchObject({ ok: false, reason: /digit or X/ });
    expect(checkCitizenId('01010219800517123X')).toMatchObject({ ok: false, reason: /division/ });
  });

  it('builds valid IDs with the gender in the sequence', () => {
    for (let seq = 0; seq < 50; seq++) {
      const r = checkCitizenId(makeCitizenId('370112', '1999-12-31', seq));
      expect(r).toMatchObject({ ok: true, value: { gender: seq % 2 ? 'male' : 'female' } });
    }
  });
});
