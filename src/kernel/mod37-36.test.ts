import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MOD37_36_ALPHABET, isMod37_36Valid, mod37_36CheckChar } from './mod37-36.js';

const char = fc.constantFrom(...MOD37_36_ALPHABET.split(''));
const text = fc.array(char, { minLength: 2, maxLength: 40 }).map((cs) => cs.join(''));

describe('ISO/IEC 7064 hybrid MOD 37,36', () => {
  it('gives the check characters of the published examples', () => {
    // Examples published for MOD 37,36: the GRid example A1-2425G-ABC1234002-M, and two more.
    expect(mod37_36CheckChar('A12425GABC1234002')).toBe('M');
    expect(mod37_36CheckChar('123AB')).toBe('X');
    expect(mod37_36CheckChar('DADPIDA3897722461')).toBe('J');
    expect(isMod37_36Valid('A12425GABC1234002M')).toBe(true);
    expect(isMod37_36Valid('A12425GABC1234002N')).toBe(false);
  });

  it('refuses characters outside 0-9A-Z', () => {
    expect(() => mod37_36CheckChar('ab')).toThrow(RangeError);
    expect(isMod37_36Valid('1.2')).toBe(false);
  });

  it('detects any single-character substitution', () => {
    fc.assert(
      fc.property(text, fc.nat(), char, (t, at, c) => {
        const whole = t + mod37_36CheckChar(t);
        const i = at % whole.length;
        fc.pre(whole[i] !== c);
        expect(isMod37_36Valid(whole.slice(0, i) + c + whole.slice(i + 1))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  // Not every one: a hybrid system mixes mod 36 and mod 37, and two neighbouring characters (values
  // one apart, Z and 0 included) swapped go unseen from 2 of the 36 running values — 1 in 630 of all
  // adjacent transpositions, counted exhaustively below. Every other transposition is detected.
  it('detects every adjacent transposition of characters more than one apart', () => {
    const v = (c: string) => MOD37_36_ALPHABET.indexOf(c);
    fc.assert(
      fc.property(text, fc.nat(), (t, at) => {
        const whole = t + mod37_36CheckChar(t);
        const i = at % (whole.length - 1);
        const gap = Math.abs(v(whole[i]!) - v(whole[i + 1]!));
        fc.pre(gap > 1 && gap < 35);
        const swapped = whole.slice(0, i) + whole[i + 1] + whole[i] + whole.slice(i + 2);
        expect(isMod37_36Valid(swapped)).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('misses exactly 1 in 630 adjacent transpositions, all of neighbouring characters', () => {
    let missed = 0;
    let swaps = 0;
    for (const p of MOD37_36_ALPHABET)
      // every running value is reached after one character
      for (const a of MOD37_36_ALPHABET)
        for (const b of MOD37_36_ALPHABET) {
          if (a === b) continue;
          swaps++;
          const whole = p + a + b + mod37_36CheckChar(p + a + b);
          if (isMod37_36Valid(p + b + a + whole.at(-1)!)) {
            missed++;
            expect([1, 35]).toContain(Math.abs(MOD37_36_ALPHABET.indexOf(a) - MOD37_36_ALPHABET.indexOf(b)));
          }
        }
    expect(missed / swaps).toBeCloseTo(1 / 630, 6);
    // One of them, by hand: J and I swapped before the check character 0.
    expect(isMod37_36Valid('JI0') && isMod37_36Valid('IJ0')).toBe(true);
  });
});
