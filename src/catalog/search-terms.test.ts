import { describe, expect, it } from 'vitest';
import { indexTerms, queryPhrases, queryTerms } from './search-terms.js';

describe('catalog search terms', () => {
  it('indexes Han text by characters and adjacent pairs, other text by words, codes by prefixes', () => {
    const terms = indexTerms(['人口基础信息', 'citizen_id'], ['JNGAJ-0001']);
    expect(terms).toEqual(expect.arrayContaining(['人', '人口', '口基', '基础', '信息', 'citizen', 'id']));
    expect(terms).toEqual(expect.arrayContaining(['jngaj', 'jn', '0001', '00']));
    expect(terms).not.toContain('人基');
    expect(terms).not.toContain('citi');
  });

  it('asks for the bigrams of a query, a lone character as itself, and words as prefixes', () => {
    expect(queryTerms('人口')).toEqual(['人口']);
    expect(queryTerms('人口基础')).toEqual(['人口', '口基', '基础']);
    expect(queryTerms('税')).toEqual(['税']);
    expect(queryTerms('JNGAJ 人口')).toEqual(['人口', 'jngaj']);
    expect(queryPhrases('JNGAJ 人口 基础信息')).toEqual(['基础信息']);
  });

  it('finds every word inside a longer one through the index terms alone', () => {
    const stored = new Set(indexTerms(['户籍人口基础信息']));
    for (const q of ['人口', '口基', '籍人口', '基础信息', '户']) {
      expect(
        queryTerms(q).every((t) => stored.has(t)),
        q,
      ).toBe(true);
    }
    expect(queryTerms('人口户籍').every((t) => stored.has(t))).toBe(false);
  });
});
