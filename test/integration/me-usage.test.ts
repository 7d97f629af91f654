import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { people } from '../../src/demo/people.js';
import { addWorkingDays, getSuite } from '../../src/kernel/index.js';
import { verifyHead, type SignedTreeHead } from '../../src/ledger/index.js';
import { SEEDED_PASSWORD, engines } from '../databases.js';
import { openSeededApp, type SeededApp } from '../seeded-app.js';

interface Use {
  index: number;
  leafHash: string;
  at: string;
  org: string | null;
  actor: string;
  resource: string;
  purpose: string;
  op: string;
  outcome: string;
  own: boolean;
  grant: number | null;
  consent: string | null;
  entry: string;
}
interface Usage {
  items: Use[];
  next: number | null;
  names: { orgs: Record<string, string>; users: Record<string, string>; resources: Record<string, string> };
  totals: { byOthers: number; own: number };
}

const PERSON = 'JNGAJ-0001';

interface Counts {
  count: number;
  allowed: number;
  denied: number;
  notFound: number;
}
interface Digest {
  month: string;
  head: SignedTreeHead;
  uses: Counts;
  own: number;
  byOrg: Array<Counts & { org: string | null; name: string }>;
  byPurpose: Array<Counts & { purpose: string; name: string }>;
}

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
    s = await openSeededApp(engine, ['citizen', 'consumer', 'operator', 'third_party']);
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
      // Theme resources the base does not absorb are there too: 市医保局's latest settlement.
      const ybj = mine.providers.find((p) => p.org.code === 'JNYBJ')!;
      expect(ybj.org.name).toBe('济南市医疗保障局');
      const cost = ybj.elements.find((e) => e.element === 'total_cost')!;
      expect(cost.resource.name).toBe('参保人医疗结算摘要信息');
      expect(typeof cost.value).toBe('number');
      expect(cost.authoritative).toBe(false);
      // The look is the citizen's own, recorded (the base view, and each theme resource that held a
      // record) and counted apart from others' uses.
      expect((await usage()).totals.own).toBeGreaterThanOrEqual(before + 2);
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

  /** A stranger's ID: the demo city's second resident (the demo citizen is its first). */
  const stranger = () => [...people(2, 2026)][1]!.citizen_id;
  /** A citizen account made for the test, logged in: bound to `id`, or to no one. */
  const citizenAccount = async (username: string, id: string | null) => {
    await s.hub.access.createUser({
      username,
      displayName: username,
      password: SEEDED_PASSWORD,
      orgCode: null,
      roles: ['citizen'],
      citizenId: id,
    });
    const login = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: SEEDED_PASSWORD },
    });
    expect(login.statusCode, login.body).toBe(200);
    s.tokens[username] = login.json().token as string;
  };
  const digest = async (query = '', user = 'citizen') => {
    const res = await s.call(user, 'GET', `/me/usage/digest${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Digest;
  };

  it.skipIf(engine.skip)(
    'names the legal basis of each read — the grant, or the consent a third party fetched under — with its hashed text',
    async () => {
      // 示例银行 asks the citizen's consent, the citizen approves, the bank fetches once.
      const asked = await s.call('third_party', 'POST', '/consents', {
        subject: { kind: 'person', id: citizenId },
        purpose: 'credit_service',
        data: [{ resource: PERSON, fields: ['name'] }],
        expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        fetchType: 'once',
        dataLifeDays: 1,
        range: { from: '2000-01-01', to: '2099-12-31' },
      });
      expect(asked.statusCode, asked.body).toBe(201);
      const consent = (asked.json() as { id: string }).id;
      expect((await s.call('citizen', 'POST', `/consents/${consent}/approve`)).statusCode).toBe(200);
      const fetched = await s.call('third_party', 'GET', `/consents/${consent}/data`);
      expect(fetched.statusCode, fetched.body).toBe(200);

      const u = await usage();
      const bank = (await s.hub.access.actorOf('third_party')).org!.code;
      const byConsent = u.items.filter((i) => i.consent === consent);
      expect(byConsent.map((i) => [i.org, i.op, i.purpose, i.outcome, i.grant])).toEqual([
        [bank, 'consent.fetch', 'credit_service', 'allowed', null],
      ]);
      expect(u.names.orgs[bank]).toBe('示例商业银行济南分行');
      // The department's reads name the grant they were made under.
      const consumer = (await s.hub.access.actorOf('consumer')).org!.code;
      const grants = (await s.call('operator', 'GET', '/grants/')).json() as Array<{
        id: number;
        consumer: { code: string };
        resource: { code: string };
      }>;
      const grant = grants.find((g) => g.consumer.code === consumer && g.resource.code === PERSON)!.id;
      const byConsumer = u.items.filter((i) => i.org === consumer);
      expect(byConsumer.map((i) => [i.grant, i.consent])).toEqual([
        [grant, null],
        [grant, null],
      ]);
      expect(u.items.filter((i) => i.own).every((i) => i.grant === null && i.consent === null)).toBe(true);
      // Each item carries the exact text the ledger hashed, so that the browser checks its proof.
      for (const i of u.items) {
        const [stored] = await s.hub.ledger.entries(i.index, i.index + 1);
        expect(i.entry).toBe(stored!.entry);
        expect(stored!.leafHash).toBe(i.leafHash);
      }
    },
  );

  it.skipIf(engine.skip)(
    'digests the month: by organization and purpose, allowed against refused, own looks apart, under a signed head',
    async () => {
      // A question about the citizen (无证明核验) is a use of their data too, counted with the reads.
      const asked = await s.call('consumer', 'POST', '/attestations', {
        item: 'household_registration',
        subject: citizenId,
        purpose: 'eligibility_check',
        legalBasis: '《济南市社会救助办法》第十条',
      });
      expect(asked.statusCode, asked.body).toBe(200);
      const d = await digest(`?month=${month}`);
      const items = (await usage(`?month=${month}&limit=200`)).items;
      expect(items.filter((i) => i.op === 'attest.answer')).toHaveLength(1);
      expect(d.month).toBe(month);
      // The head is signed by the ledger's key, and every counted entry lies below its size.
      const key = (await s.app.inject({ url: '/api/v1/ledger/key' })).json() as { publicKeyPem: string };
      expect(verifyHead(getSuite(d.head.suite), key.publicKeyPem, d.head)).toBe(true);
      expect(Math.max(...items.map((i) => i.index))).toBeLessThan(d.head.treeSize);

      const others = items.filter((i) => !i.own);
      const counts = (list: Use[]): Counts => ({
        count: list.length,
        allowed: list.filter((i) => i.outcome === 'allowed').length,
        denied: list.filter((i) => i.outcome === 'denied').length,
        notFound: list.filter((i) => i.outcome === 'not_found').length,
      });
      expect(d.uses).toEqual(counts(others));
      expect(d.own).toBe(items.length - others.length);
      expect(d.own).toBeGreaterThan(0);
      const orgs = [...new Set(others.map((i) => i.org))];
      expect(d.byOrg.map((o) => o.org).sort()).toEqual(orgs.sort());
      for (const o of d.byOrg) {
        expect(o).toMatchObject(counts(others.filter((i) => i.org === o.org)));
        if (o.org) expect(o.name).toBe((await usage()).names.orgs[o.org] ?? o.org);
      }
      // Most first.
      expect(d.byOrg.map((o) => o.count)).toEqual(d.byOrg.map((o) => o.count).sort((a, b) => b - a));
      const purposes = [...new Set(others.map((i) => i.purpose))];
      expect(d.byPurpose.map((p) => p.purpose).sort()).toEqual(purposes.sort());
      for (const p of d.byPurpose) expect(p).toMatchObject(counts(others.filter((i) => i.purpose === p.purpose)));
      expect(d.byPurpose.find((p) => p.purpose === 'social_assistance')!.name).toBe('社会救助');

      // The current month when none is asked for; a month without reads is all zeros.
      expect((await digest()).month).toBe(month);
      const past = await digest('?month=2020-01');
      expect(past).toMatchObject({ uses: { count: 0, allowed: 0, denied: 0, notFound: 0 }, own: 0, byOrg: [] });
      expect((await s.call('citizen', 'GET', '/me/usage/digest?month=2026-13')).statusCode).toBe(400);
    },
  );

  it.skipIf(engine.skip)('draws the month as an image to keep: well-formed, names escaped, the ID masked', async () => {
    // An organization's name is whoever registered it's text: the image must escape it.
    const bank = (await s.hub.access.actorOf('third_party')).org!.code;
    const tricky = '示例<银行>&"济南"分行';
    const renamed = await s.call('operator', 'PATCH', `/admin/orgs/${bank}`, { name: tricky });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const d = await digest(`?month=${month}`);
    const res = await s.call('citizen', 'GET', `/me/usage/digest.svg?month=${month}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="usage-${month}.svg"`);
    const svg = res.body;
    expect(svg.startsWith('<svg')).toBe(true);
    expect(wellFormed(svg)).toEqual([]);
    const [y, m] = month.split('-');
    expect(svg).toContain(`${y}年${m}月`);
    expect(svg).toContain('我的数据使用月报');
    expect(svg).toContain('济南市民政局');
    expect(svg).toContain('示例&lt;银行&gt;&amp;&quot;济南&quot;分行');
    expect(svg).not.toContain('示例<银行>');
    for (const o of d.byOrg) expect(svg).toContain(`${o.count} 次`);
    expect(svg).toContain(`树大小 ${d.head.treeSize}`);
    expect(svg).toContain(d.head.rootHash);
    // The ID masked as anyone but its holder sees it, never in full; nothing fetched from elsewhere.
    expect(svg).not.toContain(citizenId);
    expect(svg).toContain(`${citizenId.slice(0, 6)}********${citizenId.slice(-4)}`);
    expect(svg).not.toMatch(/href|@import|url\(|<script/i);
  });

  it.skipIf(engine.skip)('gives the digest to a citizen alone, about themselves', async () => {
    for (const url of ['/me/usage/digest', '/me/usage/digest.svg']) {
      for (const user of ['consumer', 'operator', 'third_party']) {
        const res = await s.call(user, 'GET', url);
        expect(res.statusCode, `${user} ${url}`).toBe(403);
        expect(res.json().code).toBe('ACC_FORBIDDEN');
      }
      expect((await s.app.inject({ url: `/api/v1${url}` })).statusCode).toBe(401);
    }
    // A citizen account bound to no ID has no subject of its own.
    await citizenAccount('citizen_unbound', null);
    expect((await s.call('citizen_unbound', 'GET', '/me/usage/digest')).statusCode).toBe(403);
    expect((await s.call('citizen_unbound', 'GET', '/me/usage/digest.svg')).statusCode).toBe(403);
    // Another citizen sees their own month, never this citizen's, whatever the query names.
    const other = stranger();
    await citizenAccount('citizen_other', other);
    const mine = await digest(`?month=${month}`);
    const consumer = (await s.hub.access.actorOf('consumer')).org!.code;
    const theirs = await digest(`?month=${month}&subject=${citizenId}&key=${citizenId}`, 'citizen_other');
    expect(theirs.byOrg.find((o) => o.org === consumer)).toBeUndefined();
    expect(theirs.uses.count).not.toBe(mine.uses.count);
    expect(await digest(`?month=${month}&subject=${other}`)).toEqual(mine);
    const image = await s.call('citizen_other', 'GET', `/me/usage/digest.svg?subject=${citizenId}`);
    expect(image.body).not.toContain(citizenId.slice(0, 6) + '********' + citizenId.slice(-4));
  });

  it.skipIf(engine.skip)(
    'takes a correction reported on a held value into the correction workflow, due in two working days',
    async () => {
      const records = (await s.call('citizen', 'GET', '/me/records')).json() as {
        key: string;
        providers: Array<{
          org: { code: string };
          elements: Array<{ element: string; value: unknown; field: string | null; resource: { code: string } }>;
        }>;
      };
      const police = records.providers.find((p) => p.org.code === 'JNGAJ')!;
      // Every value of a resource that feeds the base names the field it came from.
      expect(police.elements.every((e) => e.field !== null)).toBe(true);
      const held = police.elements.find((e) => e.element === 'person_name')!;
      expect(held.field).toBe('name');
      // The body the page sends from the value: its resource, the citizen's own key, its field, the value shown.
      const body = {
        resource: held.resource.code,
        key: records.key,
        field: held.field,
        claimedValue: String(held.value),
        proposedValue: '王小明',
        note: '户口簿上的姓名是王小明',
      };
      const filed = await s.call('citizen', 'POST', '/corrections', body);
      expect(filed.statusCode, filed.body).toBe(201);
      const made = filed.json() as { id: number; dueDate: string; state: string };
      expect(made.state).toBe('open');
      expect(made.dueDate).toBe(addWorkingDays(new Date(), 2));
      const listed = (await s.call('citizen', 'GET', '/corrections')).json() as {
        items: Array<{
          id: number;
          state: string;
          dueDate: string;
          key: string;
          field: { name: string };
          claimedValue: string;
          proposedValue: string | null;
          reporter: { kind: string; self: boolean };
        }>;
      };
      const mine = listed.items.find((c) => c.id === made.id)!;
      expect(mine).toMatchObject({
        state: 'open',
        dueDate: addWorkingDays(new Date(), 2),
        key: citizenId,
        field: { name: 'name' },
        claimedValue: String(held.value),
        proposedValue: '王小明',
        reporter: { kind: 'citizen', self: true },
      });
      // Nobody's record but their own: the same body with another person's key is refused.
      const theirs = await s.call('citizen', 'POST', '/corrections', { ...body, key: stranger() });
      expect(theirs.statusCode).toBe(403);
    },
  );
});

/**
 * Why a text is not a well-formed XML document of one element, or nothing: every tag closed in
 * order, attributes quoted, and no `<` or bare `&` in text or attribute values.
 */
function wellFormed(xml: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
  let roots = 0;
  let at = 0;
  const text = (t: string) => {
    if (/[<]|&/.test(t.replace(entity, ''))) problems.push(`bad text: ${t.slice(0, 40)}`);
    if (open.length === 0 && t.trim() !== '') problems.push(`text outside the root: ${t.slice(0, 40)}`);
  };
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
  while (at < xml.length) {
    const lt = xml.indexOf('<', at);
    text(xml.slice(at, lt === -1 ? xml.length : lt));
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    if (!m) {
      problems.push(`bad markup at ${lt}: ${xml.slice(lt, lt + 40)}`);
      break;
    }
    const [whole, closing, name, attrs, empty] = m;
    for (const a of attrs!.matchAll(/=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const value = a[1] ?? a[2] ?? '';
      if (/[<]|&/.test(value.replace(entity, ''))) problems.push(`bad attribute in <${name}>`);
    }
    if (closing) {
      if (open.pop() !== name) problems.push(`</${name}> closes nothing open`);
    } else {
      if (open.length === 0) roots++;
      if (!empty) open.push(name!);
    }
    at = lt + whole.length;
  }
  if (open.length > 0) problems.push(`unclosed: ${open.join(', ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
