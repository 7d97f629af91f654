import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcConfigFromEnv } from '../../src/access/index.js';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { createLogger, makeCitizenId } from '../../src/kernel/index.js';
import type { EntryKind } from '../../src/ledger/index.js';
import { engines } from '../databases.js';

type App = Awaited<ReturnType<typeof buildApp>>;

/** The hub as the browser reaches it: its requests go to the app in-process, the provider's over HTTP. */
const HUB = 'http://hub.test';
const CLIENT_ID = 'qdh-hub';
const CLIENT_SECRET = randomBytes(24).toString('base64url');
const NEW_PERSON = makeCitizenId('370102', '1990-05-17', 123);
const KNOWN_PERSON = makeCitizenId('370103', '1985-11-02', 45);
/** The provider's people: subject → claims. `nobody` has no citizen ID, `forger` a wrong check digit. */
const PEOPLE: Record<string, Record<string, string>> = {
  'sd-0001': { name: '张三', id_number: NEW_PERSON },
  'sd-0002': { name: '李四', id_number: KNOWN_PERSON },
  nobody: { name: '王五' },
  forger: { name: '赵六', id_number: `${NEW_PERSON.slice(0, 17)}${NEW_PERSON.endsWith('0') ? '1' : '0'}` },
};

/**
 * #16 on PGlite and PostgreSQL: a hub configured with a real OpenID provider (panva's
 * oidc-provider, on a random loopback port) logs a citizen in through the whole authorization
 * code flow — PKCE, state, nonce, the ID token verified — driven with plain HTTP as a browser
 * would, and binds the person by the citizen ID claim. On PostgreSQL a second hub process
 * finishes the login the first started.
 */
describe.each(engines())('login through the unified identity on $name', (engine) => {
  let provider: { issuer: string; close(): Promise<void> };
  const hubs: Hub[] = [];
  let app: App;
  /** Where the callback lands: a second process over the same database on PostgreSQL, the same app on PGlite. */
  let other: App;
  /** The same hub without OIDC configured. */
  let plain: App;

  beforeAll(async () => {
    if (engine.skip) return;
    provider = await startProvider(`${HUB}/api/v1/auth/oidc/callback`);
    const oidc = oidcConfigFromEnv({
      QDH_OIDC_ISSUER: provider.issuer,
      QDH_OIDC_CLIENT_ID: CLIENT_ID,
      QDH_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      QDH_PUBLIC_URL: HUB,
      QDH_OIDC_LABEL: '爱山东',
    });
    const url = await engine.createDatabase();
    hubs.push(await openHub({ databaseUrl: url, dataDir: 'memory://', oidc }));
    app = await buildApp(hubs[0]!, { logger: createLogger('silent') });
    if (url) hubs.push(await openHub({ databaseUrl: url, dataDir: 'memory://', oidc }));
    other = hubs[1] ? await buildApp(hubs[1], { logger: createLogger('silent') }) : app;
    plain = await buildApp({ ...hubs[0]!, oidc: null }, { logger: createLogger('silent') });
    await hubs[0]!.access.createUser({
      username: 'lisi',
      displayName: '李四',
      password: 'lisi-password-1',
      roles: ['citizen'],
      citizenId: KNOWN_PERSON,
    });
  });
  afterAll(async () => {
    for (const a of new Set([app, other, plain])) await a?.close();
    for (const hub of hubs) await hub.close();
    await provider?.close();
  });

  const redeem = (code: string) => app.inject({ method: 'POST', url: '/api/v1/auth/oidc/session', payload: { code } });
  const me = (token: string) =>
    app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });

  it.skipIf(engine.skip)('says it is enabled, with its name', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/auth/oidc' });
    expect(res.json()).toEqual({ enabled: true, label: '爱山东' });
  });

  it.skipIf(engine.skip)('logs a new citizen in and makes the account bound to the ID', async () => {
    const browser = new Browser(
      () => app,
      () => other,
    );
    const back = await browser.signIn('sd-0001');
    expect(back.hash).toMatch(/^#oidc=[\w-]{40,}$/);
    const login = await redeem(back.hash.slice('#oidc='.length));
    expect(login.statusCode, login.body).toBe(200);
    const { token, user, expiresIn } = login.json();
    expect(expiresIn).toBe(8 * 60 * 60);
    expect(user).toMatchObject({ displayName: '张三', roles: ['citizen'], org: null });
    expect(user.username).toMatch(/^oidc_[0-9a-f]{20}$/);
    const self = await me(token);
    expect(self.statusCode).toBe(200);
    expect(self.json()).toMatchObject({ username: user.username, citizenId: NEW_PERSON });
    // The account's making is on the ledger, without the ID.
    const entries = await ledgerEntries(hubs[0]!, 'access.account.changed');
    const made = entries.filter((e) => e.account === user.username);
    expect(made).toEqual([expect.objectContaining({ action: 'create', via: 'oidc', citizenBound: true })]);
    expect(JSON.stringify(made)).not.toContain(NEW_PERSON);

    // The next login of the same person is the same account, and makes none.
    const again = await new Browser(
      () => other,
      () => app,
    ).signIn('sd-0001');
    const second = await redeem(again.hash.slice('#oidc='.length));
    expect(second.json().user.id).toBe(user.id);
    expect((await ledgerEntries(hubs[0]!, 'access.account.changed')).length).toBe(entries.length);
  });

  it.skipIf(engine.skip)("logs a person into the existing account bound to the provider's citizen ID", async () => {
    const back = await new Browser(
      () => app,
      () => other,
    ).signIn('sd-0002');
    const login = await redeem(back.hash.slice('#oidc='.length));
    expect(login.json().user).toMatchObject({ username: 'lisi', roles: ['citizen'] });
    expect((await me(login.json().token)).json().citizenId).toBe(KNOWN_PERSON);
  });

  it.skipIf(engine.skip)('takes a one-time code once', async () => {
    const back = await new Browser(
      () => app,
      () => app,
    ).signIn('sd-0002');
    const code = back.hash.slice('#oidc='.length);
    expect((await redeem(code)).statusCode).toBe(200);
    const replay = await redeem(code);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('ACC_OIDC_FAILED');
  });

  it.skipIf(engine.skip)(
    'refuses a tampered state, and a callback in a browser that did not start the login',
    async () => {
      const tampered = new Browser(
        () => app,
        () => app,
        (callback) => {
          callback.searchParams.set('state', `${callback.searchParams.get('state')}x`);
        },
      );
      expect((await tampered.signIn('sd-0001')).hash).toBe('#oidc-error=ACC_OIDC_FAILED');
      const elsewhere = new Browser(
        () => app,
        () => app,
        undefined,
        true,
      );
      expect((await elsewhere.signIn('sd-0001')).hash).toBe('#oidc-error=ACC_OIDC_FAILED');
    },
  );

  it.skipIf(engine.skip)('refuses an identity without a valid citizen ID, and a disabled account', async () => {
    for (const person of ['nobody', 'forger']) {
      expect(
        (
          await new Browser(
            () => app,
            () => app,
          ).signIn(person)
        ).hash,
      ).toBe('#oidc-error=ACC_OIDC_NO_CITIZEN_ID');
    }
    await hubs[0]!.access.setDisabled('lisi', true);
    try {
      const back = await new Browser(
        () => app,
        () => app,
      ).signIn('sd-0002');
      const login = await redeem(back.hash.slice('#oidc='.length));
      expect(login.statusCode).toBe(401);
      expect(login.json()).toMatchObject({ code: 'ACC_OIDC_FAILED', detailCode: 'access.oidcDisabled' });
    } finally {
      await hubs[0]!.access.setDisabled('lisi', false);
    }
  });

  it.skipIf(engine.skip)('answers a hub without OIDC with enabled:false and clean problems', async () => {
    expect((await plain.inject({ method: 'GET', url: '/api/v1/auth/oidc' })).json()).toEqual({
      enabled: false,
      label: null,
    });
    const start = await plain.inject({ method: 'GET', url: '/api/v1/auth/oidc/start' });
    expect(start.statusCode).toBe(404);
    expect(start.json().code).toBe('ACC_OIDC_NOT_CONFIGURED');
    const session = await plain.inject({ method: 'POST', url: '/api/v1/auth/oidc/session', payload: { code: 'x' } });
    expect(session.json().code).toBe('ACC_OIDC_NOT_CONFIGURED');
  });
});

/** The provider's people log in with devInteractions' forms (any password) and consent to what is asked. */
async function startProvider(redirectUri: string): Promise<{ issuer: string; close(): Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'qdh-test', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], profile: ['name', 'id_number'] },
    pkce: { required: () => true },
    // Set, so that the provider does not print a notice for each default it uses.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx, sub) => {
      const claims = PEOPLE[sub];
      return claims && { accountId: sub, claims: () => ({ sub, ...claims }) };
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

interface Page {
  url: URL;
  status: number;
  location: string | undefined;
  body: string;
}

/**
 * A browser driven by hand: a cookie jar per origin, redirects followed one by one. Requests to the
 * hub go to `starter()` until the provider sends the browser back, then to `finisher()`.
 */
class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  constructor(
    private readonly starter: () => App,
    private readonly finisher: () => App,
    /** Changes the callback URL before the browser follows it (an attacker's hand). */
    private readonly tamper?: (callback: URL) => void,
    /** Drops the hub's cookies before the callback: another browser follows the link. */
    private readonly forget = false,
  ) {}

  /** From the login button to the hub's login page; logs in at the provider as `subject` and consents. */
  async signIn(subject: string): Promise<URL> {
    let page = await this.get(new URL(`${HUB}/api/v1/auth/oidc/start`), this.starter());
    for (let step = 0; step < 20; step++) {
      if (page.location !== undefined) {
        const next = new URL(page.location, page.url);
        if (next.origin === HUB && next.pathname === '/login') return next;
        if (next.origin === HUB) {
          this.tamper?.(next);
          if (this.forget) this.jars.delete(HUB);
        }
        page = await this.get(next, this.finisher());
        continue;
      }
      const prompt = /name="prompt" value="(\w+)"/.exec(page.body)?.[1];
      const action = /action="([^"]+)"/.exec(page.body)?.[1];
      if (!prompt || !action)
        throw new Error(`unexpected page ${page.status} at ${page.url}: ${page.body.slice(0, 300)}`);
      const form: Record<string, string> =
        prompt === 'login' ? { prompt, login: subject, password: 'any' } : { prompt };
      page = await this.post(new URL(action, page.url), form);
    }
    throw new Error('the login did not come back to the hub');
  }

  private async get(url: URL, hub: App): Promise<Page> {
    if (url.origin !== HUB) return this.fetch(url, { method: 'GET' });
    const res = await hub.inject({ method: 'GET', url: url.pathname + url.search, headers: this.cookies(url) });
    this.remember(url, [res.headers['set-cookie'] ?? []].flat().map(String));
    const location = res.headers.location;
    return {
      url,
      status: res.statusCode,
      location: location === undefined ? undefined : String(location),
      body: res.body,
    };
  }

  private post(url: URL, form: Record<string, string>): Promise<Page> {
    return this.fetch(url, { method: 'POST', body: new URLSearchParams(form) });
  }

  private async fetch(url: URL, init: RequestInit): Promise<Page> {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: this.cookies(url) });
    this.remember(url, res.headers.getSetCookie());
    return { url, status: res.status, location: res.headers.get('location') ?? undefined, body: await res.text() };
  }

  private cookies(url: URL): Record<string, string> {
    const jar = this.jars.get(url.origin);
    return jar && jar.size > 0 ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  /** Paths are not kept: each name is set for one path at a time in this flow. */
  private remember(url: URL, headers: string[]): void {
    const jar = this.jars.get(url.origin) ?? new Map<string, string>();
    this.jars.set(url.origin, jar);
    for (const header of headers) {
      const [pair = '', ...attributes] = header.split(';');
      const name = pair.slice(0, pair.indexOf('=')).trim();
      const expires = attributes.map((a) => a.trim()).find((a) => /^expires=/i.test(a));
      const gone =
        attributes.some((a) => /^\s*max-age=0$/i.test(a)) ||
        (expires !== undefined && Date.parse(expires.slice(8)) < Date.now());
      if (gone) jar.delete(name);
      else jar.set(name, pair.slice(pair.indexOf('=') + 1).trim());
    }
  }
}

async function ledgerEntries(hub: Hub, kind: EntryKind): Promise<Array<Record<string, unknown>>> {
  const found = await hub.ledger.search({ kind }, 100);
  return found.items.map((row) => JSON.parse(row.entry) as Record<string, unknown>);
}
