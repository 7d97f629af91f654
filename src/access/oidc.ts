import { createHash, randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import type { Database, Kysely } from '../db/index.js';
import { HubError, checkCitizenId, msg } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import { isLoopbackHttp, type OidcConfig } from './oidc-config.js';
import { FLOW_TTL_S, openFlow, sealFlow } from './oidc-flow.js';
import type { AccessService, LoginAnswer, UserProfile } from './service.js';
import type { AccessTables } from './tables.js';

/** Where the provider sends the browser back, under the hub's public URL. */
export const OIDC_CALLBACK_PATH = '/api/v1/auth/oidc/callback';
/** How long the one-time code the browser returns with may wait to be traded for a token. */
const HANDOFF_TTL_S = 60;
/** Seconds for each request to the provider: a provider that hangs must not hold the login forever. */
const PROVIDER_TIMEOUT_S = 10;

/**
 * Login through a unified identity (统一身份认证): a standard OpenID Connect client (openid-client,
 * authorization code with PKCE, state and nonce) whose verified claim `config.claim` is a citizen
 * ID. The account bound to that ID logs in; a person without one gets a citizen account bound to
 * it. The browser leaves with a one-time code (`handOff`), never the token, in its address.
 */
export class OidcLogin {
  private server: Promise<client.Configuration> | undefined;
  private readonly db: Kysely<AccessTables>;

  private constructor(
    private readonly config: OidcConfig,
    database: Database,
    private readonly access: AccessService,
    private readonly ledger: Ledger,
    private readonly flowKey: Uint8Array,
    private readonly now: () => Date,
  ) {
    this.db = database.kysely.withTables<AccessTables>();
  }

  /** The provider is asked for its metadata at the first login, not here: a hub starts while it is down. */
  static async open(
    config: OidcConfig,
    deps: { database: Database; access: AccessService; ledger: Ledger; now?: (() => Date) | undefined },
  ): Promise<OidcLogin> {
    const key = await deps.access.secret('oidc-flow');
    return new OidcLogin(config, deps.database, deps.access, deps.ledger, key, deps.now ?? (() => new Date()));
  }

  /** Seconds a login may take at the provider: the flow cookie lives as long. */
  readonly flowTtlS = FLOW_TTL_S;

  get label(): string | null {
    return this.config.label;
  }

  get redirectUri(): string {
    return `${this.config.publicUrl.href.replace(/\/+$/, '')}${OIDC_CALLBACK_PATH}`;
  }

  /** Where to send the browser, and the sealed flow the browser must bring back (a cookie). */
  async start(): Promise<{ url: URL; flow: string }> {
    const server = await this.discovered();
    const flow = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
    };
    const url = client.buildAuthorizationUrl(server, {
      redirect_uri: this.redirectUri,
      scope: this.config.scope,
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
    });
    return { url, flow: await sealFlow(flow, this.flowKey, this.now()) };
  }

  /**
   * The callback: trades the code for tokens, verifies the ID token, finds or makes the account
   * of the citizen ID the provider vouched for, and answers the one-time code for the web app.
   * `search` is the callback's query string as the provider sent it.
   */
  async finish(search: string, sealedFlow: string | undefined): Promise<string> {
    const flow = await openFlow(sealedFlow, this.flowKey, this.now());
    const claims = await this.verifiedClaims(new URL(`${this.redirectUri}${search}`), flow);
    const citizenId = this.citizenIdIn(claims);
    const userId = (await this.access.userBoundTo(citizenId)) ?? (await this.createCitizen(claims, citizenId));
    return this.handOff(userId);
  }

  /** The web app's trade of a one-time code for the session token a password login issues. */
  async redeem(code: string): Promise<LoginAnswer> {
    const row = await this.db
      .deleteFrom('access.oidc_handoff')
      .where('code_hash', '=', sha256(code))
      .where('expires_at', '>', this.now())
      .returning('user_id')
      .executeTakeFirst();
    if (!row) throw new HubError('ACC_OIDC_FAILED', msg('access.oidcCodeUsed'));
    return this.access.loginVouched(row.user_id);
  }

  /** Discovered once per process; a failure is not kept, so the next login asks again. */
  private discovered(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.config;
    this.server ??= client
      .discovery(issuer, clientId, undefined, client.ClientSecretBasic(clientSecret), {
        timeout: PROVIDER_TIMEOUT_S,
        // http only to a provider on this machine's loopback (oidc-config.ts refuses it elsewhere).
        ...(isLoopbackHttp(issuer) && { execute: [client.allowInsecureRequests] }),
      })
      .catch((e: unknown) => {
        this.server = undefined;
        throw new HubError('ACC_OIDC_UNAVAILABLE', msg('access.oidcUnreachable', { issuer: issuer.href }), {
          cause: e,
        });
      });
    return this.server;
  }

  /**
   * The ID token's claims (signature, issuer, audience, expiry and nonce checked by openid-client),
   * with the userinfo's when the ID token lacks the binding claim: many providers put profile
   * claims only there.
   */
  private async verifiedClaims(callback: URL, flow: { state: string; nonce: string; verifier: string }) {
    const server = await this.discovered();
    try {
      const tokens = await client.authorizationCodeGrant(server, callback, {
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        pkceCodeVerifier: flow.verifier,
        idTokenExpected: true,
      });
      const claims: Record<string, unknown> = { ...tokens.claims()! };
      if (claims[this.config.claim] !== undefined) return claims;
      const info = await client.fetchUserInfo(server, tokens.access_token, String(claims.sub));
      return { ...info, ...claims };
    } catch (e) {
      throw providerError(e, this.config.issuer);
    }
  }

  private citizenIdIn(claims: Record<string, unknown>): string {
    const claim = this.config.claim;
    const value = claims[claim];
    if (typeof value !== 'string' || value === '') {
      throw new HubError('ACC_OIDC_NO_CITIZEN_ID', msg('access.oidcNoClaim', { claim }));
    }
    const check = checkCitizenId(value);
    if (!check.ok) throw new HubError('ACC_OIDC_NO_CITIZEN_ID', msg('access.oidcBadClaim', { claim }));
    return check.value.id;
  }

  /**
   * A person's first login: a citizen account bound to the ID, named after the provider's subject
   * (not the ID), with a random password nobody knows — the person logs in through the provider.
   */
  private async createCitizen(claims: Record<string, unknown>, citizenId: string): Promise<number> {
    const username = `oidc_${sha256(`${this.config.issuer.href} ${String(claims.sub)}`).slice(0, 20)}`;
    let user: UserProfile;
    try {
      user = await this.access.createUser({
        username,
        displayName: displayNameOf(claims.name) ?? username,
        password: randomBytes(32).toString('base64url'),
        roles: ['citizen'],
        citizenId,
      });
    } catch (e) {
      // The same person's first login in another tab or process made the account meanwhile.
      const made = await this.access.userBoundTo(citizenId);
      if (made !== null) return made;
      throw e;
    }
    await this.ledger.append({
      kind: 'access.account.changed',
      action: 'create',
      via: 'oidc',
      account: user.username,
      roles: user.roles,
      accountOrg: null,
      citizenBound: true,
      actor: user.username,
      at: new Date().toISOString(),
    });
    return user.id;
  }

  private async handOff(userId: number): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    const now = this.now();
    // Codes never redeemed go as new ones come, so the table stays the size of the logins of a minute.
    await this.db.deleteFrom('access.oidc_handoff').where('expires_at', '<', now).execute();
    await this.db
      .insertInto('access.oidc_handoff')
      .values({ code_hash: sha256(code), user_id: userId, expires_at: new Date(now.getTime() + HANDOFF_TTL_S * 1000) })
      .execute();
    return code;
  }
}

/** The provider could not be reached (502), or its answer did not verify or was a refusal (401). */
function providerError(e: unknown, issuer: URL): HubError {
  if (e instanceof HubError) return e;
  const unreachable =
    (e instanceof TypeError && e.message === 'fetch failed') ||
    (e instanceof DOMException && (e.name === 'TimeoutError' || e.name === 'AbortError'));
  if (unreachable) {
    return new HubError('ACC_OIDC_UNAVAILABLE', msg('access.oidcUnreachable', { issuer: issuer.href }), { cause: e });
  }
  // The OAuth error code (access_denied when the person declined) or openid-client's check that failed.
  const { error, code } = e as { error?: unknown; code?: unknown };
  const reason = typeof error === 'string' ? error : typeof code === 'string' ? code : 'invalid';
  return new HubError('ACC_OIDC_FAILED', msg('access.oidcRefused', { reason }), { cause: e });
}

/** Control characters (NUL cannot be stored) and surrogates without their pair. */
// eslint-disable-next-line no-control-regex
const UNSHOWABLE = /[\u0000-\u001f\u007f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The provider's `name` as a display name: text a database stores, of a length a page shows. */
function displayNameOf(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  const clean = name.replace(UNSHOWABLE, '').trim();
  return clean === '' ? undefined : clean.slice(0, 100);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
