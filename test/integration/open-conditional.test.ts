import type { InjectOptions } from 'light-my-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Author, ResourceInput } from '../../src/catalog/index.js';
import { advance } from '../../src/demo/catalog.js';
import { engines } from '../databases.js';
import { openSeededApp, type SeededApp } from '../seeded-app.js';

const VALUE = 'CONDITIONAL-OPEN-VALUE-5521';
const PERSONAL = 'CONDITIONAL-PERSONAL-5522';

const conditional: ResourceInput = {
  name: '有条件开放检验数据',
  summary: '有条件开放检验用',
  category: 'department',
  shareType: 'conditional',
  shareCondition: '检验',
  openType: 'conditional',
  level: 'general',
  levelReason: '检验用的示例数据，不含真实个人信息',
  keywords: ['有条件开放检验'],
  keyField: 'item_no',
  fields: [
    { name: 'item_no', label: '编号', type: 'string', required: true },
    { name: 'title', label: '名称', type: 'string' },
    { name: 'contact', label: '联系人', type: 'string', sensitivity: 2 },
    { name: 'home', label: '住址', type: 'string', sensitivity: 3 },
  ],
};

/**
 * Conditional open (有条件开放, #18, docs/open.md): the metadata is listed, never the records;
 * a developer applies, the provider's officer approves with terms and an expiry (or refuses with a
 * reason); the approved key reads the records through the data API, each use on the ledger; past
 * the expiry the next call is refused.
 */
describe.each(engines())('conditional open on $name', (engine) => {
  let s: SeededApp;
  let clock = new Date('2026-04-01T02:00:00Z');
  let code = '';
  let name = '';
  const inject = (opts: InjectOptions) => s.app.inject(opts);
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    if (engine.skip) return;
    s = await openSeededApp(engine, ['officer', 'officer_scjg', 'consumer'], { now: () => clock });
    const officer: Author = { userId: (await s.hub.access.actorOf('officer')).userId, username: 'officer' };
    const operator: Author = { userId: (await s.hub.access.actorOf('operator')).userId, username: 'operator' };
    const r = await s.hub.catalog.register('JNGAJ', officer, conditional);
    await advance(s.hub, r.code, 'published', officer, operator);
    code = r.code;
    name = code.toLowerCase();
    const rows = Array.from({ length: 4 }, (_, i) => ({
      key: `C${i}`,
      sourceRow: i + 1,
      doc: { item_no: `C${i}`, title: `${VALUE}-${i}`, contact: '李四光', home: `${PERSONAL}-${i}` },
    }));
    await s.hub.records.load(
      r.id,
      'open-conditional-test',
      (async function* () {
        yield rows;
      })(),
    );
  });
  afterAll(async () => {
    await s?.close();
  });

  async function developer(email: string): Promise<{ token: string; secret: string }> {
    const signed = await inject({
      method: 'POST',
      url: '/api/v1/open/developers',
      payload: { name: '研究团队', email, password: 'a research password' },
    });
    const token = signed.json().token as string;
    const key = await inject({
      method: 'POST',
      url: '/api/v1/open/developers/me/keys',
      headers: as(token),
      payload: { name: '研究' },
    });
    return { token, secret: key.json().secret as string };
  }
  const search = (secret?: string) =>
    inject({
      url: `/api/3/action/datastore_search?resource_id=${name}`,
      headers: secret ? { 'x-api-key': secret } : {},
    });
  const uses = async () => {
    const size = await s.hub.ledger.size();
    const rows = await s.hub.ledger.entries(Math.max(0, size - 500), size);
    return rows
      .map((r) => JSON.parse(r.entry) as Record<string, unknown>)
      .filter((e) => e.op === 'open.conditional' && e.resource === code);
  };

  it.skipIf(engine.skip)('lists conditional datasets by their metadata, never their records', async () => {
    const res = await inject({ url: '/api/v1/open/conditional-datasets?limit=200' });
    expect(res.statusCode).toBe(200);
    const item = (res.json().items as Array<{ code: string; fields: Array<{ name: string }> }>).find(
      (i) => i.code === code,
    );
    expect(item).toMatchObject({ name, title: '有条件开放检验数据', provider: { code: 'JNGAJ' } });
    // The personal field is not among those an applicant would see.
    expect(item!.fields.map((f) => f.name)).toEqual(['item_no', 'title', 'contact']);
    expect(res.body).not.toContain(VALUE);
    // Not an open dataset: the CKAN answers know nothing of it.
    expect((await inject({ url: '/api/3/action/package_list' })).body).not.toContain(name);
    expect((await search()).statusCode).toBe(404);
  });

  it.skipIf(engine.skip)(
    'lets an approved applicant read it with their key, on the ledger, until the approval expires',
    async () => {
      const dev = await developer('research@example.com');
      expect((await search(dev.secret)).statusCode).toBe(404);

      const application = {
        dataset: name,
        purpose: '交通研究',
        use: '仅用于论文统计，不公开原始记录',
        security: '加密存储，专人使用',
      };
      const applied = await inject({
        method: 'POST',
        url: '/api/v1/open/developers/me/applications',
        headers: as(dev.token),
        payload: application,
      });
      expect(applied.statusCode, applied.body).toBe(201);
      const id = applied.json().id as number;
      expect(applied.json()).toMatchObject({ state: 'pending', provider: 'JNGAJ' });
      const twice = await inject({
        method: 'POST',
        url: '/api/v1/open/developers/me/applications',
        headers: as(dev.token),
        payload: application,
      });
      expect(twice.json().code).toBe('OPN_APPLICATION_PENDING');
      // Pending is not approved.
      expect((await search(dev.secret)).statusCode).toBe(404);

      // The provider's officer sees it with the applicant; another department's officer does not.
      const listed = await s.call('officer', 'GET', '/open/applications?state=pending');
      expect(listed.statusCode).toBe(200);
      expect(listed.json()).toContainEqual(
        expect.objectContaining({ id, applicant: { name: '研究团队', email: 'research@example.com' } }),
      );
      const other = await s.call('officer_scjg', 'GET', '/open/applications');
      expect((other.json() as Array<{ id: number }>).map((a) => a.id)).not.toContain(id);
      expect(
        (
          await s.call('officer_scjg', 'POST', `/open/applications/${id}/decision`, {
            resource: code,
            approve: false,
            reason: '不是本部门',
          })
        ).statusCode,
      ).toBe(403);
      expect((await s.call('consumer', 'GET', '/open/applications')).statusCode).toBe(403);

      const past = await s.call('officer', 'POST', `/open/applications/${id}/decision`, {
        resource: code,
        approve: true,
        terms: '不得再分发',
        expiresAt: '2026-03-01T00:00:00Z',
      });
      expect(past.json().code).toBe('OPN_APPLICATION_EXPIRY');
      const approved = await s.call('officer', 'POST', `/open/applications/${id}/decision`, {
        resource: code,
        approve: true,
        terms: '不得再分发，引用时注明来源',
        expiresAt: '2026-04-02T02:00:00Z',
      });
      expect(approved.statusCode, approved.body).toBe(200);
      expect(approved.json()).toMatchObject({ state: 'approved', decidedBy: 'officer' });
      const mine = await inject({ url: '/api/v1/open/developers/me/applications', headers: as(dev.token) });
      expect(mine.json()[0]).toMatchObject({ id, state: 'approved', terms: '不得再分发，引用时注明来源' });

      // The approved key reads the public fields, masked as ever; each use is on the ledger.
      const before = (await uses()).length;
      const read = await search(dev.secret);
      expect(read.statusCode).toBe(200);
      expect(read.body).toContain(VALUE);
      expect(read.body).not.toContain(PERSONAL);
      expect(read.body).not.toContain('李四光');
      const sqlRead = await inject({
        url: `/api/3/action/datastore_search_sql?sql=${encodeURIComponent(`select title from "${name}" limit 2`)}`,
        headers: { authorization: dev.secret },
      });
      expect(sqlRead.statusCode, sqlRead.body).toBe(200);
      expect(sqlRead.json().result.records).toHaveLength(2);
      const file = await inject({ url: `/open/datasets/${name}/download.csv`, headers: { 'x-api-key': dev.secret } });
      expect(file.statusCode).toBe(200);
      expect(file.body).toContain(VALUE);
      const recorded = (await uses()).slice(before);
      expect(recorded).toHaveLength(3);
      expect(recorded[0]).toMatchObject({
        kind: 'share.read',
        outcome: 'allowed',
        actor: expect.stringMatching(/^developer:\d+$/),
        purpose: `open.application:${id}`,
        rows: 4,
      });
      // Nobody else reads it: not without a key, not with another developer's.
      expect((await search()).statusCode).toBe(404);
      expect((await search((await developer('someone@example.com')).secret)).statusCode).toBe(404);

      // Past the expiry, the next call is refused, and the refusal is on the ledger.
      clock = new Date('2026-04-02T02:00:01Z');
      const expired = await search(dev.secret);
      expect(expired.statusCode).toBe(403);
      expect(expired.json().error.__type).toBe('Authorization Error');
      expect((await uses()).at(-1)).toMatchObject({ outcome: 'denied', reason: 'no_grant' });
      const expiredFile = await inject({
        url: `/open/datasets/${name}/download.json`,
        headers: { 'x-api-key': dev.secret },
      });
      expect(expiredFile.json().code).toBe('OPN_APPLICATION_EXPIRED');
    },
  );

  it.skipIf(engine.skip)('shows a refusal and its reason to the applicant', async () => {
    // Back within the hub users' sessions (the test before moved a day on).
    clock = new Date('2026-04-01T03:00:00Z');
    const dev = await developer('refused@example.com');
    const applied = await inject({
      method: 'POST',
      url: '/api/v1/open/developers/me/applications',
      headers: as(dev.token),
      payload: { dataset: name, purpose: '商业分析', use: '转售', security: '无' },
    });
    const id = applied.json().id as number;
    const refused = await s.call('officer', 'POST', `/open/applications/${id}/decision`, {
      resource: code,
      approve: false,
      reason: '用途不符合开放条件',
    });
    expect(refused.json()).toMatchObject({ state: 'refused', reason: '用途不符合开放条件' });
    const again = await s.call('officer', 'POST', `/open/applications/${id}/decision`, {
      resource: code,
      approve: true,
      terms: '改主意',
      expiresAt: '2027-01-01T00:00:00Z',
    });
    expect(again.json().code).toBe('OPN_APPLICATION_DECIDED');
    const mine = await inject({ url: '/api/v1/open/developers/me/applications', headers: as(dev.token) });
    expect(mine.json()[0]).toMatchObject({ state: 'refused', reason: '用途不符合开放条件' });
    expect((await search(dev.secret)).statusCode).toBe(404);
  });
});
