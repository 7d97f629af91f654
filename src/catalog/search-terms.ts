/**
 * Terms for the catalog's full-text index. Chinese has no spaces, so a run of Han characters is
 * indexed by its single characters and its overlapping pairs (the bigram method of CJK search
 * engines); other text by its lower-cased words, and codes by every prefix of their parts. A
 * query is turned into the terms every match must contain, and the database rechecks a longer
 * phrase itself, so "人口" finds "人口基础信息" and "基础人口" does not match "人口基础".
 */
const HAN = /\p{Script=Han}+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

export function indexTerms(texts: readonly string[], codes: readonly string[] = []): string[] {
  const terms = new Set<string>();
  for (const text of texts) {
    for (const run of text.match(HAN) ?? []) {
      for (let i = 0; i < run.length; i++) {
        terms.add(run[i]!);
        if (i + 1 < run.length) terms.add(run.slice(i, i + 2));
      }
    }
    for (const word of words(text)) terms.add(word.slice(0, MAX_PREFIX));
  }
  for (const word of codes.flatMap(words)) {
    // Every prefix of a code's parts, so that a code typed in part is found through the index.
    for (let n = 1; n <= Math.min(word.length, MAX_PREFIX); n++) terms.add(word.slice(0, n));
  }
  return [...terms];
}

const MAX_PREFIX = 24;
const words = (text: string) => text.replace(HAN, ' ').toLowerCase().match(WORD) ?? [];

/** The terms an entry must have to match `query`: Han bigrams (a lone character as itself) and words. */
export function queryTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const run of query.match(HAN) ?? []) {
    if (run.length === 1) terms.add(run);
    for (let i = 0; i + 1 < run.length; i++) terms.add(run.slice(i, i + 2));
  }
  for (const word of words(query)) terms.add(word.slice(0, MAX_PREFIX));
  return [...terms];
}

/**
 * The pieces of a query the index cannot decide alone: Han runs of three or more characters,
 * whose bigrams may all be present without standing together. A bigram, a lone character and
 * a word are exact terms already (but for words longer than the indexed length), so
 * the common short queries skip the recheck.
 */
export function queryPhrases(query: string): string[] {
  const longHan = (query.match(HAN) ?? []).filter((run) => run.length >= 3);
  return [...longHan, ...words(query).filter((w) => w.length > MAX_PREFIX)];
}

/** A term of the entry's name, indexed apart so that name matches can be ranked first. */
export const nameTerm = (term: string) => `n:${term}`;
