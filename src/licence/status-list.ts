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
