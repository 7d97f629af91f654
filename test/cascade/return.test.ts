import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseCodecs } from '../../src/base/codec.js';
import type { BaseTables } from '../../src/base/index.js';
import { plainKeys } from '../../src/base/key-book.js';
import { RETURN_PAGE, signRequest } from '../../src/cascade/index.js';
import { growPopulation } from '../databases.js';
import { emptyPostgres, postgresMissing, seededCityDatabase, startNode, type StartedNode } from './nodes.js';

type Kind = 'person' | 'legal_entity';
const KINDS: Kind[] = ['person', 'legal_entity'];
const PASSWORD = 'district-operator-pw-1';
const RESIDENTS = 5000;

/**
 * 数据返还 (#20): the seeded city on PostgreSQL returns to 历下区 (PGlite) and 市中区 (PostgreSQL)
 * the subjects of its bases whose division is theirs — incrementally, deletions and moves
 * carried down — and each district holds its own subjects and none of the other's.
 */
describe.skipIf(postgresMissing())('data return from the city to its districts', () => {
  let city: StartedNode;
  let lixia: StartedNode;
  let shizhong: StartedNode;
  let lixiaOperator: string;

  const cityDb = () => city.running.hub.db.kysely;
  /** The city's subjects of a base whose division lies in `division`, as its base holds them now. */
  const cityKeys = async (kind: Kind, division: string) => {
    const { rows } = await sql<{ subject_key: string }>`
      select subject_key from base.value
      where kind = ${kind} and element = 'division' and left(norm, 6) = ${division}`.execute(cityDb());
    // The city's base stores a citizen ID as its blind index; a district holds the ID itself.
    const codec = await baseCodecs(city.running.hub.keys)(kind);
    const plain = await plainKeys(
      cityDb().withTables<BaseTables>(),
      codec,
      rows.map((r) => r.subject_key),
    );
    return rows.map((r) => plain.get(r.subject_key)!).sort();
  };
  const stored = (kind: Kind, key: string) => city.running.hub.base.storedKey(kind, key);
  const heldBy = async (node: StartedNode, kind: Kind) =>
    (await node.running.hub.dataReturn.subjects(kind)).map((s) => s.key).sort();
  const pull = (node: StartedNode) => node.running.hub.dataReturn.pull('operator');
  const setValue = async (kind: Kind, key: string, element: string, value: string) =>
    sql`update base.value set value = to_jsonb(${value}::text), norm = ${value}
        where kind = ${kind} and subject_key = ${await stored(kind, key)} and element = ${element}`.execute(cityDb());
  const district = async (division: string, database: Parameters<typeof startNode>[0]['database']) => {
    const operator = await city.login('operator');
    const res = await fetch(`${city.url}/api/v1/cascade/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ division }),
    });
    const { token } = (await res.json()) as { token: string };
    return startNode({ database, role: 'district', division, parentUrl: city.url, token });
  };

  beforeAll(async () => {
    city = await startNode({ database: await seededCityDatabase(), role: 'city' });
    // The demo seeds a handful of residents: grown through ingest, so that 历下区's slice takes several pages.
    await growPopulation(city.running.hub, RESIDENTS);
    await city.running.hub.base.absorbMissed();
    lixia = await district('370102', {});
    shizhong = await district('370103', await emptyPostgres());
    await lixia.running.hub.access.createUser({
      username: 'ops',
      displayName: '历下区运维',
      password: PASSWORD,
      orgCode: null,
      roles: ['operator'],
      citizenId: null,
    });
    lixiaOperator = await lixia.login('ops', PASSWORD);
  });
  afterAll(async () => {
    await shizhong?.close();
    await lixia?.close();
    await city?.close();
  });

  it('gives each district exactly the city’s subjects of its division, and none of the other’s', async () => {
    const res = await fetch(`${lixia.url}/api/v1/cascade/return/pull`, {
      method: 'POST',
      headers: { authorization: `Bearer ${lixiaOperator}` },
    });
    expect(res.status).toBe(200);
    const first = (await res.json()) as { bases: Array<{ base: Kind; subjects: number; deletions: number }> };
    await pull(shizhong);
    for (const kind of KINDS) {
      const [ours, theirs] = [await cityKeys(kind, '370102'), await cityKeys(kind, '370103')];
      expect(ours.length).toBeGreaterThan(0);
      expect(await heldBy(lixia, kind)).toEqual(ours);
      expect(await heldBy(shizhong, kind)).toEqual(theirs);
      expect(first.bases.find((b) => b.base === kind)).toMatchObject({ subjects: ours.length, deletions: 0 });
    }
    expect((await cityKeys('person', '370102')).length).toBeGreaterThan(RETURN_PAGE); // more than one page
    // The values arrive as the city holds them, and are sealed at rest on the district.
    const [one] = await lixia.running.hub.dataReturn.subjects('person');
    expect(one!.values.division).toBe('370102');
    const { rows } = await sql<{ doc: string; subject_tag: string }>`
      select doc, subject_tag from cascade.returned limit 5`.execute(lixia.running.hub.db.kysely);
    for (const r of rows) {
      expect(r.doc).toMatch(/^dek:\d+:/);
      expect(r.doc).not.toContain('370102');
      expect(r.subject_tag).toMatch(/^[0-9a-f]{64}$/);
    }
    // The operations view shows the slice and the sync on both sides.
    const slice = await fetch(`${lixia.url}/api/v1/cascade/return`, {
      headers: { authorization: `Bearer ${lixiaOperator}` },
    });
    expect(await slice.json()).toMatchObject({
      division: '370102',
      bases: [
        { base: 'person', name: '人口基础库', subjects: (await cityKeys('person', '370102')).length },
        { base: 'legal_entity', name: '法人基础库', subjects: (await cityKeys('legal_entity', '370102')).length },
      ],
    });
    const [parent] = await lixia.running.hub.cascade.nodes();
    expect(parent).toMatchObject({ relation: 'parent', status: 'active', lastError: null });
    expect(parent!.lag).toBeGreaterThanOrEqual(0);
  });

  it('records the transfer on both ledgers, in counts without personal data', async () => {
    const entries = async (node: StartedNode) =>
      (await node.running.hub.ledger.search({ kind: 'cascade.returned' }, 100)).items.map(
        (i) => JSON.parse(i.entry) as Record<string, unknown>,
      );
    const sent = (await entries(city)).filter((e) => e.node === lixia.running.hub.cascade.self.nodeId);
    const persons = sent.filter((e) => e.base === 'person');
    expect(persons.reduce((n, e) => n + Number(e.subjects), 0)).toBe((await cityKeys('person', '370102')).length);
    expect(persons.every((e) => e.action === 'sent' && e.division === '370102')).toBe(true);
    const received = await entries(lixia);
    expect(received).toContainEqual(
      expect.objectContaining({ action: 'received', base: 'person', node: city.running.hub.cascade.self.nodeId }),
    );
    const key = (await cityKeys('person', '370102'))[0]!;
    for (const e of [...sent, ...received]) expect(JSON.stringify(e)).not.toContain(key);
  });

  it('carries a change, a move to another district and a deletion down at the next pull', async () => {
    const [changed, moved] = await cityKeys('person', '370102');
    const [gone] = await cityKeys('legal_entity', '370103');
    await setValue('person', changed!, 'address', '济南市历下区泉城路1号');
    await setValue('person', changed!, 'person_name', '返还测');
    await setValue('person', moved!, 'division', '370103');
    const goneKey = await stored('legal_entity', gone!);
    await sql`delete from base.value where kind = 'legal_entity' and subject_key = ${goneKey}`.execute(cityDb());
    await sql`delete from base.subject where kind = 'legal_entity' and key = ${goneKey}`.execute(cityDb());

    const atLixia = await pull(lixia);
    expect(atLixia.bases).toEqual([
      expect.objectContaining({ base: 'person', subjects: 1, deletions: 1 }),
      expect.objectContaining({ base: 'legal_entity', subjects: 0, deletions: 0 }),
    ]);
    const atShizhong = await pull(shizhong);
    expect(atShizhong.bases).toEqual([
      expect.objectContaining({ base: 'person', subjects: 1, deletions: 0 }),
      expect.objectContaining({ base: 'legal_entity', subjects: 0, deletions: 1 }),
    ]);
    const person = (await lixia.running.hub.dataReturn.subjects('person')).find((s) => s.key === changed);
    expect(person?.values).toMatchObject({ person_name: '返还测', address: '济南市历下区泉城路1号' });
    for (const kind of KINDS) {
      expect(await heldBy(lixia, kind)).toEqual(await cityKeys(kind, '370102'));
      expect(await heldBy(shizhong, kind)).toEqual(await cityKeys(kind, '370103'));
    }
    expect(await heldBy(lixia, 'person')).not.toContain(moved);
    expect(await heldBy(shizhong, 'person')).toContain(moved);
    expect(await heldBy(shizhong, 'legal_entity')).not.toContain(gone);
  });

  it('transfers nothing when nothing changed, and counts a value set to what it was as no change', async () => {
    const [key] = await cityKeys('person', '370102');
    const { rows } = await sql<{ norm: string }>`
      select norm from base.value where kind = 'person' and subject_key = ${await stored('person', key!)}
        and element = 'division'`.execute(cityDb());
    await setValue('person', key!, 'division', rows[0]!.norm);
    const before = await city.running.hub.ledger.size();
    const again = await pull(lixia);
    expect(again.bases.map((b) => b.subjects + b.deletions)).toEqual([0, 0]);
    expect(again.lagMs).toBe(0);
    // Neither side writes a transfer of nothing.
    expect(await city.running.hub.ledger.size()).toBe(before);
  });

  it('answers a district only with its own slice, whatever division its request names', async () => {
    const self = lixia.running.hub.cascade.self;
    const path = '/api/v1/cascade/link/return/person?after=0&limit=2000&division=370103';
    const res = await fetch(`${city.url}${path}`, {
      headers: signRequest(self.nodeId, self.keys, { method: 'GET', path, body: Buffer.alloc(0) }),
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { division: string; changes: Array<{ key: string; gone: boolean }> };
    expect(page.division).toBe('370102');
    const theirs = new Set(await cityKeys('person', '370103'));
    const ours = new Set(await cityKeys('person', '370102'));
    const live = page.changes.filter((c) => !c.gone);
    expect(live.length).toBeGreaterThan(0);
    expect(live.every((c) => ours.has(c.key) && !theirs.has(c.key))).toBe(true);
    // The moved subject reaches 历下区 only as its deletion.
    expect(page.changes.filter((c) => theirs.has(c.key)).every((c) => c.gone)).toBe(true);
    // Unsigned, nobody gets any slice.
    expect((await fetch(`${city.url}/api/v1/cascade/link/return/person`)).status).toBe(401);
    // A district is no city: it answers no pull.
    const spath = '/api/v1/cascade/link/return/person';
    const city_ = city.running.hub.cascade.self;
    const asked = await fetch(`${lixia.url}${spath}`, {
      headers: signRequest(city_.nodeId, city_.keys, { method: 'GET', path: spath, body: Buffer.alloc(0) }),
    });
    expect(((await asked.json()) as { code: string }).code).toBe('CAS_NOT_CITY');
  });
});
