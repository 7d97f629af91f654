import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { people } from '../../src/demo/people.js';
import { SEEDED_PASSWORD } from '../databases.js';
import { NARROW, haveChromium, login, pick, shot, startBrowserCity, widthOf, type BrowserCity } from './harness.js';

/**
 * 我的企业 (#16) on a phone: the demo citizen, legal representative of the demo's enterprise, appoints
 * an agent by user name for a purpose chosen by name until a date, sees the agent listed with the
 * purpose's name, and revokes the appointment; the agent sees the enterprise while appointed.
 */
describe.skipIf(!haveChromium)('my enterprises in Chromium', () => {
  let city: BrowserCity;

  beforeAll(async () => {
    city = await startBrowserCity();
    const agent = [...people(2, 2026)][1]!;
    await city.hub.access.createUser({
      username: 'agent_wang',
      displayName: '王经办',
      password: SEEDED_PASSWORD,
      roles: ['citizen'],
      citizenId: agent.citizen_id,
    });
  });
  afterAll(async () => {
    await city?.close();
  });

  it('lets the representative appoint and revoke an agent at 360 px', async () => {
    const page = await login(city, 'citizen', { viewport: NARROW });
    await page.getByTestId('open-menu').click();
    await page.getByTestId('menu-enterprises').click();
    const card = page.getByTestId('my-enterprise');
    await expect.poll(() => card.innerText()).toContain('法定代表人');
    await expect.poll(() => page.getByTestId('enterprise-agents').innerText()).toContain('尚未委托经办人');

    await page.getByTestId('agent-appoint-open').click();
    await page.getByTestId('agent-username').fill('agent_wang');
    await pick(page, 'agent-purposes', '信用服务');
    // A multiple select stays open after a pick: a click beside it closes it.
    await page.locator('.ant-modal-title').click();
    await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
    await page.getByTestId('agent-until').click();
    await page.locator('.ant-picker-dropdown:visible .ant-picker-header-super-next-btn').click();
    await page.locator('.ant-picker-dropdown:visible .ant-picker-cell-in-view').first().click();
    await page.getByTestId('agent-appoint-submit').click();
    const agent = page.getByTestId('enterprise-agent');
    await expect.poll(() => agent.innerText()).toContain('王经办');
    expect(await agent.innerText()).toContain('信用服务');
    expect(await agent.innerText()).not.toContain('credit_service');
    const { scroll: scrollWidth, window: width } = await widthOf(page);
    expect(scrollWidth).toBeLessThanOrEqual(width);
    await shot(page, 'enterprise/representative-360.png', { fullPage: true });

    // The agent sees the enterprise, as an agent for that purpose.
    const agentPage = await login(city, 'agent_wang', { viewport: NARROW });
    await agentPage.goto(`${city.url}/enterprises`);
    const held = agentPage.getByTestId('my-enterprise');
    await expect.poll(() => held.innerText()).toContain('经办人');
    expect(await held.innerText()).toContain('信用服务');
    await shot(agentPage, 'enterprise/agent-360.png', { fullPage: true });
    expect(agentPage.problems).toEqual([]);
    await agentPage.close();

    await page.getByTestId('agent-revoke-agent_wang').click();
    await page.locator('.ant-popconfirm:visible .ant-btn-dangerous').click();
    await expect.poll(() => page.getByTestId('enterprise-agents').innerText()).toContain('尚未委托经办人');
    expect(page.problems).toEqual([]);
    await page.close();
  });
});
