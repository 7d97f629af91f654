import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FREE_FAILURES, TOKEN_TTL_S } from '../../src/access/index.js';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { createLogger } from '../../src/kernel/index.js';
import { engines } from '../databases.js';

type App = Awaited<ReturnType<typeof buildApp>>;
const PASSWORD = 'auth-test-password';
const WRONG = 'not-the-password';

/**
 * #13 on PGlite and PostgreSQL: failed logins slow down their source and never lock the owner
 * out; tokens say when they expire and stop working after logout, a password change or the
 * user's disabling — in every process of the hub.
 */
describe.each(engines())('auth on $name', (engine) => {
  let hub: Hub;
  let app: App;
  let url: string | undefined;
  let clock = new Date('2026-03-02T02:00:00.000Z');
  const tick = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));

  beforeAll(async () => {
    if (engine.skip) return;
    url = await engine.createDatabase();
    hub = await openHub({ databaseUrl: url, dataDir: 'memory://', now: () => clock });
    for (const [username, role] of [
      ['owner', 'consumer'],
      ['guessed', 'consumer'],
      ['sprayed', 'consumer'],
      ['session', 'consumer'],
      ['changer', 'consumer'],
      ['leaver', 'consumer'],
      ['admin', 'operator'],
    ] as const) {
      await hub.access.createUser({ username, displayName: username, password: PASSWORD, roles: [role] });
    }
    app = await buildApp(hub, { logger: createLogger('silent') });
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const login = (username: string, password: string, remoteAddress: string, cookie?: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password },
      remoteAddress,
      headers: cookie ? { cookie } : {},
    });
  const as = (token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } });
  const me = (token: string) => as(token, 'GET', '/api/v1/auth/me');
  const cookieOf = (res: Awaited<ReturnType<typeof login>>) => String(res.headers['set-cookie']).split(';')[0]!;

  it.skipIf(engine.skip)('lets the owner in from a known address or browser while others fail', async () => {
    const first = await login('owner', PASSWORD, '10.1.0.1');
    expect(first.statusCode).toBe(200);
    expect(first.headers['set-cookie']).toMatch(
      /^qdh_device=[\w-]+; Path=\/api\/v1\/auth; .*HttpOnly; SameSite=Strict/,
    );
    const device = cookieOf(first);
    // One attacker address is slowed down on its own …
    for (let i = 0; i < FREE_FAILURES.pair; i++) expect((await login('owner', WRONG, '10.1.9.9')).statusCode).toBe(401);
    expect((await login('owner', WRONG, '10.1.9.9')).statusCode).toBe(429);
    // … and many addresses together slow down every source the account has never logged in from.
    for (let i = 0; i < FREE_FAILURES.account - FREE_FAILURES.pair; i++) {
      expect((await login('owner', WRONG, `10.1.1.${i}`)).statusCode).toBe(401);
    }
    expect((await login('owner', PASSWORD, '10.1.2.1')).statusCode).toBe(429);
    expect((await login('owner', PASSWORD, '10.1.0.1')).statusCode).toBe(200);
    expect((await login('owner', PASSWORD, '10.1.3.3', device)).statusCode).toBe(200);
  });

  it.skipIf(engine.skip)(
    'answers repeated failures from one address with a growing Retry-After, not a lock',
    async () => {
      for (let i = 0; i < FREE_FAILURES.pair; i++)
        expect((await login('guessed', WRONG, '10.2.0.1')).statusCode).toBe(401);
      const slowed = await login('guessed', PASSWORD, '10.2.0.1');
      expect(slowed.statusCode).toBe(429);
      expect(slowed.headers['content-type']).toContain('application/problem+json');
      expect(slowed.json().code).toBe('ACC_RATE_LIMITED');
      expect(slowed.headers['retry-after']).toBe('1');
      tick(1);
      expect((await login('guessed', WRONG, '10.2.0.1')).statusCode).toBe(401);
      expect((await login('guessed', WRONG, '10.2.0.1')).headers['retry-after']).toBe('2');
      tick(2);
      expect((await login('guessed', PASSWORD, '10.2.0.1')).statusCode).toBe(200);
      // The right password forgave that address's failures.
      expect((await login('guessed', WRONG, '10.2.0.1')).statusCode).toBe(401);
    },
  );

  it.skipIf(engine.skip)('slows down an address that sprays passwords over many accounts', async () => {
    const device = cookieOf(await login('sprayed', PASSWORD, '10.3.0.1'));
    for (let i = 0; i < FREE_FAILURES.address; i++) {
      expect((await login(`nobody${i}`, WRONG, '10.3.9.9')).statusCode).toBe(401);
    }
    const slowed = await login('sprayed', PASSWORD, '10.3.9.9');
    expect(slowed.statusCode).toBe(429);
    expect(Number(slowed.headers['retry-after'])).toBeGreaterThan(0);
    // A browser that logged into the account before is not held up by its neighbours' failures.
    expect((await login('sprayed', PASSWORD, '10.3.9.9', device)).statusCode).toBe(200);
  });

  it.skipIf(engine.skip)('says when the token expires, and logout revokes the presented token only', async () => {
    const res = await login('session', PASSWORD, '10.4.0.1');
    const { token, expiresAt, expiresIn } = res.json();
    expect(expiresIn).toBe(TOKEN_TTL_S);
    expect(expiresAt).toBe(new Date(clock.getTime() + TOKEN_TTL_S * 1000).toISOString());
    expect(decodeJwt(token).exp).toBe(Date.parse(expiresAt) / 1000);
    const other = (await login('session', PASSWORD, '10.4.0.1')).json().token;
    expect((await as(token, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await me(token)).statusCode).toBe(401);
    expect((await as(token, 'POST', '/api/v1/auth/logout')).statusCode).toBe(401);
    expect((await me(other)).statusCode).toBe(200);
    tick(TOKEN_TTL_S);
    expect((await me(other)).statusCode).toBe(401);
  });

  it.skipIf(engine.skip)('revokes every earlier token of a user whose password changes', async () => {
    const first = (await login('changer', PASSWORD, '10.5.0.1')).json().token;
    const second = (await login('changer', PASSWORD, '10.5.0.2')).json().token;
    const change = (currentPassword: string, newPassword: string) =>
      as(first, 'POST', '/api/v1/auth/password', { currentPassword, newPassword });
    const wrong = await change(WRONG, 'a-new-password');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('ACC_BAD_CREDENTIALS');
    expect((await change(PASSWORD, 'short')).json().errors[0].field).toBe('newPassword');
    const changed = await change(PASSWORD, 'a-new-password');
    expect(changed.statusCode).toBe(200);
    expect(changed.json().expiresIn).toBe(TOKEN_TTL_S);
    expect((await me(first)).statusCode).toBe(401);
    expect((await me(second)).statusCode).toBe(401);
    expect((await me(changed.json().token)).statusCode).toBe(200);
    expect((await login('changer', PASSWORD, '10.5.0.1')).statusCode).toBe(401);
    expect((await login('changer', 'a-new-password', '10.5.0.1')).statusCode).toBe(200);
  });

  it.skipIf(engine.skip)("stops a disabled user's tokens and API keys at the next request", async () => {
    const admin = (await login('admin', PASSWORD, '10.6.0.9')).json().token;
    const token = (await login('leaver', PASSWORD, '10.6.0.1')).json().token;
    const key = (await as(token, 'POST', '/api/v1/auth/api-keys', { name: 'leaver' })).json().key;
    const byKey = () => app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-api-key': key } });
    expect((await me(token)).statusCode).toBe(200);
    expect((await byKey()).statusCode).toBe(200);
    expect((await as(token, 'POST', '/api/v1/auth/users/leaver/disable')).statusCode).toBe(403);
    expect((await as(admin, 'POST', '/api/v1/auth/users/nobody/disable')).statusCode).toBe(404);
    const disabled = await as(admin, 'POST', '/api/v1/auth/users/leaver/disable');
    expect(disabled.json()).toEqual({ username: 'leaver', disabled: true });
    expect((await me(token)).statusCode).toBe(401);
    expect((await byKey()).statusCode).toBe(401);
    expect((await login('leaver', PASSWORD, '10.6.0.1')).statusCode).toBe(401);
    expect((await as(admin, 'POST', '/api/v1/auth/users/leaver/enable')).statusCode).toBe(200);
    expect((await me(token)).statusCode).toBe(401);
    expect((await login('leaver', PASSWORD, '10.6.0.1')).statusCode).toBe(200);
  });

  it.skipIf(engine.skip || engine.name !== 'postgres')('holds a revocation in every process of the hub', async () => {
    const other = await openHub({ databaseUrl: url, dataDir: 'memory://', now: () => clock });
    const otherApp = await buildApp(other, { logger: createLogger('silent') });
    try {
      const admin = (await login('admin', PASSWORD, '10.7.0.9')).json().token;
      const token = (await login('leaver', PASSWORD, '10.7.0.1')).json().token;
      const key = (await as(token, 'POST', '/api/v1/auth/api-keys', { name: 'elsewhere' })).json().key;
      const there = (headers: Record<string, string>) =>
        otherApp.inject({ method: 'GET', url: '/api/v1/auth/me', headers });
      expect((await there({ authorization: `Bearer ${token}` })).statusCode).toBe(200);
      expect((await there({ 'x-api-key': key })).statusCode).toBe(200);
      await as(admin, 'POST', '/api/v1/auth/users/leaver/disable');
      await vi.waitFor(async () => {
        expect((await there({ authorization: `Bearer ${token}` })).statusCode).toBe(401);
        expect((await there({ 'x-api-key': key })).statusCode).toBe(401);
      });
    } finally {
      await otherApp.close();
      await other.close();
    }
  });
});
