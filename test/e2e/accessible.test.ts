import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  haveChromium,
  login,
  newPage,
  settled,
  shot,
  startBrowserCity,
  type BrowserCity,
  type WatchedPage,
  NARROW,
  widthOf,
} from './harness.js';
import { SEEDED_PASSWORD } from '../databases.js';

/**
 * Expressions, not functions: they run in the page, whose DOM types this Node project does not load
 * (and a function given as a string is returned, not called).
 */
const BODY_FONT = 'parseFloat(getComputedStyle(document.body).fontSize)';
const MODE_CLASS =
  "[document.documentElement.classList.contains('qdh-accessible'), document.body.classList.contains('qdh-accessible')]";

/**
 * The citizen's tasks in the large text mode, what shows on each page, and its plain-words
 * introduction. In this order: looking at their records is the use 谁用了我的数据 then lists.
 */
const TASKS = [
  { task: 'records', shows: 'my-record', intro: 'task-intro' },
  { task: 'mydata', shows: 'my-use', intro: 'task-intro' },
  { task: 'consents', shows: 'consent-card', intro: 'consent-intro' },
  { task: 'enterprises', shows: 'my-enterprise', intro: 'task-intro' },
] as const;

/** The computed size of the type of the first element `selector` matches, and its height on screen, in px. */
const fontOf = async (page: WatchedPage, selector: string) =>
  Number(
    await page.evaluate(`parseFloat(getComputedStyle(document.querySelector(${JSON.stringify(selector)})).fontSize)`),
  );
const heightOf = async (page: WatchedPage, selector: string) =>
  Number(await page.evaluate(`document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect().height`));
const byId = (testId: string) => `[data-testid="${testId}"]`;

async function fits(page: WatchedPage) {
  const width = await widthOf(page);
  expect(width.scroll, page.url()).toBeLessThanOrEqual(width.window);
}

/**
 * The large text mode (长辈模式, #16) in Chromium at 360 px: the citizen turns it on in the header
 * and the type grows to 18 px at once; their home becomes one big button per task, each opening
 * its page at the phone's width with the way back; the choice survives a reload; turning it off
 * restores the standard size and dashboard. It is also offered before logging in.
 */
describe.skipIf(!haveChromium)('the large text mode in Chromium', () => {
  let city: BrowserCity;
  beforeAll(async () => {
    city = await startBrowserCity();
  });
  afterAll(async () => {
    await city?.close();
  });

  it('turns on and off in the header, with task buttons whose pages fit 360 px, and is kept', async () => {
    const page = await login(city, 'citizen', { viewport: NARROW });
    await page.getByTestId('stat-my-uses').waitFor();
    const standardBody = Number(await page.evaluate(BODY_FONT));
    const standardText = await fontOf(page, `${byId('my-id')} .ant-typography`);
    expect(standardText).toBeLessThan(18);
    expect(await page.evaluate(MODE_CLASS)).toEqual([false, false]);

    const toggle = page.getByTestId('accessible-switch');
    expect(await toggle.innerText()).toContain('长辈模式');
    await toggle.click();
    // At once, without a reload: the class, the body's and the page's type, the switch's word.
    await expect.poll(() => page.evaluate(MODE_CLASS)).toEqual([true, true]);
    await expect.poll(async () => Number(await page.evaluate(BODY_FONT))).toBeGreaterThanOrEqual(18);
    await expect.poll(() => toggle.innerText()).toContain('标准模式');
    expect(await page.evaluate("localStorage.getItem('qdh.accessible')")).toBe('on');

    // The home: big task buttons in place of the dashboard.
    await page.getByTestId('citizen-tasks').waitFor();
    expect(await page.getByTestId('stat-my-uses').count()).toBe(0);
    for (const { task } of TASKS) await page.getByTestId(`task-${task}`).waitFor();
    expect(await fontOf(page, '.qdh-task-help')).toBeGreaterThanOrEqual(18);
    expect(await heightOf(page, byId('task-records'))).toBeGreaterThanOrEqual(48);
    expect(await heightOf(page, byId('accessible-switch'))).toBeGreaterThanOrEqual(40);
    await settled(page);
    await fits(page);
    await shot(page, 'accessible/home-360.png', { fullPage: true });

    // Each task opens its page: large type, the page's own content, nothing wider than the phone, back home.
    for (const { task, shows, intro } of TASKS) {
      await page.getByTestId(`task-${task}`).click();
      await page.getByTestId(shows).first().waitFor();
      await settled(page);
      expect(await fontOf(page, byId(intro)), task).toBeGreaterThanOrEqual(18);
      expect(await fontOf(page, byId(shows)), task).toBeGreaterThanOrEqual(18);
      await fits(page);
      await shot(page, `accessible/${task}-360.png`, { fullPage: true });
      await page.getByTestId('task-back').click();
      await page.getByTestId('citizen-tasks').waitFor();
    }

    // The choice is kept: a reload comes back in the large text mode.
    await page.reload();
    await page.getByTestId('citizen-tasks').waitFor();
    expect(await page.evaluate(MODE_CLASS)).toEqual([true, true]);
    expect(Number(await page.evaluate(BODY_FONT))).toBeGreaterThanOrEqual(18);

    // Back to standard: the standard size and the dashboard, remembered as such.
    await page.getByTestId('accessible-switch').click();
    await page.getByTestId('stat-my-uses').waitFor();
    await expect.poll(() => page.evaluate(MODE_CLASS)).toEqual([false, false]);
    expect(Number(await page.evaluate(BODY_FONT))).toBe(standardBody);
    await expect.poll(() => fontOf(page, `${byId('my-id')} .ant-typography`)).toBe(standardText);
    expect(await page.evaluate("localStorage.getItem('qdh.accessible')")).toBe('off');
    await fits(page);

    expect(page.problems).toEqual([]);
    await page.close();
  }, 240_000);

  it('is offered on the login page and carries on after logging in', async () => {
    const page = await newPage(city, { viewport: NARROW });
    await page.goto(`${city.url}/login`);
    await page.getByTestId('login-accessible-switch').click();
    await expect.poll(async () => Number(await page.evaluate(BODY_FONT))).toBeGreaterThanOrEqual(18);
    expect(await fontOf(page, byId('username'))).toBeGreaterThanOrEqual(18);
    expect(await heightOf(page, byId('login-submit'))).toBeGreaterThanOrEqual(44);
    await fits(page);
    await shot(page, 'accessible/login-360.png');

    await page.getByTestId('username').fill('citizen');
    await page.getByTestId('password').fill(SEEDED_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('citizen-tasks').waitFor();
    expect(await page.getByTestId('accessible-switch').innerText()).toContain('标准模式');
    await fits(page);
    expect(page.problems).toEqual([]);
    await page.close();
  }, 120_000);
});
