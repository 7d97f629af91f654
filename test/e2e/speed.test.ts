import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEEDED_PASSWORD as PASSWORD } from '../databases.js';
import { DESKTOP, haveChromium, login, PHONE, settled, startBrowserCity, type BrowserCity, shot } from './harness.js';

const PERSON = 'DS-JNGAJ-0001';

/**
 * Issue #14 in Chromium: the browser gets the app's scripts compressed and cacheable for a year,
 * and an auditor traces a leaked export on the 水印溯源 page — the consumer, the resource and who
 * took it by name — at desk and phone width; a file without a mark says so.
 */
describe.skipIf(!haveChromium)('speed and watermark tracing in Chromium', () => {
  let city: BrowserCity;
  let dir: string;
  let mark: string;

  beforeAll(async () => {
    city = await startBrowserCity();
    dir = mkdtempSync(join(tmpdir(), 'qdh-leak-'));
    const login = await fetch(`${city.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'consumer', password: PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const res = await fetch(
      `${city.url}/api/v1/services/${PERSON}/records?purpose=social_assistance&format=csv&pageSize=100`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(res.status).toBe(200);
    mark = /-([0-9A-Z]{12})\.csv/.exec(res.headers.get('content-disposition') ?? '')![1]!;
    // The leaked copy: every row, re-sorted (reversed); its decoy row names the export.
    const [header, ...rows] = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    writeFileSync(join(dir, '泄露名单.csv'), [header, ...rows.reverse()].join('\n'));
    writeFileSync(join(dir, 'plain.csv'), 'citizen_id,name\n370102198001010011,张三\n');
  });
  afterAll(async () => {
    await city?.close();
  });

  it('serves compressed, immutable scripts, and names the export a leaked file came from', async () => {
    for (const [name, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const assets: Array<{ url: string; encoding?: string; cache?: string; length: number }> = [];
      const page = await login(city, 'auditor', { viewport });
      page.on('response', (r) => {
        if (/\/assets\/.+\.js$/.test(r.url()))
          assets.push({
            url: r.url(),
            encoding: r.headers()['content-encoding'],
            cache: r.headers()['cache-control'],
            length: Number(r.headers()['content-length'] ?? Infinity),
          });
      });
      if (name === 'desktop') await page.getByTestId('menu-watermark').click();
      else await page.goto(`${city.url}/watermark`);
      await page.getByText('泄露文件水印溯源').first().waitFor();

      await page.getByTestId('watermark-upload').locator('input[type=file]').setInputFiles(join(dir, '泄露名单.csv'));
      const result = page.getByTestId('watermark-result');
      const answered = page.locator('[data-testid=watermark-result], [data-testid=watermark-problem]');
      await expect.poll(() => answered.first().innerText()).toContain('已识别来源导出');
      expect(await page.getByTestId('watermark-consumer').innerText()).toBe('济南市民政局');
      expect(await page.getByTestId('watermark-resource').innerText()).toBe('人口基础信息');
      const text = await result.innerText();
      expect(text).toContain('业务人员（市民政局）');
      expect(text).toContain(mark);
      expect(text).toContain('找到 1 条该次导出的诱饵行');

      await page.getByTestId('watermark-upload').locator('input[type=file]').setInputFiles(join(dir, 'plain.csv'));
      await page.getByTestId('watermark-not-found').waitFor();

      // The page's own chunks came over the wire while we watched: brotli, cacheable for a year.
      expect(assets.length, name).toBeGreaterThan(0);
      for (const a of assets) {
        // Files under 1 KB are not worth compressing (scripts/compress-web.mjs).
        if (a.length >= 1024 || a.encoding) expect(a.encoding, a.url).toBe('br');
        expect(a.cache, a.url).toBe('public, max-age=31536000, immutable');
      }

      await settled(page);
      const width = (await page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')) as number[];
      expect(width[0], `${name}: the page is wider than the window`).toBeLessThanOrEqual(width[1]!);
      await shot(page, `watermark-auditor-${name}.png`, { fullPage: true });
      expect(page.problems).toEqual([]);
      await page.close();
    }
  });
});
