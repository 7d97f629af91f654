import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import type { ResourceInput } from '../../src/catalog/index.js';
import { RECORDS_PATH, signRequest } from '../../src/cascade/index.js';
import { makeCitizenId } from '../../src/kernel/index.js';
import type { ShareReadEntry } from '../../src/ledger/index.js';
import { MAX_BATCH } from '../../src/share/index.js';
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

/** 历下区民政局's children in day care, keyed by the child's citizen ID: what the city's 民政局 is granted. */
const DAY_CARE: ResourceInput = {
  name: '历下区托育儿童登记',
  summary: '在历下区托育机构登记的儿童',
  category: 'department',
  shareType: 'conditional',
  shareCondition: '仅用于育儿补贴资格核验',
  openType: 'closed',
  level: 'general',
  keyField: 'sfzh',
  fields: [
    { name: 'sfzh', label: '身份证号', type: 'citizen_id', required: true },
    { name: 'xm', label: '姓名', type: 'string', required: true },
    { name: 'lxdh', label: '监护人电话', type: 'phone', required: true },
    { name: 'twlx', label: '托位类型', type: 'string', required: true },
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

  const cityCall = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${city.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
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
  /**
   * A grant on a district's resource, served by the district through the city: the city's
   * recorded read as for its own resources, the records fetched from 历下区's node, and the read
   * on both ledgers — the city's under its consumer, the district's under the city's node.
   */
  describe('a grant served across nodes', () => {
    const children = [1, 2].map((n) => makeCitizenId('370102', '2023-05-01', n));
    const missing = makeCitizenId('370102', '2023-05-01', 9);
    const purpose = 'eligibility_check';
    let code: string;
    let remoteCode: string;
    let grantId: number;
    let consumerOrg: string;

    /** The share.read entries of a subject on a node's ledger, newest first. */
    const readsOf = async (node: StartedNode, key: string) => {
      const ledger = node.running.hub.ledger;
      const page = await ledger.search({ subject: ledger.subjectTag(key), kind: 'share.read' }, 100);
      return page.items.map((row) => JSON.parse(row.entry) as ShareReadEntry);
    };
    /** A call of the district's link route signed as `nodeId` with `keys` (the city's, unless told). */
    const linkCall = async (body: unknown, signer = city.running.hub.cascade.self) => {
      const bytes = Buffer.from(JSON.stringify(body));
      const headers = signRequest(signer.nodeId, signer.keys, { method: 'POST', path: RECORDS_PATH, body: bytes });
      const res = await fetch(`${lixia.url}${RECORDS_PATH}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: bytes,
      });
      return { status: res.status, body: (await res.json()) as { code?: string; records?: unknown[] } };
    };

    beforeAll(async () => {
      const district = lixia.running.hub;
      await district.access.createOrganization({
        code: 'LXMZ',
        name: '历下区民政局',
        kind: 'department',
        division: '370102',
      });
      const draft = await district.catalog.register('LXMZ', officer, DAY_CARE);
      remoteCode = draft.code;
      const report = await district.ingest.run(
        await district.catalog.get(remoteCode),
        (async function* () {
          yield ['sfzh', 'xm', 'lxdh', 'twlx'];
          yield [children[0]!, '张小明', '13912345678', '全日托'];
          yield [children[1]!, '李小红', '13987654321', '半日托'];
        })(),
        { createdBy: 1, source: 'test:day-care' },
      );
      expect(report.state).toBe('succeeded');
      await publish(remoteCode);
      const mirrored = async () =>
        (await search('托育儿童登记')).find((r) => (r.remote as { code: string }).code === remoteCode);
      await syncUntil(async () => expect(await mirrored()).toBeDefined());
      code = (await mirrored())!.code as string;
      consumerOrg = (await city.running.hub.access.actorOf('consumer'))!.org!.code;
      expect((await cityCall(operator, 'POST', '/services', { resource: code })).status).toBe(201);
      const grant = await cityCall(operator, 'POST', '/grants', {
        consumer: consumerOrg,
        resource: code,
        fields: ['sfzh', 'xm', 'twlx'],
        masked: ['xm'],
        purposes: [purpose],
      });
      expect(grant.status).toBe(201);
      grantId = grant.body.id;
    });

    it('serves the consumer’s lookup and batch from the district, masked as granted, on both ledgers', async () => {
      const one = await cityCall(consumer, 'GET', `/services/DS-${code}/records?key=${children[0]}&purpose=${purpose}`);
      expect(one.status).toBe(200);
      // The masked name leaves the district masked; the guardian's phone was not granted: absent.
      expect(one.body.items).toEqual([{ sfzh: children[0], xm: '张****明', twlx: '全日托' }]);
      expect(one.body.grant).toBe(grantId);

      const batch = await cityCall(consumer, 'POST', `/services/DS-${code}/records/batch`, {
        keys: [children[1], missing],
        purpose,
      });
      expect(batch.status).toBe(200);
      expect(batch.body.items).toEqual([{ sfzh: children[1], xm: '李****红', twlx: '半日托' }]);
      expect(batch.body.notFound).toEqual([missing]);

      // The city's entry: its consumer's read under its grant, as for a resource of its own.
      const [onCity] = await readsOf(city, children[0]!);
      expect(onCity).toMatchObject({
        op: 'service.lookup',
        actor: 'consumer',
        org: consumerOrg,
        resource: code,
        grant: grantId,
        purpose,
        outcome: 'allowed',
        rows: 1,
      });
      // The district's entry, under the child's tag there: the city's node, for the city's consumer.
      const [onDistrict] = await readsOf(lixia, children[0]!);
      expect(onDistrict).toMatchObject({
        op: 'cascade.serve',
        actor: `cascade:${city.running.hub.cascade.self.nodeId}`,
        org: consumerOrg,
        resource: remoteCode,
        grant: grantId,
        purpose,
        outcome: 'allowed',
        rows: 1,
      });
      expect([...onDistrict!.fields!].sort()).toEqual(['sfzh', 'twlx', 'xm']);
      expect((await readsOf(lixia, children[1]!))[0]).toMatchObject({ op: 'cascade.serve', outcome: 'allowed' });
    });

    it('answers a key the district does not hold as not found, on both ledgers', async () => {
      const res = await cityCall(consumer, 'GET', `/services/DS-${code}/records?key=${missing}&purpose=${purpose}`);
      expect([res.status, res.body.code]).toEqual([404, 'SHR_RECORD_NOT_FOUND']);
      expect((await readsOf(city, missing))[0]).toMatchObject({ op: 'service.lookup', outcome: 'not_found' });
      expect((await readsOf(lixia, missing))[0]).toMatchObject({ op: 'cascade.serve', outcome: 'not_found' });
    });

    it('refuses a filter of a district’s resource: its records are served by key', async () => {
      const res = await cityCall(consumer, 'GET', `/services/DS-${code}/records?f.twlx=全日托&purpose=${purpose}`);
      expect([res.status, res.body.code]).toEqual([400, 'KRN_BAD_REQUEST']);
    });

    it('says that a district’s records are browsed on its node, and offers no sample key from the city', async () => {
      const res = await cityCall(operator, 'GET', `/catalog/resources/${code}/records?page=1&pageSize=10`);
      expect([res.status, res.body.code]).toEqual([409, 'SHR_KEPT_REMOTELY']);
      expect(res.body.detail).toContain('历下区');
      const actor = await city.running.hub.access.actorOf('operator');
      expect(await city.running.hub.share.sampleKey(actor, code)).toBeUndefined();
    });

    it('answers a district that cannot be reached with a problem, and serves nothing', async () => {
      const db = city.running.hub.db.kysely;
      const nodeId = lixia.running.hub.cascade.self.nodeId;
      const before = (await readsOf(city, children[0]!)).length;
      await sql`update cascade.peer set url = 'http://127.0.0.1:9' where node_id = ${nodeId}`.execute(db);
      try {
        const res = await cityCall(
          consumer,
          'GET',
          `/services/DS-${code}/records?key=${children[0]}&purpose=${purpose}`,
        );
        expect([res.status, res.body.code]).toEqual([502, 'CAS_PEER_FAILED']);
        expect(res.body.items).toBeUndefined();
        // The operations view shows the district failing, and why, in the reader's language.
        const nodes = (await cityCall(operator, 'GET', '/cascade/nodes')).body as Array<Record<string, unknown>>;
        expect(nodes.find((n) => n.nodeId === nodeId)).toMatchObject({
          status: 'failing',
          lastError: expect.stringContaining('无法连接节点'),
        });
      } finally {
        await sql`update cascade.peer set url = ${lixia.url} where node_id = ${nodeId}`.execute(db);
      }
      // Nothing left the city, so nothing is recorded as served (the recorded read on a failed fetch).
      expect(await readsOf(city, children[0]!)).toHaveLength(before);
    });

    it('answers its parent the fields asked, masked ones masked before they leave the district', async () => {
      const ask = { code: remoteCode, keys: [children[0]], fields: ['sfzh', 'xm'], masked: ['xm'] };
      const res = await linkCall({ ...ask, purpose, org: consumerOrg, grant: grantId });
      expect(res.status).toBe(200);
      expect(res.body.records).toEqual([{ key: children[0], doc: { sfzh: children[0], xm: '张****明' } }]);
    });

    it('refuses what the district does not share, and anyone but its parent', async () => {
      const ask = {
        code: remoteCode,
        keys: [children[0]],
        fields: ['sfzh'],
        masked: [],
        purpose,
        org: null,
        grant: null,
      };
      expect((await linkCall(ask)).status).toBe(200);
      expect((await linkCall({ ...ask, fields: ['sfzh', 'salary'] })).body.code).toBe('KRN_VALIDATION');
      // More keys than a batch of the share takes (MAX_BATCH), refused by the route's schema.
      const tooMany = await linkCall({ ...ask, keys: Array.from({ length: MAX_BATCH + 1 }, () => children[0]) });
      expect([tooMany.status, tooMany.body.code]).toEqual([400, 'KRN_BAD_REQUEST']);
      const draft = await lixia.running.hub.catalog.register('LXMZ', officer, { ...DAY_CARE, name: '托育儿童草稿' });
      expect((await linkCall({ ...ask, code: draft.code })).body.code).toBe('SHR_NOT_PUBLISHED');
      const closed = await lixia.running.hub.catalog.register('LXMZ', officer, {
        ...DAY_CARE,
        name: '托育儿童内部名册',
        shareType: 'none',
        shareCondition: '《未成年人保护法》第七十二条',
      });
      await publish(closed.code);
      expect((await linkCall({ ...ask, code: closed.code })).body.code).toBe('SHR_NO_GRANT');
      // Unsigned; signed with other keys than the city's; signed by the district itself.
      const unsigned = await fetch(`${lixia.url}${RECORDS_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ask),
      });
      expect([unsigned.status, ((await unsigned.json()) as { code: string }).code]).toEqual([401, 'CAS_UNSIGNED']);
      const self = lixia.running.hub.cascade.self;
      const forged = await linkCall(ask, { nodeId: city.running.hub.cascade.self.nodeId, keys: self.keys } as never);
      expect([forged.status, forged.body.code]).toEqual([401, 'CAS_SIGNATURE_INVALID']);
      // A node the district knows that is not its parent (none is enrolled there: asked directly).
      const parent = await lixia.running.hub.cascade.parent();
      await expect(
        lixia.running.hub.remoteRecords.serve({ ...parent, relation: 'child' }, ask as never),
      ).rejects.toMatchObject({ code: 'CAS_NOT_PARENT' });
    });

    it('refuses a revoked grant on the city without asking the district', async () => {
      const before = (await readsOf(lixia, children[0]!)).length;
      expect((await cityCall(operator, 'POST', `/grants/${grantId}/revoke`)).status).toBe(200);
      const res = await cityCall(consumer, 'GET', `/services/DS-${code}/records?key=${children[0]}&purpose=${purpose}`);
      expect([res.status, res.body.code]).toEqual([403, 'SHR_NO_GRANT']);
      expect((await readsOf(city, children[0]!))[0]).toMatchObject({ outcome: 'denied', reason: 'no_grant' });
      expect(await readsOf(lixia, children[0]!)).toHaveLength(before);
    });
  });
});
