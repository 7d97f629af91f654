import { describe, expect, it } from 'vitest';
import { STATUS_LIST_BITS, scatter } from './status-list.js';

describe('status list positions', () => {
  const key = 'a3f19c0e7b2d4c5aa3f19c0e7b2d4c5a';

  it('gives every licence of a list a bit of its own', () => {
    const seen = new Set<number>();
    for (let n = 0; n < STATUS_LIST_BITS; n++) seen.add(scatter(key, n));
    expect(seen.size).toBe(STATUS_LIST_BITS);
    expect([...seen].every((p) => p >= 0 && p < STATUS_LIST_BITS)).toBe(true);
  });

  it('does not give away the order of issuing, and depends on the key', () => {
    const first = Array.from({ length: 8 }, (_, n) => scatter(key, n));
    const steps = first.slice(1).map((p, i) => p - first[i]!);
    expect(steps.every((d) => d === 1)).toBe(false);
    expect(Array.from({ length: 8 }, (_, n) => scatter('0'.repeat(15) + '1' + key, n))).not.toEqual(first);
  });
});
