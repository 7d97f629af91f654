import { readFileSync } from 'node:fs';
import type { TSchema } from 'typebox';
import { describe, expect, it } from 'vitest';
import { ENTRY_SCHEMAS, READ_OPS } from '../../src/ledger/entries.js';
import * as ledger from '../../web/src/texts/ledger.js';
import * as outcome from '../../web/src/texts/outcome.js';

/**
 * The keys the web's catalogue defines: web/src/texts/ledger.ts and outcome.ts, and the part of
 * web/src/i18n.ts's own dictionaries (zh first, then en) that predates them — read as text, since
 * i18n.ts starts i18next in a browser when imported.
 */
function catalogue(lang: 'zh' | 'en'): Set<string> {
  const source = readFileSync(new URL('../../web/src/i18n.ts', import.meta.url), 'utf8');
  const split = source.indexOf('const en: typeof zh = {');
  const part = lang === 'zh' ? source.slice(0, split) : source.slice(split);
  const inline = [...part.matchAll(/^\s+'([^']+)':/gm)].map((m) => m[1]!);
  return new Set([...inline, ...Object.keys(ledger[lang]), ...Object.keys(outcome[lang])]);
}

/** The string literals a property's schema allows (a literal, a union of them, an array of them). */
function literalsOf(schema: TSchema | undefined): string[] {
  const s = schema as { const?: unknown; anyOf?: TSchema[]; items?: TSchema } | undefined;
  if (!s) return [];
  if (typeof s.const === 'string') return [s.const];
  if (s.anyOf) return s.anyOf.flatMap(literalsOf);
  if (s.items) return literalsOf(s.items);
  return [];
}

/**
 * What an auditor or a citizen reads of a ledger entry (web/src/ledger/entry-view.tsx): every
 * kind, field, operation, action and reason an entry may hold, in words in both languages — a
 * new kind or op added without its words would show its code on the page (#14).
 */
function wanted(): string[] {
  const keys = new Set<string>(READ_OPS.map((op) => `ledgerOp.${op}`));
  for (const [kind, schema] of Object.entries(ENTRY_SCHEMAS)) {
    keys.add(`ledgerKind.${kind}`);
    const props = (schema as unknown as { properties: Record<string, TSchema> }).properties;
    for (const [name, prop] of Object.entries(props)) {
      if (name === 'v' || name === 'kind') continue;
      keys.add(`ledgerField.${name}`);
      const words = ({ action: 'ledgerAction', reason: 'ledgerReason', outcome: 'outcome' } as Record<string, string>)[
        name
      ];
      if (words) for (const value of literalsOf(prop)) keys.add(`${words}.${value}`);
    }
  }
  return [...keys].sort();
}

describe('the ledger in words', () => {
  it.each(['zh', 'en'] as const)('has %s words for every kind, field, operation, action and reason', (lang) => {
    const words = catalogue(lang);
    expect(wanted().filter((k) => !words.has(k))).toEqual([]);
  });
});
