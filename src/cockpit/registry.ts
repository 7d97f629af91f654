import type { Language } from '../kernel/index.js';

/** A text in both of the hub's languages, zh-CN first. */
export interface Words {
  zh: string;
  en: string;
}

/** The period of a figure counted as the request finds things (a count of what is there now). */
export const SNAPSHOT: Words = { zh: '请求时的快照', en: 'a snapshot at the time of the request' };
/** The period of a figure counted over everything recorded up to the request. */
export const SO_FAR: Words = { zh: '截至请求时的全部记录', en: 'everything so far, up to the request' };

export type Unit = 'percent' | 'days' | 'count';

/** The plan's target of an indicator: `value op target` is met (percent targets are 0–100). */
export interface Target {
  op: '>=' | '>' | '<=';
  value: number;
}

/**
 * One figure of one indicator, for one department or the city: a quotient of two counts (a rate,
 * as a percentage; an average, as days) or a count alone (`denominator` null). The city's is the
 * departments' numerators over their denominators, never an average of their values.
 */
export interface Figure {
  value: number | null;
  numerator: number;
  denominator: number | null;
}

/** The counts of one indicator, per organization code (the city's row is computed from them). */
export interface Counts {
  /** Numerator and denominator per organization; `d` is null for a count. */
  byOrg: Map<string, { n: number; d: number | null }>;
  /**
   * Where the city's figure is not the departments' sum (field accuracy: a base value is the
   * city's, not one department's): the city's counts themselves.
   */
  city?: { n: number; d: number | null };
  /**
   * Per county of the city (GB/T 2260 code), where the indicator knows them itself (a district
   * node's figures); else a county's are its departments' (those whose division it is).
   */
  byDistrict?: Map<string, { n: number; d: number | null }>;
}

/** The rows behind a figure, as a table: columns named in both languages. */
export interface DrillRows {
  /** `values`: the words of a column's codes (a state, a type), so that people read names, not codes. */
  columns: Array<{ key: string; name: Words; values?: Record<string, Words> }>;
  rows: Array<Record<string, string | number | null>>;
  /** More rows matched than were returned. */
  truncated: boolean;
}

/**
 * An indicator as a module declares it: what it is, its target, its definition in words, and how
 * its counts and the rows behind them are read. A module adds its own indicators with
 * `IndicatorRegistry.register` when it lands (the open-data portal: open datasets, downloads).
 */
export interface IndicatorDef {
  /** camelCase, unique. */
  code: string;
  /** The module that keeps the counts. */
  module: string;
  name: Words;
  unit: Unit;
  target: Target | null;
  definition: { numerator: Words; denominator: Words | null; period: Words };
  /** Whether department rows exist (false: the city's figure only). */
  perDepartment: boolean;
  counts(now: Date): Promise<Counts>;
  /** The rows that make the figure, of one organization or (null) the city; at most `limit`. */
  drill(org: string | null, limit: number, now: Date): Promise<DrillRows>;
}

export const DRILL_LIMIT = 200;

/** Every indicator, in the order they were registered. */
export class IndicatorRegistry {
  private readonly defs = new Map<string, IndicatorDef>();

  register(...defs: IndicatorDef[]): this {
    for (const def of defs) {
      if (!/^[a-z][A-Za-z0-9]{1,40}$/.test(def.code)) throw new Error(`indicator code ${def.code} is not camelCase`);
      if (this.defs.has(def.code)) throw new Error(`indicator ${def.code} is registered twice`);
      this.defs.set(def.code, def);
    }
    return this;
  }

  list(): IndicatorDef[] {
    return [...this.defs.values()];
  }

  get(code: string): IndicatorDef | undefined {
    return this.defs.get(code);
  }
}

/** n ÷ d as the unit shows it: a percentage with one decimal, days with one decimal, or n. */
export function valueOf(unit: Unit, n: number, d: number | null): number | null {
  if (d === null) return n;
  if (d === 0) return null;
  const q = unit === 'percent' ? (100 * n) / d : n / d;
  return Math.round(q * 10) / 10;
}

export function figureOf(unit: Unit, c: { n: number; d: number | null } | undefined): Figure {
  const n = c?.n ?? 0;
  const d = c ? c.d : unit === 'count' ? null : 0;
  return { value: valueOf(unit, n, d), numerator: n, denominator: d };
}

/** The city's counts: the departments' summed (unless the indicator keeps the city's itself). */
export function cityCounts(counts: Counts, unit: Unit): { n: number; d: number | null } {
  if (counts.city) return counts.city;
  let n = 0;
  let d: number | null = unit === 'count' ? null : 0;
  for (const c of counts.byOrg.values()) {
    n += c.n;
    if (d !== null && c.d !== null) d += c.d;
  }
  return { n, d };
}

/** Whether a value meets its target; null when there is no value or no target. */
export function meets(target: Target | null, value: number | null): boolean | null {
  if (target === null || value === null) return null;
  if (target.op === '>=') return value >= target.value;
  if (target.op === '>') return value > target.value;
  return value <= target.value;
}

export function words(w: Words, language: Language): string {
  return language === 'en' ? w.en : w.zh;
}
