import type { InjectOptions } from 'light-my-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEEDBACK_PER_DAY } from '../../src/open/index.js';
import { SEEDED_PASSWORD, engines } from '../databases.js';
import { openSeededApp, type SeededApp } from '../seeded-app.js';

/**
 * The portal's feedback that enters the hub's workflows (#18, docs/open.md): a developer's error
 * report becomes a correction the provider's officer decides, a request for data a free-text
 * demand the operators route; the developer reads each answer in the developer centre.
 */
describe.each(engines())('error reports and requests for data on $name', (engine) => {
  let s: SeededApp;
  /** An open dataset whose key is public, one of its records, and a plain string field of it. */
  let dataset = '';
  let code = '';
  let provider = '';
  let key = '';
  let field = '';
  let value = '';
  let token = '';
  const inject = (opts: InjectOptions) => s.app.inject(opts);
  const as = (t: string) => ({ authorization: `Bearer ${t}` });
  const login = async (username: string) =>
    (
      await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: SEEDED_PASSWORD } })
    ).json().token as string;
  const officerOf = async (org: string) =>
    (await s.hub.access.accounts.list({ org, role: 'officer' })).items[0]!.username;

  beforeAll(async () => {
    if (engine.skip) return;
    s = await openSeededApp(engine, []);
    const names = (await inject({ url: '/api/3/action/package_list' })).json().result as string[];
    for (const name of names) {
      const pkg = (await inject({ url: `/open/datasets/${name}/datapackage.json` })).json();
      const schema = pkg.resources[0].schema as { primaryKey?: string; fields: Array<{ name: string; type: string }> };
      if (!schema.primaryKey) continue;
      const resource = await s.hub.catalog.get(name.toUpperCase());
      const plain = resource.fields.find(
        (f) => f.name !== resource.keyField && f.sensitivity === 1 && f.type === 'string' && !f.codeList,
      );
      if (!plain) continue;
      const page = (await inject({ url: `/api/3/action/datastore_search?resource_id=${name}&limit=5` })).json()
        .result as { records: Array<Record<string, unknown>> };
      const record = page.records.find((r) => typeof r[plain.name] === 'string' && r[plain.name] !== '');
      if (!record) continue;
      [dataset, code, provider] = [name, resource.code, resource.provider.code];
      [key, field, value] = [String(record[schema.primaryKey]), plain.name, String(record[plain.name])];
      break;
    }
    expect(dataset, 'an open dataset with a public key and a plain text field').not.toBe('');
    const res = await inject({
      method: 'POST',
      url: '/api/v1/open/developers',
      payload: { name: '李纠错', email: 'fixer@example.com', password: 'correct horse battery' },
    });
    token = res.json().token;
  });
  afterAll(async () => {
    await s?.close();
  });

  /** An operator's review of a rating's comment. */
  const moderate = async (id: number, payload: Record<string, unknown>, t?: string) =>
    inject({
      method: 'POST',
      url: `/api/v1/open/comments/${id}/moderation`,
      headers: as(t ?? (await login('operator'))),
      payload,
    });

  const report = (payload: Record<string, unknown>, t = token) =>
    inject({ method: 'POST', url: '/api/v1/open/developers/me/error-reports', headers: as(t), payload });

  it.skipIf(engine.skip)(
    'routes an error report to the provider’s officer and shows the developer the answer',
    async () => {
      const anonymous = await inject({
        method: 'POST',
        url: '/api/v1/open/developers/me/error-reports',
        payload: { dataset, key, field, wrong: value },
      });
      expect(anonymous.statusCode).toBe(401);

      const filed = await report({
        dataset,
        key,
        field,
        wrong: value,
        correct: `${value}（更正）`,
        note: '与官网不符',
      });
      expect(filed.statusCode, filed.body).toBe(201);
      const { correction } = filed.json() as { correction: number };
      expect(filed.json()).toMatchObject({ dataset, state: 'open', field: { name: field } });

      // The provider's officer finds it in the correction workflow, reported by the portal for the developer by name.
      const officer = await login(await officerOf(provider));
      const listed = await inject({ url: '/api/v1/corrections?state=open', headers: as(officer) });
      expect(listed.statusCode, listed.body).toBe(200);
      const item = (listed.json().items as Array<{ id: number; note: string }>).find((c) => c.id === correction)!;
      expect(item).toMatchObject({ resource: { code }, key, field: { name: field }, reporter: { kind: 'portal' } });
      expect(item.note).toContain('李纠错');
      expect(JSON.stringify(item)).not.toContain('fixer@example.com');

      // Another department's officer cannot decide it; the provider's officer rejects with a reason.
      const otherOrg = provider === 'JNGAJ' ? 'JNSCJG' : 'JNGAJ';
      const stranger = await inject({
        method: 'POST',
        url: `/api/v1/corrections/${correction}/reject`,
        headers: as(await login(await officerOf(otherOrg))),
        payload: { reason: '不是我们的数据' },
      });
      expect([403, 404]).toContain(stranger.statusCode);
      const rejected = await inject({
        method: 'POST',
        url: `/api/v1/corrections/${correction}/reject`,
        headers: as(officer),
        payload: { reason: '经核对，登记信息无误' },
      });
      expect(rejected.statusCode, rejected.body).toBe(200);

      // A second report, accepted with the value it has.
      const second = (await report({ dataset, key, field, wrong: `${value}？` })).json() as { correction: number };
      const accepted = await inject({
        method: 'POST',
        url: `/api/v1/corrections/${second.correction}/accept`,
        headers: as(officer),
        payload: { value },
      });
      expect(accepted.statusCode, accepted.body).toBe(200);

      // A third names no record: the field is wrong across the dataset; accepted as fixed at the source.
      const across = await report({ dataset, field, wrong: '全部记录的该项都带多余空格' });
      expect(across.statusCode, across.body).toBe(201);
      expect(across.json()).toMatchObject({ key: null, state: 'open' });
      const entry = (await s.hub.catalog.get(code)).id;
      const before = await s.hub.records.find(entry, key);
      const atSource = await inject({
        method: 'POST',
        url: `/api/v1/corrections/${across.json().correction}/accept`,
        headers: as(officer),
        payload: {},
      });
      expect(atSource.statusCode, atSource.body).toBe(200);
      expect(atSource.json()).toMatchObject({ key: '', state: 'accepted', newValue: null });
      expect(await s.hub.records.find(entry, key)).toEqual(before);

      const mine = (await inject({ url: '/api/v1/open/developers/me/error-reports', headers: as(token) })).json();
      expect(mine).toEqual([
        expect.objectContaining({ correction: across.json().correction, key: null, state: 'accepted' }),
        expect.objectContaining({ correction: second.correction, key, state: 'accepted', reason: null }),
        expect.objectContaining({ correction, state: 'rejected', reason: '经核对，登记信息无误' }),
      ]);
      expect(mine[1].decidedAt).not.toBeNull();
      // Another developer sees none of them.
      const other = await inject({
        method: 'POST',
        url: '/api/v1/open/developers',
        payload: { name: '旁人', email: 'other@example.com', password: 'correct horse battery' },
      });
      const theirs = await inject({ url: '/api/v1/open/developers/me/error-reports', headers: as(other.json().token) });
      expect(theirs.json()).toEqual([]);
    },
  );

  it.skipIf(engine.skip)(
    'refuses a report on a field or a dataset the portal does not show, as not found',
    async () => {
      const resource = await s.hub.catalog.get(code);
      const hidden = resource.fields.find((f) => f.sensitivity >= 3)?.name ?? 'no_such_field';
      const onHidden = await report({ dataset, key, field: hidden, wrong: 'x' });
      expect(onHidden.statusCode).toBe(404);
      expect(onHidden.json().code).toBe('OPN_NOT_FOUND');

      const conditional = (await inject({ url: '/api/v1/open/conditional-datasets?limit=1' })).json().items[0];
      expect(conditional, 'the demo has a conditional dataset').toBeDefined();
      const onConditional = await report({
        dataset: conditional.name,
        key,
        field: conditional.fields[0].name,
        wrong: 'x',
      });
      expect(onConditional.statusCode).toBe(404);
      expect(onConditional.json().code).toBe('OPN_NOT_FOUND');
      // Nothing reached the correction workflow.
      const mine = (await inject({ url: '/api/v1/open/developers/me/error-reports', headers: as(token) })).json();
      expect(
        mine.every(
          (r: { dataset: string; field: { name: string } }) => r.dataset === dataset && r.field.name === field,
        ),
      ).toBe(true);
    },
  );

  it.skipIf(engine.skip)('files a request for data as a demand the operators route, and shows its answer', async () => {
    const ask = (need: string) =>
      inject({
        method: 'POST',
        url: '/api/v1/open/developers/me/dataset-requests',
        headers: as(token),
        payload: { need, purpose: '做一个出行小程序', provider: '市交通运输局' },
      });
    const first = await ask('全市公共自行车站点实时车辆数');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ state: 'waiting', dataset: null, reason: null });
    const second = await ask(`与 ${dataset} 相同的数据`);

    // The operators see both among the free-text demands to route, filed by the portal.
    const operator = await login('operator');
    const routed = await inject({ url: '/api/v1/demands?state=filed', headers: as(operator) });
    expect(routed.statusCode, routed.body).toBe(200);
    const demands = routed.json().items as Array<{ id: number; need: string }>;
    const d1 = demands.find((d) => d.need.startsWith('全市公共自行车站点实时车辆数'))!;
    const d2 = demands.find((d) => d.need.startsWith(`与 ${dataset} 相同的数据`))!;
    expect(d1).toMatchObject({ consumer: { code: 'open-portal' }, resource: null, purpose: '做一个出行小程序' });
    expect(d1.need).toContain('市交通运输局');
    expect(d1.need).toContain('李纠错');
    expect(JSON.stringify(d1)).not.toContain('fixer@example.com');
    // A department that is no party sees neither.
    const consumerView = (await inject({ url: '/api/v1/demands', headers: as(await login('consumer')) })).json().items;
    expect(consumerView.some((d: { id: number }) => d.id === d1.id)).toBe(false);

    const refused = await inject({
      method: 'POST',
      url: `/api/v1/demands/${d1.id}/refuse`,
      headers: as(operator),
      payload: { reason: '该数据由企业运营，不属于公共数据' },
    });
    expect(refused.statusCode, refused.body).toBe(200);
    const assigned = await inject({
      method: 'POST',
      url: `/api/v1/demands/${d2.id}/assign`,
      headers: as(operator),
      payload: { org: provider },
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const fulfilled = await inject({
      method: 'POST',
      url: `/api/v1/demands/${d2.id}/fulfil`,
      headers: as(await login(await officerOf(provider))),
      payload: { resource: code, fields: [field] },
    });
    expect(fulfilled.statusCode, fulfilled.body).toBe(200);

    const mine = (await inject({ url: '/api/v1/open/developers/me/dataset-requests', headers: as(token) })).json();
    expect(mine).toEqual([
      expect.objectContaining({
        id: second.json().id,
        state: 'answered',
        dataset: expect.objectContaining({ name: dataset }),
      }),
      expect.objectContaining({ id: first.json().id, state: 'refused', reason: '该数据由企业运营，不属于公共数据' }),
    ]);
    expect(mine[0].provider.code).toBe(provider);

    // The answered requests are public, without who asked.
    const pub = await inject({ url: '/api/v1/open/dataset-requests' });
    expect(pub.statusCode).toBe(200);
    expect(pub.json().map((r: { id: number }) => r.id)).toEqual([second.json().id, first.json().id]);
    expect(pub.body).not.toContain('李纠错');
    expect(pub.body).not.toContain('fixer@example.com');
  });

  it.skipIf(engine.skip)('refuses a developer’s requests past the day’s limit, with 429', async () => {
    // Each request becomes a department's work with a deadline, and an account costs nothing to make.
    const { token: busy } = (
      await inject({
        method: 'POST',
        url: '/api/v1/open/developers',
        payload: { name: '需求很多', email: 'many@example.com', password: 'correct horse battery' },
      })
    ).json();
    const ask = (n: number) =>
      inject({
        method: 'POST',
        url: '/api/v1/open/developers/me/dataset-requests',
        headers: as(busy),
        payload: { need: `第 ${n} 项数据`, purpose: '测试额度' },
      });
    for (let n = 1; n <= FEEDBACK_PER_DAY.datasetRequests; n++) expect((await ask(n)).statusCode).toBe(201);
    const refused = await ask(0);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'OPN_FEEDBACK_LIMIT' });
    expect(refused.json().detail).toContain(`${FEEDBACK_PER_DAY.datasetRequests} 条数据需求`);
    // Nothing of the refused one was filed.
    expect(
      (await inject({ url: '/api/v1/open/developers/me/dataset-requests', headers: as(busy) })).json(),
    ).toHaveLength(FEEDBACK_PER_DAY.datasetRequests);
  });

  it.skipIf(engine.skip)(
    'reviews comments before they are shown: operators decide, never the provider, on the ledger',
    async () => {
      // A dataset no other test rates, so that its average is this test's alone.
      const names = (await inject({ url: '/api/3/action/package_list' })).json().result as string[];
      const name = names.find((n) => n !== dataset)!;
      const rated = await s.hub.catalog.get(name.toUpperCase());
      const signUp = async (who: string, email: string) =>
        (
          await inject({
            method: 'POST',
            url: '/api/v1/open/developers',
            payload: { name: who, email, password: 'correct horse battery' },
          })
        ).json().token as string;
      const critic = await signUp('张批评', 'critic@example.com');
      const quiet = await signUp('赵打分', 'quiet@example.com');
      const rate = (t: string, rating: number, comment: string) =>
        inject({
          method: 'POST',
          url: '/api/v1/open/developers/me/ratings',
          headers: as(t),
          payload: { dataset: name, rating, comment },
        });
      const shown = async () => (await inject({ url: `/api/v1/open/datasets/${name}/ratings` })).json();
      const mine = async (t: string) =>
        (await inject({ url: '/api/v1/open/developers/me/ratings', headers: as(t) })).json() as Array<
          Record<string, unknown>
        >;

      expect((await rate(critic, 2, '更新太慢，字段说明缺失')).statusCode).toBe(201);
      expect((await rate(quiet, 4, '')).statusCode).toBe(201);
      // The numbers count at once; the comment is not shown, an empty one needs no review.
      let page = await shown();
      expect(page).toMatchObject({ average: 3, count: 2 });
      expect(page.items).toEqual([expect.objectContaining({ author: '赵打分', rating: 4, comment: '' })]);
      expect(JSON.stringify(page)).not.toContain('更新太慢');
      const [own] = await mine(critic);
      expect(own).toMatchObject({ dataset: name, title: rated.name, state: 'pending', reason: null });
      const id = own!.id as number;
      expect((await mine(quiet))[0]).toMatchObject({ state: 'published' });

      // The providing department may not review criticism of its own data, nor answer it unpublished.
      const officer = await login(await officerOf(rated.provider.code));
      expect((await inject({ url: '/api/v1/open/comments', headers: as(officer) })).statusCode).toBe(403);
      expect((await moderate(id, { approve: false, reason: '不实' }, officer)).statusCode).toBe(403);
      const answer = () =>
        inject({
          method: 'POST',
          url: `/api/v1/open/ratings/${id}/answer`,
          headers: as(officer),
          payload: { resource: rated.code, answer: '已补充' },
        });
      expect((await answer()).statusCode).toBe(404);
      const answerable = (await inject({ url: '/api/v1/open/ratings', headers: as(officer) })).json();
      expect(answerable.some((r: { id: number }) => r.id === id)).toBe(false);

      // The operators' queue: oldest first, the dataset's title and the author's name, never the email.
      const operator = await login('operator');
      const queue = (await inject({ url: '/api/v1/open/comments', headers: as(operator) })).json() as Array<{
        id: number;
        createdAt: string;
      }>;
      expect(queue).toContainEqual(
        expect.objectContaining({ id, dataset: rated.code, title: rated.name, author: '张批评', rating: 2 }),
      );
      expect(queue.map((c) => c.createdAt)).toEqual(queue.map((c) => c.createdAt).sort());
      expect(JSON.stringify(queue)).not.toContain('@example.com');
      expect((await moderate(999_999, { approve: true }, operator)).statusCode).toBe(404);
      expect((await moderate((await mine(quiet))[0]!.id as number, { approve: true }, operator)).statusCode).toBe(404);

      // Rejected: the reason goes to the author alone, the comment stays off the page.
      const size = await s.hub.ledger.size();
      const rejected = await moderate(id, { approve: false, reason: '含有不文明用语' }, operator);
      expect(rejected.statusCode, rejected.body).toBe(200);
      expect((await mine(critic))[0]).toMatchObject({ state: 'rejected', reason: '含有不文明用语' });
      page = await shown();
      expect(JSON.stringify(page)).not.toContain('更新太慢');
      expect(JSON.stringify(page)).not.toContain('不文明');
      expect(JSON.stringify(await mine(quiet))).not.toContain('不文明');
      expect(page).toMatchObject({ average: 3, count: 2 });

      // Given again, it is pending again; approved, it is shown and may be answered.
      expect((await rate(critic, 3, '希望改为每日更新')).statusCode).toBe(201);
      expect((await mine(critic))[0]).toMatchObject({ state: 'pending', reason: null, rating: 3 });
      expect((await moderate(id, { approve: true }, operator)).json()).toMatchObject({ state: 'published' });
      page = await shown();
      expect(page.items).toContainEqual(expect.objectContaining({ author: '张批评', comment: '希望改为每日更新' }));
      expect(page).toMatchObject({ average: 3.5, count: 2 });
      expect((await answer()).statusCode).toBe(200);
      expect((await shown()).items).toContainEqual(expect.objectContaining({ id, answer: '已补充' }));

      // Replaced once more: back to review, and the answer to the old words is cleared.
      await rate(critic, 1, '还是没有更新');
      expect((await mine(critic))[0]).toMatchObject({ state: 'pending', answer: null });
      expect(JSON.stringify(await shown())).not.toContain('还是没有更新');

      // Each decision is on the ledger, with the provider and a digest — never the words or the reason.
      const entries = (await s.hub.ledger.entries(size, await s.hub.ledger.size()))
        .map((e) => JSON.parse(e.entry) as Record<string, unknown>)
        .filter((e) => e.kind === 'open.comment.moderated');
      expect(entries).toEqual([
        expect.objectContaining({ action: 'reject', rating: id, resource: rated.code, provider: rated.provider.code }),
        expect.objectContaining({ action: 'approve', rating: id, state: 'published', actor: 'operator' }),
      ]);
      expect(JSON.stringify(entries)).not.toMatch(/不文明|更新/);
    },
  );

  it.skipIf(engine.skip)('lets only the provider the catalog names answer a rating', async () => {
    await inject({
      method: 'POST',
      url: '/api/v1/open/developers/me/ratings',
      headers: as(token),
      payload: { dataset, rating: 3, comment: '字段说明不全' },
    });
    const rating = (await inject({ url: '/api/v1/open/developers/me/ratings', headers: as(token) })).json()[0];
    await moderate(rating.id, { approve: true });
    const otherOrg = provider === 'JNGAJ' ? 'JNSCJG' : 'JNGAJ';
    const answer = (t: string, resource = code) =>
      inject({
        method: 'POST',
        url: `/api/v1/open/ratings/${rating.id}/answer`,
        headers: as(t),
        payload: { resource, answer: '已补充字段说明' },
      });
    const other = await login(await officerOf(otherOrg));
    expect((await answer(other)).statusCode).toBe(403);
    // Naming one of its own datasets does not reach a rating of another.
    const own = (
      await s.hub.catalog.search(
        { provider: otherOrg, openType: 'open', status: 'published' },
        { org: null, all: false },
        0,
        1,
      )
    ).items[0];
    if (own) expect((await answer(other, own.code)).statusCode).toBe(404);
    const theirs = (await inject({ url: '/api/v1/open/ratings', headers: as(other) })).json();
    expect(theirs.some((r: { id: number }) => r.id === rating.id)).toBe(false);
    expect((await answer(await login(await officerOf(provider)))).statusCode).toBe(200);
  });

  it.skipIf(engine.skip)('counts and filters the search by update frequency and open type', async () => {
    type Facet = { name: string; display_name: string; count: number };
    const search = async (params: string) => {
      const res = await inject({ url: `/api/3/action/package_search?${params}` });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().result as {
        count: number;
        search_facets: Record<string, { items: Facet[] }>;
        results: Array<{ extras: Array<{ key: string; value: string }> }>;
      };
    };
    const all = await search(`rows=1000&facet.field=${encodeURIComponent('["update_frequency","open_type"]')}`);
    const frequencies = all.search_facets.update_frequency!.items;
    expect(frequencies.length).toBeGreaterThan(0);
    expect(frequencies.reduce((n, f) => n + f.count, 0)).toBe(all.count);
    expect(all.search_facets.open_type!.items).toEqual([
      { name: 'open', display_name: '无条件开放', count: all.count },
    ]);
    const frequencyOf = (r: { extras: Array<{ key: string; value: string }> }) =>
      r.extras.find((e) => e.key === 'update_frequency')?.value;
    for (const f of frequencies) {
      const held = all.results.filter((r) => frequencyOf(r) === f.name).length;
      expect(f.count, f.name).toBe(held);
      const only = await search(`rows=1000&fq=${encodeURIComponent(`update_frequency:"${f.name}" open_type:open`)}`);
      expect(only.count).toBe(f.count);
      expect(only.results.every((r) => frequencyOf(r) === f.name)).toBe(true);
    }
    const bad = await inject({
      url: `/api/3/action/package_search?fq=${encodeURIComponent('update_frequency:hourly')}`,
    });
    expect(bad.statusCode).toBe(409);
  });
});
