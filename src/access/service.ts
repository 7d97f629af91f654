import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { SignJWT, jwtVerify } from 'jose';
import type { Database, Kysely } from '../db/index.js';
import { HubError, checkCitizenId, checkCreditCode, findDivision, invalid } from '../kernel/index.js';
import type { Actor } from './actor.js';
import { loadOrCreateSecret } from './secrets.js';
import { ROLES, type AccessTables, type OrgKind, type Role } from './tables.js';

const TOKEN_TTL = '8h';
const ISSUER = 'qdh';
/** Failed logins allowed per user name in the window before further attempts are refused. */
const MAX_FAILURES = 5;
const FAILURE_WINDOW_S = 15 * 60;
const API_KEY_PREFIX = 'qdh_';

export interface OrganizationInput {
  code: string;
  name: string;
  kind: OrgKind;
  division: string;
  creditCode?: string | null;
  parentCode?: string | null;
}

export interface UserInput {
  username: string;
  displayName: string;
  password: string;
  orgCode?: string | null;
  roles: Role[];
  citizenId?: string | null;
}

export interface Organization {
  id: number;
  code: string;
  name: string;
  kind: OrgKind;
  division: string;
  creditCode: string | null;
}

export interface UserProfile {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  org: { code: string; name: string; kind: OrgKind } | null;
}

// A hash to verify against when the user does not exist, so that timing does not reveal user names.
let dummyHash: Promise<string> | undefined;

export class AccessService {
  private readonly db: Kysely<AccessTables>;
  private readonly apiKeyCache = new Map<string, { actor: Actor; until: number }>();
  private orgs: { list: Organization[]; until: number } | undefined;

  private constructor(
    database: Database,
    private readonly tokenKey: Uint8Array,
  ) {
    this.db = database.kysely.withTables<AccessTables>();
  }

  static async open(database: Database): Promise<AccessService> {
    const key = await loadOrCreateSecret(database.kysely.withTables<AccessTables>(), 'token-hs256');
    return new AccessService(database, key);
  }

  /** A named secret shared by every process of the hub (created on first use), e.g. the watermark key. */
  secret(name: string): Promise<Uint8Array> {
    return loadOrCreateSecret(this.db, name);
  }

  async createOrganization(input: OrganizationInput): Promise<Organization> {
    if (!findDivision(input.division)) throw invalid('division', `${input.division} is not a GB/T 2260 division code`);
    let creditCode: string | null = null;
    if (input.creditCode) {
      const check = checkCreditCode(input.creditCode);
      if (!check.ok) throw invalid('creditCode', check.reason);
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
      })
      .returningAll()
      .executeTakeFirstOrThrow();
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
    if (input.password.length < 8) throw invalid('password', 'must be at least 8 characters');
    const unknown = input.roles.filter((r) => !ROLES.includes(r));
    if (input.roles.length === 0 || unknown.length > 0) throw invalid('roles', `must be some of ${ROLES.join(', ')}`);
    let citizenId: string | null = null;
    if (input.citizenId) {
      const check = checkCitizenId(input.citizenId);
      if (!check.ok) throw invalid('citizenId', check.reason);
      citizenId = check.value.id;
    }
    const org = input.orgCode ? await this.findOrganization(input.orgCode) : undefined;
    if (input.orgCode && !org) throw invalid('org', `no organization ${input.orgCode}`);
    const exists = await this.db
      .selectFrom('access.user')
      .select('id')
      .where('username', '=', input.username)
      .executeTakeFirst();
    if (exists) throw new HubError('KRN_CONFLICT', `user ${input.username} exists`);
    const row = await this.db
      .insertInto('access.user')
      .values({
        username: input.username,
        display_name: input.displayName,
        password_hash: await hash(input.password),
        org_id: org?.id ?? null,
        roles: input.roles,
        citizen_id: citizenId,
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
    if (!row) throw new HubError('KRN_NOT_FOUND', `no user ${userId}`);
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      roles: row.roles,
      org: row.code && row.name && row.kind ? { code: row.code, name: row.name, kind: row.kind } : null,
    };
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
    if (!row) throw invalid('username', `no user ${username}`);
    return row.id;
  }

  /** The citizen ID bound to a citizen account, for finding that citizen's own data. */
  async citizenIdOf(actor: Actor): Promise<string | null> {
    const row = await this.db
      .selectFrom('access.user')
      .select('citizen_id')
      .where('id', '=', actor.userId)
      .executeTakeFirst();
    return row?.citizen_id ?? null;
  }

  async login(username: string, password: string): Promise<{ token: string; user: UserProfile }> {
    await this.refuseWhenRateLimited(username);
    const row = await this.db
      .selectFrom('access.user')
      .select(['id', 'password_hash', 'disabled'])
      .where('username', '=', username)
      .executeTakeFirst();
    const ok = row
      ? await verify(row.password_hash, password)
      : await verify(await (dummyHash ??= hash('no-such-user')), password);
    if (!row || !ok || row.disabled) {
      await this.db.insertInto('access.login_failure').values({ username }).execute();
      throw new HubError('ACC_BAD_CREDENTIALS');
    }
    await this.db.deleteFrom('access.login_failure').where('username', '=', username).execute();
    const user = await this.profile(row.id);
    return { token: await this.issueToken(user), user };
  }

  private async refuseWhenRateLimited(username: string): Promise<void> {
    const since = new Date(Date.now() - FAILURE_WINDOW_S * 1000);
    const rows = await this.db
      .selectFrom('access.login_failure')
      .select(['at'])
      .where('username', '=', username)
      .where('at', '>', since)
      .orderBy('at')
      .execute();
    if (rows.length < MAX_FAILURES) return;
    const oldest = rows[rows.length - MAX_FAILURES]!.at.getTime();
    const retryAfter = Math.max(1, Math.ceil((oldest + FAILURE_WINDOW_S * 1000 - Date.now()) / 1000));
    throw new HubError('ACC_RATE_LIMITED', `too many failed logins for ${username}; retry in ${retryAfter} s`, {
      headers: { 'retry-after': String(retryAfter) },
    });
  }

  private issueToken(user: UserProfile): Promise<string> {
    return new SignJWT({ usr: user.username, roles: user.roles, org: user.org?.code ?? null })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(user.id))
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(TOKEN_TTL)
      .sign(this.tokenKey);
  }

  /** Verifies a bearer token; the actor comes from signed claims only, no database read. */
  async authenticateToken(token: string): Promise<Actor> {
    try {
      const { payload } = await jwtVerify(token, this.tokenKey, { issuer: ISSUER, algorithms: ['HS256'] });
      const orgCode = typeof payload.org === 'string' ? payload.org : null;
      return {
        userId: Number(payload.sub),
        username: String(payload.usr),
        roles: (payload.roles as Role[]) ?? [],
        org: orgCode ? await this.orgRef(orgCode) : null,
        via: 'token',
      };
    } catch {
      throw new HubError('ACC_UNAUTHENTICATED', 'invalid or expired token');
    }
  }

  private readonly orgRefs = new Map<string, { id: number; code: string; name: string }>();
  private async orgRef(code: string): Promise<{ id: number; code: string; name: string }> {
    let ref = this.orgRefs.get(code);
    if (!ref) {
      const org = await this.findOrganization(code);
      if (!org) throw new HubError('ACC_UNAUTHENTICATED', 'token names an unknown organization');
      ref = { id: org.id, code: org.code, name: org.name };
      this.orgRefs.set(code, ref);
    }
    return ref;
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
    await this.db.updateTable('access.api_key').set({ revoked_at: new Date() }).where('prefix', '=', prefix).execute();
    this.apiKeyCache.clear();
  }

  /**
   * Machine clients call thousands of times a second: a verified key is cached for a few
   * seconds, which is also the longest a revoked key can still be used by a running process.
   */
  async authenticateApiKey(key: string): Promise<Actor> {
    const digest = sha256(key);
    const cached = this.apiKeyCache.get(digest);
    if (cached && cached.until > Date.now()) return cached.actor;
    const row = await this.db
      .selectFrom('access.api_key as k')
      .innerJoin('access.user as u', 'u.id', 'k.user_id')
      .leftJoin('access.organization as o', 'o.id', 'u.org_id')
      .select(['u.id', 'u.username', 'u.roles', 'u.disabled', 'k.revoked_at', 'o.id as org_id', 'o.code', 'o.name'])
      .where('k.key_hash', '=', digest)
      .executeTakeFirst();
    if (!row || row.revoked_at || row.disabled) throw new HubError('ACC_UNAUTHENTICATED', 'invalid API key');
    const actor: Actor = {
      userId: row.id,
      username: row.username,
      roles: row.roles,
      org: row.org_id && row.code && row.name ? { id: row.org_id, code: row.code, name: row.name } : null,
      via: 'api_key',
    };
    this.apiKeyCache.set(digest, { actor, until: Date.now() + 5000 });
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
}): Organization {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    division: row.division,
    creditCode: row.credit_code,
  };
}
