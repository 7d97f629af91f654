import { findDataElement, type DataElement, type Field, type Resource } from '../catalog/index.js';

/** The base databases (基础库) this module keeps: 人口 by citizen ID, 法人 by credit code. */
export const BASE_KINDS = ['person', 'legal_entity'] as const;
export type BaseKind = (typeof BASE_KINDS)[number];

export interface BaseDefinition {
  kind: BaseKind;
  name: string;
  /** The data element of the subject key: a resource whose key field binds it feeds this base. */
  keyElement: string;
  /**
   * The data elements the base keeps. Declared rather than "every bound field", so that a
   * resource keyed by citizen ID does not pour licence numbers or health records into the
   * population base: the base holds what describes the subject, and no more (minimum necessary).
   */
  elements: readonly string[];
}

export const BASES: Record<BaseKind, BaseDefinition> = {
  person: {
    kind: 'person',
    name: '人口基础库',
    keyElement: 'citizen_id',
    elements: [
      'person_name',
      'gender',
      'birth_date',
      'ethnicity',
      'marital_status',
      'education',
      'division',
      'address',
      'phone',
      'email',
      'household_size',
      'disability_cert_no',
    ],
  },
  legal_entity: {
    kind: 'legal_entity',
    name: '法人基础库',
    keyElement: 'credit_code',
    elements: [
      'enterprise_name',
      'org_name',
      'legal_rep',
      'reg_capital',
      'division',
      'address',
      'phone',
      'employees',
      'revenue',
    ],
  },
};

/** One field of a resource that feeds a base, with the element it feeds. */
export interface Feed {
  field: Field;
  element: DataElement;
}

/**
 * Which base a resource feeds and through which fields: the base whose key element its key
 * field binds, through its other fields bound to that base's elements. When two fields bind the
 * same element the first one feeds it. Undefined when the resource feeds no base.
 */
export function feedOf(resource: Resource): { kind: BaseKind; feeds: Feed[] } | undefined {
  const keyField = resource.fields.find((f) => f.name === resource.keyField);
  const base = Object.values(BASES).find((b) => keyField?.element === b.keyElement);
  if (!base) return undefined;
  const feeds: Feed[] = [];
  for (const field of resource.fields) {
    if (field === keyField || !field.element || !base.elements.includes(field.element)) continue;
    if (feeds.some((f) => f.element.code === field.element)) continue;
    feeds.push({ field, element: findDataElement(field.element)! });
  }
  return feeds.length > 0 ? { kind: base.kind, feeds } : undefined;
}

export function isBaseElement(kind: BaseKind, element: string): boolean {
  return BASES[kind].elements.includes(element);
}
