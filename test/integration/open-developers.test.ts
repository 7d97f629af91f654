import type { InjectOptions } from 'light-my-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEEDED_PASSWORD, engines } from '../databases.js';
import { openSeededApp, type SeededApp } from '../seeded-app.js';

/**
 * The portal's developer accounts and API keys (#18, docs/open.md): sign-up, sign-in, keys made
 * and revoked with their secret shown once, and the data API counted per key and per anonymous
 * address in fixed windows, refused with 429 and Retry-After past a limit.
 */
describe.each(engines())('developer accounts and API keys on $name', (engine) => {
  let s: SeededApp;
  let clock = new Date('2026-03-02T03:04:10Z');
  let dataset = '';
  const inject = (opts: InjectOptions) => s.app.inject(opts);
  const search = (headers: Record<string, string> = {}, remoteAddress = '198.51.100.1') =>
    inject({ url: `/api/3/action/datastore_search?resource_id=${dataset}&limit=1`, headers, remoteAddress });

  beforeAll(async () => {
    if (engine.skip) return;
    s = await openSeededApp(engine, [], {
      now: () => clock,
      openLimits: { key: { perMinute: 3, perDay: 5 }, anonymous: { perMinute: 2, perDay: 100 } },
    });
    dataset = ((await inject({ url: '/api/3/action/package_list?limit=1' })).json().result as string[])[0]!;
  });
  afterAll(async () => {
    await s?.close();
  });

  const signUp = async (email: string) => {
    const res = await inject({
      method: 'POST',
      url: '/api/v1/open/developers',
      payload: { name: '王开发', email, password: 'correct horse battery' },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { developer: { id: number; email: string }; token: string };
  };
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it.skipIf(engine.skip)('signs up, signs in and out; a second account of one address is refused', async () => {
    const { developer, token } = await signUp('Dev.One@example.com');
    expect(developer.email).toBe('dev.one@example.com');
    expect(token).toMatch(/^qds_/);
    const again = await inject({
      method: 'POST',
      url: '/api/v1/open/developers',
      payload: { name: '另一个', email: 'dev.one@example.com', password: 'another password' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('OPN_DEVELOPER_EXISTS');

    const me = await inject({ url: '/api/v1/open/developers/me', headers: as(token) });
    expect(me.statusCode).toBe(200);
    expect(me.json().keys).toEqual([]);
    expect(me.json().limits.anonymous).toEqual({ perMinute: 2, perDay: 100 });
    expect((await inject({ url: '/api/v1/open/developers/me' })).statusCode).toBe(401);

    const wrong = await inject({
      method: 'POST',
      url: '/api/v1/open/developers/login',
      payload: { email: 'dev.one@example.com', password: 'wrong password' },
    });
    expect(wrong.statusCode).toBe(401);
    const login = await inject({
      method: 'POST',
      url: '/api/v1/open/developers/login',
      payload: { email: 'DEV.ONE@example.com', password: 'correct horse battery' },
    });
    expect(login.statusCode).toBe(200);
    const second = login.json().token as string;
    expect(
      (await inject({ method: 'POST', url: '/api/v1/open/developers/logout', headers: as(second) })).statusCode,
    ).toBe(204);
    expect((await inject({ url: '/api/v1/open/developers/me', headers: as(second) })).statusCode).toBe(401);
    // The session of the sign-up still holds.
    expect((await inject({ url: '/api/v1/open/developers/me', headers: as(token) })).statusCode).toBe(200);
  });

  it.skipIf(engine.skip)('slows down repeated failed sign-ins of one address with 429', async () => {
    await signUp('dev.slow@example.com');
    const attempt = () =>
      inject({
        method: 'POST',
        url: '/api/v1/open/developers/login',
        payload: { email: 'dev.slow@example.com', password: 'guess guess' },
      });
    for (let i = 0; i < 5; i++) expect((await attempt()).statusCode).toBe(401);
    const throttled = await attempt();
    expect(throttled.statusCode).toBe(429);
    expect(throttled.headers['retry-after']).toMatch(/^\d+$/);
  });

  it.skipIf(engine.skip)(
    'counts calls per key in fixed windows, refuses past the minute and the day with 429, and after revocation',
    async () => {
      const { token } = await signUp('dev.keys@example.com');
      const made = await inject({
        method: 'POST',
        url: '/api/v1/open/developers/me/keys',
        headers: as(token),
        payload: { name: '测试应用' },
      });
      expect(made.statusCode).toBe(201);
      const { key, secret } = made.json() as { key: { id: number; prefix: string }; secret: string };
      expect(secret).toMatch(/^qdo_/);
      expect(secret.startsWith(key.prefix)).toBe(true);
      // The secret is shown once: listing the keys never gives it again, and the database holds only its hash.
      const listed = await inject({ url: '/api/v1/open/developers/me', headers: as(token) });
      expect(listed.body).not.toContain(secret);
      const stored = await s.hub.db.kysely
        .withTables<{ 'open.api_key': { secret_hash: string; id: number } }>()
        .selectFrom('open.api_key')
        .select('secret_hash')
        .where('id', '=', key.id)
        .executeTakeFirstOrThrow();
      expect(stored.secret_hash).not.toContain(secret.slice(4));

      clock = new Date('2026-03-02T03:05:01Z');
      // X-API-Key, CKAN's bare Authorization and a Bearer one are the same key.
      expect((await search({ 'x-api-key': secret })).statusCode).toBe(200);
      expect((await search({ authorization: secret })).statusCode).toBe(200);
      expect((await inject({ url: `/open/datasets/${dataset}/download.csv`, headers: as(secret) })).statusCode).toBe(
        200,
      );
      const limited = await search({ 'x-api-key': secret });
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({ success: false, error: { __type: 'Rate Limit Error' } });
      expect(limited.headers['retry-after']).toBe('59');
      // Metadata is not counted.
      expect(
        (await inject({ url: `/api/3/action/package_show?id=${dataset}`, headers: { authorization: secret } }))
          .statusCode,
      ).toBe(200);

      // The next minute: two more calls, and the day's five are used up until midnight in China.
      clock = new Date('2026-03-02T03:06:00Z');
      expect((await search({ 'x-api-key': secret })).statusCode).toBe(200);
      expect((await search({ 'x-api-key': secret })).statusCode).toBe(200);
      const used = await search({ 'x-api-key': secret });
      expect(used.statusCode).toBe(429);
      expect(used.json().error.__type).toBe('Rate Limit Error');
      expect(Number(used.headers['retry-after'])).toBe((16 * 60 - (3 * 60 + 6)) * 60);
      const usage = (await inject({ url: '/api/v1/open/developers/me', headers: as(token) })).json();
      // The refused call counted neither against the day nor against the minute.
      expect(usage.keys[0]).toMatchObject({ id: key.id, used: { day: 5, minute: 2 }, perDay: 5, perMinute: 3 });

      // A new China day (16:00 UTC) starts the count again.
      clock = new Date('2026-03-02T16:00:30Z');
      expect((await search({ 'x-api-key': secret })).statusCode).toBe(200);

      const other = await signUp('dev.other@example.com');
      expect(
        (await inject({ method: 'DELETE', url: `/api/v1/open/developers/me/keys/${key.id}`, headers: as(other.token) }))
          .statusCode,
      ).toBe(404);
      expect(
        (await inject({ method: 'DELETE', url: `/api/v1/open/developers/me/keys/${key.id}`, headers: as(token) }))
          .statusCode,
      ).toBe(204);
      const revoked = await search({ 'x-api-key': secret });
      expect(revoked.statusCode).toBe(403);
      expect(revoked.json().error.__type).toBe('Authorization Error');
      const download = await inject({
        url: `/open/datasets/${dataset}/download.json`,
        headers: { 'x-api-key': secret },
      });
      expect(download.statusCode).toBe(403);
      expect(download.json().code).toBe('OPN_KEY_INVALID');
    },
  );

  it.skipIf(engine.skip)('limits calls without a key per address, lower than a key', async () => {
    clock = new Date('2026-03-03T01:00:00Z');
    expect((await search({}, '203.0.113.9')).statusCode).toBe(200);
    expect((await search({}, '203.0.113.9')).statusCode).toBe(200);
    const refused = await search({}, '203.0.113.9');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
    // Another address has its own window; so does the next minute.
    expect((await search({}, '203.0.113.10')).statusCode).toBe(200);
    clock = new Date('2026-03-03T01:01:00Z');
    expect((await search({}, '203.0.113.9')).statusCode).toBe(200);
    // Addresses are kept only as hashes.
    const subjects = await s.hub.db.kysely
      .withTables<{ 'open.api_use': { subject: string } }>()
      .selectFrom('open.api_use')
      .select('subject')
      .execute();
    expect(subjects.map((r) => r.subject).join(' ')).not.toContain('203.0.113');
  });

  it.skipIf(engine.skip)('takes ratings and comments from developers and shows the provider’s answers', async () => {
    clock = new Date('2026-03-03T02:00:00Z');
    const { token } = await signUp('rater@example.com');
    const rate = (rating: number, comment: string, as_ = token) =>
      inject({
        method: 'POST',
        url: '/api/v1/open/developers/me/ratings',
        headers: as(as_),
        payload: { dataset, rating, comment },
      });
    expect(
      (
        await inject({
          method: 'POST',
          url: '/api/v1/open/developers/me/ratings',
          payload: { dataset, rating: 5, comment: '' },
        })
      ).statusCode,
    ).toBe(401);
    expect((await rate(6, '太好了')).statusCode).toBe(400);
    expect((await rate(2, '字段说明不全')).statusCode).toBe(201);
    // Again replaces the developer's rating.
    const mine = await rate(4, '字段说明补上了，很好');
    expect(mine.json()).toMatchObject({ rating: 4, author: '王开发', answer: null });
    const other = await signUp('rater2@example.com');
    await rate(1, '更新太慢', other.token);

    const shown = (await inject({ url: `/api/v1/open/datasets/${dataset}/ratings` })).json();
    expect(shown).toMatchObject({ average: 2.5, count: 2 });
    expect(JSON.stringify(shown)).not.toContain('rater@example.com');

    // The provider's officer answers; another department's officer may not.
    const code = dataset.toUpperCase();
    const login = async (username: string) =>
      (
        await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: SEEDED_PASSWORD } })
      ).json().token as string;
    const provider = code.split('-')[0]!;
    const officer = (await s.hub.access.accounts.list({ org: provider, role: 'officer' })).items[0]?.username;
    // Comments are shown once an operator has published them (open-feedback.test.ts tests the review).
    expect(shown.items).toEqual([]);
    const operator = await login('operator');
    const pending = (await inject({ url: '/api/v1/open/comments', headers: as(operator) })).json();
    for (const c of pending as Array<{ id: number }>) {
      const published = await inject({
        method: 'POST',
        url: `/api/v1/open/comments/${c.id}/moderation`,
        headers: as(operator),
        payload: { approve: true },
      });
      expect(published.statusCode, published.body).toBe(200);
    }
    const listed = await inject({ url: '/api/v1/open/ratings', headers: as(operator) });
    const item = (listed.json() as Array<{ id: number; dataset: string; comment: string }>).find(
      (r) => r.comment === '更新太慢',
    )!;
    expect(item.dataset).toBe(code);
    const stranger = await inject({
      method: 'POST',
      url: `/api/v1/open/ratings/${item.id}/answer`,
      headers: as(await login('consumer')),
      payload: { resource: code, answer: '不是我' },
    });
    expect(stranger.statusCode).toBe(403);
    const answered = await inject({
      method: 'POST',
      url: `/api/v1/open/ratings/${item.id}/answer`,
      headers: as(await login(officer ?? 'operator')),
      payload: { resource: code, answer: '已改为每日更新' },
    });
    expect(answered.statusCode, answered.body).toBe(200);
    const after = (await inject({ url: `/api/v1/open/datasets/${dataset}/ratings` })).json();
    expect(after.items).toContainEqual(expect.objectContaining({ comment: '更新太慢', answer: '已改为每日更新' }));
  });
});
