import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { people } from '../../src/demo/people.js';
import {
  NARROW,
  haveChromium,
  login,
  newPage,
  pick,
  shot,
  startBrowserCity,
  widthOf,
  type BrowserCity,
} from './harness.js';

const CITIZEN_ID = [...people(1, 2026)][0]!.citizen_id;

async function fitsWidth(page: Page): Promise<void> {
  const width = await widthOf(page);
  expect(width.scroll).toBeLessThanOrEqual(width.window);
}

/**
 * #17 in Chromium, on a phone: the demo citizen opens 我的证照, shows (亮证) a licence as a QR code,
 * and a stranger with no account opens the code's page and sees it valid, signed by its issuing
 * department, by name; a window officer asks a proof-free question (无证明核验) about the citizen
 * and sees the signed yes, and the citizen finds that question on 谁使用了我的数据.
 */
describe.skipIf(!haveChromium)('e-licences and proof-free attestations in Chromium', () => {
  let city: BrowserCity;

  beforeAll(async () => {
    city = await startBrowserCity();
  });
  afterAll(async () => {
    await city?.close();
  });

  it('shows a licence as a QR code that anyone verifies, at 360 px', async () => {
    const page = await login(city, 'citizen', { viewport: NARROW });
    await page.getByTestId('open-menu').click();
    await page.getByTestId('menu-licences').click();
    const cards = page.getByTestId('licence-cards');
    await expect.poll(() => cards.innerText()).toContain('居民身份证');
    expect(await cards.innerText()).toContain('驾驶证');
    await fitsWidth(page);
    await shot(page, 'licence/mine-360.png', { fullPage: true });

    await page.getByTestId('licence-present').first().click();
    await page.getByTestId('licence-make-qr').click();
    const qr = page.getByTestId('licence-qr');
    await qr.locator('img').waitFor();
    const src = await qr.locator('img').getAttribute('src');
    expect(src).toMatch(/^data:image\//);
    await expect.poll(() => page.getByTestId('licence-countdown').innerText()).toMatch(/\d/);
    // The QR code's own link: the page a verifier's phone opens.
    const link = await page.getByTestId('licence-verify-link').getAttribute('href');
    expect(link).toContain('/verify?token=');
    expect(link).toBeTruthy();
    await shot(page, 'licence/qr-360.png');
    expect(page.problems).toEqual([]);
    await page.close();

    const stranger = await newPage(city, { viewport: NARROW });
    await stranger.goto(new URL(link!, city.url).href);
    const verdict = stranger.getByTestId('verify-valid');
    await expect.poll(() => verdict.innerText()).toContain('有效');
    expect(await stranger.locator('body').innerText()).toMatch(/局/);
    await fitsWidth(stranger);
    await shot(stranger, 'licence/verified-360.png', { fullPage: true });

    // The same token with one character changed is not the issuer's.
    const token = new URL(link!, city.url).searchParams.get('token')!;
    const tampered = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
    await stranger.goto(`${city.url}/verify?token=${encodeURIComponent(tampered)}`);
    await stranger.getByTestId('verify-tampered').waitFor();
    expect(stranger.problems).toEqual([]);
    await stranger.close();
  });

  it('answers a window officer yes without the data, and the citizen sees the question', async () => {
    const page = await login(city, 'consumer', { viewport: NARROW });
    await page.goto(`${city.url}/attest`);
    await pick(page, 'attest-item', '户籍证明');
    await page.getByTestId('attest-subject').fill(CITIZEN_ID);
    await page.getByTestId('attest-legal-basis').fill('《社会救助暂行办法》第十一条');
    await page.getByTestId('attest-ask').click();
    const answer = page.getByTestId('attest-answer');
    await expect.poll(() => answer.innerText()).toContain('是');
    await page.getByTestId('attest-verify').click();
    await expect.poll(() => answer.innerText()).toContain('签名有效');
    await fitsWidth(page);
    await shot(page, 'licence/attest-360.png', { fullPage: true });
    expect(page.problems).toEqual([]);
    await page.close();

    // A department's officer may change its own items' rules, and sees no button for others'.
    const officer = await login(city, 'officer', { viewport: NARROW });
    await officer.goto(`${city.url}/attest/items`);
    await officer.getByTestId('attest-edit-household_registration').waitFor();
    expect(await officer.getByTestId('attest-edit-alive').count()).toBe(0);
    expect(officer.problems).toEqual([]);
    await officer.close();

    const citizen = await login(city, 'citizen', { viewport: NARROW });
    await citizen.goto(`${city.url}/mydata`);
    await expect.poll(() => citizen.locator('body').innerText(), { timeout: 30_000 }).toContain('户籍证明');
    expect(citizen.problems).toEqual([]);
    await citizen.close();
  });
});
