import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { verifyCosignature, type WitnessedHead } from '../../src/cascade/index.js';
import type { Hub } from '../../src/http/index.js';
import { createPostgresDatabase } from '../databases.js';
import { emptyPostgres, postgresMissing, seededCityDatabase, startNode, type StartedNode } from './nodes.js';

/** Grows a node's ledger to exactly `size` entries, each entry its own (`tag` tells histories apart). */
async function growTo(hub: Hub, size: number, tag: string): Promise<void> {
  for (let n = await hub.ledger.size(); n < size; n++)
    await hub.ledger.append({
      kind: 'purpose.added',
      code: `witness_${n}`,
      name: `${tag} ${n}`,
      description: '',
      actor: 'test',
      at: new Date().toISOString(),
    });
  expect(await hub.ledger.size()).toBe(size);
}

/**
 * Witnessed ledgers (#20): the city and a district cosign each other's heads after checking
 * consistency with the last they saw, publish the witnessed heads, and catch a fork: the district
 * restored from an earlier copy of its database and grown again with other entries.
 */
describe.skipIf(postgresMissing())('witnessed ledgers', () => {
  let city: StartedNode;
  let district: StartedNode;
  let port: number;
  let operator: string;

  const start = (databaseUrl: string, token?: string) =>
    startNode({ database: { databaseUrl }, role: 'district', division: '370112', parentUrl: city.url, token, port });

  beforeAll(async () => {
    city = await startNode({ database: await seededCityDatabase(), role: 'city' });
    operator = await city.login('operator');
    const token = await city.running.hub.cascade.issueToken({ division: '370112', by: 'test' });
    district = await startNode({
      database: await emptyPostgres(),
      role: 'district',
      division: '370112',
      parentUrl: city.url,
      token,
    });
    port = Number(new URL(district.url).port);
  });
  afterAll(async () => {
    await district?.close();
    await city?.close();
  });

  it('cosigns each other’s heads, checks consistency as they grow, and publishes the witnessed heads', async () => {
    const hub = district.running.hub;
    await growTo(hub, 5, 'first');
    expect(await city.running.hub.cascade.witnesses.witnessAll()).toEqual([
      { node: hub.cascade.self.nodeId, treeSize: 5, result: 'new' },
    ]);
    const [cityOutcome] = await hub.cascade.witnesses.witnessAll();
    expect(cityOutcome).toMatchObject({ node: city.running.hub.cascade.self.nodeId, result: 'new' });

    await growTo(hub, 9, 'first');
    const res = await fetch(`${city.url}/api/v1/cascade/witness`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(await res.json()).toEqual([{ node: hub.cascade.self.nodeId, treeSize: 9, result: 'new' }]);
    expect((await city.running.hub.cascade.witnesses.witnessAll())[0]!.result).toBe('same');

    // Anyone reads the district's witnessed heads and checks the city's cosignature with its public card.
    const heads = (await (await fetch(`${district.url}/api/v1/ledger/witnessed`)).json()) as WitnessedHead[];
    expect(heads.map((h) => h.treeSize)).toEqual([9, 5]);
    const card = city.running.hub.cascade.card();
    for (const head of heads) {
      const [w] = head.witnesses;
      expect(w).toMatchObject({ node: card.nodeId, division: '370100' });
      const cosigned = { witness: card.nodeId, node: hub.cascade.self.nodeId, ...pick(head) };
      expect(verifyCosignature(card.publicKeys, cosigned, w!.cosignature)).toBe(true);
      expect(verifyCosignature(card.publicKeys, { ...cosigned, treeSize: head.treeSize + 1 }, w!.cosignature)).toBe(
        false,
      );
    }
    const nodes = (await (
      await fetch(`${city.url}/api/v1/cascade/nodes`, { headers: { authorization: `Bearer ${operator}` } })
    ).json()) as Array<{ alerts: number }>;
    expect(nodes[0]!.alerts).toBe(0);
  });

  it('raises an alert on both sides when the district’s history forks', async () => {
    // A copy of the district's database as it is now (9 entries, witnessed by the city)…
    await district.close();
    const databaseUrl = district.database.databaseUrl!;
    const snapshot = await createPostgresDatabase(
      inject('postgresAdminUrl'),
      inject('postgresPrefix'),
      new URL(databaseUrl).pathname.slice(1),
    );
    // …the district goes on to 12 entries, witnessed…
    district = await start(databaseUrl);
    await growTo(district.running.hub, 12, 'first');
    expect((await city.running.hub.cascade.witnesses.witnessAll())[0]!.result).toBe('new');
    // …and is then restored from the copy and grows again, with other entries, to the same size.
    await district.close();
    district = await start(snapshot);
    await growTo(district.running.hub, 12, 'second');
    const cityWitness = city.running.hub.cascade.witnesses;
    expect((await cityWitness.witnessAll())[0]!.result).toBe('fork');
    // One entry more: no consistency proof joins it to the 12 the city witnessed.
    await growTo(district.running.hub, 13, 'second');
    expect((await cityWitness.witnessAll())[0]!.result).toBe('inconsistent');

    const cityAlerts = await cityWitness.alerts();
    expect(cityAlerts.map((a) => a.kind)).toEqual(['inconsistent', 'fork']);
    const fork = cityAlerts[1]!.detail as { heads: Array<{ treeSize: number; rootHash: string }> };
    expect(fork.heads.map((h) => h.treeSize)).toEqual([12, 12]);
    expect(fork.heads[0]!.rootHash).not.toBe(fork.heads[1]!.rootHash);
    // The district heard of both.
    const districtAlerts = await district.running.hub.cascade.witnesses.alerts();
    expect(districtAlerts.map((a) => [a.kind, (a.detail as { kind: string }).kind])).toEqual([
      ['reported', 'inconsistent'],
      ['reported', 'fork'],
    ]);
    const [status] = await city.running.hub.cascade.nodes();
    expect(status!.alerts).toBe(2);
    // A cosignature of a head the city never made is refused by the city as a fork.
    const forged = { ...(await district.running.hub.ledger.latestHead()) };
    const res = await district.running.hub.cascade
      .call(await district.running.hub.cascade.parent(), 'POST', '/api/v1/cascade/link/witness', {
        head: { ...forged, treeSize: 1 },
        cosignature: 'sm2=AA==, ed25519=AA==',
      })
      .catch((e: Error) => e.message);
    expect(res).toContain('CAS_SIGNATURE_INVALID');
  });
});

const pick = (h: WitnessedHead) => ({ treeSize: h.treeSize, rootHash: h.rootHash, timestamp: h.timestamp });
