import type { Texts } from '../kernel/index.js';

/** Whose licence: a person by citizen ID, an enterprise (legal_entity) by unified social credit code. */
export type HolderKind = 'person' | 'legal_entity';

/**
 * One field of a licence type. `omittable`: the holder may leave it out of a presentation
 * (选择性出示); the others are always shown. `label` is what people read.
 */
export interface FieldDef {
  name: string;
  label: Texts;
  required: boolean;
  omittable: boolean;
}

export interface LicenceType {
  code: string;
  name: Texts;
  holderKind: HolderKind;
  fields: FieldDef[];
  /** Default validity in days; null: long-term. */
  validityDays: number | null;
}
