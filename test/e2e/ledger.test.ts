import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEEDED_PASSWORD as PASSWORD } from '../databases.js';
import {
  DESKTOP,
  haveChromium,
  login,
  PHONE,
  pick,
  settled,
  startBrowserCity,
  type BrowserCity,
  shot,
} from './harness.js';

const PERSON = 'DS-JNGAJ-0001';

/**
 * The ledger for auditors (#14) in Chromium, at desk and phone width: filter by organization and
 * kind, read entries with names and words (raw JSON only behind "原始数据"), and see every signed
 * tree head's signature and consistency checked ✓ in the browser.
 */
describe.skipIf(!haveChromium)('the ledger page in Chromium', () => {
  let city: BrowserCity;

  beforeAll(async () => {
    city = await startBrowserCity();
    const token = (
      (await (
        await fetch(`${city.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'consumer', password: PASSWORD }),
        })
      ).json()) as { token: string }
    ).token;
    const auth = { authorization: `Bearer ${token}` };
    const services = (await (await fetch(`${city.url}/api/v1/services`, { headers: auth })).json()) as Array<{
      code: string;
      sampleKey?: string;
    }>;
    const key = services.find((s) => s.code === PERSON)!.sampleKey!;
    // Reads by 民政局, with a signed head after each, so that there are heads to check against each other.
    for (let i = 0; i < 3; i++) {
      const read = await fetch(`${city.url}/api/v1/services/${PERSON}/records?purpose=social_assistance&key=${key}`, {
        headers: auth,
      });
      expect(read.status).toBe(200);
      expect((await fetch(`${city.url}/api/v1/ledger/head`)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await city?.close();
  });

  it('lets an auditor filter by organization and kind, read entries, and see the heads verified', async () => {
    for (const [name, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const page = await login(city, 'auditor', { viewport });
      await page.goto(`${city.url}/ledger`);
      await pick(page, 'filter-org', '济南市民政局');
      await pick(page, 'filter-kind', '数据读取');
      await page.getByTestId('filter-apply').click();
      const entries = page.getByTestId('ledger-entries');
      const rows = entries.getByTestId('ledger-entry');
      await expect.poll(async () => (await rows.allInnerTexts()).length).toBeGreaterThanOrEqual(3);
      for (const text of await rows.allInnerTexts()) {
        expect(text).toContain('济南市民政局');
        expect(text).toContain('数据读取');
        expect(text).not.toContain('JNMZJ');
        expect(text).not.toContain('{"');
      }
      expect(await rows.first().innerText()).toMatch(/社会救助/);

      // A row opens into labelled fields; the hashed JSON shows only behind the "原始数据" switch.
      await rows.first().locator('[data-testid^="entry-expand-"]').click();
      const details = entries.locator('[data-testid^="entry-details-"]').first();
      await expect.poll(() => details.innerText()).toMatch(/用途[\s\S]*社会救助/);
      expect(await details.innerText()).toMatch(/结果[\s\S]*允许/);
      expect(await details.innerText()).not.toContain('"kind"');
      // Fields by their labels, not their codes.
      expect(await details.innerText()).toMatch(/信息项[\s\S]*身份/);
      expect(await details.innerText()).not.toContain('citizen_id');
      await details.locator('[data-testid^="raw-toggle-"]').click();
      await expect.poll(() => details.locator('pre').innerText()).toContain('"kind": "share.read"');

      // Heads: every signature and every consistency proof checked here, none failing.
      const heads = page.getByTestId('heads-table');
      const signatures = heads.locator('[data-testid^="head-signature-"]');
      await expect.poll(() => signatures.count()).toBeGreaterThanOrEqual(2);
      await expect
        .poll(() => signatures.evaluateAll((tags) => tags.map((t) => t.getAttribute('data-verified'))))
        .toEqual(expect.arrayContaining(['true']));
      const marks = await heads
        .locator('[data-verified]')
        .evaluateAll((tags) => tags.map((t) => t.getAttribute('data-verified')));
      expect(marks.length).toBeGreaterThanOrEqual(3);
      expect(marks.every((m) => m === 'true')).toBe(true);
      expect(await heads.innerText()).toContain('✓');

      await settled(page);
      const width = (await page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')) as number[];
      expect(width[0], `${name}: the page is wider than the window`).toBeLessThanOrEqual(width[1]!);
      await shot(page, `ledger-auditor-${name}.png`, { fullPage: true });
      expect(page.problems).toEqual([]);
      await page.close();
    }
    // Two viewports, each verifying every head in the browser: 55 s of the 60 s default on CI already.
  }, 150_000);
});
