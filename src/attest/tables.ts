import type { Generated } from '../db/index.js';
import type { Texts } from '../kernel/index.js';
import type { Condition, SubjectKind } from './rule.js';

export type AttestTables = {
  /** 证明事项: a proof item, its responsible department and the version of its rule in force. */
  'attest.item': {
    code: string;
    name_zh: string;
    name_en: string;
    /** The department that answers for the item (an organization code). */
    provider: string;
    subject_kind: SubjectKind;
    /** The rule version in force: the highest of attest.rule_version for the item. */
    version: number;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  /** Every version of every item's rule, never changed once written: old answers name theirs. */
  'attest.rule_version': {
    item: string;
    version: number;
    rule: Condition;
    /** The rule in words as it read when saved (describe.ts). */
    description: Texts;
    /** H of the rule's RFC 8785 JSON, as the ledger entry of the change names it. */
    digest: string;
    note: string;
    created_by: string;
    created_at: Generated<Date>;
  };
  /** Answers given per minute and kind, without their subjects: the cockpit's counters (stats.ts). */
  'attest.answer_count': {
    minute: Date;
    item: string;
    version: number;
    provider: string;
    asker_org: string;
    answer: boolean;
    n: number;
  };
};
