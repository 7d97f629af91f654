/**
 * ISO/IEC 7064 (GB/T 17710) hybrid system MOD 37,36 over the 36 characters 0-9A-Z, one check
 * character from the same set. Written here because no maintained npm package implements it:
 * `iso-7064` on npm implements MOD 97-10 only.
 *
 * The hybrid system keeps a running value P (start M = 36); for each character a from the left,
 * S = (P + a) mod M, with 0 taken as M; P = 2S mod (M + 1). The check character c makes
 * (P + c) mod M = 1. It detects every single substitution, and every adjacent transposition but
 * 1 in 630: two neighbouring characters (values one apart) swapped at 2 of the 36 running values
 * (mod37-36.test.ts counts them).
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const M = 36;

/** The value of each character; anything outside 0-9A-Z is refused (the caller upper-cases). */
function valueOf(c: string): number {
  const v = ALPHABET.indexOf(c);
  if (v < 0 || c.length !== 1) throw new RangeError(`not a MOD 37,36 character: ${JSON.stringify(c)}`);
  return v;
}

function runningValue(text: string): number {
  let p = M;
  for (const c of text) {
    const s = (p + valueOf(c)) % M || M;
    p = (2 * s) % (M + 1);
  }
  return p;
}

/** The check character of `text` (0-9A-Z only). */
export function mod37_36CheckChar(text: string): string {
  return ALPHABET[(M + 1 - runningValue(text)) % M]!;
}

/** Whether the last character of `text` is the MOD 37,36 check character of the rest. */
export function isMod37_36Valid(text: string): boolean {
  if (text.length < 2 || !/^[0-9A-Z]+$/.test(text)) return false;
  return (runningValue(text.slice(0, -1)) + valueOf(text.at(-1)!)) % M === 1;
}

export const MOD37_36_ALPHABET = ALPHABET;
