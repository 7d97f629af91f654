import type { Texts } from '../kernel/index.js';
import { RELATIVE_DAY, type Names, type SourceInfo } from './check.js';
import {
  presenceSource,
  sourceKey,
  type Condition,
  type Literal,
  type Source,
  type SubjectKind,
  type Test,
} from './rule.js';

type Lang = 'zh' | 'en';

const OP_WORDS: Record<Test['op'], Record<Lang, (v: string) => string>> = {
  eq: { zh: (v) => `为“${v}”`, en: (v) => `is “${v}”` },
  ne: { zh: (v) => `不为“${v}”`, en: (v) => `is not “${v}”` },
  in: { zh: (v) => `为以下之一：${v}`, en: (v) => `is one of ${v}` },
  gt: { zh: (v) => `大于 ${v}`, en: (v) => `is greater than ${v}` },
  ge: { zh: (v) => `不小于 ${v}`, en: (v) => `is at least ${v}` },
  lt: { zh: (v) => `小于 ${v}`, en: (v) => `is less than ${v}` },
  le: { zh: (v) => `不大于 ${v}`, en: (v) => `is at most ${v}` },
  prefix: { zh: (v) => `以“${v}”开头`, en: (v) => `starts with “${v}”` },
  exists: { zh: () => '有值', en: () => 'has a value' },
  not_exists: { zh: () => '无值', en: () => 'has no value' },
  within_days: { zh: (v) => `在答复日前 ${v} 天内`, en: (v) => `is within ${v} days before the answer` },
  age_ge: { zh: (v) => `距答复日已满 ${v} 年`, en: (v) => `is at least ${v} years before the answer` },
  age_lt: { zh: (v) => `距答复日不满 ${v} 年`, en: (v) => `is less than ${v} years before the answer` },
};

/**
 * A rule in words, in both languages, for the list of items and the operators' editor: what a
 * window clerk reads to know what a "yes" means. Names come from the catalog (`names`, by source key).
 */
export function describeRule(rule: Condition, kind: SubjectKind, names: Names): Texts {
  return { 'zh-CN': words(rule, kind, names, 'zh'), en: words(rule, kind, names, 'en') };
}

function words(c: Condition, kind: SubjectKind, names: Names, lang: Lang, implied?: Source): string {
  const zh = lang === 'zh';
  if ('all' in c) return c.all.map((m) => group(m, kind, names, lang, implied)).join(zh ? '，并且' : ', and ');
  if ('any' in c) return c.any.map((m) => group(m, kind, names, lang, implied)).join(zh ? '，或者' : ', or ');
  if ('not' in c)
    return zh
      ? `并非（${words(c.not, kind, names, lang, implied)}）`
      : `not (${words(c.not, kind, names, lang, implied)})`;
  if ('exists' in c || 'not_exists' in c) {
    const p = 'exists' in c ? c.exists : c.not_exists;
    const source = presenceSource(p, kind);
    const name = nameOf(source, names);
    const where = p.where ? words(p.where, kind, names, lang, source) : undefined;
    if ('exists' in c)
      return zh
        ? `「${name}」中有本人的记录${where ? `，且其中${where}` : ''}`
        : `“${name}” holds a record of the subject${where ? ` in which ${where}` : ''}`;
    return zh
      ? `「${name}」中没有本人${where ? `符合（${where}）的` : '的'}记录`
      : `“${name}” holds no record of the subject${where ? ` in which ${where}` : ''}`;
  }
  const source = c.source ?? implied ?? { base: kind };
  const info = names.get(sourceKey(source));
  const field = info?.fields.find((f) => f.name === c.field)?.label ?? c.field;
  const value = shown(c.value, lang);
  const of = implied && !c.source ? '' : zh ? `「${nameOf(source, names)}」的` : ` of “${nameOf(source, names)}”`;
  return zh ? `${of}「${field}」${OP_WORDS[c.op].zh(value)}` : `“${field}”${of} ${OP_WORDS[c.op].en(value)}`;
}

/** A part of a list, bracketed when it is itself a list of the other kind. */
function group(c: Condition, kind: SubjectKind, names: Names, lang: Lang, implied?: Source): string {
  const text = words(c, kind, names, lang, implied);
  if (!('all' in c || 'any' in c)) return text;
  return lang === 'zh' ? `（${text}）` : `(${text})`;
}

function nameOf(source: Source, names: Names): string {
  const info: SourceInfo | undefined = names.get(sourceKey(source));
  return info?.name ?? ('resource' in source ? source.resource : source.base);
}

function shown(v: Literal | undefined, lang: Lang): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => shown(x, lang)).join(lang === 'zh' ? '、' : ', ');
  if (typeof v === 'boolean') return lang === 'zh' ? (v ? '是' : '否') : v ? 'yes' : 'no';
  if (typeof v === 'string') {
    const m = RELATIVE_DAY.exec(v);
    if (m) {
      if (!m[1]) return lang === 'zh' ? '答复当日' : 'the day of the answer';
      const unit = m[3] === 'd' ? (lang === 'zh' ? '天' : 'days') : lang === 'zh' ? '年' : 'years';
      const dir = m[1] === '-' ? (lang === 'zh' ? '前' : 'before') : lang === 'zh' ? '后' : 'after';
      return lang === 'zh' ? `答复日${dir} ${m[2]} ${unit}` : `${m[2]} ${unit} ${dir} the answer`;
    }
  }
  return String(v);
}
