import { describe, expect, it } from 'vitest';
import { unsafePatternReason } from './regex.js';

describe('unsafePatternReason', () => {
  it.each([
    '^\\d{6}$',
    '^[A-Z]+(-[0-9]+)?$',
    '^(a|b)+$',
    '^(\\d{3})-(\\d{4})$',
    '(a+)?b',
    'a+?b*?',
    '[(+)]+',
    '^\\(+$',
  ])('lets %s run', (p) => expect(unsafePatternReason(p)).toBeNull());
  it.each(['^(a+)+$', '(\\d*)*', '((ab)+c)*', '(x+){2,}', '(?:a|b+)*', '(a)\\1'])('refuses %s', (p) =>
    expect(unsafePatternReason(p)).not.toBeNull(),
  );
});
