import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/index.js';
import { enterprises, people } from '../../src/demo/people.js';
import { readEntry } from '../../src/ledger/index.js';
import { engines, SEEDED_PASSWORD } from '../databases.js';
import { openSeededApp, type SeededApp } from '../seeded-app.js';

/** The demo's first enterprise (bound to the demo citizen by the demo), one this suite binds, one nobody binds. */
const [DEMO_FIRM, FIRM, UNBOUND] = [...enterprises(3)];
const DAY = 86_400_000;

/**
 * Enterprise accounts (#16): an operator binds an enterprise to its credit code and legal
 * representative (a citizen account); the representative appoints agents for purposes until a date
 * and revokes them; `access.enterpriseAuthority` says how a person may act for it — what consents
 * ask before a person signs for an enterprise.
 */
describe.each(engines())('enterprise accounts on $name', (engine) => {
  let s: SeededApp;
  /** How far the hub's clock is ahead of the real one (tokens and appointments read it). */
  let shift = 0;
  const actors = new Map<string, Actor>();
  const tokens = new Map<string, string>();
  const as = async (username: string) => actors.get(username) ?? (await s.hub.access.actorOf(username));
  const authority = async (username: string, purpose?: string) =>
    s.hub.access.enterpriseAuthority(await as(username), FIRM!.credit_code, purpose);
  const call = (username: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    s.app.inject({
      method,
      url: `/api/v1${url}`,
      payload,
      headers: { authorization: `Bearer ${tokens.get(username) ?? s.tokens[username]}` },
    });
  const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
  const firmEntries = async () => {
    const page = await s.hub.ledger.search({ subject: s.hub.ledger.subjectTag(FIRM!.credit_code) }, 50);
    return page.items.map((row) => ({ text: row.entry, entry: readEntry(row.entry) as Record<string, unknown> }));
  };

  beforeAll(async () => {
    if (engine.skip) return;
    s = await openSeededApp(engine, ['operator', 'citizen', 'consumer'], {
      now: () => new Date(Date.now() + shift),
    });
    // Two more citizen accounts: the agent the representative appoints, and a citizen with no part in it.
    const [, agent, bystander] = [...people(3, 2026)];
    for (const [username, person] of [
      ['agent_li', agent!],
      ['bystander', bystander!],
    ] as const) {
      await s.hub.access.createUser({
        username,
        displayName: `${person.name}（测试）`,
        password: SEEDED_PASSWORD,
        roles: ['citizen'],
        citizenId: person.citizen_id,
      });
      tokens.set(username, (await s.hub.access.login(username, SEEDED_PASSWORD)).token);
    }
  });
  afterAll(async () => {
    await s?.close();
  });

  it.skipIf(engine.skip)('shows the demo citizen the enterprise the demo bound them to', async () => {
    const res = await call('citizen', 'GET', '/me/enterprises');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items).toEqual([
      expect.objectContaining({
        creditCode: DEMO_FIRM!.credit_code,
        name: DEMO_FIRM!.name,
        as: 'representative',
        purposes: null,
        until: null,
        representative: { username: 'citizen', displayName: '市民' },
      }),
    ]);
  });

  it.skipIf(engine.skip)('lets operators bind an enterprise to a citizen account, and nobody else', async () => {
    const body = { creditCode: FIRM!.credit_code.toLowerCase(), name: FIRM!.name, representative: 'citizen' };
    expect((await call('citizen', 'POST', '/enterprises', body)).statusCode).toBe(403);
    expect((await call('consumer', 'POST', '/enterprises', body)).statusCode).toBe(403);
    const code = FIRM!.credit_code;
    const wrongCheck = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
    const refused = await call('operator', 'POST', '/enterprises', { ...body, creditCode: wrongCheck });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors[0].field).toBe('creditCode');
    // A representative is a citizen account with a citizen ID bound, not a department's clerk.
    const notCitizen = await call('operator', 'POST', '/enterprises', { ...body, representative: 'consumer' });
    expect(notCitizen.statusCode).toBe(422);
    expect(notCitizen.json().errors[0].field).toBe('representative');

    const bound = await call('operator', 'POST', '/enterprises', body);
    expect(bound.statusCode, bound.body).toBe(201);
    expect(bound.json()).toMatchObject({
      creditCode: code,
      name: FIRM!.name,
      representative: { username: 'citizen', displayName: '市民' },
      boundBy: { username: 'operator' },
      agents: 0,
    });
    const all = (await call('operator', 'GET', '/enterprises')).json().items as Array<{ creditCode: string }>;
    expect(all.map((e) => e.creditCode).sort()).toEqual([DEMO_FIRM!.credit_code, code].sort());
    expect((await call('citizen', 'GET', '/enterprises')).statusCode).toBe(403);

    const [entry] = await firmEntries();
    expect(entry!.entry).toMatchObject({
      kind: 'access.enterprise.bound',
      representative: 'citizen',
      previous: null,
      agentsRevoked: 0,
      actor: 'operator',
    });
    // The citizen's ID never, and the credit code only as its tag.
    const citizenId = (await s.hub.access.citizenIdOf(await as('citizen')))!;
    expect(entry!.text).not.toContain(citizenId);
    expect(entry!.text).not.toContain(code);
  });

  it.skipIf(engine.skip)('lets the representative appoint an agent for a purpose until a date', async () => {
    const until = inDays(30);
    const res = await call('citizen', 'POST', `/enterprises/${FIRM!.credit_code}/agents`, {
      username: 'agent_li',
      purposes: ['credit_service'],
      validUntil: until,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      agent: { username: 'agent_li' },
      purposes: [{ code: 'credit_service', name: '信用服务' }],
      validUntil: new Date(`${until}T23:59:59.999+08:00`).toISOString(),
      expired: false,
      appointedBy: { username: 'citizen', displayName: '市民' },
    });

    expect(await authority('citizen')).toEqual({ as: 'representative', purposes: null, until: null });
    expect(await authority('citizen', 'statistics')).toEqual({ as: 'representative', purposes: null, until: null });
    const agent = { as: 'agent', purposes: ['credit_service'], until: new Date(`${until}T23:59:59.999+08:00`) };
    expect(await authority('agent_li')).toEqual(agent);
    expect(await authority('agent_li', 'credit_service')).toEqual(agent);
    // Outside the appointment's purposes, and for a citizen with no part in the enterprise: nothing.
    expect(await authority('agent_li', 'statistics')).toBeNull();
    expect(await authority('bystander')).toBeNull();
    expect(await authority('bystander', 'credit_service')).toBeNull();
    expect(await s.hub.access.enterpriseAuthority(await as('agent_li'), DEMO_FIRM!.credit_code)).toBeNull();

    const mine = await call('agent_li', 'GET', '/me/enterprises');
    expect(mine.json().items).toEqual([
      {
        creditCode: FIRM!.credit_code,
        name: FIRM!.name,
        representative: { username: 'citizen', displayName: '市民' },
        as: 'agent',
        purposes: [{ code: 'credit_service', name: '信用服务' }],
        until: agent.until.toISOString(),
      },
    ]);
    const agents = await call('citizen', 'GET', `/enterprises/${FIRM!.credit_code}/agents`);
    expect(agents.statusCode, agents.body).toBe(200);
    expect(agents.json().items.map((a: { agent: { username: string } }) => a.agent.username)).toEqual(['agent_li']);
    expect((await firmEntries())[0]!.entry).toMatchObject({
      kind: 'access.enterprise.agent.changed',
      action: 'appoint',
      agent: 'agent_li',
      purposes: ['credit_service'],
      validUntil: agent.until.toISOString(),
      replaced: false,
      actor: 'citizen',
    });
  });

  it.skipIf(engine.skip)('lets nobody but the representative appoint or revoke agents', async () => {
    const url = `/enterprises/${FIRM!.credit_code}/agents`;
    const body = { username: 'bystander', purposes: ['credit_service'] };
    for (const who of ['bystander', 'agent_li', 'operator', 'consumer']) {
      const res = await call(who, 'POST', url, body);
      expect(res.statusCode, `${who}: ${res.body}`).toBe(403);
      expect(res.json().code).toBe('ACC_FORBIDDEN');
      expect((await call(who, 'POST', `${url}/agent_li/revoke`)).statusCode, who).toBe(403);
    }
    // Operators see the agents; another citizen and the agent do not.
    expect((await call('operator', 'GET', url)).statusCode).toBe(200);
    expect((await call('bystander', 'GET', url)).statusCode).toBe(403);
    expect((await call('agent_li', 'GET', url)).statusCode).toBe(403);
    expect(await authority('bystander')).toBeNull();
  });

  it.skipIf(engine.skip)('refuses an appointment of the representative, an unknown purpose or a past end', async () => {
    const url = `/enterprises/${FIRM!.credit_code}/agents`;
    const field = async (body: object) => {
      const res = await call('citizen', 'POST', url, body);
      expect(res.statusCode, res.body).toBe(422);
      return res.json().errors[0].field as string;
    };
    expect(await field({ username: 'citizen' })).toBe('username');
    expect(await field({ username: 'consumer' })).toBe('username');
    expect(await field({ username: 'bystander', purposes: ['no_such_purpose'] })).toBe('purposes');
    expect(await field({ username: 'bystander', validUntil: '2020-01-01' })).toBe('validUntil');
    expect(await authority('bystander')).toBeNull();
    const missing = await call('operator', 'GET', `/enterprises/${UNBOUND!.credit_code}/agents`);
    expect(missing.json().code).toBe('ACC_ENTERPRISE_NOT_FOUND');
  });

  it.skipIf(engine.skip)('ends an appointment at its expiry', async () => {
    shift = 31 * DAY;
    try {
      expect(await authority('agent_li')).toBeNull();
      expect(await authority('agent_li', 'credit_service')).toBeNull();
      expect(await authority('citizen', 'credit_service')).toMatchObject({ as: 'representative' });
      const listed = await s.hub.enterprises.agents(await as('citizen'), FIRM!.credit_code);
      expect(listed.items).toEqual([expect.objectContaining({ expired: true })]);
      expect(await s.hub.enterprises.mine(await as('agent_li'))).toEqual([]);
    } finally {
      shift = 0;
    }
    expect(await authority('agent_li', 'credit_service')).toMatchObject({ as: 'agent' });
  });

  it.skipIf(engine.skip)('ends an appointment when the representative revokes it', async () => {
    const url = `/enterprises/${FIRM!.credit_code}/agents`;
    const res = await call('citizen', 'POST', `${url}/agent_li/revoke`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().revokedAt).toBeTruthy();
    expect(await authority('agent_li')).toBeNull();
    expect(await authority('agent_li', 'credit_service')).toBeNull();
    expect((await call('agent_li', 'GET', '/me/enterprises')).json().items).toEqual([]);
    expect((await call('citizen', 'GET', url)).json().items).toEqual([]);
    const again = await call('citizen', 'POST', `${url}/agent_li/revoke`);
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('ACC_AGENT_NOT_FOUND');
    const kinds = (await firmEntries()).map((e) => [e.entry.kind, e.entry.action ?? null]);
    expect(kinds).toEqual([
      ['access.enterprise.agent.changed', 'revoke'],
      ['access.enterprise.agent.changed', 'appoint'],
      ['access.enterprise.bound', null],
    ]);
  });

  it.skipIf(engine.skip)('ends the former representative’s appointments when another is bound', async () => {
    const url = `/enterprises/${FIRM!.credit_code}/agents`;
    const appointed = await call('citizen', 'POST', url, { username: 'agent_li' });
    expect(appointed.statusCode, appointed.body).toBe(201);
    expect(await authority('agent_li', 'statistics')).toEqual({ as: 'agent', purposes: null, until: null });
    const rebound = await call('operator', 'POST', '/enterprises', {
      creditCode: FIRM!.credit_code,
      name: FIRM!.name,
      representative: 'bystander',
    });
    expect(rebound.statusCode, rebound.body).toBe(201);
    expect(await authority('agent_li')).toBeNull();
    expect(await authority('citizen')).toBeNull();
    expect(await authority('bystander')).toEqual({ as: 'representative', purposes: null, until: null });
    expect((await firmEntries())[0]!.entry).toMatchObject({
      kind: 'access.enterprise.bound',
      representative: 'bystander',
      previous: 'citizen',
      agentsRevoked: 1,
    });
    // The new representative appoints; the former one no longer may.
    expect((await call('citizen', 'POST', url, { username: 'agent_li' })).statusCode).toBe(403);
    expect((await call('bystander', 'POST', url, { username: 'agent_li' })).statusCode).toBe(201);
  });

  it.skipIf(engine.skip)('gives no authority to an account that is no longer a citizen’s', async () => {
    await s.hub.access.setDisabled('bystander', true);
    expect(await authority('bystander')).toBeNull();
    await s.hub.access.setDisabled('bystander', false);
    expect(await authority('bystander')).toMatchObject({ as: 'representative' });
  });
});
