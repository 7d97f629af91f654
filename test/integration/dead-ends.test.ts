import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/http/index.js';
import { CATALOG_RATES, type CatalogRate, type IndicatorCounts } from '../../src/catalog/index.js';
import { addWorkingDays } from '../../src/kernel/index.js';
import { engines } from '../databases.js';
import { openSeededApp, type App } from '../seeded-app.js';

const USERS = ['operator', 'officer', 'officer_rsj', 'consumer', 'auditor', 'citizen', 'third_party'] as const;
type User = (typeof USERS)[number];
const ENTERPRISE = 'JNSCJG-0001'; // 企业登记信息, unconditional, provided by 市市场监管局

interface Row {
  counts: IndicatorCounts;
  catalogRate: number | null;
  mountRate: number | null;
  timeliness: number | null;
  sharingRate: number | null;
  openRate: number | null;
}

/**
 * Dead ends of issue #14 through the HTTP API, on PGlite and PostgreSQL: a demand for data not
 * yet in the catalog is assigned by the operators (and only them) to a department, which sees it
 * and answers it with a resource it registered; a third party applies from the catalog; and
 * every indicator has one definition, so the city's figure is the departments' added up.
 */
describe.each(engines())('dead ends on $name', (engine) => {
  let hub: Hub;
  let app: App;
  let tokens: Record<string, string> = {};

  beforeAll(async () => {
    if (engine.skip) return;
    ({ hub, app, tokens } = await openSeededApp(engine, USERS));
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const call = (user: User, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url: `/api/v1${url}`, payload, headers: { authorization: `Bearer ${tokens[user]}` } });
  const freeText = async (need: string) => {
    const res = await call('consumer', 'POST', '/demands', {
      need,
      fields: ['从业人员数'],
      purposes: ['statistics'],
      purpose: '统计分析社会组织从业情况',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ resource: null, state: 'filed', assignedTo: null });
    return res.json().id as number;
  };

  it.skipIf(engine.skip)('lets only the operators assign a demand for data not yet in the catalog', async () => {
    const id = await freeText('社会组织从业人员社保缴纳情况');
    // A party to the demand who is not an operator is refused; anyone else is told it does not exist.
    for (const user of ['consumer', 'auditor'] as const) {
      const res = await call(user, 'POST', `/demands/${id}/assign`, { org: 'JNRSJ' });
      expect(res.statusCode, `${user}: ${res.body}`).toBe(403);
      expect(res.json().code).toBe('ACC_FORBIDDEN');
    }
    for (const user of ['officer', 'officer_rsj', 'citizen', 'third_party'] as const) {
      const res = await call(user, 'POST', `/demands/${id}/assign`, { org: 'JNRSJ' });
      expect([403, 404], `${user}: ${res.body}`).toContain(res.statusCode);
    }
    // Before the assignment the department has nothing to answer.
    expect((await call('officer_rsj', 'GET', `/demands/${id}`)).statusCode).toBe(404);
    expect((await call('operator', 'POST', `/demands/${id}/assign`, { org: 'NOSUCHORG' })).statusCode).toBe(422);
    expect((await call('operator', 'POST', `/demands/${id}/assign`, { org: 'JNMZJ' })).statusCode).toBe(422);

    const assigned = await call('operator', 'POST', `/demands/${id}/assign`, { org: 'JNRSJ' });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const demand = assigned.json();
    expect(demand).toMatchObject({ state: 'filed', resource: null, assignedTo: { code: 'JNRSJ' } });
    expect(demand.assignedTo.name).toContain('人力资源');
    // The department's working-day deadline starts at the assignment, as for any confirm step.
    const confirm = demand.steps.find((s: { step: string }) => s.step === 'confirm');
    expect(confirm.dueDate).toBe(addWorkingDays(new Date(), 5));
    expect(confirm.overdue).toBe(false);
  });

  it.skipIf(engine.skip)(
    'puts the assigned demand in the department inbox and lets it answer with its resource',
    async () => {
      const id = await freeText('失业保险金领取人员名单');
      expect((await call('operator', 'POST', `/demands/${id}/assign`, { org: 'JNRSJ' })).statusCode).toBe(200);

      const inbox = (await call('officer_rsj', 'GET', '/demands?role=provider')).json().items;
      expect(inbox.map((d: { id: number }) => d.id)).toContain(id);
      const tasks = (await call('officer_rsj', 'GET', '/tasks')).json().items;
      const task = tasks.find(
        (t: { kind: string; ref: string }) => t.kind === 'demand.confirm' && t.ref === String(id),
      );
      expect(task).toMatchObject({ org: 'JNRSJ', state: 'open' });
      expect(task.dueDate).toBeTruthy();
      // The operators' routing task is done.
      const platform = (await call('operator', 'GET', '/tasks')).json().items;
      expect(
        platform.some(
          (t: { kind: string; ref: string; state: string }) =>
            t.kind === 'demand.route' && t.ref === String(id) && t.state === 'open',
        ),
      ).toBe(false);
      // Another department neither sees nor answers it; the operators no longer refuse it in its place.
      expect((await call('officer', 'GET', `/demands/${id}`)).statusCode).toBe(404);
      expect((await call('operator', 'POST', `/demands/${id}/refuse`, { reason: '不再需要' })).statusCode).toBe(403);

      const own = (
        await call('officer_rsj', 'GET', '/catalog/resources?provider=JNRSJ&status=published&pageSize=5')
      ).json().items;
      expect(own.length).toBeGreaterThan(0);
      const resource = (await call('officer_rsj', 'GET', `/catalog/resources/${own[0].code}`)).json();
      const fields = resource.fields.slice(0, 2).map((f: { name: string }) => f.name);
      // Confirming needs the resource; another department's resource is not an answer.
      expect((await call('officer_rsj', 'POST', `/demands/${id}/confirm`)).statusCode).toBe(422);
      const foreign = await call('officer_rsj', 'POST', `/demands/${id}/fulfil`, {
        resource: ENTERPRISE,
        fields: ['name'],
      });
      expect(foreign.statusCode, foreign.body).toBe(422);
      expect(
        (await call('officer', 'POST', `/demands/${id}/fulfil`, { resource: resource.code, fields })).statusCode,
      ).toBe(404);

      const fulfilled = await call('officer_rsj', 'POST', `/demands/${id}/fulfil`, { resource: resource.code, fields });
      expect(fulfilled.statusCode, fulfilled.body).toBe(200);
      expect(fulfilled.json()).toMatchObject({
        state: 'confirmed',
        resource: { code: resource.code, provider: { code: 'JNRSJ' } },
        fields,
        assignedTo: { code: 'JNRSJ' },
      });
      const after = (await call('officer_rsj', 'GET', '/tasks')).json().items;
      expect(
        after.some((t: { kind: string; ref: string }) => t.kind === 'demand.confirm' && t.ref === String(id)),
      ).toBe(false);
      expect(
        after.some((t: { kind: string; ref: string }) => t.kind === 'demand.publish' && t.ref === String(id)),
      ).toBe(true);
      // From here it is a demand on the department's own resource: it publishes, the consumer gets a grant.
      const published = await call('officer_rsj', 'POST', `/demands/${id}/publish`);
      expect(published.statusCode, published.body).toBe(200);
      expect(published.json().grantId).toEqual(expect.any(Number));
      // The consumer follows it all along.
      const mine = (await call('consumer', 'GET', `/demands/${id}`)).json();
      expect(mine).toMatchObject({ state: 'published', assignedTo: { code: 'JNRSJ' } });
    },
  );

  it.skipIf(engine.skip)('lets a third party apply for a resource from the catalog', async () => {
    const res = await call('third_party', 'POST', '/demands', {
      resource: ENTERPRISE,
      fields: ['name'],
      purposes: ['statistics'],
      purpose: '对公开户前核验企业登记信息',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().consumer.code).toBe('DEMOBANK');
  });

  it.skipIf(engine.skip)('computes the city figures as the departments added up, one definition each', async () => {
    const res = await call('auditor', 'GET', '/catalog/indicators');
    expect(res.statusCode, res.body).toBe(200);
    const { city, organizations } = res.json() as { city: Row; organizations: Row[] };
    expect(organizations.length).toBeGreaterThan(1);
    const keys = Object.keys(city.counts) as Array<keyof IndicatorCounts>;
    for (const k of keys) {
      expect(city.counts[k], k).toBe(organizations.reduce((s, o) => s + o.counts[k], 0));
    }
    for (const [rate, { numerator, denominator }] of Object.entries(CATALOG_RATES) as Array<
      [CatalogRate, (typeof CATALOG_RATES)[CatalogRate]]
    >) {
      for (const row of [city, ...organizations]) {
        const expected = row.counts[denominator] === 0 ? null : row.counts[numerator] / row.counts[denominator];
        if (expected === null) expect(row[rate], rate).toBeNull();
        else expect(row[rate], rate).toBeCloseTo(expected, 10);
      }
      // A figure of the same definition cannot sit outside the range of the rows it adds up.
      const rates = organizations.map((o) => o[rate]).filter((v): v is number => v !== null);
      if (city[rate] !== null) {
        expect(city[rate]!, rate).toBeGreaterThanOrEqual(Math.min(...rates) - 1e-9);
        expect(city[rate]!, rate).toBeLessThanOrEqual(Math.max(...rates) + 1e-9);
      }
    }

    const quality = (await call('auditor', 'GET', '/quality/indicators')).json();
    const sum = (k: string) => quality.byProvider.reduce((s: number, p: Record<string, number>) => s + p[k]!, 0);
    for (const k of ['reported', 'fixed', 'rejected', 'open', 'overdue']) expect(quality.cityWide[k], k).toBe(sum(k));
    const whole = sum('reported') - sum('rejected');
    expect(quality.cityWide.fixRate).toBe(whole <= 0 ? null : Math.round((1000 * sum('fixed')) / whole) / 10);
  });

  it('documents every indicator in docs/indicators.md', async () => {
    const doc = await readFile(new URL('../../docs/indicators.md', import.meta.url), 'utf8');
    for (const k of [...Object.keys(CATALOG_RATES), 'index', 'fixRate', 'onTimeRate', 'medianFixHours']) {
      expect(doc, k).toContain(`\`${k}\``);
    }
    for (const column of ['numerator', 'denominator', 'source tables', 'Period']) expect(doc).toContain(column);
  });
});
