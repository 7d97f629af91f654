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
 * values over all values, read from the tally the base keeps as values change
 * (`base.accuracy_tally`); the providers' agreement is one query over the observations.
 */
export async function accuracy(db: Kysely<BaseTables>): Promise<Accuracy> {
  const elements = await elementAccuracy(db);
  const kinds = [...new Set(elements.map((e) => e.kind))];
  return {
    target: ACCURACY_TARGET,
    overall: sum(elements),
    bases: kinds.map((kind) => ({ kind, ...sum(elements.filter((e) => e.kind === kind)) })),
    elements,
    providers: await agreement(db),
  };
}

/** Accurate values over all values of the bases: a row per base and element read, whatever their size. */
export async function overallAccuracy(db: Kysely<BaseTables>): Promise<Tally> {
  return sum(await elementAccuracy(db));
}

async function elementAccuracy(db: Kysely<BaseTables>): Promise<ElementAccuracy[]> {
  const rows = await db
    .selectFrom('base.accuracy_tally')
    .selectAll()
    .where('values', '>', 0)
    .orderBy('kind')
    .orderBy('element')
    .execute();
  return rows.map((r) => {
    const [values, invalid, unconfirmed, disputed, confirmed] = [
      r.values,
      r.invalid,
      r.unconfirmed,
      r.disputed,
      r.confirmed,
    ].map(Number) as [number, number, number, number, number];
    const accurate = values - invalid - unconfirmed - disputed;
    return {
      kind: r.kind,
      element: r.element,
      name: findDataElement(r.element)?.name ?? r.element,
      values,
      invalid,
      unconfirmed,
      disputed,
      confirmed,
      accurate,
      rate: rate(accurate, values),
    };
  });
}

function sum(items: ElementAccuracy[]): Tally {
  const values = items.reduce((n, e) => n + e.values, 0);
  const accurate = items.reduce((n, e) => n + e.accurate, 0);
  return { values, accurate, rate: rate(accurate, values) };
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
