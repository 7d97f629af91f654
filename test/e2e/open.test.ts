import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DESKTOP,
  englishIn,
  haveChromium,
  login,
  NARROW,
  newPage,
  PHONE,
  settled,
  shot,
  startBrowserCity,
  widthOf,
  type BrowserCity,
} from './harness.js';

/** Visible text that looks English (as the page sweep: two Latin words of three letters or more). */

async function fitsAndChinese(page: Page): Promise<void> {
  const width = await widthOf(page);
  expect(width.scroll).toBeLessThanOrEqual(width.window);
  expect(await englishIn(page, ['JSON', 'CSV', 'XLSX', 'Excel', 'URL'])).toEqual([]);
}

/**
 * #18's portal in Chromium: an anonymous visitor, from the login page, searches the open datasets
 * in Chinese, narrows by a facet, opens a dataset and sees its fields, the preview of its records
 * and a chart, downloads the CSV and tries the data API — on a desktop and on a phone.
 */
describe.skipIf(!haveChromium)('the open-data portal in Chromium', () => {
  let city: BrowserCity;
  beforeAll(async () => {
    city = await startBrowserCity();
  });
  afterAll(async () => {
    await city?.close();
  });

  for (const [label, viewport] of [
    ['1440', DESKTOP],
    ['390', PHONE],
  ] as const) {
    it(`searches, opens a dataset, previews, charts and downloads it, at ${label} px`, async () => {
      const page = await newPage(city, { viewport });
      await page.goto(`${city.url}/login`);
      await page.getByTestId('login-open-data').click();
      await page.waitForURL(/\/open$/);
      await expect.poll(() => page.getByTestId('open-newest').innerText()).toMatch(/[\u4e00-\u9fff]/);
      if (label === '390') {
        // The desktop round viewed the dataset: once the counts are written, it is among the most viewed.
        await city.hub.open.counters.flush();
        await page.reload();
        await expect.poll(() => page.getByTestId('open-popular').innerText()).toContain('公交线路信息');
      }

      await page.getByTestId('open-search').locator('input').fill('公交');
      await page.getByTestId('open-search').locator('input').press('Enter');
      await page.waitForURL(/q=/);
      const results = page.getByTestId('open-results');
      await expect.poll(() => results.innerText()).toContain('公交线路信息');
      await expect.poll(() => page.getByTestId('open-count').innerText()).toMatch(/共找到 \d+ 个数据集/);
      // A facet narrows the search: the provider of the first result, by name.
      if (label === '390') await page.getByText('筛选', { exact: true }).click();
      const provider = page.locator('[data-testid^="facet-organization-"]').first();
      await provider.click();
      await page.waitForURL(/organization=/);
      await expect.poll(() => results.innerText()).toContain('公交线路信息');
      await fitsAndChinese(page);
      await shot(page, `open/search-${label}.png`, { fullPage: true });

      await results.getByRole('link', { name: '公交线路信息' }).click();
      await page.waitForURL(/\/open\/datasets\/[\w-]+$/);
      await expect.poll(() => page.getByTestId('open-dataset-title').innerText()).toBe('公交线路信息');
      const facts = await page.getByTestId('open-dataset-facts').innerText();
      expect(facts).toContain('每月');
      expect(facts).toMatch(/局/);
      await expect.poll(() => page.getByTestId('open-fields').innerText()).toContain('票价（元）');
      const preview = page.getByTestId('open-preview');
      await expect.poll(() => preview.locator('tbody tr').count()).toBeGreaterThan(1);
      expect(await preview.innerText()).toContain('线路名称');
      await page.getByTestId('open-chart').locator('canvas').waitFor();
      await settled(page);
      await fitsAndChinese(page);
      await shot(page, `open/dataset-${label}.png`, { fullPage: true });

      // The CSV button's address answers the live records as CSV, the field names as header.
      const href = await page.getByTestId('open-download-csv').getAttribute('href');
      expect(href).toMatch(/\/download\.csv$/);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('open-download-csv').click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/\.csv$/);
      const res = await fetch(new URL(href!, city.url));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      const lines = (await res.text()).trim().split('\n');
      expect(lines[0]).toContain('line_name');
      expect(lines.length).toBeGreaterThan(2);

      // The try-it console runs datastore_search and shows CKAN's answer.
      await page.locator('input[data-testid=open-try-limit], [data-testid=open-try-limit] input').fill('2');
      await page.getByTestId('open-try-run').click();
      await expect.poll(() => page.getByTestId('open-try-status').innerText()).toContain('200');
      const answer = JSON.parse(await page.getByTestId('open-try-answer').innerText()) as {
        success: boolean;
        result: { records: unknown[] };
      };
      expect(answer.success).toBe(true);
      expect(answer.result.records).toHaveLength(2);
      await fitsAndChinese(page);

      // The licence the dataset is open under, in words.
      await page.getByTestId('open-licence').click();
      await expect.poll(() => page.getByTestId('open-terms').innerText()).toContain('注明数据来源');
      await fitsAndChinese(page);
      // And in English, on the switch.
      await page.getByTestId('language-switch').click();
      await expect.poll(() => page.getByTestId('open-terms').innerText()).toContain('name the source');
      expect(page.problems).toEqual([]);
      await page.close();
    });
  }
  it('signs a developer up, makes an API key that the data API counts, asks for data, reports an error, and revokes the key, at 360 px', async () => {
    const page = await newPage(city, { viewport: NARROW });
    await page.goto(`${city.url}/open`);
    await page.getByTestId('open-developer').click();
    await page.waitForURL(/\/open\/developer$/);
    await page.getByTestId('open-dev-name').fill('泉城公交小程序工作室');
    await page.getByTestId('open-dev-email').first().fill('bus.app@example.com');
    await page.getByTestId('open-dev-password').first().fill('a long enough password');
    await page.getByTestId('open-dev-signup').click();
    await expect.poll(() => page.getByTestId('open-dev-who').innerText()).toContain('泉城公交小程序工作室');
    await fitsAndChinese(page);

    await page.getByTestId('open-dev-key-name').fill('公交查询');
    await page.getByTestId('open-dev-key-create').click();
    const secret = (await page.getByTestId('open-dev-secret').innerText()).trim();
    expect(secret).toMatch(/^qdo_/);
    await fitsAndChinese(page);
    await shot(page, 'open/developer-360.png', { fullPage: true });

    // The key's calls are counted: two data API calls, and the page says so after a reload.
    const name = ((await (await fetch(`${city.url}/api/3/action/package_list?limit=1`)).json()) as { result: string[] })
      .result[0]!;
    for (const headers of [{ 'x-api-key': secret }, { authorization: secret }] as Record<string, string>[]) {
      const res = await fetch(`${city.url}/api/3/action/datastore_search?resource_id=${name}&limit=1`, { headers });
      expect(res.status).toBe(200);
    }
    await page.reload();
    await expect.poll(() => page.getByTestId('open-dev-usage').innerText()).toMatch(/今日已调用 2 \/ [\d,]+ 次/);

    // 数据需求: asked from the search page's link, it waits for the operators; listed in the centre.
    await page.goto(`${city.url}/open?q=${encodeURIComponent('没有这样的数据')}`);
    await page.getByTestId('open-request-link').click();
    await page.waitForURL(/\/open\/requests/);
    await page.getByTestId('open-request-need').fill('全市公共充电桩的位置和空闲数');
    await page.getByTestId('open-request-purpose').fill('开发充电导航小程序');
    await page.getByTestId('open-request-submit').click();
    await page.getByTestId('open-request-done').waitFor();
    await fitsAndChinese(page);
    // 纠错: from the dataset's page, a field and what is wrong with it.
    await page.goto(`${city.url}/open/datasets/${name}`);
    await page.getByTestId('open-report-open').click();
    // The first field offered: the key, which names the record and is not corrected, is not offered.
    await page.getByTestId('open-report-field').click();
    await page.keyboard.press('Enter');
    await page.getByTestId('open-report-wrong').fill('部分记录的数值与官网公布的不一致');
    await page.getByTestId('open-report-submit').click();
    await page.getByTestId('open-report-done').waitFor();
    await fitsAndChinese(page);
    await page.goto(`${city.url}/open/developer`);
    await expect.poll(() => page.getByTestId('open-dev-requests').innerText()).toContain('全市公共充电桩');
    // The report under the dataset's title (not its code), with the field's label and its state.
    const title = (await (await fetch(`${city.url}/api/3/action/package_show?id=${name}`)).json()) as {
      result: { title: string };
    };
    await expect.poll(() => page.getByTestId('open-dev-reports').innerText()).toContain(title.result.title);
    expect(await page.getByTestId('open-dev-reports').innerText()).toContain('处理中');
    await fitsAndChinese(page);
    await shot(page, 'open/developer-feedback-360.png', { fullPage: true });

    await page.getByTestId('open-dev-revoke').click();
    await page.getByTestId('open-dev-revoke-ok').click();
    await expect.poll(() => page.getByTestId('open-dev-keys').innerText()).toContain('作废');
    const refused = await fetch(`${city.url}/api/3/action/datastore_search?resource_id=${name}`, {
      headers: { 'x-api-key': secret },
    });
    expect(refused.status).toBe(403);
    await fitsAndChinese(page);

    // Signed out and in again, in English.
    await page.getByTestId('open-dev-signout').click();
    await page.getByTestId('language-switch').click();
    await page.getByRole('tab', { name: 'Sign in' }).click();
    await page.getByTestId('open-dev-email').last().fill('bus.app@example.com');
    await page.getByTestId('open-dev-password').last().fill('a long enough password');
    await page.getByTestId('open-dev-signin').click();
    await expect.poll(() => page.getByTestId('open-dev-keys').innerText()).toContain('Revoked on');
    expect(page.problems).toEqual([]);
    await page.close();
  });

  it('reviews a comment before it is shown: the operator rejects it, its author reads why, at 390 px', async () => {
    const name = ((await (await fetch(`${city.url}/api/3/action/package_list`)).json()) as { result: string[] })
      .result[0]!;
    const json = { 'content-type': 'application/json' };
    const { token } = (await (
      await fetch(`${city.url}/api/v1/open/developers`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ name: '李评论', email: 'critic.e2e@example.com', password: 'a long enough password' }),
      })
    ).json()) as { token: string };
    const rated = await fetch(`${city.url}/api/v1/open/developers/me/ratings`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${token}` },
      body: JSON.stringify({ dataset: name, rating: 2, comment: '更新频率太低，希望每天更新' }),
    });
    expect(rated.status).toBe(201);

    const page = await login(city, 'operator', { viewport: PHONE });
    await page.goto(`${city.url}/open-comments`);
    const card = page.getByTestId('open-moderation').locator('.ant-card', { hasText: '更新频率太低' });
    await expect.poll(() => card.innerText()).toContain('作者：李评论');
    await fitsAndChinese(page);
    await card.getByTestId('open-comment-reject').click();
    await page.getByTestId('open-comment-reason').fill('含有与数据无关的内容');
    await page.getByTestId('open-comment-reject-ok').click();
    await expect.poll(() => card.count()).toBe(0);
    expect(page.problems).toEqual([]);
    await page.close();

    const public_ = await (await fetch(`${city.url}/api/v1/open/datasets/${name}/ratings`)).text();
    expect(public_).not.toContain('更新频率太低');
    const author = await newPage(city, { viewport: PHONE });
    await author.goto(`${city.url}/open`);
    await author.evaluate(`localStorage.setItem('qdh.open.developer', ${JSON.stringify(token)})`);
    await author.goto(`${city.url}/open/developer`);
    await expect.poll(() => author.getByTestId('open-dev-ratings').innerText()).toContain('未通过');
    expect(await author.getByTestId('open-dev-rating-reason').innerText()).toContain('含有与数据无关的内容');
    await fitsAndChinese(author);
    expect(author.problems).toEqual([]);
    await author.close();
  });
});
