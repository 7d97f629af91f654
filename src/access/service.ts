import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { SignJWT, jwtVerify, type JWTPayload } from 'jose';
import type { Database, Kysely } from '../db/index.js';
import {
  HubError,
  checkCitizenId,
  checkCreditCode,
  fieldProblem,
  findDivision,
  invalid,
  msg,
} from '../kernel/index.js';
import type { Actor } from './actor.js';
import { announceRevocation, CredentialCache, listenForRevocations } from './credential-cache.js';
import { LoginThrottle, type LoginSource } from './login-throttle.js';
import { Accounts } from './accounts.js';
import type { EnterpriseAuthority } from './enterprise-authority.js';
import { Enterprises } from './enterprises.js';
import { passwordBreaks, PASSWORD_RULES } from './password-rules.js';
import { CitizenIds, type LookupKey } from './citizen-ids.js';
import { loadOrCreateSecret, type SecretSeal } from './secrets.js';
import { Sessions } from './sessions.js';
import { ROLES, type AccessTables, type OrgKind, type Role } from './tables.js';

/** How long a token lives unless revoked earlier (logout, password change, disabled user). */
export const TOKEN_TTL_S = 8 * 60 * 60;
const ISSUER = 'qdh';
const API_KEY_PREFIX = 'qdh_';
const MIN_PASSWORD = 8;
/** Logins the server makes for itself (the CLI, tests) come from here. */
const LOCAL: LoginSource = { address: 'local' };

export interface OrganizationInput {
  code: string;
  name: string;
  kind: OrgKind;
  division: string;
  creditCode?: string | null;
  parentCode?: string | null;
  /** A third party's consent purposes (codes of the purpose registry, checked by the caller). */
  purposes?: string[] | null;
}

export interface UserInput {
  username: string;
  displayName: string;
  password: string;
  orgCode?: string | null;
  roles: Role[];
  citizenId?: string | null;
  /** The password was set by someone else (an operator): the user must choose their own at the next login. */
  mustChangePassword?: boolean;
}

export interface Organization {
  id: number;
  code: string;
  name: string;
  kind: OrgKind;
  division: string;
  creditCode: string | null;
  /** The organization this one belongs to (a district's bureau under the city's), if any. */
  parentCode: string | null;
  /** A third party's registered consent purposes; null: none registered. */
  purposes: string[] | null;
}

export interface UserProfile {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  org: { code: string; name: string; kind: OrgKind } | null;
}

/** A login's answer: the token, when it expires (ISO 8601) and in how many seconds. */
export interface LoginAnswer {
  token: string;
  expiresAt: string;
  expiresIn: number;
  user: UserProfile;
}

// A hash to verify against when the user does not exist, so that timing does not reveal user names.
let dummyHash: Promise<string> | undefined;

export class AccessService {
  private readonly db: Kysely<AccessTables>;
  private readonly apiKeyCache = new CredentialCache<Actor>();
  private readonly throttle: LoginThrottle;
  private readonly sessions: Sessions;
  private orgs: { list: Organization[]; until: number } | undefined;
  /** Searchable lists of accounts and organizations, for their administrators. */
  readonly accounts: Accounts;
  /** Enterprise accounts, their legal representatives and agents (AuthorizedEnterprises asks the policy first). */
  readonly enterprises: Enterprises;

  private constructor(
    database: Database,
    private readonly tokenKey: Uint8Array,
    private readonly now: () => Date,
    private readonly secretSeal: SecretSeal | undefined,
    private readonly citizenIds: CitizenIds,
  ) {
    this.db = database.kysely.withTables<AccessTables>();
    this.throttle = new LoginThrottle(this.db, now);
    this.sessions = new Sessions(this.db, now);
    this.accounts = new Accounts(database);
    this.enterprises = new Enterprises(this.db, now);
  }

  /** `now` is the clock of tokens and of the login throttle (tests move it). */
  static async open(
    database: Database,
    opts: { now?: (() => Date) | undefined; secrets: SecretSeal; lookup: LookupKey },
  ): Promise<AccessService> {
    const key = await loadOrCreateSecret(database.kysely.withTables<AccessTables>(), 'token-hs256', 32, opts.secrets);
    const ids = new CitizenIds(opts.secrets, opts.lookup);
    const service = new AccessService(database, key, opts.now ?? (() => new Date()), opts.secrets, ids);
    await service.sealCitizenIds();
    await listenForRevocations(database, [service.sessions.cache, service.apiKeyCache]);
    return service;
  }

  /**
   * Seals the citizen IDs an earlier version stored in clear, before the hub serves. Processes
   * starting together share the work: an ID is rewritten only while it is still untagged.
   */
  private async sealCitizenIds(): Promise<void> {
    const rows = await this.db
      .selectFrom('access.user')
      .select(['id', 'citizen_id'])
      .where('citizen_id', 'is not', null)
      .where('citizen_tag', 'is', null)
      .execute();
    for (const r of rows) {
      await this.db
        .updateTable('access.user')
        .set(await this.citizenIds.stored(await this.citizenIds.open(r.citizen_id)))
        .where('id', '=', r.id)
        .where('citizen_tag', 'is', null)
        .execute();
    }
  }

  /** A named secret shared by every process of the hub (created on first use), e.g. the watermark key. */
  secret(name: string): Promise<Uint8Array> {
    return loadOrCreateSecret(this.db, name, 32, this.secretSeal);
  }

  async createOrganization(input: OrganizationInput): Promise<Organization> {
    if (!findDivision(input.division)) throw invalid('division', msg('kernel.notDivision', { code: input.division }));
    let creditCode: string | null = null;
    if (input.creditCode) {
      const check = checkCreditCode(input.creditCode);
      if (!check.ok) throw invalid('creditCode', check.message);
      creditCode = check.value.code;
    }
    const row = await this.db
      .insertInto('access.organization')
      .values({
        code: input.code,
        name: input.name,
        kind: input.kind,
        division: input.division,
        credit_code: creditCode,
        parent_code: input.parentCode ?? null,
        purposes: input.purposes ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    this.orgs = undefined;
    return toOrganization(row);
  }

  /** Changes an organization's name, kind, division, parent or credit code; its code never changes (others refer to it). */
  async updateOrganization(
    code: string,
    patch: Partial<Pick<OrganizationInput, 'name' | 'kind' | 'division' | 'creditCode' | 'parentCode' | 'purposes'>>,
  ): Promise<Organization> {
    if (patch.division !== undefined && !findDivision(patch.division)) {
      throw invalid('division', msg('kernel.notDivision', { code: patch.division }));
    }
    let creditCode = patch.creditCode;
    if (creditCode) {
      const check = checkCreditCode(creditCode);
      if (!check.ok) throw invalid('creditCode', check.message);
      creditCode = check.value.code;
    }
    const row = await this.db
      .updateTable('access.organization')
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.kind !== undefined && { kind: patch.kind }),
        ...(patch.division !== undefined && { division: patch.division }),
        ...(creditCode !== undefined && { credit_code: creditCode || null }),
        ...(patch.parentCode !== undefined && { parent_code: patch.parentCode }),
        ...(patch.purposes !== undefined && { purposes: patch.purposes }),
      })
      .where('code', '=', code)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new HubError('ACC_ORG_NOT_FOUND', msg('access.noOrg', { org: code }));
    this.orgs = undefined;
    return toOrganization(row);
  }

  /** Organizations change rarely and are named on most responses: each process keeps them briefly. */
  async listOrganizations(): Promise<Organization[]> {
    if (this.orgs && this.orgs.until > Date.now()) return this.orgs.list;
    const rows = await this.db.selectFrom('access.organization').selectAll().orderBy('id').execute();
    this.orgs = { list: rows.map(toOrganization), until: Date.now() + 5000 };
    return this.orgs.list;
  }

  async findOrganization(code: string): Promise<Organization | undefined> {
    const row = await this.db.selectFrom('access.organization').selectAll().where('code', '=', code).executeTakeFirst();
    return row && toOrganization(row);
  }

  async createUser(input: UserInput): Promise<UserProfile> {
    if (input.password.length < MIN_PASSWORD) throw invalid('password', msg('kernel.minChars', { min: MIN_PASSWORD }));
    const unknown = input.roles.filter((r) => !ROLES.includes(r));
    if (input.roles.length === 0 || unknown.length > 0)
      throw invalid('roles', msg('access.rolesOf', { roles: [...ROLES] }));
    let citizenId: string | null = null;
    if (input.citizenId) {
      const check = checkCitizenId(input.citizenId);
      if (!check.ok) throw invalid('citizenId', check.message);
      citizenId = check.value.id;
    }
    const org = input.orgCode ? await this.findOrganization(input.orgCode) : undefined;
    if (input.orgCode && !org) throw invalid('org', msg('access.noOrg', { org: input.orgCode }));
    const exists = await this.db
      .selectFrom('access.user')
      .select('id')
      .where('username', '=', input.username)
      .executeTakeFirst();
    if (exists) throw new HubError('ACC_USER_EXISTS', msg('access.userExists', { user: input.username }));
    const row = await this.db
      .insertInto('access.user')
      .values({
        username: input.username,
        display_name: input.displayName,
        password_hash: await hash(input.password),
        org_id: org?.id ?? null,
        roles: input.roles,
        ...(await this.citizenIds.stored(citizenId)),
        must_change_password: input.mustChangePassword ?? false,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return this.profile(row.id);
  }

  async profile(userId: number): Promise<UserProfile> {
    const row = await this.db
      .selectFrom('access.user as u')
      .leftJoin('access.organization as o', 'o.id', 'u.org_id')
      .select(['u.id', 'u.username', 'u.display_name', 'u.roles', 'o.code', 'o.name', 'o.kind'])
      .where('u.id', '=', userId)
      .executeTakeFirst();
    if (!row) throw new HubError('ACC_USER_NOT_FOUND', msg('access.noUser', { user: userId }));
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      roles: row.roles,
      org: row.code && row.name && row.kind ? { code: row.code, name: row.name, kind: row.kind } : null,
    };
  }

  /**
   * Display names of the named users, for pages that show who did something (a version's author)
   * by name rather than by login; a name not found is left out and shown as the login.
   */
  async displayNames(usernames: string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(usernames)];
    if (wanted.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('access.user')
      .select(['username', 'display_name'])
      .where('username', 'in', wanted)
      .execute();
    return new Map(rows.map((r) => [r.username, r.display_name]));
  }

  /** A named user as the actor of a command run on the server (the CLI), with what its token would carry. */
  async actorOf(username: string): Promise<Actor> {
    const user = await this.profile(await this.findUserId(username));
    return {
      userId: user.id,
      username: user.username,
      roles: user.roles,
      org: user.org ? await this.orgRef(user.org.code) : null,
      via: 'token',
    };
  }

  async findUserId(username: string): Promise<number> {
    const row = await this.db
      .selectFrom('access.user')
      .select('id')
      .where('username', '=', username)
      .executeTakeFirst();
    if (!row) throw invalid('username', msg('access.noUser', { user: username }));
    return row.id;
  }

  /** The id of the account a citizen ID is bound to, or null. */
  async userBoundTo(citizenId: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('access.user')
      .select('id')
      .where('citizen_tag', '=', await this.citizenIds.tag(citizenId))
      .executeTakeFirst();
    return row?.id ?? null;
  }

  /** The citizen ID bound to a citizen account, for finding that citizen's own data. */
  async citizenIdOf(actor: Actor): Promise<string | null> {
    const row = await this.db
      .selectFrom('access.user')
      .select('citizen_id')
      .where('id', '=', actor.userId)
      .executeTakeFirst();
    return this.citizenIds.open(row?.citizen_id ?? null);
  }

  /** How the actor may act for the enterprise of this credit code: as its legal representative, as an agent within an appointment (purposes it covers, null = any; until when), or not at all. */
  enterpriseAuthority(
    actor: Actor,
    creditCode: string,
    purpose?: string,
  ): Promise<{ as: 'representative' | 'agent'; purposes: string[] | null; until: Date | null } | null> {
    return this.enterprises.authority(actor.userId, creditCode, purpose) satisfies Promise<EnterpriseAuthority | null>;
  }

  /** Checks the password, slowed down per source (login-throttle.ts), and opens a session. */
  async login(
    username: string,
    password: string,
    from: LoginSource = LOCAL,
    newPassword?: string,
  ): Promise<LoginAnswer> {
    const user = await this.checkPassword(username, password, from);
    // A password someone else set opens no session: the login must carry the user's own new one.
    if (newPassword === undefined && user.mustChange) throw new HubError('ACC_PASSWORD_CHANGE_REQUIRED');
    if (newPassword !== undefined) {
      checkNewPassword('newPassword', newPassword, username, password);
      await this.setPassword(user.id, newPassword, false);
    }
    return this.issueToken(await this.profile(user.id));
  }

  /**
   * Opens a session for an account whose person an identity provider vouched for (oidc.ts): no
   * password is asked, and the token is the one a password login issues.
   */
  async loginVouched(userId: number): Promise<LoginAnswer> {
    const row = await this.db.selectFrom('access.user').select('disabled').where('id', '=', userId).executeTakeFirst();
    if (!row || row.disabled) throw new HubError('ACC_OIDC_FAILED', msg('access.oidcDisabled'));
    return this.issueToken(await this.profile(userId));
  }

  /** The user's id when the password is right and the user enabled; a wrong one slows its source down. */
  private async checkPassword(
    username: string,
    password: string,
    from: LoginSource,
  ): Promise<{ id: number; mustChange: boolean }> {
    const row = await this.db
      .selectFrom('access.user')
      .select(['id', 'password_hash', 'disabled', 'must_change_password'])
      .where('username', '=', username)
      .executeTakeFirst();
    const source = await this.throttle.identify(row?.id ?? null, from);
    await this.throttle.check(username, source);
    await this.throttle.attempted(username, source);
    const ok = row
      ? await verify(row.password_hash, password)
      : await verify(await (dummyHash ??= hash('no-such-user')), password);
    if (!row || !ok || row.disabled) throw new HubError('ACC_BAD_CREDENTIALS');
    await this.throttle.succeeded(row.id, username, source, from.device);
    return { id: row.id, mustChange: row.must_change_password };
  }

  /** Replaces the caller's password; every earlier token of the user stops working, a new one is returned. */
  async changePassword(actor: Actor, current: string, next: string, from: LoginSource = LOCAL): Promise<LoginAnswer> {
    checkNewPassword('newPassword', next, actor.username, current);
    await this.checkPassword(actor.username, current, from);
    await this.setPassword(actor.userId, next, false);
    return this.issueToken(await this.profile(actor.userId));
  }

  /**
   * Replaces a user's password and ends every session of theirs. `mustChange`: someone else
   * chose it (an operator's reset), so the user must replace it at the next login.
   */
  async setPassword(userId: number, password: string, mustChange: boolean): Promise<void> {
    const passwordHash = await hash(password);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('access.user')
        .set({ password_hash: passwordHash, must_change_password: mustChange })
        .where('id', '=', userId)
        .execute();
      await this.sessions.revokeAll(userId, trx);
      await this.announce(userId, trx);
    });
  }

  /**
   * Changes who an account is and what it may do. Sessions read roles and organization from the
   * account (sessions.ts), so the announcement makes every process apply them at the next request.
   */
  async updateUser(
    userId: number,
    patch: { displayName?: string; orgId?: number | null; roles?: Role[]; citizenId?: string | null },
  ): Promise<UserProfile> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('access.user')
        .set({
          ...(patch.displayName !== undefined && { display_name: patch.displayName }),
          ...(patch.orgId !== undefined && { org_id: patch.orgId }),
          ...(patch.roles !== undefined && { roles: patch.roles }),
          ...(patch.citizenId !== undefined && (await this.citizenIds.stored(patch.citizenId))),
        })
        .where('id', '=', userId)
        .execute();
      await this.announce(userId, trx);
    });
    return this.profile(userId);
  }

  /** Ends the session of the token the actor presented. */
  async logout(actor: Actor): Promise<void> {
    if (!actor.session) throw new HubError('ACC_NOT_A_SESSION', msg('access.notASession'));
    await this.sessions.revoke(actor.session, actor.userId);
    await this.announce(actor.userId);
  }

  /** A disabled user's tokens and API keys stop working at the next request, in every process. */
  async setDisabled(username: string, disabled: boolean): Promise<{ username: string; disabled: boolean }> {
    const row = await this.db
      .selectFrom('access.user')
      .select('id')
      .where('username', '=', username)
      .executeTakeFirst();
    if (!row) throw new HubError('ACC_USER_NOT_FOUND', msg('access.noUser', { user: username }));
    const userId = row.id;
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('access.user').set({ disabled }).where('id', '=', userId).execute();
      if (disabled) await this.sessions.revokeAll(userId, trx);
      await this.announce(userId, trx);
    });
    return { username, disabled };
  }

  /** This process forgets the user's credentials at once, the others when the NOTIFY arrives (at commit). */
  private async announce(userId: number, db: Kysely<AccessTables> = this.db): Promise<void> {
    this.sessions.cache.forget(userId);
    this.apiKeyCache.forget(userId);
    await announceRevocation(db, userId);
  }

  private async issueToken(user: UserProfile): Promise<LoginAnswer> {
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const expiresAt = new Date((issuedAt + TOKEN_TTL_S) * 1000);
    const session = await this.sessions.open(user.id, expiresAt);
    const token = await new SignJWT({ usr: user.username, roles: user.roles, org: user.org?.code ?? null })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(user.id))
      .setIssuer(ISSUER)
      .setJti(session)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + TOKEN_TTL_S)
      .sign(this.tokenKey);
    return { token, expiresAt: expiresAt.toISOString(), expiresIn: TOKEN_TTL_S, user };
  }

  /** Verifies a bearer token: the actor comes from its signed claims, its session must still be live. */
  async authenticateToken(token: string): Promise<Actor> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.tokenKey, {
        issuer: ISSUER,
        algorithms: ['HS256'],
        currentDate: this.now(),
      }));
    } catch {
      throw new HubError('ACC_UNAUTHENTICATED', msg('access.badToken'));
    }
    const userId = Number(payload.sub);
    const holder = typeof payload.jti === 'string' ? await this.sessions.valid(payload.jti, userId) : undefined;
    if (!holder) throw new HubError('ACC_UNAUTHENTICATED', msg('access.tokenRevoked'));
    return {
      userId,
      username: String(payload.usr),
      roles: holder.roles,
      org: holder.orgCode ? await this.orgRef(holder.orgCode) : null,
      via: 'token',
      session: payload.jti,
    };
  }

  /** From the briefly kept list, so that a renamed organization shows its new name within seconds. */
  private async orgRef(code: string): Promise<{ id: number; code: string; name: string }> {
    const org = (await this.listOrganizations()).find((o) => o.code === code) ?? (await this.findOrganization(code));
    if (!org) throw new HubError('ACC_UNAUTHENTICATED', msg('access.tokenUnknownOrg'));
    return { id: org.id, code: org.code, name: org.name };
  }

  /** Creates an API key for a machine client; the key itself is shown once and stored only as a hash. */
  async createApiKey(userId: number, name: string): Promise<{ key: string; prefix: string }> {
    const key = API_KEY_PREFIX + randomBytes(24).toString('base64url');
    const prefix = key.slice(0, 10);
    await this.db
      .insertInto('access.api_key')
      .values({ user_id: userId, name, prefix, key_hash: sha256(key) })
      .execute();
    return { key, prefix };
  }

  async revokeApiKey(prefix: string): Promise<void> {
    const rows = await this.db
      .updateTable('access.api_key')
      .set({ revoked_at: this.now() })
      .where('prefix', '=', prefix)
      .returning('user_id')
      .execute();
    for (const userId of new Set(rows.map((r) => r.user_id))) await this.announce(userId);
  }

  /**
   * Machine clients call thousands of times a second: a verified key is kept in memory until
   * its revocation or its user's disabling is announced (credential-cache.ts).
   */
  async authenticateApiKey(key: string): Promise<Actor> {
    const digest = sha256(key);
    const cached = this.apiKeyCache.get(digest, this.now().getTime());
    if (cached) return cached;
    const row = await this.db
      .selectFrom('access.api_key as k')
      .innerJoin('access.user as u', 'u.id', 'k.user_id')
      .leftJoin('access.organization as o', 'o.id', 'u.org_id')
      .select(['u.id', 'u.username', 'u.roles', 'u.disabled', 'k.revoked_at', 'o.id as org_id', 'o.code', 'o.name'])
      .where('k.key_hash', '=', digest)
      .executeTakeFirst();
    if (!row || row.revoked_at || row.disabled) throw new HubError('ACC_UNAUTHENTICATED', msg('access.badApiKey'));
    const actor: Actor = {
      userId: row.id,
      username: row.username,
      roles: row.roles,
      org: row.org_id && row.code && row.name ? { id: row.org_id, code: row.code, name: row.name } : null,
      via: 'api_key',
    };
    this.apiKeyCache.set(digest, actor, this.now().getTime());
    return actor;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function toOrganization(row: {
  id: number;
  code: string;
  name: string;
  kind: OrgKind;
  division: string;
  credit_code: string | null;
  parent_code: string | null;
  purposes: string[] | null;
}): Organization {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    division: row.division,
    creditCode: row.credit_code,
    parentCode: row.parent_code,
    purposes: row.purposes,
  };
}

/** A password a person chooses must meet PASSWORD_RULES (password-rules.ts); the problem names the rule broken. */
export function checkNewPassword(field: string, password: string, username: string, current?: string): void {
  const broken = passwordBreaks(password, username, current);
  if (broken === undefined) return;
  const { minLength: min, maxLength: max } = PASSWORD_RULES;
  const reason = {
    length: msg('access.passwordLength', { min, max }),
    kinds: msg('access.passwordKinds'),
    username: msg('access.passwordUsername'),
    same: msg('access.passwordSame'),
  }[broken];
  throw new HubError('ACC_WEAK_PASSWORD', msg('kernel.fieldReason', { field, reason }), {
    problems: [fieldProblem(field, reason)],
  });
}
