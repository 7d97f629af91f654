import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PHONE,
  englishIn,
  haveChromium,
  login,
  settled,
  shot,
  startBrowserCity,
  widthOf,
  type BrowserCity,
} from './harness.js';

const WALL = { width: 1920, height: 1080 };
/** Formats and names that stay Latin on the cockpit's pages. */
const COCKPIT_NAMES = ['XLSX', 'PNG', 'API'];
/** Two Latin words in a row in the visible text, outside code and formats (as the page sweep). */

async function panelsDrawn(page: Page) {
  await page.getByTestId('cockpit-ranking').locator('tbody tr.ant-table-row').first().waitFor();
  await page.getByTestId('cockpit-dashboard').locator('canvas').first().waitFor();
  await page.getByTestId('cockpit-indicator-catalogRate').first().waitFor();
}

/**
 * 驾驶舱 (#19) in Chromium: the operator's wall screen at 1920×1080 (dark, every indicator with its
 * target, a topic dashboard's charts, the ranking), a dashboard picked and a figure drilled into;
 * an officer's cockpit on a 390 px phone fits the width; no English on the zh-CN pages.
 */
describe.skipIf(!haveChromium)('the cockpit in Chromium', () => {
  let city: BrowserCity;

  beforeAll(async () => {
    city = await startBrowserCity();
  });
  afterAll(async () => {
    await city?.close();
  });

  it('shows the wall screen at 1920×1080 and an officer’s phone view at 390 px, in Chinese', async () => {
    const page = await login(city, 'operator', { viewport: WALL });
    await page.goto(`${city.url}/cockpit?screen=big`);
    await page.getByTestId('cockpit-big').waitFor();
    await panelsDrawn(page);
    const background = await page.evaluate(
      "getComputedStyle(document.querySelector('[data-testid=cockpit-big]')).backgroundColor",
    );
    expect(background).toBe('rgb(11, 26, 51)');
    expect(await page.getByTestId('cockpit-indicator-sharingRate').first().innerText()).toContain('可共享率');
    expect(await page.getByTestId('cockpit-indicator-sharingRate').first().innerText()).toMatch(/目标 > 99\.0%/);
    expect(await englishIn(page, COCKPIT_NAMES)).toEqual([]);
    await settled(page);
    await shot(page, 'cockpit/big-1920.png');

    // Another dashboard, by its name; the rows behind a figure.
    await page.goto(`${city.url}/cockpit?screen=big&dashboard=health`);
    await expect.poll(() => page.getByTestId('cockpit-dashboard').innerText()).toContain('医疗健康');
    await page.getByTestId('cockpit-indicator-catalogRate').first().click();
    const drill = page.getByTestId('cockpit-drill');
    await drill.locator('tbody tr.ant-table-row').first().waitFor();
    expect(await drill.innerText()).toContain('资源名称');

    // The population dashboard's map of the districts, each coloured by its people; a district
    // under the pointer is named with its figure.
    await page.goto(`${city.url}/cockpit?screen=big&dashboard=population`);
    const map = page.getByTestId('district-map');
    await map.locator('canvas').waitFor();
    await map.scrollIntoViewIfNeeded();
    const box = (await map.boundingBox())!;
    await expect
      .poll(async () => {
        await page.mouse.move(box.x + box.width / 2 + 1, box.y + box.height * 0.45);
        await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.45);
        return map.innerText();
      })
      .toMatch(/[区县]：[\d,]+/);
    await settled(page);
    await shot(page, 'cockpit/map-1920.png');
    expect(page.problems).toEqual([]);
    await page.close();

    const phone = await login(city, 'officer', { viewport: PHONE });
    await phone.goto(`${city.url}/cockpit`);
    await panelsDrawn(phone);
    const width = await widthOf(phone);
    expect(width.scroll).toBeLessThanOrEqual(width.window);
    expect(await englishIn(phone, COCKPIT_NAMES)).toEqual([]);
    await settled(phone);
    await shot(phone, 'cockpit/officer-390.png', { fullPage: true });
    await phone.goto(`${city.url}/cockpit?dashboard=legal-entities`);
    await phone.getByTestId('district-map').locator('canvas').waitFor();
    expect((await widthOf(phone)).scroll).toBeLessThanOrEqual(width.window);
    await shot(phone, 'cockpit/map-390.png', { fullPage: true });
    expect(phone.problems).toEqual([]);
    await phone.close();
  }, 120_000);
});
