import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../src/http/index.js';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'demo-pass-e2e';
const OUT = resolve('test-output');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true')
  throw new Error(`CI=true but ${CHROMIUM} is missing (apt-get install chromium)`);
if (!haveChromium) console.warn(`[e2e] ${CHROMIUM} not found: browser test skipped (apt-get install chromium)`);

/**
 * Playwright gives every launch a fresh, empty profile of its own; the flags keep Chromium from
 * reaching for the network, which this machine does not have.
 *
 * The web app in headless Chromium against a hub started in-process with the demo city. */
describe.skipIf(!haveChromium)('web app in Chromium', () => {
  let running: RunningHub;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    running = await startHub({
      dataDir: 'memory://',
      port: 0,
      host: '127.0.0.1',
      demo: true,
      demoPassword: PASSWORD,
      demoPeople: 300,
      webDir: resolve('web/dist'),
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  async function login(username: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
    page.on('console', (m) => m.type() === 'error' && console.log('CONSOLE', m.text()));
    await page.goto(`${running.url}/login`);
    await page.getByTestId('username').fill(username);
    await page.getByTestId('password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('current-user').waitFor();
    return page;
  }

  it('lets an officer log in, open a resource and see its rows, in Chinese and in English', async () => {
    const page = await login('officer');
    await expect.poll(() => page.getByTestId('stat-resources').innerText()).toMatch(/\d/);
    await page.getByTestId('menu-catalog').click();
    await page.getByText('人口基础信息').first().click();
    const table = page.getByTestId('records-table');
    await table.locator('tbody tr.ant-table-row').first().waitFor();
    const text = await table.innerText();
    expect(text).toMatch(/\d{17}[\dX]/);
    expect(text).toMatch(/[\u4e00-\u9fa5]{2,}/);
    await page.screenshot({ path: join(OUT, 'resource.png'), fullPage: true });
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.getByTestId('fields-table').innerText()).toMatch('Sensitivity');
    await page.screenshot({ path: join(OUT, 'resource-en.png') });
    await page.close();
  });

  it('shows a consumer only the granted fields of a record looked up by key', async () => {
    const officer = (await (
      await fetch(`${running.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'officer', password: PASSWORD }),
      })
    ).json()) as { token: string };
    const rows = (await (
      await fetch(`${running.url}/api/v1/catalog/resources/JNGAJ-0001/records?pageSize=1`, {
        headers: { authorization: `Bearer ${officer.token}` },
      })
    ).json()) as { items: Array<{ citizen_id: string; phone: string }> };
    const first = rows.items[0]!;
    const key = first.citizen_id;
    const page = await login('consumer');
    await page.goto(`${running.url}/catalog/JNGAJ-0001`);
    await page.getByTestId('lookup-key').fill(key);
    await page.getByTestId('lookup-purpose').fill('最低生活保障资格核验');
    await page.getByTestId('lookup-submit').click();
    const result = page.getByTestId('lookup-result');
    await expect.poll(() => result.innerText()).toMatch(key);
    expect(await result.innerText()).not.toContain(first.phone);
    expect(await page.getByTestId('records-table').count()).toBe(0);
    await page.screenshot({ path: join(OUT, 'consumer-lookup.png') });
    await page.close();
  });

  it("lets an auditor browse the ledger and verify an entry's inclusion proof in the browser", async () => {
    const page = await login('auditor');
    await page.getByTestId('menu-ledger').click();
    const entries = page.getByTestId('ledger-entries');
    await entries.locator('tbody tr.ant-table-row').first().waitFor();
    await page.screenshot({ path: join(OUT, 'ledger.png'), fullPage: true });
    await page.getByTestId('ledger-search').locator('input').fill('0');
    await page.getByTestId('ledger-search').locator('input').press('Enter');
    await page.getByTestId('verify-0').waitFor();
    await entries.locator('[data-testid^="verify-"]').first().click();
    await expect.poll(() => page.getByTestId('verify-result').innerText()).toMatch(/已验证/);
    await page.screenshot({ path: join(OUT, 'ledger.png') });
    await page.close();
  });
});
