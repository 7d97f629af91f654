import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEEDED_PASSWORD as PASSWORD } from '../databases.js';
import { haveChromium, login, settled, startBrowserCity, type BrowserCity } from './harness.js';

/**
 * #14, names not codes: where people expect names the pages show them — organizations by name
 * (not JNMZJ), fields by label (not citizen_id), quality rules by what they check (not
 * `builtin.id-gender.gender`), a version's changes field by field (not JSON), people by name.
 */
describe.skipIf(!haveChromium)('names, not codes, in Chromium', () => {
  let city: BrowserCity;

  beforeAll(async () => {
    city = await startBrowserCity();
  });
  afterAll(async () => {
    await city?.close();
  });

  /** How long a page may take to show what it loads (a page's own wait is 20 s too). */
  const WAIT = { timeout: 20_000 };
  /** An organization code standing alone (a resource code like JNMZJ-0001 names a resource, shown as its detail). */
  const ORG_CODE = /\bJN[A-Z]{2,5}\b(?!-)/;

  it('shows grants, a resource’s versions and its quality rules by names and labels', async () => {
    const token = (
      (await (
        await fetch(`${city.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'operator', password: PASSWORD }),
        })
      ).json()) as { token: string }
    ).token;
    const search = (await (
      await fetch(`${city.url}/api/v1/catalog/resources?q=${encodeURIComponent('人口基础信息')}`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { items: Array<{ code: string; name: string }> };
    const person = search.items.find((r) => r.name === '人口基础信息')!;
    expect(person).toBeDefined();

    const page = await login(city, 'operator');

    // Grants: 民政局 by name, the granted fields by label (公民身份号码), no code in sight.
    await page.goto(`${city.url}/grants`);
    const grants = page.getByTestId('grants-table');
    await expect.poll(() => grants.innerText(), WAIT).toContain('公民身份号码');
    const grantsText = await grants.innerText();
    expect(grantsText).toContain('民政局');
    expect(grantsText).not.toMatch(ORG_CODE);
    expect(grantsText).not.toContain('citizen_id');
    expect(grantsText).not.toMatch(/\bbirth_date\b/);

    // Versions: each change by the field's label and readable values, the author by name.
    await page.goto(`${city.url}/catalog/${person.code}`);
    await page.getByTestId('tab-versions').click();
    const versions = page.getByTestId('versions');
    await versions.getByTestId('diff-row').first().waitFor();
    await expect.poll(() => versions.innerText(), WAIT).toContain('信息项「公民身份号码」');
    const versionsText = await versions.innerText();
    expect(versionsText).not.toContain('citizen_id');
    expect(versionsText).not.toMatch(/[{}]|"name"|"label"/);
    expect(versionsText).toMatch(/数据专管员|平台运营|数据官/);

    // Quality rules: the built-in cross-checks by what they compare, fields by label.
    await page.goto(`${city.url}/catalog/${person.code}/quality`);
    await page.getByTestId('builtin-rule').first().waitFor();
    await settled(page);
    const rulesText = await page.locator('main').innerText();
    expect(rulesText).toContain('与公民身份号码中的性别一致');
    expect(rulesText).not.toContain('builtin.');
    expect(rulesText).not.toContain('citizen_id');

    expect(page.problems).toEqual([]);
    await page.close();
  });

  it('gives a citizen a home of their own: their ID, what departments hold under it, its uses', async () => {
    const page = await login(city, 'citizen');
    // Which ID is theirs, its middle hidden.
    await expect.poll(() => page.getByTestId('my-id').innerText(), WAIT).toMatch(/\d{6}\*{8}\d{3}[\dX]/);
    // What the person base holds about them: each value by its element's name and the department by name.
    const records = page.getByTestId('my-records');
    await expect.poll(() => records.getByTestId('my-record').count(), WAIT).toBeGreaterThan(0);
    const held = await records.innerText();
    expect(held).toContain('公安局');
    // Grouped by the department that holds it, its source of record marked, and from which resource.
    expect(await records.getByTestId('my-records-provider').count()).toBeGreaterThan(0);
    expect(held).toContain('权威来源');
    expect(held).toMatch(/人口/);
    expect(held).not.toMatch(ORG_CODE);
    expect(held).not.toMatch(/\b(citizen_id|person_name|birth_date)\b/);
    // How often their data was used (a count, once loaded), and their corrections.
    await expect.poll(() => page.getByTestId('stat-my-uses').innerText(), WAIT).toMatch(/\n\d+\n/);
    await page.getByTestId('stat-my-corrections').waitFor();
    // Nothing of the platform's: no city-wide figures, no catalog.
    for (const id of ['stat-resources', 'stat-records', 'stat-organizations', 'stat-ledgerSize'])
      expect(await page.getByTestId(id).count(), id).toBe(0);
    await page.getByTestId('home-mydata').click();
    // Who used it: by name, never a code; the citizen's own look (the home's record view) marked as theirs, not a use.
    const uses = page.getByTestId('my-accesses');
    await expect.poll(() => uses.getByTestId('usage-own').count(), WAIT).toBeGreaterThan(0);
    const usesText = await uses.innerText();
    expect(usesText).toContain('人口基础库');
    expect(usesText).not.toMatch(ORG_CODE);
    expect(usesText).not.toMatch(/base:|\b[A-Z]+-\d{4}\b/);
    await expect.poll(() => page.getByTestId('usage-totals').innerText(), WAIT).toMatch(/本人查看 [1-9]\d* 次/);
    expect(page.problems).toEqual([]);
    await page.close();
  });

  it('lets a citizen report a held value wrong from the value itself, and follow it', async () => {
    const page = await login(city, 'citizen');
    const records = page.getByTestId('my-records');
    const name = records.getByTestId('held-correct-person_name').first();
    await name.waitFor();
    await name.click();
    // The form quotes the value shown; only the right value and a reason are asked.
    const shown = await page.getByTestId('held-correct-shown').innerText();
    expect(shown.trim().length).toBeGreaterThan(0);
    await page.getByTestId('held-correct-proposed').fill('王小明');
    await page.getByTestId('held-correct-reason').fill('户口簿上的姓名是王小明');
    await page.getByTestId('held-correct-submit').click();
    await expect.poll(() => page.getByTestId('held-correct-filed').innerText(), WAIT).toMatch(/已提交纠错 #\d+/);
    const filed = await page.getByTestId('held-correct-filed').innerText();
    expect(filed).toContain('公安局');
    // antd spaces a two-character button's text.
    await page.getByRole('button', { name: '关 闭', exact: true }).click();
    // In 我的纠错: the value, its state and the due date two working days ahead.
    const mine = page.getByTestId('my-corrections');
    await expect.poll(() => mine.innerText(), WAIT).toContain('王小明');
    const row = await mine.innerText();
    expect(row).toContain(shown.trim());
    expect(row).toContain('待处理');
    expect(row).toMatch(/\d{4}-\d{2}-\d{2}/);

    // Who used my data: every row's proof checked in the browser against the signed head; the month's digest.
    await page.goto(`${city.url}/mydata`);
    const uses = page.getByTestId('my-accesses');
    await expect.poll(() => uses.getByTestId('usage-own').count(), WAIT).toBeGreaterThan(0);
    await page.getByTestId('usage-verify-all').click();
    await expect
      .poll(() => uses.locator('[data-verified="true"]').count(), WAIT)
      .toBe(await uses.locator('tbody tr.ant-table-row').count());
    expect(await uses.locator('[data-verified="false"]').count()).toBe(0);
    const digest = page.getByTestId('usage-digest');
    await expect.poll(() => digest.getByTestId('digest-own').innerText(), WAIT).toMatch(/[1-9]/);
    expect(await digest.innerText()).toMatch(/根哈希/);
    expect(page.problems).toEqual([]);
    await page.close();
  });
});
