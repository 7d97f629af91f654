import { describe, expect, it } from 'vitest';
import { CredentialCache } from './credential-cache.js';
import { delaySeconds } from './login-throttle.js';

describe('delaySeconds', () => {
  it('costs nothing for the free failures, then doubles up to a cap rather than locking', () => {
    expect([0, 4].map((n) => delaySeconds(n, 5))).toEqual([0, 0]);
    expect([5, 6, 7, 10].map((n) => delaySeconds(n, 5))).toEqual([1, 2, 4, 32]);
    expect(delaySeconds(1000, 5)).toBe(15 * 60);
  });
});

describe('CredentialCache', () => {
  it("forgets one user's entries, or all of them when anything may have been missed", () => {
    const cache = new CredentialCache<{ userId: number }>();
    cache.set('a', { userId: 1 }, 0);
    cache.set('b', { userId: 2 }, 0);
    cache.forget(1);
    expect([cache.get('a', 1), cache.get('b', 1)]).toEqual([undefined, { userId: 2 }]);
    cache.forget(null);
    expect(cache.get('b', 1)).toBeUndefined();
  });

  it('keeps an entry no longer than its credential lives', () => {
    const cache = new CredentialCache<{ userId: number }>();
    cache.set('a', { userId: 1 }, 0, 10);
    expect([cache.get('a', 9), cache.get('a', 10)]).toEqual([{ userId: 1 }, undefined]);
  });
});
