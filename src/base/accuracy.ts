import { findDataElement } from '../catalog/index.js';
import { sql, type Kysely } from '../db/index.js';
import type { BaseKind } from './kinds.js';
import type { BaseTables } from './tables.js';

/** 字段准确率 ≥ 90 %: the target the seeds set for the base databases. */
export const ACCURACY_TARGET = 0.9;

export interface Tally {
  values: number;
  accurate: number;
  /** accurate / values; null when there are no values. */
  rate: number | null;
}

export interface ElementAccuracy extends Tally {
  kind: BaseKind;
  element: string;
  /** The data element's name (数据元名称). */
  name: string;
  /** Fails the element's validator. */
  invalid: number;
  /** Valid, but the declared source of record does not report this value (or nothing). */
  unconfirmed: number;
  /** Valid and agreeing, but another provider reports otherwise and nobody has reviewed it. */
  disputed: number;
  /** Also reported, identically, by at least one other provider. */
  confirmed: number;
}

export interface ProviderAgreement {
  kind: BaseKind;
  provider: string;
  observations: number;
  /** Valid and equal to the base's value. */
  agreeing: number;
  rate: number | null;
}

export interface Accuracy {
  target: number;
  overall: Tally;
  bases: Array<Tally & { kind: BaseKind }>;
  elements: ElementAccuracy[];
  providers: ProviderAgreement[];
}

/**
 * Field accuracy (docs/base.md): a base value is accurate when it passes its element's
 * validator, the source of record reports that same value (any value, when none is declared),
 * and no open conflict disputes it. Rates per element, per base and overall are accurate
 * values over all values; one query over the values and one over the observations.
 */
export async function accuracy(db: Kysely<BaseTables>): Promise<Accuracy> {
  const { rows } = await sql<Omit<ElementAccuracy, 'rate' | 'accurate' | 'name'>>`
    with disputed as (select distinct kind, subject_key, element from base.conflict where state = 'open')
    select v.kind, v.element, count(*)::int as values,
      count(*) filter (where not v.valid)::int as invalid,
      count(*) filter (where v.valid and not v.agrees)::int as unconfirmed,
      count(*) filter (where v.valid and v.agrees and d.element is not null)::int as disputed,
      count(*) filter (where v.confirmations > 0)::int as confirmed
    from base.value v
    left join disputed d on d.kind = v.kind and d.subject_key = v.subject_key and d.element = v.element
    group by v.kind, v.element
    order by v.kind, v.element`.execute(db);
  const elements = rows.map((r) => {
    const accurate = r.values - r.invalid - r.unconfirmed - r.disputed;
    return { ...r, name: findDataElement(r.element)?.name ?? r.element, accurate, rate: rate(accurate, r.values) };
  });
  const sum = (items: ElementAccuracy[]): Tally => {
    const values = items.reduce((n, e) => n + e.values, 0);
    const accurate = items.reduce((n, e) => n + e.accurate, 0);
    return { values, accurate, rate: rate(accurate, values) };
  };
  const kinds = [...new Set(elements.map((e) => e.kind))];
  return {
    target: ACCURACY_TARGET,
    overall: sum(elements),
    bases: kinds.map((kind) => ({ kind, ...sum(elements.filter((e) => e.kind === kind)) })),
    elements,
    providers: await agreement(db),
  };
}

async function agreement(db: Kysely<BaseTables>): Promise<ProviderAgreement[]> {
  const { rows } = await sql<Omit<ProviderAgreement, 'rate'>>`
    select o.kind, o.provider_org as provider, count(*)::int as observations,
      count(*) filter (where o.valid and o.norm = v.norm)::int as agreeing
    from base.observation o
    join base.value v on v.kind = o.kind and v.subject_key = o.subject_key and v.element = o.element
    group by o.kind, o.provider_org
    order by o.kind, o.provider_org`.execute(db);
  return rows.map((r) => ({ ...r, rate: rate(r.agreeing, r.observations) }));
}

function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((10000 * part) / whole) / 10000;
}
