import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/access/index.js';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { createLogger, makeCitizenId } from '../../src/kernel/index.js';
import { engines, SEEDED_PASSWORD as PASSWORD } from '../databases.js';

type App = Awaited<ReturnType<typeof buildApp>>;
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT';
const NEW_PASSWORD = 'own-choice-2026';

/** Every administration route, with a body its schema takes: a non-operator must hear 403 for each. */
const ADMIN_ROUTES: Array<[Method, string, object?]> = [
  ['GET', '/api/v1/admin/users'],
  ['POST', '/api/v1/admin/users', { username: 'probe', displayName: '探测', roles: ['auditor'] }],
  ['PATCH', '/api/v1/admin/users/consumer', { displayName: '探测' }],
  ['POST', '/api/v1/admin/users/consumer/reset-password', {}],
  ['GET', '/api/v1/admin/orgs'],
  ['POST', '/api/v1/admin/orgs', { code: 'PROBE', name: '探测', kind: 'department', division: '370102' }],
  ['PATCH', '/api/v1/admin/orgs/JNMZJ', { name: '探测' }],
  ['POST', '/api/v1/auth/users/consumer/disable'],
  ['POST', '/api/v1/auth/users/consumer/enable'],
  ['PUT', '/api/v1/orgs/JNGAJ/officers', { chief: 'officer', stewards: [] }],
];

/**
 * #14 everyday administration through the HTTP API on PGlite and PostgreSQL: an operator creates,
 * edits, disables and resets accounts and creates organizations; nobody else may; a reset or a new
 * account forces a password change at the next login; role and officer changes act at once; each
 * change is an `access.*` ledger entry that carries no secret.
 */
describe.each(engines())('account administration on $name', (engine) => {
  let hub: Hub;
  let app: App;
  let operator = '';
  let ledgerStart = 0;

  beforeAll(async () => {
    if (engine.skip) return;
    hub = await openHub({ ...(await engine.seededDatabase()) });
    app = await buildApp(hub, { logger: createLogger('silent') });
    ledgerStart = await hub.ledger.size();
    operator = await token('operator');
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const login = (username: string, password: string, newPassword?: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password, ...(newPassword && { newPassword }) },
    });
  const token = async (username: string, password = PASSWORD) => {
    const res = await login(username, password);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().token as string;
  };
  const as = (bearer: string, method: Method, url: string, payload?: object) =>
    app.inject({ method, url, payload, headers: { authorization: `Bearer ${bearer}` } });
  /** The access.* entries written since the test began, parsed. */
  const accessEntries = async () => {
    const rows = await hub.ledger.entries(ledgerStart, await hub.ledger.size());
    return rows
      .map((r) => ({ text: r.entry, entry: JSON.parse(r.entry) as Record<string, unknown> }))
      .filter((e) => String(e.entry.kind).startsWith('access.'));
  };

  it.skipIf(engine.skip)('refuses every administration route to every role but the operator', async () => {
    const wrong: string[] = [];
    for (const role of ROLES.filter((r) => r !== 'operator')) {
      const bearer = await token(role);
      for (const [method, url, body] of ADMIN_ROUTES) {
        const res = await as(bearer, method, url, body);
        if (res.statusCode !== 403 || res.json().code !== 'ACC_FORBIDDEN')
          wrong.push(`${role} ${method} ${url}: ${res.statusCode}`);
      }
    }
    expect(wrong).toEqual([]);
    // Nothing was changed by the refusals.
    expect(await accessEntries()).toEqual([]);
  });

  it.skipIf(engine.skip)(
    'creates an account with a one-time password that must be changed at the first login',
    async () => {
      const made = await as(operator, 'POST', '/api/v1/admin/users', {
        username: 'clerk',
        displayName: '窗口办事员',
        orgCode: 'JNMZJ',
        roles: ['consumer'],
      });
      expect(made.statusCode, made.body).toBe(201);
      const { account, oneTimePassword } = made.json();
      expect(account).toMatchObject({
        username: 'clerk',
        roles: ['consumer'],
        mustChangePassword: true,
        disabled: false,
      });
      expect(account.org).toMatchObject({ code: 'JNMZJ', name: '济南市民政局' });
      expect(oneTimePassword).toMatch(/^\w{4}-\w{4}-\w{4}$/);

      // The one-time password opens no session by itself; a weak new one is refused by its rule.
      const first = await login('clerk', oneTimePassword);
      expect(first.statusCode).toBe(403);
      expect(first.json().code).toBe('ACC_PASSWORD_CHANGE_REQUIRED');
      expect((await login('clerk', oneTimePassword, 'abcdefghij')).json().code).toBe('ACC_WEAK_PASSWORD');
      expect((await login('clerk', oneTimePassword, 'clerk-2026-x')).json().code).toBe('ACC_WEAK_PASSWORD');
      const changed = await login('clerk', oneTimePassword, NEW_PASSWORD);
      expect(changed.statusCode, changed.body).toBe(200);
      expect((await login('clerk', oneTimePassword)).statusCode).toBe(401);
      const own = await login('clerk', NEW_PASSWORD);
      expect(own.statusCode).toBe(200);
      expect((await as(own.json().token, 'GET', '/api/v1/auth/me')).json().username).toBe('clerk');

      const listed = await as(operator, 'GET', '/api/v1/admin/users?q=%E7%AA%97%E5%8F%A3');
      expect(listed.json().items.map((u: { username: string }) => u.username)).toEqual(['clerk']);
      expect(listed.json().items[0].mustChangePassword).toBe(false);

      // Refused inputs: a taken name, a role without its organization, a citizen ID on a non-citizen.
      const again = await as(operator, 'POST', '/api/v1/admin/users', {
        username: 'clerk',
        displayName: 'x',
        orgCode: 'JNMZJ',
        roles: ['consumer'],
      });
      expect(again.json().code).toBe('ACC_USER_EXISTS');
      const orgless = await as(operator, 'POST', '/api/v1/admin/users', {
        username: 'orgless',
        displayName: 'x',
        roles: ['officer'],
      });
      expect(orgless.statusCode).toBe(422);
      expect(orgless.json().errors[0].field).toBe('orgCode');
      const id = makeCitizenId('370102', '1990-01-01', 3);
      const wrongId = await as(operator, 'POST', '/api/v1/admin/users', {
        username: 'notcitizen',
        displayName: 'x',
        roles: ['auditor'],
        citizenId: id,
      });
      expect(wrongId.json().errors[0].field).toBe('citizenId');
      const citizen = await as(operator, 'POST', '/api/v1/admin/users', {
        username: 'resident',
        displayName: '居民',
        roles: ['citizen'],
        citizenId: id,
        password: 'set-by-operator-1',
      });
      expect(citizen.statusCode, citizen.body).toBe(201);
      expect(citizen.json().oneTimePassword).toBeUndefined();
      expect(citizen.json().account.citizenBound).toBe(true);
      const twice = await as(operator, 'POST', '/api/v1/admin/users', {
        username: 'resident2',
        displayName: 'x',
        roles: ['citizen'],
        citizenId: id,
      });
      expect(twice.json().errors[0]).toMatchObject({ field: 'citizenId', code: 'access.citizenIdBound' });
    },
  );

  it.skipIf(engine.skip)(
    'disabling blocks the login and the tokens already issued; enabling lets the user in again',
    async () => {
      const clerk = await token('clerk', NEW_PASSWORD);
      const disabled = await as(operator, 'POST', '/api/v1/auth/users/clerk/disable');
      expect(disabled.json()).toEqual({ username: 'clerk', disabled: true });
      expect((await as(clerk, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
      expect((await login('clerk', NEW_PASSWORD)).statusCode).toBe(401);
      expect((await as(operator, 'POST', '/api/v1/auth/users/operator/disable')).json().code).toBe('ACC_OWN_ACCOUNT');
      await as(operator, 'POST', '/api/v1/auth/users/clerk/enable');
      expect((await login('clerk', NEW_PASSWORD)).statusCode).toBe(200);
    },
  );

  it.skipIf(engine.skip)('a reset ends every session and forces a change at the next login', async () => {
    const clerk = await token('clerk', NEW_PASSWORD);
    const reset = await as(operator, 'POST', '/api/v1/admin/users/clerk/reset-password', {});
    expect(reset.statusCode, reset.body).toBe(200);
    const { oneTimePassword, account } = reset.json();
    expect(account.mustChangePassword).toBe(true);
    expect((await as(clerk, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect((await login('clerk', NEW_PASSWORD)).statusCode).toBe(401);
    expect((await login('clerk', oneTimePassword)).json().code).toBe('ACC_PASSWORD_CHANGE_REQUIRED');
    expect((await login('clerk', oneTimePassword, 'another-choice-7')).statusCode).toBe(200);
    // An operator's own choice of password must meet the rules too.
    const weak = await as(operator, 'POST', '/api/v1/admin/users/clerk/reset-password', { password: 'short1' });
    expect(weak.json().code).toBe('ACC_WEAK_PASSWORD');
  });

  it.skipIf(engine.skip)('role and officer changes act on the next request of a live session', async () => {
    const clerk = await token('clerk', 'another-choice-7');
    expect((await as(clerk, 'GET', '/api/v1/grants')).statusCode).toBe(200);
    expect((await as(clerk, 'GET', '/api/v1/monitoring/alerts')).statusCode).toBe(403);
    const edited = await as(operator, 'PATCH', '/api/v1/admin/users/clerk', { roles: ['auditor'], orgCode: 'JNDSJ' });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ roles: ['auditor'], org: { code: 'JNDSJ' } });
    // The same token, not a new login: auditors read the monitoring.
    expect((await as(clerk, 'GET', '/api/v1/monitoring/alerts')).statusCode).toBe(200);
    expect((await as(operator, 'PATCH', '/api/v1/admin/users/operator', { roles: ['auditor'] })).json().code).toBe(
      'ACC_OWN_ACCOUNT',
    );

    // A data steward appointed is listed with the organization and on the account.
    await as(operator, 'POST', '/api/v1/admin/users', {
      username: 'steward',
      displayName: '数据专管员',
      orgCode: 'JNGAJ',
      roles: ['officer'],
      password: 'jngaj-pass-42',
    });
    const set = await as(operator, 'PUT', '/api/v1/orgs/JNGAJ/officers', { chief: 'officer', stewards: ['steward'] });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().stewards.map((s: { username: string }) => s.username)).toEqual(['steward']);
    const orgs = (await as(operator, 'GET', '/api/v1/admin/orgs?q=JNGAJ')).json();
    expect(orgs.items[0]).toMatchObject({ code: 'JNGAJ', chief: { username: 'officer' } });
    expect(orgs.items[0].stewards.map((s: { username: string }) => s.username)).toEqual(['steward']);
    const steward = (await as(operator, 'GET', '/api/v1/admin/users?q=steward')).json().items[0];
    expect(steward.officerOf).toEqual([{ org: 'JNGAJ', duty: 'steward' }]);
    await as(operator, 'PUT', '/api/v1/orgs/JNGAJ/officers', { chief: 'officer', stewards: [] });
    expect((await as(operator, 'GET', '/api/v1/admin/users?q=steward')).json().items[0].officerOf).toEqual([]);
  });

  it.skipIf(engine.skip)(
    'creates and edits organizations: code and division checked, no cycles, names shown',
    async () => {
      const made = await as(operator, 'POST', '/api/v1/admin/orgs', {
        code: 'JNLXQMZ',
        name: '历下区民政局',
        kind: 'district',
        division: '370102',
        parentCode: 'JNMZJ',
      });
      expect(made.statusCode, made.body).toBe(201);
      expect(made.json()).toMatchObject({ divisionName: '历下区', parentName: '济南市民政局', users: 0 });
      expect(
        (
          await as(operator, 'POST', '/api/v1/admin/orgs', {
            code: 'JNLXQMZ',
            name: 'x',
            kind: 'district',
            division: '370102',
          })
        ).json().code,
      ).toBe('ACC_ORG_EXISTS');
      expect(
        (
          await as(operator, 'POST', '/api/v1/admin/orgs', {
            code: 'BADDIV',
            name: 'x',
            kind: 'district',
            division: '999999',
          })
        ).statusCode,
      ).toBe(422);
      const cycle = await as(operator, 'PATCH', '/api/v1/admin/orgs/JNMZJ', { parentCode: 'JNLXQMZ' });
      expect(cycle.json().errors[0].field).toBe('parentCode');
      const renamed = await as(operator, 'PATCH', '/api/v1/admin/orgs/JNLXQMZ', { name: '历下区民政局（试点）' });
      expect(renamed.json().name).toBe('历下区民政局（试点）');
      expect((await as(operator, 'PATCH', '/api/v1/admin/orgs/NOSUCH', { name: 'x' })).json().code).toBe(
        'ACC_ORG_NOT_FOUND',
      );
      const { divisions, items } = (await as(operator, 'GET', '/api/v1/admin/orgs')).json();
      expect(divisions).toContainEqual({ code: '370102', name: '历下区' });
      // Another organization's credit code is refused by name, not by the database's unique index.
      const taken = (items as Array<{ code: string; creditCode: string | null }>).find((o) => o.code === 'JNMZJ')!;
      const clash = await as(operator, 'PATCH', '/api/v1/admin/orgs/JNLXQMZ', { creditCode: taken.creditCode });
      expect(clash.statusCode, clash.body).toBe(422);
      expect(clash.json().errors[0]).toMatchObject({ field: 'creditCode', code: 'access.creditCodeTaken' });
    },
  );

  it.skipIf(engine.skip)('writes every change as a typed access entry that carries no secret', async () => {
    const entries = await accessEntries();
    const summary = entries.map(({ entry }) => `${entry.kind} ${entry.action} ${entry.account ?? entry.organization}`);
    expect(summary).toEqual([
      'access.account.changed create clerk',
      'access.account.changed change-password clerk',
      'access.account.changed create resident',
      'access.account.changed disable clerk',
      'access.account.changed enable clerk',
      'access.account.changed reset-password clerk',
      'access.account.changed change-password clerk',
      'access.account.changed edit clerk',
      'access.account.changed create steward',
      'access.organization.changed officers JNGAJ',
      'access.organization.changed officers JNGAJ',
      'access.organization.changed create JNLXQMZ',
      'access.organization.changed edit JNLXQMZ',
    ]);
    for (const { entry } of entries) {
      expect(entry).toMatchObject({ v: 1, at: expect.any(String) });
      expect(entry.actor).toBe(entry.action === 'change-password' ? 'clerk' : 'operator');
    }
    expect(entries[0]!.entry).toMatchObject({
      roles: ['consumer'],
      accountOrg: 'JNMZJ',
      generated: true,
      mustChangePassword: true,
    });
    expect(entries[7]!.entry).toMatchObject({ changed: ['org', 'roles'], roles: ['auditor'] });
    const all = entries.map((e) => e.text).join('\n');
    for (const secret of [
      NEW_PASSWORD,
      'another-choice-7',
      'set-by-operator-1',
      'jngaj-pass-42',
      '$argon2',
      makeCitizenId('370102', '1990-01-01', 3),
    ]) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toMatch(/\w{4}-\w{4}-\w{4}"/);
  });
});
