import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNED_HEADERS, signRequest } from '../../src/cascade/index.js';
import { emptyPostgres, postgresMissing, seededCityDatabase, startNode, type StartedNode } from './nodes.js';

/**
 * 级联 (#20): a city and two districts on loopback — the city on PostgreSQL, 历下区 on PGlite,
 * 市中区 on PostgreSQL — enrolling by one-time token, and the checks every signed request between
 * them passes: both signatures, the date window, and a nonce never seen before.
 */
describe.skipIf(postgresMissing())('cascade enrolment and signed requests', () => {
  let city: StartedNode;
  let lixia: StartedNode;
  let shizhong: StartedNode | undefined;
  let operator: string;

  const cityCall = (method: string, path: string, body?: unknown) =>
    fetch(`${city.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${operator}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const token = async (division?: string) => {
    const res = await cityCall('POST', '/cascade/tokens', division ? { division } : {});
    expect(res.status).toBe(201);
    return ((await res.json()) as { token: string }).token;
  };

  beforeAll(async () => {
    city = await startNode({ database: await seededCityDatabase(), role: 'city' });
    operator = await city.login('operator');
    lixia = await startNode({
      database: {},
      role: 'district',
      division: '370102',
      parentUrl: city.url,
      token: await token('370102'),
    });
  });
  afterAll(async () => {
    await shizhong?.close();
    await lixia?.close();
    await city?.close();
  });

  it('enrols a district by token: each node lists the other', async () => {
    const nodes = (await (await cityCall('GET', '/cascade/nodes')).json()) as Array<Record<string, unknown>>;
    expect(nodes).toEqual([
      expect.objectContaining({
        nodeId: lixia.running.hub.cascade.self.nodeId,
        relation: 'child',
        division: '370102',
        divisionName: '历下区',
        url: lixia.url,
        status: 'never_synced',
        lastSync: null,
      }),
    ]);
    const parent = await lixia.running.hub.cascade.parent();
    expect(parent).toMatchObject({
      nodeId: city.running.hub.cascade.self.nodeId,
      relation: 'parent',
      division: '370100',
    });
    // Anyone can read a node's card, to compare its key fingerprints before trusting it.
    const card = await (await fetch(`${city.url}/api/v1/cascade/node`)).json();
    expect(card).toMatchObject({ role: 'city', division: '370100', divisionName: '济南市' });
  });

  it('refuses a used token, a token of another district, and a division that is not the city’s', async () => {
    const used = await token('370103');
    const db = await emptyPostgres();
    shizhong = await startNode({
      database: db,
      role: 'district',
      division: '370103',
      parentUrl: city.url,
      token: used,
    });
    await shizhong.close();
    await expect(
      startNode({
        database: await emptyPostgres(),
        role: 'district',
        division: '370103',
        parentUrl: city.url,
        token: used,
      }),
    ).rejects.toMatchObject({ code: 'CAS_PEER_FAILED', message: expect.stringContaining('CAS_TOKEN_INVALID') });
    await expect(
      startNode({
        database: {},
        role: 'district',
        division: '370104',
        parentUrl: city.url,
        token: await token('370105'),
      }),
    ).rejects.toMatchObject({ message: expect.stringContaining('CAS_TOKEN_INVALID') });
    const res = await cityCall('POST', '/cascade/tokens', { division: '370202' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { code: string }).code).toBe('CAS_BAD_DIVISION');
    // A restart of an enrolled district needs no token.
    shizhong = await startNode({ database: db, role: 'district', division: '370103', parentUrl: city.url });
    expect((await shizhong.running.hub.cascade.parent()).url).toBe(city.url);
    const divisions = (await city.running.hub.cascade.nodes()).map((n) => n.division);
    expect(divisions).toEqual(['370102', '370103']);
  });

  it('takes a request signed by an enrolled node, and refuses a bad signature, a replay, an old date, an unknown node', async () => {
    const self = lixia.running.hub.cascade.self;
    const path = '/api/v1/cascade/link/ping';
    const send = (headers: Record<string, string>) => fetch(`${city.url}${path}`, { headers });
    const code = async (res: Response) => [res.status, ((await res.json()) as { code: string }).code];

    const signed = signRequest(self.nodeId, self.keys, { method: 'GET', path, body: Buffer.alloc(0) });
    const ok = await send(signed);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ you: self.nodeId, node: city.running.hub.cascade.self.nodeId });
    // The same request again: its nonce was seen.
    expect(await code(await send(signed))).toEqual([401, 'CAS_REPLAYED']);

    const fresh = signRequest(self.nodeId, self.keys, { method: 'GET', path, body: Buffer.alloc(0) });
    const [sm2] = fresh[SIGNED_HEADERS.signature]!.split(', ');
    const otherNode = shizhong!.running.hub.cascade.self;
    const forged = signRequest(otherNode.nodeId, otherNode.keys, { method: 'GET', path, body: Buffer.alloc(0) });
    const [, otherEd] = forged[SIGNED_HEADERS.signature]!.split(', ');
    // One good signature and one from another node's key: both must verify.
    expect(await code(await send({ ...fresh, [SIGNED_HEADERS.signature]: `${sm2}, ${otherEd}` }))).toEqual([
      401,
      'CAS_SIGNATURE_INVALID',
    ]);
    // Signed for another path: the signature covers the path.
    const elsewhere = signRequest(self.nodeId, self.keys, {
      method: 'GET',
      path: '/api/v1/other',
      body: Buffer.alloc(0),
    });
    expect(await code(await send(elsewhere))).toEqual([401, 'CAS_SIGNATURE_INVALID']);
    expect(await code(await send({ ...fresh, [SIGNED_HEADERS.signature]: String(sm2) }))).toEqual([
      401,
      'CAS_SIGNATURE_INVALID',
    ]);
    const old = signRequest(
      self.nodeId,
      self.keys,
      { method: 'GET', path, body: Buffer.alloc(0) },
      Date.now() - 3_600_000,
    );
    expect(await code(await send(old))).toEqual([401, 'CAS_REPLAYED']);
    expect(await code(await send({ ...fresh, [SIGNED_HEADERS.node]: '370199-000000000000' }))).toEqual([
      401,
      'CAS_UNKNOWN_NODE',
    ]);
    expect(await code(await fetch(`${city.url}${path}`))).toEqual([401, 'CAS_UNSIGNED']);
    // The untouched fresh request still goes through: refusals do not burn its nonce.
    expect((await send(fresh)).status).toBe(200);
  });

  it('calls a peer through the cascade: the city pings its district and back', async () => {
    const hub = city.running.hub;
    const [child] = await hub.cascade.peers.children();
    const answer = await hub.cascade.call<{ you: string }>(child!, 'GET', '/api/v1/cascade/link/ping');
    expect(answer.you).toBe(hub.cascade.self.nodeId);
    const back = await lixia.running.hub.cascade.call<{ you: string }>(
      await lixia.running.hub.cascade.parent(),
      'GET',
      '/api/v1/cascade/link/ping',
    );
    expect(back.you).toBe(lixia.running.hub.cascade.self.nodeId);
  });
});
