import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { IMMUTABLE, NO_CACHE } from '../../src/http/web-assets.js';
import { createLogger } from '../../src/kernel/index.js';

type App = Awaited<ReturnType<typeof buildApp>>;

/** The built app (`npm run build:web`; `npm test` builds it first). QDH_WEB_DIR: a build of one's own. */
const WEB_DIR = resolve(process.env.QDH_WEB_DIR ?? 'web/dist');
/**
 * Budgets for what the login page loads (issue #14: it was one 903 KB script). Measured on
 * 2026-12-04: entry chunk 191 KB; the entry and its 15 static imports 979 KB raw, 281 KB brotli.
 */
const ENTRY_BUDGET = 350 * 1024;
const INITIAL_BROTLI_BUDGET = 350 * 1024;

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

function manifest(): Record<string, ManifestChunk> {
  const path = join(WEB_DIR, '.vite', 'manifest.json');
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build:web`);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, ManifestChunk>;
}

/** The entry chunk and every chunk it imports statically: what the browser loads before the login shows. */
function initialFiles(chunks: Record<string, ManifestChunk>): string[] {
  const entry = Object.keys(chunks).find((k) => chunks[k]!.isEntry)!;
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const i of chunks[key]!.imports ?? []) visit(i);
  };
  visit(entry);
  return [...seen].map((k) => chunks[k]!.file);
}

/**
 * The web app as the hub serves it: hashed assets as brotli or gzip per Accept-Encoding, cached
 * for a year as immutable; index.html revalidated; client-side routes answered with index.html;
 * and the login page's scripts within budget. (Serving does not depend on the database: PGlite only.)
 */
describe('the web app as served', () => {
  let hub: Hub;
  let app: App;
  let entry: string;

  beforeAll(async () => {
    hub = await openHub({ databaseUrl: undefined, dataDir: 'memory://' });
    app = await buildApp(hub, { logger: createLogger('silent'), webDir: WEB_DIR });
    entry = Object.values(manifest()).find((c) => c.isEntry)!.file;
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const get = (url: string, acceptEncoding?: string) =>
    app.inject({ url, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } });

  it('sends a hashed asset as brotli or gzip, as Accept-Encoding asks, with the same bytes inside', async () => {
    const original = readFileSync(join(WEB_DIR, entry));
    const cases: Array<[string | undefined, string | undefined, (b: Buffer) => Buffer]> = [
      ['br', 'br', brotliDecompressSync],
      ['gzip, deflate, br', 'br', brotliDecompressSync],
      ['gzip', 'gzip', gunzipSync],
      ['gzip, br;q=0', 'gzip', gunzipSync],
      ['identity', undefined, (b) => b],
      [undefined, undefined, (b) => b],
    ];
    for (const [accept, encoding, decode] of cases) {
      const res = await get(`/${entry}`, accept);
      expect(res.statusCode, String(accept)).toBe(200);
      expect(res.headers['content-encoding'], String(accept)).toBe(encoding);
      expect(res.headers['content-type']).toMatch(/javascript/);
      expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
      expect(res.headers['cache-control']).toBe(IMMUTABLE);
      expect(decode(res.rawPayload).equals(original), String(accept)).toBe(true);
      if (encoding) expect(res.rawPayload.length).toBeLessThan(original.length / 2);
    }
  });

  it('has a brotli and a gzip copy of every script and style sheet that earns one', () => {
    for (const file of initialFiles(manifest())) {
      const path = join(WEB_DIR, file);
      if (statSync(path).size < 1024) continue;
      expect(existsSync(`${path}.br`), file).toBe(true);
      expect(existsSync(`${path}.gz`), file).toBe(true);
    }
  });

  it('revalidates index.html, at / and at every client-side route, and keeps API misses as problems', async () => {
    const index = readFileSync(join(WEB_DIR, 'index.html'), 'utf8');
    for (const url of ['/', '/index.html', '/catalog/JNGAJ-0001', '/watermark', '/no/such/page']) {
      const res = await get(url, 'gzip, br');
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/text\/html/);
      expect(res.headers['cache-control'], url).toBe(NO_CACHE);
      const body =
        res.headers['content-encoding'] === 'br' ? brotliDecompressSync(res.rawPayload).toString() : res.body;
      expect(body, url).toBe(index);
    }
    const api = await get('/api/v1/no-such-route');
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/problem\+json/);
  });

  it('keeps the login page within budget: a small entry chunk, no ECharts before a chart page', () => {
    const chunks = manifest();
    const initial = initialFiles(chunks);
    const size = (file: string, ext = '') =>
      existsSync(join(WEB_DIR, file + ext))
        ? statSync(join(WEB_DIR, file + ext)).size
        : statSync(join(WEB_DIR, file)).size;
    expect(size(entry), `entry chunk ${entry}`).toBeLessThan(ENTRY_BUDGET);
    const brotli = initial.reduce((s, f) => s + size(f, '.br'), 0);
    expect(brotli, `initial scripts ${initial.join(', ')}`).toBeLessThan(INITIAL_BROTLI_BUDGET);
    expect(initial.some((f) => /echarts/.test(f))).toBe(false);
    expect(Object.values(chunks).some((c) => /vendor-echarts/.test(c.file))).toBe(true);
    expect(initial.some((f) => /vendor-react/.test(f))).toBe(true);
  });
});
