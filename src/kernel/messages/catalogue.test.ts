import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../errors.js';
import { MESSAGES, PROBLEM_TITLES_ZH, msg, render, resolveParams } from './index.js';

const paramsOf = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/**
 * Latin words a Chinese template may hold: formats and codes people type or see elsewhere
 * (file types, standards, header and parameter names of the API, identifiers' letters).
 */
const ALLOWED_LATIN = new Set(
  (
    'XLSX CSV JSON NDJSON ZIP ZIP64 HTTP GB T UUID YYYY MM DD X I O Z S V CDATA DTD MiB NUL SQLSTATE ' +
    'multipart form data resource file source Authorization Bearer DATABASE_URL DATABASE_READ_URLS PostgreSQL cron API ' +
    'Crockford base32 items itemsPath index leafHash first end start treeSize subject me format csv true false x request id ' +
    'url QDH_SOURCE_ QDH_INGEST_HOSTS sslmode postgres http s SELECT WITH warn hold ISO all any not label element'
  ).split(' '),
);

describe('the message catalogue', () => {
  it('has a Chinese and an English template for every key, naming the same params', () => {
    for (const [key, { zh, en }] of Object.entries(MESSAGES)) {
      expect(zh.trim(), key).not.toBe('');
      expect(en.trim(), key).not.toBe('');
      expect(paramsOf(zh), key).toEqual(paramsOf(en));
    }
  });

  it('writes Chinese templates in Chinese: no English word beyond the allowed codes', () => {
    const english = Object.entries(MESSAGES).flatMap(([key, { zh }]) => {
      const words = zh.replace(/\{\w+\}/g, '').match(/[A-Za-z][A-Za-z0-9_]*/g) ?? [];
      return words.filter((w) => !ALLOWED_LATIN.has(w)).map((w) => `${key}: ${w}`);
    });
    expect(english).toEqual([]);
  });

  it('has a Chinese title for every problem code', () => {
    for (const code of Object.keys(ERROR_CATALOGUE)) {
      expect(PROBLEM_TITLES_ZH[code as keyof typeof PROBLEM_TITLES_ZH]?.trim(), code).toBeTruthy();
    }
  });

  it('renders params, lists, texts per language and nested messages', () => {
    const m = msg('share.notFieldsOf', { code: 'R1', fields: ['a', 'b'] });
    expect(render(m, 'zh-CN')).toBe('不是 R1 的信息项：a、b');
    expect(render(m, 'en')).toBe('not fields of R1: a, b');
    const nested = msg('access.mayNot', {
      user: 'officer',
      action: { 'zh-CN': '查阅基础库', en: 'read the base databases' },
    });
    expect(render(nested, 'zh-CN')).toBe('officer 无权查阅基础库');
    expect(render(nested, 'en')).toBe('officer may not read the base databases');
    const outer = msg('kernel.fieldReason', {
      field: 'key',
      reason: msg('id.checkDigit', { expected: 'X', got: '1' }),
    });
    expect(render(outer, 'zh-CN')).toBe('key：校验码应为 X，实际为 1');
    expect(resolveParams(outer.params, 'en')).toEqual({ field: 'key', reason: 'check digit should be X, got 1' });
  });

  it('is what the code uses: every key a source file names exists', () => {
    const missing: string[] = [];
    for (const file of sourceFiles(new URL('../../', import.meta.url).pathname)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\b(?:msg|refuse)\('([\w.-]+)'/g))
        if (!(m[1]! in MESSAGES)) missing.push(`${file}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it('leaves no English text in a thrown HubError or invalid(): every one goes through a key', () => {
    const literal =
      /new HubError\(\s*(?:'[A-Z_]+'|[^,()]+\?[^,()]+:[^,()]+),\s*['`]|(?<!function )\binvalid\([^,]+,\s*['`]|(?<!function )\binvalidAs\([^,]+,[^,]+,\s*['`]/g;
    const found: string[] = [];
    for (const file of sourceFiles(new URL('../../', import.meta.url).pathname)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(literal)) found.push(`${file}: ${m[0]}`);
    }
    expect(found).toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}
