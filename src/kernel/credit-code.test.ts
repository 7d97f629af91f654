import { describe, expect, it } from 'vitest';
import { checkCreditCode, creditCodeCheckChar, isCreditCode, makeCreditCode, orgCodeCheckChar } from './credit-code.js';

describe('unified social credit code (GB 32100)', () => {
  it('accepts a published example and decomposes it', () => {
    expect(checkCreditCode('91350100M000100Y43')).toEqual({
      ok: true,
      value: {
        code: '91350100M000100Y43',
        registrationAuthority: '9',
        entityType: '1',
        division: '350100',
        orgCode: 'M000100Y4',
      },
    });
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(orgCodeCheckChar('M000100Y')).toBe('4');
  });

  it('accepts lowercase input and normalizes it', () => {
    expect(checkCreditCode('91350100m000100y43')).toMatchObject({ ok: true, value: { code: '91350100M000100Y43' } });
  });

  it('rejects a wrong check character, a wrong organization code and forbidden letters', () => {
    expect(checkCreditCode('91350100M000100Y44')).toMatchObject({
      ok: false,
      reason: 'check character should be 3, got 4',
    });
    expect(checkCreditCode('91350100M000100Y53')).toMatchObject({ ok: false, reason: /organization code/ });
    expect(checkCreditCode('91350100M000100I43')).toMatchObject({ ok: false, reason: /character I/ });
    expect(checkCreditCode('9135010')).toMatchObject({ ok: false, reason: /18 characters/ });
  });

  it('builds valid codes', () => {
    for (let i = 0; i < 100; i++) expect(isCreditCode(makeCreditCode('370102', 1000 + i * 7919))).toBe(true);
  });
});
