import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { createLogger } from '../../src/kernel/index.js';
import { engines, SEEDED_PASSWORD as PASSWORD } from '../databases.js';

type App = Awaited<ReturnType<typeof buildApp>>;
const ROLES = ['operator', 'officer', 'consumer', 'auditor', 'citizen', 'third_party'] as const;

/** Reads whose only guard is one policy action (src/http/route-policy.ts), by that action. */
const GUARDED_READS: Array<[action: string, url: string]> = [
  ['tasks:read', '/api/v1/tasks'],
  ['catalog:indicators', '/api/v1/catalog/indicators'],
  ['monitoring:read', '/api/v1/monitoring/alerts'],
  ['base:read', '/api/v1/base/overview'],
  ['service:list', '/api/v1/services/'],
  ['quality:indicators', '/api/v1/quality/indicators'],
];

/**
 * What the web app shows each role comes from /auth/me's permissions: they must be what the
 * server then allows — an action listed is let through, one not listed is refused.
 */
describe.each(engines())('permissions of /auth/me on $name', (engine) => {
  let hub: Hub;
  let app: App;
  const me: Record<
    string,
    { token: string; permissions: string[]; scopes: Record<string, string[]>; citizenId?: string }
  > = {};

  beforeAll(async () => {
    if (engine.skip) return;
    hub = await openHub(await engine.seededDatabase());
    app = await buildApp(hub, { logger: createLogger('silent'), demo: true });
    for (const username of ROLES) {
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: PASSWORD },
      });
      const { token, user } = login.json();
      // The login answer carries them too, so the app needs no second request after logging in.
      expect(user.permissions).toContain('catalog:read');
      const res = await app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
      me[username] = { ...res.json(), token };
    }
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  it.skipIf(engine.skip)('lists for each role the actions the server then allows, and only those', async () => {
    for (const role of ROLES) {
      for (const [action, url] of GUARDED_READS) {
        const res = await app.inject({ url, headers: { authorization: `Bearer ${me[role]!.token}` } });
        const listed = me[role]!.permissions.includes(action);
        expect({ role, action, refused: res.statusCode === 403 }).toEqual({ role, action, refused: !listed });
      }
    }
  });

  it.skipIf(engine.skip)('says where scoped actions hold and tells a citizen which ID is theirs', () => {
    expect(me.officer!.scopes['catalog:edit']).toEqual(['own']);
    expect(me.operator!.scopes['catalog:review']).toEqual(['any']);
    expect(me.citizen!.permissions).toEqual(expect.arrayContaining(['ledger:read-own-entries', 'quality:report']));
    expect(me.citizen!.permissions).not.toContain('ledger:read-entries');
    expect(me.citizen!.citizenId).toMatch(/^\d{17}[\dX]$/);
    expect(me.operator!.citizenId).toBeUndefined();
  });
});
