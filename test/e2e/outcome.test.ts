import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, login, PHONE, startBrowserCity, type BrowserCity, type WatchedPage, apiAs } from './harness.js';

/**
 * #14, trust first: a load's outcome in words and colour on the jobs page at 390 px, in Chinese —
 * a held load shows 已暂扣 with 放行 for its provider's officer, and after the release the list
 * says 低于质量阈值 without a reload.
 */
/** A release loads its rows first: on a busy machine that takes more than poll's default second. */
const WAIT = { timeout: 20_000 };

describe.skipIf(!haveChromium)('load outcomes in Chromium', () => {
  let city: BrowserCity;
  const pages: WatchedPage[] = [];

  beforeAll(async () => {
    city = await startBrowserCity();
  });
  afterAll(async () => {
    await city?.close();
  });

  const api = (username: string) => apiAs(city, username);

  it('shows each outcome in Chinese at 390 px, and a release without a reload', async () => {
    const officer = await api('officer');
    const operator = await api('operator');
    const { code } = (await officer('POST', '/catalog/resources', {
      name: '浏览器结果测试犬牌',
      summary: '犬牌与犬只数量',
      category: 'department',
      shareType: 'conditional',
      shareCondition: '仅用于测试',
      openType: 'closed',
      level: 'general',
      updateFrequency: 'monthly',
      format: 'table',
      keyField: 'tag',
      fields: [
        { name: 'tag', label: '犬牌号', type: 'string', required: true },
        { name: 'dogs', label: '犬只数量', type: 'integer', required: true },
      ],
    })) as { code: string };
    await officer('POST', `/catalog/resources/${code}/submit`);
    await operator('POST', `/catalog/resources/${code}/approve`);
    await operator('POST', `/catalog/resources/${code}/publish`);
    const resource = await city.hub.catalog.get(code);
    const load = (lines: string[]) =>
      city.hub.ingest.run(
        resource,
        (async function* () {
          for (const l of ['tag,dogs', ...lines]) yield l.split(',');
        })(),
        { createdBy: 1, source: 'test:dogs.csv' },
      );
    await load(['T1,1', 'T2,2']); // loaded
    await load(['T3,1', 'B1,many', 'B2,many']); // below the default 95 %: warned
    await officer('PUT', `/resources/${code}/quality-rules`, {
      rules: [],
      threshold: { minPassRate: 90, action: 'hold' },
    });
    const held = await load(['T4,1', 'B3,many']);
    expect(held.outcome).toBe('held');

    const page = await login(city, 'officer', { viewport: PHONE });
    pages.push(page);
    await page.goto(`${city.url}/ingest/jobs?resource=${code}`);
    const tags = page.getByTestId('jobs-table').getByTestId('job-outcome');
    await expect.poll(() => tags.allInnerTexts(), WAIT).toEqual(['已暂扣，待裁决', '低于质量阈值', '全部入库']);
    // Words and colour: green only for the clean load, orange below the threshold, purple held.
    const classes = await Promise.all([0, 1, 2].map(async (i) => (await tags.nth(i).getAttribute('class')) ?? ''));
    expect(classes[0]).toMatch(/purple/);
    expect(classes[1]).toMatch(/orange/);
    expect(classes[2]).toMatch(/success|green/);

    await page.getByTestId(`job-release-${held.id}`).click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await expect.poll(() => tags.allInnerTexts(), WAIT).toEqual(['低于质量阈值', '低于质量阈值', '全部入库']);
    await expect.poll(() => page.getByTestId(`job-release-${held.id}`).count(), WAIT).toBe(0);

    // The detail says it in words, with who released it.
    await page.getByTestId(`job-detail-${held.id}`).click();
    const summary = page.getByTestId('job-outcome-summary');
    await expect.poll(() => summary.innerText(), WAIT).toContain('已由 数据专管员');
    expect(await page.getByTestId('job-drawer').innerText()).toContain('质量阈值');

    // The operator sees the outcome, never the buttons of a decision that is not theirs.
    await load(['T5,1', 'B4,many']);
    const ops = await login(city, 'operator', { viewport: PHONE });
    pages.push(ops);
    await ops.goto(`${city.url}/ingest/jobs?resource=${code}`);
    const opsTags = ops.getByTestId('jobs-table').getByTestId('job-outcome');
    await expect.poll(() => opsTags.first().innerText(), WAIT).toBe('已暂扣，待裁决');
    expect(await ops.locator('[data-testid^="job-release-"]').count()).toBe(0);

    for (const p of pages) expect(p.problems).toEqual([]);
  });
});
