import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, HubError, invalid } from './errors.js';

describe('error catalogue', () => {
  it('is documented exactly in docs/errors.md', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.+?) \|$/gm)].map((m) => [m[1], Number(m[2]), m[3]]);
    const code = Object.entries(ERROR_CATALOGUE).map(([k, v]) => [k, v.status, v.title]);
    expect(rows).toEqual(code);
  });

  it('carries status, code and the offending field', () => {
    const e = invalid('key', 'check digit should be 7, got 3');
    expect(e).toBeInstanceOf(HubError);
    expect(e.status).toBe(422);
    expect(e.problems).toEqual([{ field: 'key', reason: 'check digit should be 7, got 3' }]);
  });
});
