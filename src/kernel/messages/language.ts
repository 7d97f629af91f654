/**
 * The languages the hub answers in, and which one a request asks for. zh-CN is the default:
 * the hub's users are Jinan's departments; English is for developers and foreign partners.
 */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

/** The supported language a language range (RFC 4647 basic range) stands for, if any. */
function supported(range: string): Language | undefined {
  if (range === '*') return DEFAULT_LANGUAGE;
  const primary = range.split('-')[0];
  if (primary === 'zh') return 'zh-CN';
  if (primary === 'en') return 'en';
  return undefined;
}

/** A q-value of RFC 9110 §12.4.2: 0 to 1 with at most three decimals; anything else is not one. */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * The language of an `Accept-Language` header (RFC 9110 §12.5.4): the supported language of
 * the highest q-value, the earlier one on a tie; ranges with q=0 or a malformed q are refused.
 * zh-CN when the header is absent, empty, or names nothing supported. Any zh (zh-TW, zh-Hans…)
 * answers in zh-CN, the only Chinese the hub has.
 */
export function languageOf(header: string | readonly string[] | undefined): Language {
  const text = Array.isArray(header) ? header.join(',') : (header as string | undefined);
  if (!text) return DEFAULT_LANGUAGE;
  let best: Language | undefined;
  let bestQ = 0;
  for (const item of text.slice(0, 1000).split(',')) {
    const [rawRange, ...rawParams] = item.split(';');
    const range = rawRange!.trim().toLowerCase();
    if (!/^(?:\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$/.test(range)) continue;
    let q = 1;
    for (const param of rawParams) {
      const [name, value] = param.split('=').map((s) => s.trim());
      if (name?.toLowerCase() !== 'q') continue;
      q = value !== undefined && QVALUE.test(value) ? Number(value) : -1;
    }
    const language = supported(range);
    if (language && q > bestQ) {
      best = language;
      bestQ = q;
    }
  }
  return best ?? DEFAULT_LANGUAGE;
}
