import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ResourceInput } from '../../src/catalog/index.js';
import { signRequest } from '../../src/cascade/index.js';
import { postgresMissing, seededCityDatabase, startNode, type StartedNode } from './nodes.js';

/** 历下区卫健局's registration on its own node: found by its words on the city once synced. */
const NURSERIES: ResourceInput = {
  name: '婴幼儿托育机构备案信息',
  summary: '历下区备案的托育机构',
  category: 'department',
  shareType: 'conditional',
  shareCondition: '仅用于托育服务监管',
  openType: 'closed',
  level: 'general',
  keyField: 'licence_no',
  fields: [
    { name: 'licence_no', label: '备案编号', type: 'string', required: true },
    { name: 'places', label: '托位数', type: 'integer', required: true },
  ],
};

/**
 * 级联 (#20), the federated catalog: the seeded city on PostgreSQL and 历下区 on PGlite. The
 * district publishes, withdraws and changes resources; the city takes only the changes, on
 * demand here (the worker's schedule runs the same sync), and finds them among its own.
 */
describe.skipIf(postgresMissing())('federated catalog', () => {
  let city: StartedNode;
  let lixia: StartedNode;
  let operator: string;
  let consumer: string;
  const officer = { userId: 1, username: 'lixia_officer' };

  const cityCall = async (token: string, method: string, path: string) => {
    const res = await fetch(`${city.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by matchers
    return { status: res.status, body: (await res.json()) as any };
  };
  const sync = async () => {
    const res = await cityCall(operator, 'POST', `/cascade/nodes/${lixia.running.hub.cascade.self.nodeId}/sync`);
    expect(res.status).toBe(200);
    return res.body.catalog as { received: number; written: number; withdrawn: number };
  };
  /** Syncs until the city's search answers as `check` wants: a district answers changes a moment old. */
  const syncUntil = (check: () => Promise<void>) =>
    vi.waitFor(
      async () => {
        await sync();
        await check();
      },
      { timeout: 15_000, interval: 250 },
    );
  const search = async (q: string, token = consumer) =>
    (await cityCall(token, 'GET', `/catalog/resources?q=${encodeURIComponent(q)}`)).body.items as Array<
      Record<string, unknown>
    >;
  const publish = async (code: string) => {
    const catalog = lixia.running.hub.catalog;
    for (const step of ['submit', 'approve', 'publish'] as const) await catalog.transition(code, officer, step);
  };

  beforeAll(async () => {
    city = await startNode({ database: await seededCityDatabase(), role: 'city' });
    operator = await city.login('operator');
    consumer = await city.login('consumer');
    const res = await fetch(`${city.url}/api/v1/cascade/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ division: '370102' }),
    });
    const { token } = (await res.json()) as { token: string };
    lixia = await startNode({ database: {}, role: 'district', division: '370102', parentUrl: city.url, token });
    await lixia.running.hub.access.createOrganization({
      code: 'LXWJ',
      name: '历下区卫生健康局',
      kind: 'department',
      division: '370102',
    });
  });
  afterAll(async () => {
    await lixia?.close();
    await city?.close();
  });

  it('finds a district’s published resource in the city’s catalog, under a district organization, marked remote', async () => {
    const draft = await lixia.running.hub.catalog.register('LXWJ', officer, NURSERIES);
    await lixia.running.hub.catalog.register('LXWJ', officer, { ...NURSERIES, name: '未发布的托育草稿' });
    await publish(draft.code);

    await syncUntil(async () => expect(await search('托育机构备案')).toHaveLength(1));
    const [found] = await search('托育机构备案');
    expect(found).toMatchObject({
      code: 'D370102B01-0001',
      name: '婴幼儿托育机构备案信息',
      status: 'published',
      provider: { code: 'D370102B01', name: '历下区卫生健康局' },
      remote: {
        node: lixia.running.hub.cascade.self.nodeId,
        division: '370102',
        divisionName: '历下区',
        code: draft.code,
      },
    });
    // The district's draft stays on the district; the city's own entries are not remote.
    expect(await search('托育草稿', operator)).toEqual([]);
    const own = (await cityCall(consumer, 'GET', '/catalog/resources?provider=JNGAJ')).body.items;
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((r: Record<string, unknown>) => r.remote === undefined)).toBe(true);
    expect(await city.running.hub.access.findOrganization('D370102B01')).toMatchObject({
      kind: 'district',
      parentCode: 'D370102',
      division: '370102',
    });
    // The operations view shows the sync.
    const nodes = (await cityCall(operator, 'GET', '/cascade/nodes')).body as Array<Record<string, unknown>>;
    expect(nodes[0]).toMatchObject({ status: 'active', lastError: null });
    expect(nodes[0]!.lastSync).not.toBeNull();
  });

  it('carries a change and a withdrawal by the next sync, and nothing when nothing changed', async () => {
    const catalog = lixia.running.hub.catalog;
    const [mine] = (await catalog.list({ q: '托育机构备案' }, { org: null, all: true })).items;
    const changed = await catalog.edit(
      mine!.code,
      officer,
      { ...NURSERIES, summary: '历下区备案的托育机构及托位' },
      mine!.version,
    );
    await publish(changed.code);
    await syncUntil(async () => {
      const [found] = await search('托育机构备案');
      expect(found).toMatchObject({ summary: '历下区备案的托育机构及托位', version: 2 });
    });
    await vi.waitFor(async () => expect(await sync()).toEqual(expect.objectContaining({ received: 0, written: 0 })));

    await catalog.withdraw(changed.code, officer);
    await syncUntil(async () => expect(await search('托育机构备案')).toEqual([]));
    // Withdrawn on the city too: outside readers no longer read it; it stays with its provider.
    await expect(city.running.hub.catalog.read('D370102B01-0001', { org: null, all: false })).rejects.toMatchObject({
      code: 'CAT_RESOURCE_NOT_FOUND',
    });
    // Published again, it comes back under the same code.
    await publish(changed.code);
    await syncUntil(async () => {
      const [found] = await search('托育机构备案');
      expect(found).toMatchObject({ code: 'D370102B01-0001', remote: { code: changed.code } });
    });
  });

  it('answers its changes to its parent only', async () => {
    const path = '/api/v1/cascade/link/catalog/changes?after=&limit=10';
    const cityNode = city.running.hub.cascade.self;
    const asParent = signRequest(cityNode.nodeId, cityNode.keys, { method: 'GET', path, body: Buffer.alloc(0) });
    expect((await fetch(`${lixia.url}${path}`, { headers: asParent })).status).toBe(200);
    // Another node's signature (here the city's keys under a node id the district does not know).
    const stranger = signRequest('370103-0123456789ab', cityNode.keys, { method: 'GET', path, body: Buffer.alloc(0) });
    const refused = await fetch(`${lixia.url}${path}`, { headers: stranger });
    expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([401, 'CAS_UNKNOWN_NODE']);
    // The district asking the city: only a district answers changes.
    const self = lixia.running.hub.cascade.self;
    const upward = signRequest(self.nodeId, self.keys, { method: 'GET', path, body: Buffer.alloc(0) });
    const fromCity = await fetch(`${city.url}${path}`, { headers: upward });
    expect(((await fromCity.json()) as { code: string }).code).toBe('CAS_NOT_DISTRICT');
    // A peer of the district that is not its parent (none is enrolled there: asked directly).
    const parent = await lixia.running.hub.cascade.parent();
    await expect(
      lixia.running.hub.catalogFederation.changes({ ...parent, relation: 'child' }, undefined, 10),
    ).rejects.toMatchObject({ code: 'CAS_NOT_PARENT' });
  });
});
