/**
 * Terms for the catalog's full-text index. Chinese has no spaces, so a run of Han characters is
 * indexed by its single characters and its overlapping pairs (the bigram method of CJK search
 * engines); other text by its lower-cased words. A query is turned into the terms every match
 * must contain, and the database rechecks the phrase itself, so "人口" finds "人口基础信息" and
 * "基础人口" does not match "人口基础".
 */
const HAN = /\p{Script=Han}+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

export function indexTerms(texts: readonly string[]): string[] {
  const terms = new Set<string>();
  for (const text of texts) {
    for (const run of text.match(HAN) ?? []) {
      for (let i = 0; i < run.length; i++) {
        terms.add(run[i]!);
        if (i + 1 < run.length) terms.add(run.slice(i, i + 2));
      }
    }
    for (const word of words(text)) {
      // Every prefix, so that a code or a word typed in part is still found through the index.
      for (let n = 1; n <= Math.min(word.length, MAX_PREFIX); n++) terms.add(word.slice(0, n));
    }
  }
  return [...terms];
}

const MAX_PREFIX = 24;
const words = (text: string) => text.replace(HAN, ' ').toLowerCase().match(WORD) ?? [];

/** The terms an entry must have to match `query`: Han bigrams (a lone character as itself) and word prefixes. */
export function queryTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const run of query.match(HAN) ?? []) {
    if (run.length === 1) terms.add(run);
    for (let i = 0; i + 1 < run.length; i++) terms.add(run.slice(i, i + 2));
  }
  for (const word of words(query)) terms.add(word.slice(0, MAX_PREFIX));
  return [...terms];
}

/** The pieces of a query that the entry's text must contain as they are: its Han runs and its words. */
export function queryPhrases(query: string): string[] {
  return [...(query.match(HAN) ?? []), ...words(query)];
}
