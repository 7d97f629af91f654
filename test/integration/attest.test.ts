import canonicalize from 'canonicalize';
import { sm2 } from 'sm-crypto-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEntry, type LedgerEntry } from '../../src/ledger/index.js';
import { marriages } from '../../src/demo/marriages.js';
import { owners } from '../../src/demo/real-estate.js';
import { people } from '../../src/demo/people.js';
import { SEEDED_PEOPLE, engines } from '../databases.js';
import { openSeededApp, type SeededApp } from '../seeded-app.js';

type Attested = Extract<LedgerEntry, { kind: 'attest.answered' }>;
interface Answer {
  id: string;
  answer: boolean;
  item: string;
  ruleVersion: number;
  issuedAt: string;
  signature: string;
  statement: Record<string, unknown>;
}

const BASIS = '《山东省优化营商环境条例》第三十二条';
const DAY = 86_400_000;
const zh = { 'accept-language': 'zh-CN' };

/**
 * 无证明核验 (#17, docs/attest.md): a window asks whether the demo citizen satisfies a proof
 * item and gets a signed yes or no — never a value of the citizen's records, on the wire or on the
 * ledger — under a consent or a stated legal basis; a changed rule is a new version, and answers
 * given under the old one keep it and still verify.
 */
describe.each(engines())('proof-free attestations on $name', (engine) => {
  let s: SeededApp;
  let citizenId = '';

  beforeAll(async () => {
    if (engine.skip) return;
    s = await openSeededApp(engine, ['operator', 'officer', 'officer_rsj', 'consumer', 'third_party', 'citizen']);
    citizenId = (await s.hub.access.citizenIdOf(await s.hub.access.actorOf('citizen')))!;
  });
  afterAll(async () => {
    await s?.close();
  });

  const ask = (user: string, body: Record<string, unknown>) =>
    s.call(user, 'POST', '/attestations', { subject: citizenId, purpose: 'eligibility_check', ...body });
  /** The ledger entries appended while `run` ran. */
  async function appended<T>(run: () => Promise<T>): Promise<{ value: T; entries: string[] }> {
    const before = await s.hub.ledger.size();
    const value = await run();
    const after = await s.hub.ledger.size();
    const rows = after > before ? await s.hub.ledger.entries(before, after) : [];
    return { value, entries: rows.map((r) => r.entry) };
  }
  const attested = (entries: string[]) =>
    entries.map((e) => readEntry(e)).filter((e): e is Attested => e?.kind === 'attest.answered');

  it.skipIf(engine.skip)('lists the demo’s items with their department and rule in words', async () => {
    const res = await s.call('consumer', 'GET', '/attestations/items');
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as Array<{
      code: string;
      name: { 'zh-CN': string };
      provider: { name: string };
      version: number;
      description: { 'zh-CN': string };
    }>;
    const hukou = items.find((i) => i.code === 'household_registration')!;
    expect(hukou.name['zh-CN']).toBe('户籍证明');
    expect(hukou.provider.name).toMatch(/公安局/);
    expect(hukou.description['zh-CN']).toBe('「人口基础库」的「行政区划代码」以“3701”开头');
    expect(items.map((i) => i.code)).toEqual(
      expect.arrayContaining(['marital_status', 'no_criminal_record', 'social_insurance']),
    );
  });

  it.skipIf(engine.skip)('refuses a bad rule in words, before anything is saved', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/attestations/rules/check',
      headers: { ...zh, authorization: `Bearer ${s.tokens.operator}` },
      payload: {
        subjectKind: 'person',
        rule: {
          all: [
            { field: 'marital_status', op: 'gt', value: '已婚' },
            { source: { resource: 'JNZZ-0009' }, field: 'x', op: 'exists' },
            { source: { resource: 'JNRSJ-0001' }, field: 'active', op: 'eq', value: 'maybe' },
          ],
        },
      },
    });
    expect(res.statusCode, res.body).toBe(422);
    const problem = res.json() as { code: string; errors: Array<{ field: string; reason: string }> };
    expect(problem.code).toBe('ATT_BAD_RULE');
    expect(problem.errors.map((e) => `${e.field}：${e.reason}`)).toEqual([
      expect.stringMatching(/^rule\/all\/0\/op：文本类信息项不能使用运算符 gt/),
      'rule/all/1/source：目录中没有数据资源 JNZZ-0009',
      'rule/all/2/value：应为“是”或“否”（true 或 false）',
    ]);
    const before = (await s.call('operator', 'GET', '/attestations/items/household_registration')).json();
    const saved = await s.call('operator', 'PUT', '/attestations/items/household_registration', {
      rule: { field: 'division', op: 'prefix', value: 'Jinan' },
      baseVersion: before.item.version,
    });
    expect(saved.statusCode).toBe(422);
    const after = (await s.call('operator', 'GET', '/attestations/items/household_registration')).json();
    expect(after.versions).toHaveLength(before.versions.length);
  });

  it.skipIf(engine.skip)('answers yes and no over the citizen’s records, signed, and on the ledger', async () => {
    const { value: res, entries } = await appended(() =>
      ask('officer', { item: 'household_registration', legalBasis: BASIS }),
    );
    expect(res.statusCode, res.body).toBe(200);
    const yes = res.json() as Answer;
    expect(yes).toMatchObject({ answer: true, item: 'household_registration', ruleVersion: 1 });
    expect(yes.statement).toMatchObject({ answer: true, asker: 'JNGAJ', subject: s.hub.ledger.subjectTag(citizenId) });
    expect(attested(entries)).toEqual([
      expect.objectContaining({
        outcome: 'answered',
        answer: true,
        item: 'household_registration',
        ruleVersion: 1,
        provider: 'JNGAJ',
        org: 'JNGAJ',
        purpose: 'eligibility_check',
        legalBasis: BASIS,
        attestation: yes.id,
        subject: s.hub.ledger.subjectTag(citizenId),
      }),
    ]);
    for (const item of ['social_insurance', 'no_criminal_record', 'alive'])
      expect((await ask('consumer', { item, legalBasis: BASIS })).json().answer, item).toBe(true);
    // The demo citizen's 结婚证 and 市民政局's registration agree; a resident with no registration is answered no.
    expect((await ask('consumer', { item: 'marital_status', legalBasis: BASIS })).json().answer).toBe(true);
    const residents = [...people(SEEDED_PEOPLE, 2026)];
    const married = new Set([...marriages(residents)].map((m) => m.citizen_id));
    const single = residents.find((p) => !married.has(p.citizen_id))!;
    const no = await ask('consumer', { item: 'marital_status', legalBasis: BASIS, subject: single.citizen_id });
    expect(no.statusCode, no.body).toBe(200);
    expect(no.json().answer).toBe(false);
    // 不动产权属证明: the demo citizen holds a unit in 市自然资源和规划局's register; one who holds none is answered no.
    expect((await ask('consumer', { item: 'real_estate', legalBasis: BASIS })).json().answer).toBe(true);
    const holders = new Set([...owners(residents)].map((o) => o.owner_id));
    const landless = residents.find((p) => !holders.has(p.citizen_id))!;
    const noUnit = await ask('consumer', { item: 'real_estate', legalBasis: BASIS, subject: landless.citizen_id });
    expect(noUnit.statusCode, noUnit.body).toBe(200);
    expect(noUnit.json().answer).toBe(false);

    // Verifiable by anyone with the ledger's public key, over the statement's RFC 8785 JSON.
    const key = (await s.app.inject({ method: 'GET', url: '/api/v1/ledger/key' })).json();
    if (key.suite === 'gm') {
      const message = Buffer.from(canonicalize(yes.statement)!, 'utf8');
      const signature = Buffer.from(yes.signature, 'base64').toString('hex');
      expect(
        sm2.doVerifySignature(message, signature, key.publicKeyHex, { hash: true, der: true, userId: key.sm2UserId }),
      ).toBe(true);
    }
    const verify = (body: object) =>
      s.app.inject({ method: 'POST', url: '/api/v1/attestations/verify', payload: body });
    expect((await verify(yes)).json()).toEqual({ valid: true });
    expect((await verify({ ...yes, statement: { ...yes.statement, answer: false } })).json()).toEqual({ valid: false });
  });

  it.skipIf(engine.skip)('leaks no value of the records: not on the wire, not on the ledger', async () => {
    const insurance = await s.hub.catalog.get('JNRSJ-0001');
    const values = [
      ...Object.values((await s.hub.records.find(insurance.id, citizenId)) ?? {}),
      ...Object.values((await s.hub.catalog.get('JNGAJ-0001').then((r) => s.hub.records.find(r.id, citizenId))) ?? {}),
    ]
      .filter((v): v is string => typeof v === 'string' && v.length >= 2)
      .filter((v) => v !== '是' && v !== '否');
    expect(values).toContain(citizenId);
    expect(values.length).toBeGreaterThan(4);
    for (const item of ['household_registration', 'social_insurance', 'marital_status', 'no_criminal_record']) {
      const { value: res, entries } = await appended(() =>
        s.app.inject({
          method: 'POST',
          url: '/api/v1/attestations',
          headers: { authorization: `Bearer ${s.tokens.officer}` },
          payload: { item, subject: citizenId, purpose: 'eligibility_check', legalBasis: BASIS },
        }),
      );
      expect(res.statusCode, res.body).toBe(200);
      for (const v of values) {
        expect(res.body, `${item}: the answer holds a value of the records`).not.toContain(v);
        for (const e of entries) expect(e, `${item}: the ledger entry holds a value of the records`).not.toContain(v);
      }
    }
    // Nor does a refusal.
    const refused = await ask('officer', { item: 'social_insurance' });
    expect(refused.statusCode).toBe(403);
    for (const v of values) expect(refused.body).not.toContain(v);
  });

  it.skipIf(engine.skip)('refuses without a consent or a legal basis, and on the ledger', async () => {
    const { value: res, entries } = await appended(() => ask('officer', { item: 'household_registration' }));
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('ATT_NO_BASIS');
    expect(attested(entries)).toEqual([expect.objectContaining({ outcome: 'denied', reason: 'no_basis' })]);
    // A third party has no legal basis of its own: it asks under consent.
    const bank = await ask('third_party', {
      item: 'household_registration',
      legalBasis: BASIS,
      purpose: 'credit_service',
    });
    expect(bank.statusCode).toBe(403);
    expect(bank.json().code).toBe('ATT_NO_BASIS');
    // A citizen is no window.
    const citizen = await ask('citizen', { item: 'household_registration', legalBasis: BASIS });
    expect(citizen.statusCode).toBe(403);
    expect(citizen.json().code).toBe('ACC_FORBIDDEN');
    const unknown = await ask('officer', {
      item: 'household_registration',
      legalBasis: BASIS,
      purpose: 'no_such_purpose',
    });
    expect(unknown.statusCode).toBe(422);
  });

  /** The bank asks the citizen's consent to `data` for credit_service; the id, pending. */
  const requestConsent = async (data: object[]) => {
    const requested = await s.call('third_party', 'POST', '/consents', {
      subject: { kind: 'person', id: citizenId },
      purpose: 'credit_service',
      data,
      expiresAt: new Date(Date.now() + 30 * DAY).toISOString(),
      fetchType: 'periodic',
      frequency: { unit: 'day', max: 10 },
      dataLifeDays: 0,
      range: null,
    });
    expect(requested.statusCode, requested.body).toBe(201);
    return requested.json().id as string;
  };

  it.skipIf(engine.skip)('answers a third party under the subject’s consent in force, and not otherwise', async () => {
    const consent = await requestConsent([{ resource: 'JNRSJ-0001', fields: ['active', 'start_date'] }]);
    const pending = await ask('third_party', { item: 'social_insurance', consent, purpose: 'credit_service' });
    expect(pending.statusCode).toBe(403);
    expect(pending.json().code).toBe('CNS_NOT_ACTIVE');
    expect((await s.call('citizen', 'POST', `/consents/${consent}/approve`, {})).statusCode).toBe(200);
    const { value: res, entries } = await appended(() =>
      ask('third_party', { item: 'social_insurance', consent, purpose: 'credit_service' }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().statement.basis).toEqual({ consent });
    expect(attested(entries)).toEqual([expect.objectContaining({ outcome: 'answered', consent, org: 'DEMOBANK' })]);
    // For another purpose, or by another organization, the consent is no basis.
    const other = await ask('third_party', { item: 'social_insurance', consent, purpose: 'loan_underwriting' });
    expect(other.json().code).toBe('ATT_CONSENT_INVALID');
    const stranger = await ask('officer', { item: 'social_insurance', consent, purpose: 'credit_service' });
    expect(stranger.json().code).toBe('ATT_CONSENT_INVALID');
  });

  it.skipIf(engine.skip)('refuses a consent that does not cover what the item’s rule reads', async () => {
    const consentTo = async (data: object[]) => {
      const id = await requestConsent(data);
      expect((await s.call('citizen', 'POST', `/consents/${id}/approve`, {})).statusCode).toBe(200);
      return id;
    };
    // social_insurance tests `active` and `start_date` of JNRSJ-0001: a consent to `active` alone is not enough.
    const narrow = await consentTo([{ resource: 'JNRSJ-0001', fields: ['active'] }]);
    const { value: refused, entries } = await appended(() =>
      ask('third_party', { item: 'social_insurance', consent: narrow, purpose: 'credit_service' }),
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({
      code: 'ATT_CONSENT_INVALID',
      detail: expect.stringContaining('start_date'),
    });
    expect(attested(entries)).toEqual([expect.objectContaining({ outcome: 'denied', reason: 'consent' })]);
    // household_registration tests a field of the population base, which no consent can name.
    const base = await ask('third_party', {
      item: 'household_registration',
      consent: narrow,
      purpose: 'credit_service',
    });
    expect(base.json()).toMatchObject({ code: 'ATT_CONSENT_INVALID', detail: expect.stringContaining('division') });
  });

  it.skipIf(engine.skip)(
    'makes a new version of a changed rule; old answers keep theirs and still verify',
    async () => {
      const old = (await ask('officer', { item: 'household_registration', legalBasis: BASIS })).json() as Answer;
      const current = (await s.call('operator', 'GET', '/attestations/items/household_registration')).json();
      const v = current.item.version as number;
      expect(old.ruleVersion).toBe(v);
      // The department's officer keeps its own items, not another department's.
      const foreign = await s.call('officer', 'PUT', '/attestations/items/social_insurance', {
        rule: { exists: { resource: 'JNRSJ-0001' } },
        baseVersion: 1,
      });
      expect(foreign.statusCode).toBe(403);
      const saved = await s.call('officer', 'PUT', '/attestations/items/household_registration', {
        rule: { field: 'division', op: 'prefix', value: '370102' },
        note: '仅历下区',
        baseVersion: v,
      });
      expect(saved.statusCode, saved.body).toBe(200);
      expect(saved.json().version).toBe(v + 1);
      const stale = await s.call('operator', 'PUT', '/attestations/items/household_registration', {
        rule: { field: 'division', op: 'prefix', value: '3701' },
        baseVersion: v,
      });
      expect(stale.statusCode).toBe(409);

      const fresh = (await ask('officer', { item: 'household_registration', legalBasis: BASIS })).json() as Answer;
      expect(fresh).toMatchObject({ ruleVersion: v + 1, answer: false });
      const detail = (await s.call('consumer', 'GET', '/attestations/items/household_registration')).json();
      expect(detail.versions.map((x: { version: number }) => x.version)).toEqual([v + 1, v]);
      expect(detail.versions[1].rule).toEqual({ field: 'division', op: 'prefix', value: '3701' });
      const verify = (body: object) =>
        s.app.inject({ method: 'POST', url: '/api/v1/attestations/verify', payload: body });
      expect((await verify(old)).json().valid).toBe(true);
      expect(old.statement.ruleVersion).toBe(v);
      expect((await verify({ ...old, statement: { ...old.statement, ruleVersion: v + 1 } })).json().valid).toBe(false);

      // Back as it was, for the other cases: a third version, the second kept.
      const back = await s.call('operator', 'PUT', '/attestations/items/household_registration', {
        rule: { field: 'division', op: 'prefix', value: '3701' },
        baseVersion: v + 1,
      });
      expect(back.json().version).toBe(v + 2);
    },
  );

  it.skipIf(engine.skip)('shows the citizen who asked, what, and the answer, under who used my data', async () => {
    await ask('officer', { item: 'household_registration', legalBasis: BASIS });
    const res = await s.call('citizen', 'GET', '/me/usage?limit=50');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as {
      items: Array<{
        op: string;
        org: string;
        outcome: string;
        attestation: { name: { 'zh-CN': string }; answer: boolean | null } | null;
      }>;
      names: { orgs: Record<string, string> };
    };
    const mine = body.items.filter((i) => i.op === 'attest.answer');
    expect(mine.length).toBeGreaterThan(3);
    const latest = mine[0]!;
    expect(latest).toMatchObject({ org: 'JNGAJ', outcome: 'allowed' });
    expect(latest.attestation).toMatchObject({ name: { 'zh-CN': '户籍证明' }, answer: true });
    expect(body.names.orgs.JNGAJ).toMatch(/公安局/);
    expect(mine.some((i) => i.attestation?.answer === false)).toBe(true);
    expect(mine.some((i) => i.outcome === 'denied')).toBe(true);
  });

  it.skipIf(engine.skip)('counts answers by item and department, and trips saved', async () => {
    const res = await s.call('operator', 'GET', '/attestations/stats');
    expect(res.statusCode, res.body).toBe(200);
    const stats = res.json();
    expect(stats.answered).toBeGreaterThan(5);
    expect(stats.tripsSaved).toBe(stats.answered);
    expect(stats.byItem.find((i: { code: string }) => i.code === 'household_registration')).toMatchObject({
      name: '户籍证明',
    });
    expect(stats.byDepartment.map((d: { code: string }) => d.code)).toEqual(
      expect.arrayContaining(['JNGAJ', 'JNRSJ', 'JNMZJ']),
    );
    expect((await s.call('citizen', 'GET', '/attestations/stats')).statusCode).toBe(403);
  });
});
