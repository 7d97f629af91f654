import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DESKTOP,
  haveChromium,
  login,
  PHONE,
  pick,
  settled,
  startBrowserCity,
  type BrowserCity,
  type WatchedPage,
  apiAs,
  shot,
} from './harness.js';

const PERSON = 'JNGAJ-0001'; // 人口基础信息, provided by 市公安局 (the `officer`)
const ENTERPRISE = 'JNSCJG-0001'; // 企业登记信息, provided by 市市场监管局

/**
 * Dead ends of issue #14 in Chromium, at 1440 and 390 px: a third party applies for a resource
 * from its page and finds the form filled in with it; an officer adopts a correction and the
 * statistics above the list move without a reload; the operators assign a demand for data not
 * in the catalog, and the department finds it by clicking the task's row.
 */
describe.skipIf(!haveChromium)('sharing without dead ends, in Chromium', () => {
  let city: BrowserCity;
  const pages: WatchedPage[] = [];

  beforeAll(async () => {
    city = await startBrowserCity();
  });
  afterAll(async () => {
    await city?.close();
  });

  const api = (username: string) => apiAs(city, username);

  const open = async (username: string, viewport = DESKTOP) => {
    const page = await login(city, username, { viewport });
    pages.push(page);
    return page;
  };
  const card = (page: WatchedPage, key: string) =>
    page.getByTestId(`correction-indicator-${key}`).locator('.ant-statistic-content');

  it('has no dead ends in applying, correcting and routing demands, at 1440 and 390 px', async () => {
    // A third party applies from the resource's page: the form is about that resource.
    for (const viewport of [DESKTOP, PHONE]) {
      const bank = await open('third_party', viewport);
      await bank.goto(`${city.url}/catalog/${ENTERPRISE}`);
      const apply = bank.getByTestId('demand-open');
      await expect.poll(() => apply.innerText()).toContain('申请使用');
      await apply.click();
      const about = bank.getByTestId('demand-form-resource');
      await expect.poll(() => about.innerText()).toContain('企业登记信息');
      expect(await about.innerText()).toContain('市场监督管理局');
      await bank.getByTestId('demand-field-name').waitFor();
      await settled(bank); // the dialog has finished zooming in before a box in it is clicked
      await shot(bank, `share-apply-${viewport.width}.png`);
      if (viewport === DESKTOP) {
        await bank.getByTestId('demand-field-name').check();
        await pick(bank, 'demand-purposes', '统计分析');
        const purposes = bank.getByTestId('demand-purposes').locator('.ant-select-selection-item');
        expect(await purposes.innerText()).toContain('统计分析');
        await bank.getByTestId('demand-purpose').fill('对公开户前核验企业登记信息');
        await bank.getByTestId('demand-submit').click();
        // A refusal would show beside the fields: fail with its text rather than on a timeout.
        const outcome = async () =>
          (await bank.getByTestId('demand-error').count())
            ? await bank.getByTestId('demand-error').innerText()
            : await bank.getByTestId('demand-created').count();
        await expect.poll(outcome).toBe(1);
        await expect.poll(() => bank.getByTestId('demand-created').innerText()).toContain('已确认');
      }
    }

    // An officer adopts a correction: 待处理 and 整改率 follow at once, at both widths.
    const operator = await api('operator');
    // The provider's officer reads the keys unmasked; the operator reports on any record.
    const people = (await (
      await api('officer')
    )('GET', `/catalog/resources/${PERSON}/records?pageSize=2`)) as {
      items: Array<Record<string, string>>;
    };
    for (const viewport of [DESKTOP, PHONE]) {
      const key = people.items[viewport === DESKTOP ? 0 : 1]!.citizen_id!;
      const { id } = (await operator('POST', '/corrections', {
        resource: PERSON,
        key,
        field: 'name',
        claimedValue: '错名',
        proposedValue: '更正名',
      })) as { id: number };
      const officer = await open('officer', viewport);
      await officer.goto(`${city.url}/corrections?state=open&id=${id}`);
      await officer.getByTestId(`correction-accept-${id}`).waitFor();
      const openBefore = Number(await card(officer, 'correctionOpen').innerText());
      const fixBefore = await card(officer, 'correctionFixRate').innerText();
      expect(openBefore).toBeGreaterThan(0);
      await officer.getByTestId(`correction-accept-${id}`).click();
      await officer.getByTestId('correction-accept-ok').click();
      // The hub's answer first (its success message, or the dialog's problem), so that a refusal fails here in words.
      const answered = officer.locator('.ant-message-notice, .ant-modal .ant-alert-error');
      await expect.poll(() => answered.first().innerText()).toContain(`纠错 #${id} 已采纳`);
      await expect.poll(async () => Number(await card(officer, 'correctionOpen').innerText())).toBe(openBefore - 1);
      expect(await card(officer, 'correctionFixRate').innerText()).not.toBe(fixBefore);
    }

    // A demand for data not in the catalog: the operator assigns it by the department's name…
    const consumer = await api('consumer');
    const demand = (await consumer('POST', '/demands', {
      need: '灵活就业人员社保缴费记录',
      purposes: ['statistics'],
      purpose: '统计分析灵活就业情况',
    })) as { id: number };
    const ops = await open('operator');
    await ops.goto(`${city.url}/demands?tab=all&id=${demand.id}`);
    await ops.getByTestId(`demand-assign-${demand.id}`).click();
    await pick(ops, 'assign-org', '济南市人力资源和社会保障局');
    await ops.getByTestId('assign-ok').click();
    await expect.poll(() => ops.getByTestId(`demand-assigned-${demand.id}`).innerText()).toContain('人力资源');
    await shot(ops, 'share-assigned.png');

    // …and the department finds it in its tasks: clicking the row opens the demand to answer.
    for (const viewport of [DESKTOP, PHONE]) {
      const rsj = await open('officer_rsj', viewport);
      await rsj.goto(`${city.url}/tasks`);
      const row = rsj.locator('tr', { hasText: `#${demand.id}` }).first();
      await row.locator('td').nth(1).click();
      await rsj.waitForURL(new RegExp(`/demands\\?tab=provider&id=${demand.id}$`));
      await rsj.getByTestId(`demand-fulfil-${demand.id}`).waitFor();
      if (viewport === DESKTOP) {
        await rsj.getByTestId(`demand-fulfil-${demand.id}`).click();
        await rsj.getByTestId('fulfil-resource').waitFor();
        await shot(rsj, 'share-fulfil.png');
        await rsj.keyboard.press('Escape');
      }
    }

    // The indicators page says what each figure is.
    const auditor = await open('auditor', PHONE);
    await auditor.goto(`${city.url}/indicators`);
    await expect
      .poll(() => auditor.getByTestId('indicator-definitions').innerText())
      .toContain('已发布资源 ÷ 已登记资源');
    await shot(auditor, 'share-indicators-390.png', { fullPage: true });

    for (const page of pages) expect(page.problems, page.url()).toEqual([]);
  }, 240_000);

  it('lets a citizen narrow a bank’s consent on a phone, the bank fetch only that, and a revocation stop it', async () => {
    // The demo bank's pending request to the demo citizen: approved on a phone without 出生日期.
    const citizen = await open('citizen', PHONE);
    await citizen.goto(`${city.url}/consents`);
    const request = citizen.getByTestId('consent-card').filter({ hasText: '示例商业银行济南分行' }).first();
    await request.getByTestId('consent-approve').click();
    const person = citizen.getByTestId(`consent-fields-${PERSON}`);
    await person.getByText('出生日期').waitFor();
    await settled(citizen);
    await person.getByText('出生日期').click();
    await citizen.getByTestId('consent-approve-ok').click();
    const answered = citizen.locator('.ant-message-notice, .ant-modal .ant-alert-error');
    await expect.poll(() => answered.first().innerText()).toContain('已同意授权');
    await citizen.getByTestId('consent-filter').getByText('生效中').click();
    const active = citizen.getByTestId('consent-card').filter({ hasText: '示例商业银行济南分行' }).first();
    await expect.poll(() => active.getByTestId('consent-status').innerText()).toBe('生效中');
    expect(await active.innerText()).not.toContain('出生日期');
    await shot(citizen, 'consent-approved-390.png', { fullPage: true });

    // The bank fetches: the consented fields by their names, not the one the citizen kept back.
    const bank = await open('third_party', DESKTOP);
    await bank.goto(`${city.url}/consent-requests`);
    const mine = bank.getByTestId('consent-card').filter({ hasText: '生效中' }).first();
    const id = await mine.getAttribute('data-consent');
    await mine.getByTestId('consent-fetch').click();
    const fetched = bank.getByTestId('consent-fetched');
    await expect.poll(() => fetched.innerText()).toContain('姓名');
    expect(await fetched.innerText()).not.toContain('出生日期');
    await shot(bank, 'consent-fetched-1440.png');
    await bank.keyboard.press('Escape');

    // The citizen revokes; the bank's next fetch is refused.
    await active.getByTestId('consent-revoke').click();
    await citizen.locator('.ant-popconfirm .ant-btn-primary').click();
    await expect.poll(() => answered.first().innerText()).toContain('已撤销授权');
    const token = await bank.evaluate("localStorage.getItem('qdh.token')");
    const refused = await fetch(`${city.url}/api/v1/consents/${id}/data`, {
      headers: { authorization: `Bearer ${String(token)}` },
    });
    expect(refused.status).toBe(403);
    for (const page of pages) expect(page.problems, page.url()).toEqual([]);
  }, 180_000);
});
