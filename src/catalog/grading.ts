import { invalid, msg } from '../kernel/index.js';
import type { Field } from './fields.js';

export const LEVELS = ['general', 'important', 'core'] as const;
export type Level = (typeof LEVELS)[number];

/** What grading looks at; a subset of a resource, so a form can ask before it registers. */
export interface Gradable {
  category: string;
  keyField: string;
  fields: Field[];
  level?: Level;
  shareType?: string;
  openType?: string;
}

/**
 * The level the hub suggests (分级建议, after GB/T 43697): sensitive personal information makes a
 * resource at least `important`, and a base database keyed by it `core`. The rules are written
 * out in docs/catalog.md; keep the two equal.
 */
export function suggestLevel(r: Gradable): Level {
  const key = r.fields.find((f) => f.name === r.keyField);
  if (r.category === 'base' && key && key.sensitivity >= 4) return 'core';
  if (r.fields.some((f) => f.sensitivity >= 4)) return 'important';
  if (key?.type === 'citizen_id' && r.fields.some((f) => f.sensitivity >= 3)) return 'important';
  return 'general';
}

const rank = (level: Level) => LEVELS.indexOf(level);

/** A level below the suggestion stands only with a reason an operator can read. */
export function checkLevel(r: Gradable & { level: Level; levelReason?: string | undefined }): void {
  const suggested = suggestLevel(r);
  if (rank(r.level) < rank(suggested) && !r.levelReason?.trim()) {
    throw invalid(
      'levelReason',
      msg('catalog.levelReasonRequired', { level: msg(`level.${r.level}`), suggested: msg(`level.${suggested}`) }),
    );
  }
}

/**
 * Contradictions between share/open type and grade that an operator should look at before
 * approving. They are flags, not refusals: the law may allow what the rule of thumb doubts.
 */
export function gradingFlags(r: Gradable & { level: Level; shareType: string; openType: string }): string[] {
  const flags: string[] = [];
  if (r.shareType === 'unconditional' && r.level !== 'general') flags.push('unconditional-share-of-graded');
  if (r.openType !== 'closed' && r.fields.some((f) => f.sensitivity >= 3)) flags.push('open-with-sensitive-fields');
  if (r.openType !== 'closed' && r.level === 'core') flags.push('open-of-core');
  return flags;
}
