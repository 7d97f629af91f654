import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../databases.js';
import { openSeededApp, type SeededApp } from '../seeded-app.js';

interface Use {
  index: number;
  at: string;
  org: string | null;
  actor: string;
  resource: string;
  purpose: string;
  outcome: string;
  own: boolean;
}
interface Usage {
  items: Use[];
  next: number | null;
  names: { orgs: Record<string, string>; users: Record<string, string>; resources: Record<string, string> };
  totals: { byOthers: number; own: number };
}

const PERSON = 'JNGAJ-0001';

/**
 * 我的数据 (#14, the contract of #16): `GET /api/v1/me/usage` gives a citizen the ledger's reads of
 * their own records with names, their own looks told apart from others' uses, by month and
 * organization; nobody else's subject can be asked for.
 */
describe.each(engines())('who used my data on $name', (engine) => {
  let s: SeededApp;
  let citizenId = '';
  const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);

  beforeAll(async () => {
    if (engine.skip) return;
    s = await openSeededApp(engine, ['citizen', 'consumer', 'operator']);
    citizenId = (await s.hub.access.citizenIdOf(await s.hub.access.actorOf('citizen')))!;
    // The citizen looks at their own base record once; 民政局 reads it twice through its data service.
    expect((await s.call('citizen', 'GET', `/base/person/subjects/${citizenId}`)).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) {
      const read = await s.call(
        'consumer',
        'GET',
        `/services/DS-${PERSON}/records?purpose=social_assistance&key=${citizenId}`,
      );
      expect(read.statusCode, read.body).toBe(200);
    }
  });
  afterAll(async () => {
    await s?.close();
  });

  const usage = async (query = '') => {
    const res = await s.call('citizen', 'GET', `/me/usage${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Usage;
  };

  it.skipIf(engine.skip)('lists the reads of the citizen’s records with names, their own looks apart', async () => {
    const u = await usage();
    const consumer = (await s.hub.access.actorOf('consumer')).org!.code;
    const byConsumer = u.items.filter((i) => i.org === consumer);
    expect(byConsumer).toHaveLength(2);
    expect(byConsumer.every((i) => !i.own && i.resource === PERSON && i.purpose === 'social_assistance')).toBe(true);
    expect(u.items.filter((i) => i.own).map((i) => i.actor)).toEqual(['citizen']);
    expect(u.names.orgs[consumer]).toBe('济南市民政局');
    expect(u.names.resources[PERSON]).toMatch(/人口/);
    expect(u.names.users.consumer).toBeTruthy();
    expect(u.totals).toEqual({ byOthers: u.items.filter((i) => !i.own).length, own: 1 });
    // Newest first, each entry once.
    const indexes = u.items.map((i) => i.index);
    expect(indexes).toEqual([...indexes].sort((a, b) => b - a));
  });

  it.skipIf(engine.skip)(
    'filters by month and organization, pages by `before`, and keeps the totals whole',
    async () => {
      const consumer = (await s.hub.access.actorOf('consumer')).org!.code;
      const all = await usage();
      expect((await usage(`?month=${month}`)).items).toHaveLength(all.items.length);
      const past = await usage('?month=2020-01');
      expect(past.items).toEqual([]);
      expect(past.totals).toEqual(all.totals);
      const byOrg = await usage(`?org=${consumer}`);
      expect(byOrg.items.map((i) => i.org)).toEqual([consumer, consumer]);
      const first = await usage('?limit=1');
      expect(first.items).toHaveLength(1);
      const second = await usage(`?limit=1&before=${first.next}`);
      expect(second.items[0]!.index).toBeLessThan(first.items[0]!.index);
    },
  );

  it.skipIf(engine.skip)(
    'shows the citizen what each department holds about them, fresh, by source of record',
    async () => {
      const before = (await usage()).totals.own;
      const res = await s.call('citizen', 'GET', '/me/records');
      expect(res.statusCode, res.body).toBe(200);
      const mine = res.json() as {
        key: string;
        providers: Array<{
          org: { code: string; name: string };
          elements: Array<{
            element: string;
            value: unknown;
            authoritative: boolean;
            resource: { name: string };
            loadedAt: string | null;
            stale: boolean;
          }>;
        }>;
      };
      expect(mine.key).toBe(citizenId);
      const police = mine.providers.find((p) => p.org.code === 'JNGAJ')!;
      expect(police.org.name).toBe('济南市公安局');
      expect(police.elements.length).toBeGreaterThan(0);
      // 公安局 is the source of record of the person base's core elements.
      expect(police.elements.some((e) => e.authoritative)).toBe(true);
      for (const e of police.elements) {
        expect(e.value).not.toBeNull();
        expect(e.resource.name).toMatch(/人口/);
        expect(e.stale).toBe(false);
        expect(Date.now() - Date.parse(e.loadedAt!)).toBeLessThan(7 * 86_400_000);
      }
      // Unmasked: the caller's own name in full, as the base holds it.
      expect(JSON.stringify(police.elements)).not.toContain('*');
      // Every provider's values are its own.
      expect(new Set(mine.providers.map((p) => p.org.code)).size).toBe(mine.providers.length);
      // The look is the citizen's own, recorded and counted apart from others' uses.
      expect((await usage()).totals.own).toBe(before + 1);
      expect((await s.call('consumer', 'GET', '/me/records')).statusCode).toBe(403);
      expect((await s.call('operator', 'GET', '/me/records')).statusCode).toBe(403);
    },
  );

  it.skipIf(engine.skip)('answers only a citizen, about themselves, and refuses a bad month', async () => {
    expect((await s.call('consumer', 'GET', '/me/usage')).statusCode).toBe(403);
    expect((await s.call('operator', 'GET', '/me/usage')).statusCode).toBe(403);
    expect((await s.app.inject({ url: '/api/v1/me/usage' })).statusCode).toBe(401);
    expect((await s.call('citizen', 'GET', '/me/usage?month=2026-13')).statusCode).toBe(400);
    // Another person's ID in the query changes nothing: the subject is the account's own.
    const other = (await s.call('operator', 'GET', `/catalog/resources/${PERSON}/records?pageSize=2`)).json()
      .items as Array<{ citizen_id: string }>;
    const stranger = other.map((p) => p.citizen_id).find((k) => k !== citizenId)!;
    const asked = await s.call('citizen', 'GET', `/me/usage?subject=${stranger}&key=${stranger}`);
    expect(asked.json().totals).toEqual((await usage()).totals);
  });
});
