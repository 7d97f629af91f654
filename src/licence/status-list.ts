import { gzipSync } from 'node:zlib';

/**
 * Bitstring Status List (W3C): one bit per licence version, set once it is revoked or
 * superseded. The spec asks for at least 131 072 bits (16 KB) so that a list gives its holders
 * herd privacy; index 0 is the left-most bit of the first byte.
 */
export const STATUS_LIST_BITS = 131_072;

/** `encodedList`: the multibase base64url ('u') of the GZIP of the bitstring. */
export function encodeStatusList(setIndexes: Iterable<number>, bits = STATUS_LIST_BITS): string {
  const bytes = new Uint8Array(bits / 8);
  for (const i of setIndexes) {
    if (i < 0 || i >= bits) throw new RangeError(`status index ${i} outside the list`);
    bytes[i >> 3]! |= 0x80 >> (i & 7);
  }
  return `u${gzipSync(bytes).toString('base64url')}`;
}

/**
 * Where the n-th licence of a list sits in it: a bijection of [0, 2^17) — an odd multiplier and
 * an offset taken from `key` (hex; the list's keyed tag) — so that, as the spec advises, a
 * position says nothing of when or after whom a licence was issued, and no two share a bit.
 */
export function scatter(key: string, n: number, bits = STATUS_LIST_BITS): number {
  if (bits & (bits - 1)) throw new RangeError('a status list scatters over a power of two');
  const multiplier = (parseInt(key.slice(0, 8), 16) % bits) | 1;
  const offset = parseInt(key.slice(8, 16), 16) % bits;
  return (multiplier * n + offset) % bits;
}
