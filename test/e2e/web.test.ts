import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCitizenId } from '../../src/kernel/index.js';
import { ANOMALY } from '../../src/share/index.js';
import { SEEDED_PASSWORD as PASSWORD, SEEDED_PEOPLE } from '../databases.js';
import { haveChromium, login as loginAs, pick, settled, startBrowserCity, type BrowserCity, shot } from './harness.js';

/** The web app in headless Chromium against a hub started in-process with the demo city. */
describe.skipIf(!haveChromium)('web app in Chromium', () => {
  let city: BrowserCity;
  let running: { url: string };

  beforeAll(async () => {
    city = await startBrowserCity();
    running = city;
  });
  afterAll(async () => {
    await city?.close();
  });

  const login = (username: string) => loginAs(city, username);

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
    await shot(page, 'resource.png', { fullPage: true });
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.getByTestId('fields-table').innerText()).toMatch('Sensitivity');
    await shot(page, 'resource-en.png');
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
    await pick(page, 'lookup-purpose', '社会救助');
    await page.getByTestId('lookup-submit').click();
    const result = page.getByTestId('lookup-result');
    await expect.poll(() => result.innerText()).toMatch(key);
    expect(await result.innerText()).not.toContain(first.phone);
    expect(await page.getByTestId('records-table').count()).toBe(0);
    await shot(page, 'consumer-lookup.png');
    await page.close();
  });

  it("lets an auditor browse the ledger and verify an entry's inclusion proof in the browser", async () => {
    const page = await login('auditor');
    await page.getByTestId('menu-ledger').click();
    const entries = page.getByTestId('ledger-entries');
    await entries.locator('tbody tr.ant-table-row').first().waitFor();
    await shot(page, 'ledger.png', { fullPage: true });
    await page.getByTestId('ledger-search').locator('input').fill('0');
    await page.getByTestId('ledger-search').locator('input').press('Enter');
    await page.getByTestId('verify-0').waitFor();
    await entries.locator('[data-testid^="verify-"]').first().click();
    await expect.poll(() => page.getByTestId('verify-result').innerText()).toMatch(/已验证/);
    await shot(page, 'ledger.png');
    await page.close();
  });
  it('searches the catalog and shows the facet counts of what matched', async () => {
    const page = await login('officer');
    await page.getByTestId('menu-catalog').click();
    const search = page.getByTestId('catalog-search').locator('input');
    await search.fill('人口');
    await search.press('Enter');
    await expect.poll(() => page.url()).toMatch(/q=%E4%BA%BA%E5%8F%A3/);
    const table = page.getByTestId('catalog-table');
    await expect.poll(() => table.innerText()).toContain('人口基础信息');
    // Facets count the matches: the provider by name, the levels with their numbers.
    await expect.poll(() => page.getByTestId('facet-provider').innerText()).toMatch(/济南市公安局\s*\d+/);
    expect(await page.getByTestId('facet-level').innerText()).toMatch(/\d/);
    await page.getByTestId('facet-provider-JNGAJ').click();
    await expect.poll(() => page.url()).toContain('provider=JNGAJ');
    await expect.poll(() => table.innerText()).toContain('人口基础信息');
    await shot(page, 'catalog.png', { fullPage: true });
    await page.close();
  });

  it('lets an officer register a resource and submit it, and the operator return it with a reason', async () => {
    const name = '居民养犬登记信息';
    const reason = '请补充犬只免疫信息项，并说明有条件开放的依据';
    const officer = await login('officer');
    await officer.getByTestId('menu-register').click();
    await officer.getByTestId('reg-name').fill(name);
    await officer.getByTestId('reg-summary').fill('犬主身份与登记犬只数量');
    await officer.getByTestId('reg-shareCondition').fill('仅用于养犬管理和补贴核验');
    // Open to some while a field is sensitive: the hub flags it for the operator.
    await pick(officer, 'reg-openType', '有条件开放');
    await officer.getByTestId('field-name-0').fill('owner_id');
    await officer.getByTestId('field-label-0').fill('犬主身份号码');
    await pick(officer, 'field-type-0', 'citizen_id');
    await officer.getByTestId('field-sensitivity-0').fill('4');
    await officer.getByTestId('add-field').click();
    await officer.getByTestId('field-name-1').fill('dogs');
    await officer.getByTestId('field-label-1').fill('犬只数量');
    await pick(officer, 'field-type-1', 'integer');
    await pick(officer, 'reg-keyField', 'owner_id');
    // A sensitivity-4 field makes the suggestion "important"; "general" then needs a reason.
    await expect.poll(() => officer.getByTestId('level-suggestion').innerText()).toContain('重要');
    await officer.getByTestId('level-reason').fill('仅登记犬只数量，身份号码仅作主键');
    await shot(officer, 'register.png', { fullPage: true });
    await officer.getByTestId('reg-submit').click();
    await officer.waitForURL(/\/catalog\/JNGAJ-\d{4,}$/);
    const code = new URL(officer.url()).pathname.split('/').pop()!;
    await expect.poll(() => officer.getByTestId('status-tag').first().innerText()).toBe('草稿');
    await officer.getByTestId('wf-submit').click();
    await expect.poll(() => officer.getByTestId('status-tag').first().innerText()).toBe('待审核');

    const operator = await login('operator');
    await operator.getByTestId('menu-review').click();
    const row = operator.locator('tr', { has: operator.getByTestId(`review-${code}`) });
    await expect.poll(() => row.innerText()).toContain(name);
    expect(await row.getByTestId('flag-open-with-sensitive-fields').count()).toBe(1);
    await shot(operator, 'review.png', { fullPage: true });
    await operator.getByTestId(`return-${code}`).click();
    await operator.getByTestId('return-text').fill(reason);
    await operator.getByTestId('return-ok').click();
    await expect.poll(() => operator.getByTestId(`review-${code}`).count()).toBe(0);
    await operator.close();

    // The provider sees why, the history of the entry, and a task to fix it.
    await officer.reload();
    await expect.poll(() => officer.getByTestId('return-reason-shown').innerText()).toContain(reason);
    await officer.getByTestId('tab-versions').click();
    await expect.poll(() => officer.getByTestId('versions').innerText()).toContain('退回');
    await officer.getByTestId('menu-tasks').click();
    await expect.poll(() => officer.getByTestId('tasks-table').innerText()).toContain(code);
    await officer.close();
    // Three logins and a registration form: 60 s is not enough on a loaded two-core CI machine.
  }, 120_000);

  it('draws the asset map and the indicators', async () => {
    const page = await login('operator');
    await page.getByTestId('menu-asset-map').click();
    await page.getByTestId('asset-map-chart').locator('canvas').first().waitFor();
    await expect.poll(() => page.getByTestId('asset-map-counts').innerText()).toMatch(/数据资源\s*[1-9]/);
    // The force layout moves the nodes a frame at a time until it cools: on a loaded machine, with
    // slow frames, that took more than 20 s once (the count of frames is what is fixed, not the time).
    await settled(page, 60_000);
    await shot(page, 'asset-map.png', { fullPage: true });
    await page.getByTestId('menu-indicators').click();
    await page.getByTestId('indicators-chart').locator('canvas').first().waitFor();
    await page.getByTestId('indicators-table').locator('tbody tr.ant-table-row').first().waitFor();
    await expect.poll(() => page.getByTestId('indicator-index').innerText()).toMatch(/\d/);
    await settled(page); // the bars grow in
    await shot(page, 'indicators.png', { fullPage: true });
    await page.close();
  });

  /** A demo account's token, for setting the scene through the API. */
  async function tokenOf(username: string): Promise<string> {
    const res = await fetch(`${running.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    return ((await res.json()) as { token: string }).token;
  }

  it('files a demand for two fields, which the provider confirms and publishes as a service the consumer calls', async () => {
    // The consumer finds 社会保险参保信息 in the catalog and asks for two of its fields.
    const consumer = await login('consumer');
    await consumer.getByTestId('menu-catalog').click();
    const search = consumer.getByTestId('catalog-search').locator('input');
    await search.fill('社会保险参保');
    await search.press('Enter');
    await consumer.getByTestId('resource-JNRSJ-0001').click();
    await consumer.waitForURL(/\/catalog\/JNRSJ-0001$/);
    await consumer.getByTestId('demand-open').click();
    // The dialog zooms in: a click while it still grows can land beside the box (seen on a busy run).
    await settled(consumer);
    await consumer.getByTestId('demand-field-citizen_id').check();
    await consumer.getByTestId('demand-field-insurance_type').check();
    await pick(consumer, 'demand-purposes', '社会救助');
    await consumer.getByTestId('demand-purpose').fill('低保对象参保状态核验');
    await consumer.getByTestId('demand-volume').fill('每月约 2000 条');
    await consumer.getByTestId('demand-frequency').fill('每日');
    await shot(consumer, 'demand-form.png');
    await consumer.getByTestId('demand-submit').click();
    const created = consumer.getByTestId('demand-created');
    await expect.poll(() => created.innerText()).toContain('待确认');
    const due = /(\d{4}-\d{2}-\d{2})/.exec(await created.getByTestId(/^due-\d+-confirm$/).innerText())![1]!;
    const id = Number(
      /^due-(\d+)-/.exec((await created.getByTestId(/^due-\d+-confirm$/).getAttribute('data-testid'))!)![1],
    );
    expect(await created.innerText()).toContain('剩 5 个工作日');

    // The provider's officer sees it to handle, with its due date, and confirms then publishes it.
    const officer = await login('officer_rsj');
    await officer.getByTestId('menu-demands').click();
    await officer.getByTestId('demand-tab-provider').click();
    const row = officer.locator('tr', { has: officer.getByTestId(`due-${id}-confirm`) });
    await expect.poll(() => row.innerText()).toContain('济南市民政局');
    expect(await row.getByTestId(`due-${id}-confirm`).innerText()).toContain(due);
    expect(await row.innerText()).toContain('险种');
    await shot(officer, 'demands.png', { fullPage: true });
    await row.getByTestId(`demand-confirm-${id}`).click();
    await expect.poll(() => row.getByTestId('demand-state').innerText()).toBe('已确认待发布');
    expect(await row.getByTestId(`due-${id}-publish`).innerText()).toMatch(
      /发布 · 截止 \d{4}-\d{2}-\d{2}\s+剩 10 个工作日/,
    );
    await row.getByTestId(`demand-publish-${id}`).click();
    await officer.getByTestId('publish-ok').click();
    await expect.poll(() => row.getByTestId('demand-state').innerText()).toBe('已发布');
    await officer.close();

    // The consumer's list shows it published; the service answers its sample key with the two fields only.
    await consumer.getByTestId('demand-go-list').click();
    const mine = consumer.locator('tr', { has: consumer.getByTestId(`due-${id}-publish`) });
    await expect.poll(() => mine.getByTestId('demand-state').innerText()).toBe('已发布');
    await consumer.getByTestId('menu-services').click();
    await consumer.getByTestId('service-DS-JNRSJ-0001').click();
    await consumer.waitForURL(/\/services\/DS-JNRSJ-0001$/);
    const key = consumer.getByTestId('console-key');
    await expect.poll(() => key.inputValue()).toMatch(/^\d{17}[\dX]$/);
    const sample = await key.inputValue();
    await consumer.getByTestId('console-key-go').click();
    const result = consumer.getByTestId('console-result');
    await expect.poll(() => result.innerText()).toContain(sample);
    const headers = await result.locator('thead th').allInnerTexts();
    expect(headers.map((h) => h.trim())).toEqual(['公民身份号码', '险种']);
    expect(await result.innerText()).toMatch(/养老保险/);
    await shot(consumer, 'services.png', { fullPage: true });
    await consumer.getByTestId('console-raw-tab').click();
    const raw = JSON.parse(await consumer.getByTestId('console-raw').innerText()) as {
      items: Array<Record<string, unknown>>;
      fields: string[];
    };
    expect(raw.fields).toEqual(['citizen_id', 'insurance_type']);
    expect(Object.keys(raw.items[0]!).sort()).toEqual(['citizen_id', 'insurance_type']);

    // A filtered page exported as a watermarked CSV.
    await consumer.getByTestId('console-tab-filter').click();
    await consumer.getByTestId('console-export-rows').fill('50');
    const [file] = await Promise.all([
      consumer.waitForEvent('download'),
      consumer.getByTestId('console-export').click(),
    ]);
    expect(file.suggestedFilename()).toMatch(/^DS-JNRSJ-0001-\w+\.csv$/);
    await consumer.close();
    // Three sessions across five pages: the longest flow here, on a machine that runs other files too.
  }, 120_000);

  it('shows an auditor the usage charts and the alerts, with their thresholds', async () => {
    // A consumer pulling far more than its history: exports of the whole population, past the floor
    // of the volume alert, trip it.
    const token = await tokenOf('consumer');
    for (let i = 0; i <= ANOMALY.spikeFloor / SEEDED_PEOPLE; i++) {
      const res = await fetch(
        `${running.url}/api/v1/services/DS-JNGAJ-0001/records?purpose=social_assistance&format=csv&pageSize=1000`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const page = await login('auditor');
    await page.getByTestId('menu-monitoring').click();
    for (const metric of ['calls', 'rows', 'errors', 'avgLatencyMs'])
      await page.getByTestId(`chart-${metric}`).locator('canvas').first().waitFor();
    await expect.poll(() => page.getByTestId('monitoring-calls').innerText()).toMatch(/[1-9]/);
    const alerts = page.getByTestId('alerts-table');
    await expect.poll(() => alerts.innerText()).toContain('调用量突增');
    expect(await alerts.innerText()).toContain('济南市民政局');
    expect(await page.getByTestId('thresholds').innerText()).toMatch(/500[\s\S]*10 倍[\s\S]*1000/);
    // The last hour by minute, where the calls of this run stand apart.
    await page.getByTestId('monitoring-span').getByText('近 1 小时').click();
    await expect.poll(() => page.getByTestId('monitoring-charts').innerText()).toContain('调用次数');
    await page.getByTestId('chart-rows').locator('canvas').first().waitFor();
    await settled(page); // the bars grow in
    await shot(page, 'monitoring.png', { fullPage: true });
    const ack = alerts.locator('[data-testid^="ack-"]').first();
    await ack.click();
    await expect.poll(() => alerts.innerText()).toContain('auditor 已确认');
    await page.close();
  });

  it("shows an officer its organization's ingest jobs with details, and a cron's next runs as it is typed", async () => {
    const page = await login('officer_rsj');
    await page.getByTestId('menu-ingest/jobs').click();
    const table = page.getByTestId('jobs-table');
    // A load's outcome in words (#14): never a bare 成功.
    await expect.poll(() => table.innerText()).toMatch(/JNRSJ-0001[\s\S]*(全部入库|部分入库|低于质量阈值)/);
    expect(await table.innerText()).not.toContain('JNGAJ-');
    await table.locator('[data-testid^="job-detail-"]').first().click();
    await expect.poll(() => page.getByTestId('job-drawer').innerText()).toMatch(/demo:[\s\S]*质量得分/);
    await settled(page); // the drawer slides in
    await shot(page, 'ingest-jobs.png', { fullPage: true });
    await page.goto(`${running.url}/ingest/schedules`);
    await page.getByTestId('new-schedule').click();
    await page.getByTestId('schedule-cron').fill('0 2 * * *');
    await expect.poll(() => page.getByTestId('cron-preview').innerText()).toMatch(/02:00:00/);
    await page.close();
  });

  it('ingest quality report', async () => {
    const token = await tokenOf('officer');
    const get = async <T>(path: string) =>
      (await (await fetch(`${running.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as T;
    const rows = await get<{ items: Array<{ citizen_id: string }> }>(
      '/api/v1/catalog/resources/JNGAJ-0001/records?pageSize=1',
    );
    const key = rows.items[0]!.citizen_id;
    const trend = await get<Array<{ jobId: string; passRate: number }>>(
      '/api/v1/ingest/quality-trend?resource=JNGAJ-0001',
    );
    const last = trend.at(-1)!;
    expect(last.passRate).toBe(100); // the demo's load is clean: its point sits on the chart's top edge
    const page = await login('officer');
    await page.goto(`${running.url}/catalog/JNGAJ-0001`);
    await page.getByTestId('ingest-quality-link').click();
    await page.waitForURL(/\/ingest\/quality\?resource=JNGAJ-0001$/);
    const chart = page.getByTestId('quality-trend-chart');
    await chart.locator('canvas').first().waitFor();
    // Lineage says where each value came from (load, source, row), never the value itself.
    const search = page.getByTestId('lineage-key').locator('input');
    await search.fill(key);
    await search.press('Enter');
    const lineage = page.getByTestId('lineage-table');
    await expect.poll(() => lineage.innerText()).toMatch(/公民身份号码[\s\S]*demo:people\.csv[\s\S]*第 \d+ 行/);
    expect(await lineage.innerText()).not.toContain(key);
    expect(await lineage.getByRole('link', { name: '归集任务详情' }).first().getAttribute('href')).toMatch(
      /^\/ingest\/jobs\?resource=JNGAJ-0001&job=[\w-]+$/,
    );
    // Clicking the last load's point (the grid is inset 48 px left and right, 40 px at the top) opens its job,
    // with the quality report in a tab of the drawer.
    await settled(page); // the line draws in: its points take clicks once drawn
    await shot(page, 'ingest-quality.png', { fullPage: true });
    const box = (await chart.boundingBox())!;
    const x = box.x + 48 + ((box.width - 96) * (trend.length - 0.5)) / trend.length;
    await page.mouse.click(x, box.y + 40);
    await page.waitForURL(new RegExp(`/ingest/jobs\\?resource=JNGAJ-0001&job=${last.jobId}$`));
    await page.getByTestId('job-quality-tab').click();
    await page.getByTestId('quality-fields-chart').locator('canvas').first().waitFor();
    await expect.poll(() => page.getByTestId('quality-pass-rate').innerText()).toMatch(/质检合格率\s*100 %/);
    await settled(page); // the drawer slides in, the bars grow
    await shot(page, 'ingest-quality-report.png');
    await page.close();
  });

  it('column mapping', async () => {
    // A department's export: pinyin initials for the ID and the division, a data element's alias for gender.
    const file = join(mkdtempSync(join(tmpdir(), 'qdh-mapping-')), 'mapping-e2e.csv');
    const id = makeCitizenId('370102', '1985-03-12', 7);
    // 联系电话 holds what is not a phone number: it maps by its name, so it is skipped and saved so.
    writeFileSync(file, `zjhm,姓名,xb,出生日期,qh,联系电话\n${id},"张三",男,1985-03-12,370102,见附件\n`);
    const page = await login('officer');
    await page.goto(`${running.url}/ingest/jobs?resource=JNGAJ-0001`);
    await page.getByTestId('new-job').click();
    await page.getByTestId('upload-job').locator('input[type=file]').setInputFiles(file);
    const by = (column: string) => page.getByTestId(`mapping-by-${column}`).innerText();
    await expect.poll(() => by('zjhm')).toMatch(/按取值推测[\s\S]*待保存/);
    expect(await page.getByTestId('mapping-field-zjhm').innerText()).toContain('公民身份号码');
    expect(await by('姓名')).toBe('按名称');
    expect(await by('xb')).toBe('按数据元');
    const upload = page.getByTestId('upload-submit');
    const closed = () => expect.poll(() => page.locator('.ant-select-dropdown:visible').count()).toBe(0);
    // Unmapped, a required field shows in red and holds the upload back.
    await pick(page, 'mapping-field-qh', '（不导入）');
    await expect.poll(() => page.getByTestId('mapping-missing').innerText()).toContain('户籍地行政区划');
    expect(await upload.isDisabled()).toBe(true);
    await closed();
    await pick(page, 'mapping-field-xb', '性别 · gender');
    await closed();
    await pick(page, 'mapping-field-qh', '户籍地行政区划 · division');
    await closed();
    expect(await by('联系电话')).toBe('按名称');
    await pick(page, 'mapping-field-联系电话', '（不导入）');
    await expect.poll(() => by('联系电话')).toBe('待保存');
    await expect.poll(() => page.getByTestId('mapping-missing').count()).toBe(0);
    expect(await upload.isDisabled()).toBe(true); // guesses from values map nothing until saved
    await page.getByTestId('mapping-save').click();
    await expect.poll(() => by('qh')).toBe('已保存');
    expect(await by('联系电话')).toBe('已保存');
    expect(await by('zjhm')).toBe('已保存');
    await expect.poll(() => upload.isEnabled()).toBe(true);
    await shot(page, 'ingest-mapping.png');
    await upload.click();
    const first = page.getByTestId('jobs-table').locator('tbody tr.ant-table-row').first();
    await expect.poll(() => first.innerText()).toMatch(/upload:mapping-e2e\.csv[\s\S]*全部入库[\s\S]*入库 1 · 拒收 0/);
    await page.close();
  });
});
