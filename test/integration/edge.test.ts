import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { createLogger } from '../../src/kernel/index.js';
import { engines } from '../databases.js';

type App = Awaited<ReturnType<typeof buildApp>>;
const PASSWORD = 'edge-test-password';
const PORTAL = 'https://portal.jinan.example';

/**
 * The HTTP edge on PGlite and PostgreSQL: security headers and a CSP on every answer,
 * HSTS only over TLS, CORS denied unless the origin is configured, `no-store` on every answer
 * that is not a public read, and 401 before anything else for anonymous callers of private routes.
 */
describe.each(engines())('the HTTP edge on $name', (engine) => {
  let hub: Hub;
  let app: App;
  let token: string;

  beforeAll(async () => {
    if (engine.skip) return;
    hub = await openHub({ databaseUrl: await engine.createDatabase(), dataDir: 'memory://' });
    await hub.access.createUser({ username: 'auditor', displayName: '审计员', password: PASSWORD, roles: ['auditor'] });
    app = await buildApp(hub, { logger: createLogger('silent'), corsOrigins: [PORTAL], trustProxy: false });
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'auditor', password: PASSWORD },
    });
    token = login.json().token;
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const me = (headers: Record<string, string> = {}) =>
    app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}`, ...headers } });

  it.skipIf(engine.skip)('sends security headers and a CSP without inline scripts on every answer', async () => {
    for (const res of [
      await me(),
      await app.inject('/api/v1/auth/me'),
      await app.inject('/api/docs/static/index.html'),
    ]) {
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it.skipIf(engine.skip)('serves the API docs, whose page loads only its own scripts', async () => {
    const page = await app.inject('/api/docs');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self';");
    const scripts = [...page.body.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, inline] of scripts) {
      expect(attributes).toMatch(/src="/);
      expect(inline!.trim()).toBe('');
    }
    expect((await app.inject('/api/docs/static/swagger-initializer.js')).statusCode).toBe(200);
    expect((await app.inject('/api/docs/json')).json().openapi).toBe('3.1.0');
  });

  it.skipIf(engine.skip)(
    'says Strict-Transport-Security only over TLS, believing a proxy only when told to',
    async () => {
      expect((await me({ 'x-forwarded-proto': 'https' })).headers['strict-transport-security']).toBeUndefined();
      const proxied = await buildApp(hub, { logger: createLogger('silent'), trustProxy: ['127.0.0.1'] });
      try {
        const behindTls = await proxied.inject({ url: '/healthz', headers: { 'x-forwarded-proto': 'https' } });
        expect(behindTls.headers['strict-transport-security']).toMatch(/^max-age=\d+; includeSubDomains$/);
        expect((await proxied.inject('/healthz')).headers['strict-transport-security']).toBeUndefined();
      } finally {
        await proxied.close();
      }
    },
  );

  it.skipIf(engine.skip)('denies cross-origin callers unless their origin is configured', async () => {
    const evil = await me({ origin: 'https://evil.example' });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/api/v1/auth/me',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    const allowed = await preflight(PORTAL);
    expect(allowed.statusCode).toBeLessThan(300);
    expect(allowed.headers['access-control-allow-origin']).toBe(PORTAL);
    expect(String(allowed.headers['access-control-allow-headers'])).toContain('authorization');
    expect((await me({ origin: PORTAL })).headers['access-control-allow-origin']).toBe(PORTAL);
    const closed = await buildApp(hub, { logger: createLogger('silent'), corsOrigins: [] });
    try {
      const res = await closed.inject({ url: '/healthz', headers: { origin: PORTAL } });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await closed.close();
    }
  });

  it.skipIf(engine.skip)(
    'keeps personal answers and tokens out of every cache; public reads may be cached',
    async () => {
      expect((await me()).headers['cache-control']).toBe('no-store');
      expect((await app.inject('/api/v1/auth/me')).headers['cache-control']).toBe('no-store');
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'auditor', password: PASSWORD },
      });
      expect(login.headers['cache-control']).toBe('no-store');
      expect((await app.inject('/api/v1/ledger/head')).headers['cache-control']).toBeUndefined();
    },
  );

  it.skipIf(engine.skip)('refuses anonymous callers before validating their input', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/ingest/jobs/not-a-uuid'],
      ['DELETE', '/api/v1/ingest/schedules/1'],
      ['GET', '/api/v1/demands/x'],
    ] as const) {
      const res = await app.inject({ method, url });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const records = await app.inject('/api/v1/services/DS-JNGAJ-0001/records?key=1');
    expect(records.json().code).toBe('ACC_UNAUTHENTICATED');
    expect((await app.inject('/api/v1/no-such-route')).statusCode).toBe(404);
  });
});
