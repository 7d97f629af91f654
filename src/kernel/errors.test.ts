import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, HubError, invalid } from './errors.js';
import { msg } from './messages/index.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/**
 * The `problem.<CODE>` texts of one language in web/src/i18n.ts. The file is read as text: importing
 * it would start i18next against the browser's localStorage.
 */
function webProblemTexts(language: 'zh' | 'en'): Map<string, string> {
  const source = read('web/src/i18n.ts');
  const enStart = source.search(/^const en\b/m);
  expect(enStart, 'web/src/i18n.ts declares zh, then en').toBeGreaterThan(0);
  const part = language === 'zh' ? source.slice(0, enStart) : source.slice(enStart);
  const entries = part.matchAll(/^\s*'problem\.([A-Z_]+)':\s*(['"])((?:\\.|(?!\2).)*)\2,?$/gm);
  return new Map([...entries].map((m) => [m[1]!, m[3]!]));
}

describe('error catalogue', () => {
  it('is documented exactly in docs/errors.md, with the text the web shows in Chinese', () => {
    const rows = [...read('docs/errors.md').matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.+?) \| (.+?) \|$/gm)];
    const zh = webProblemTexts('zh');
    expect(rows.map((m) => [m[1], Number(m[2]), m[3], m[4]])).toEqual(
      Object.entries(ERROR_CATALOGUE).map(([k, v]) => [k, v.status, v.title, zh.get(k)]),
    );
  });

  it.each(['zh', 'en'] as const)('has a %s problem text in the web app for every code', (language) => {
    const texts = webProblemTexts(language);
    const untranslated = Object.keys(ERROR_CATALOGUE).filter((code) => !texts.get(code)?.trim());
    expect(untranslated).toEqual([]);
  });

  it('carries status, code and the offending field', () => {
    const e = invalid('key', msg('id.checkDigit', { expected: '7', got: '3' }));
    expect(e).toBeInstanceOf(HubError);
    expect(e.status).toBe(422);
    expect(e.message).toBe('key: check digit should be 7, got 3');
    expect(e.problems).toEqual([
      {
        field: 'key',
        reason: 'check digit should be 7, got 3',
        code: 'id.checkDigit',
        params: { expected: '7', got: '3' },
      },
    ]);
  });

  it('groups the codes by module: each prefix appears in one run', () => {
    const prefixes = Object.keys(ERROR_CATALOGUE).map((code) => code.slice(0, code.indexOf('_')));
    const runs = prefixes.filter((p, i) => p !== prefixes[i - 1]);
    expect(runs).toEqual([...new Set(runs)]);
  });
});
