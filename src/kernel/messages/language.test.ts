import { describe, expect, it } from 'vitest';
import { languageOf } from './language.js';

describe('Accept-Language', () => {
  it.each([
    [undefined, 'zh-CN'],
    ['', 'zh-CN'],
    ['en', 'en'],
    ['en-US', 'en'],
    ['EN-gb', 'en'],
    ['zh-CN', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['zh-TW,en;q=0.5', 'zh-CN'],
    ['fr', 'zh-CN'],
    ['*', 'zh-CN'],
    ['fr, en;q=0.8', 'en'],
    ['zh-CN;q=0.5, en;q=0.9', 'en'],
    ['en;q=0.5, zh;q=0.5', 'en'],
    ['zh;q=0.5, en;q=0.5', 'zh-CN'],
    ['en;q=0, zh;q=0.1', 'zh-CN'],
    ['en;q=0', 'zh-CN'],
    ['en;q=1.5, zh;q=0.2', 'zh-CN'],
    ['en;q=abc', 'zh-CN'],
    ['en;q=0.9999', 'zh-CN'],
    [' en ; q = 0.8 ', 'en'],
    ['en;level=1;q=0.7', 'en'],
    ['de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7', 'en'],
    ['<script>, en', 'en'],
    [['fr', 'en;q=0.3'], 'en'],
  ] as const)('%j answers in %s', (header, language) => {
    expect(languageOf(header as string | string[] | undefined)).toBe(language);
  });
});
