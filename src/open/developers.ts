import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Kysely, Selectable } from '../db/index.js';
import { HubError, invalid, msg } from '../kernel/index.js';
import type { ApiMeter } from './meter.js';
import { addressSubject, keySubject, sha256, type Limit, type OpenLimits } from './meter.js';
import type { OpenTables } from './tables.js';

/** An API key's secret starts so: the hub's own credential check passes such keys to the portal. */
export const API_KEY_PREFIX = 'qdo_';
/** A developer session's token starts so, for the same reason. */
export const SESSION_PREFIX = 'qds_';
/** True for a credential of the portal's developers, not of the hub's users. */
export const isOpenCredential = (text: string) => text.startsWith(API_KEY_PREFIX) || text.startsWith(SESSION_PREFIX);

const SESSION_MS = 7 * 24 * 3_600_000;
const MIN_PASSWORD = 8;
/** Keys a developer may hold at once (revoked ones aside). */
export const KEYS_MAX = 10;

export interface Developer {
  id: number;
  name: string;
  email: string;
  createdAt: string;
}

export interface ApiKey {
  id: number;
  name: string;
  /** The secret's first characters, to tell keys apart; the secret itself is shown once. */
  prefix: string;
  perMinute: number;
  perDay: number;
  createdAt: string;
  revokedAt: string | null;
  /** Calls counted in the current minute and China day. */
  used: { minute: number; day: number };
}

/** The key a data API call presented, as the meter and the conditional grants need it. */
export interface KeyHolder {
  keyId: number;
  developerId: number;
  limit: Limit;
}

let dummyHash: Promise<string> | undefined;
const secret = (prefix: string) => prefix + randomBytes(24).toString('base64url');
const iso = (d: Date | string) => new Date(d).toISOString();

/**
 * The portal's developer accounts (开发者账号): anyone signs up with a name, an email address and
 * a password (argon2, as the hub's users), signs in to a session of their own, and makes and
 * revokes API keys. Developers are not hub users: they hold no role and reach nothing but the
 * portal's data API. Only SHA-256 hashes of the random session tokens and key secrets are kept.
 */
export class Developers {
  constructor(
    private readonly db: Kysely<OpenTables>,
    private readonly meter: ApiMeter,
    private readonly limits: OpenLimits,
    private readonly now: () => Date,
  ) {}

  async register(input: {
    name: string;
    email: string;
    password: string;
  }): Promise<{ developer: Developer; token: string }> {
    if (input.password.length < MIN_PASSWORD) throw invalid('password', msg('kernel.minChars', { min: MIN_PASSWORD }));
    const email = input.email.trim().toLowerCase();
    const row = await this.db
      .insertInto('open.developer')
      .values({ name: input.name.trim(), email, password_hash: await hash(input.password) })
      .onConflict((oc) => oc.column('email').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new HubError('OPN_DEVELOPER_EXISTS', msg('open.developerExists'));
    return { developer: toDeveloper(row), token: await this.startSession(row.id) };
  }

  /** Signs in; failures per email address are counted, and past a few a minute the answer is 429. */
  async login(emailText: string, password: string): Promise<{ developer: Developer; token: string }> {
    const email = emailText.trim().toLowerCase();
    const subject = `login:${sha256(email).slice(0, 32)}`;
    if (await this.meter.over(subject, this.limits.loginFailuresPerMinute)) {
      throw new HubError('OPN_RATE_LIMITED', msg('open.loginThrottled'), { headers: { 'retry-after': '60' } });
    }
    const row = await this.db.selectFrom('open.developer').selectAll().where('email', '=', email).executeTakeFirst();
    // A hash to verify against when there is no such developer, so that timing does not tell.
    const ok = row
      ? await verify(row.password_hash, password)
      : await verify(await (dummyHash ??= hash('no-such-developer')), password);
    if (!row || !ok) {
      await this.meter.add(subject);
      throw new HubError('OPN_DEVELOPER_LOGIN', msg('open.developerLogin'));
    }
    return { developer: toDeveloper(row), token: await this.startSession(row.id) };
  }

  private async startSession(developerId: number): Promise<string> {
    const token = secret(SESSION_PREFIX);
    await this.db
      .insertInto('open.developer_session')
      .values({
        token_hash: sha256(token),
        developer_id: developerId,
        expires_at: new Date(this.now().getTime() + SESSION_MS),
      })
      .execute();
    return token;
  }

  /** The developer a session token is of, or OPN_DEVELOPER_UNAUTHENTICATED. */
  async session(token: string | undefined): Promise<Developer> {
    if (!token?.startsWith(SESSION_PREFIX)) throw new HubError('OPN_DEVELOPER_UNAUTHENTICATED');
    const row = await this.db
      .selectFrom('open.developer_session as s')
      .innerJoin('open.developer as d', 'd.id', 's.developer_id')
      .select(['d.id', 'd.name', 'd.email', 'd.created_at'])
      .where('s.token_hash', '=', sha256(token))
      .where('s.expires_at', '>', this.now())
      .executeTakeFirst();
    if (!row) throw new HubError('OPN_DEVELOPER_UNAUTHENTICATED');
    return toDeveloper(row);
  }

  async logout(token: string): Promise<void> {
    await this.db.deleteFrom('open.developer_session').where('token_hash', '=', sha256(token)).execute();
    await this.db.deleteFrom('open.developer_session').where('expires_at', '<', this.now()).execute();
  }

  /** A new key with the portal's limits; its secret is in this answer and nowhere else. */
  async createKey(developer: Developer, name: string): Promise<{ key: ApiKey; secret: string }> {
    const held = await this.db
      .selectFrom('open.api_key')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('developer_id', '=', developer.id)
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(held.n) >= KEYS_MAX) throw new HubError('OPN_TOO_MANY_KEYS', msg('open.tooManyKeys', { n: KEYS_MAX }));
    const text = secret(API_KEY_PREFIX);
    const row = await this.db
      .insertInto('open.api_key')
      .values({
        developer_id: developer.id,
        name: name.trim(),
        prefix: text.slice(0, API_KEY_PREFIX.length + 6),
        secret_hash: sha256(text),
        per_minute: this.limits.key.perMinute,
        per_day: this.limits.key.perDay,
        revoked_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { key: toKey(row, { minute: 0, day: 0 }), secret: text };
  }

  /** A developer's keys, newest first, with the calls counted today. */
  async keys(developer: Developer): Promise<ApiKey[]> {
    const rows = await this.db
      .selectFrom('open.api_key')
      .selectAll()
      .where('developer_id', '=', developer.id)
      .orderBy('id', 'desc')
      .execute();
    const used = await this.meter.used(rows.map((r) => keySubject(r.id)));
    return rows.map((r) => toKey(r, used.get(keySubject(r.id))!));
  }

  async revokeKey(developer: Developer, id: number): Promise<void> {
    const done = await this.db
      .updateTable('open.api_key')
      .set({ revoked_at: this.now() })
      .where('id', '=', id)
      .where('developer_id', '=', developer.id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw new HubError('OPN_KEY_NOT_FOUND');
  }

  /**
   * Admits one data API call (datastore_search, datastore_search_sql, a download): with a key,
   * counted against the key's limits; without one, against the anonymous limits of the caller's
   * address. 429 with Retry-After past a limit; OPN_KEY_INVALID for a key that is not live.
   */
  async admit(credential: string | undefined, address: string): Promise<KeyHolder | null> {
    if (credential === undefined) {
      await this.meter.admit(addressSubject(address), this.limits.anonymous);
      return null;
    }
    const holder = await this.holderOf(credential);
    await this.meter.admit(keySubject(holder.keyId), holder.limit);
    return holder;
  }

  /** The limits of a key made now and of calls without a key. */
  get defaultLimits(): Pick<OpenLimits, 'key' | 'anonymous'> {
    return { key: this.limits.key, anonymous: this.limits.anonymous };
  }

  /** The live key a secret is, or OPN_KEY_INVALID (unknown or revoked: the caller is told which neither). */
  async holderOf(secretText: string): Promise<KeyHolder> {
    const row = secretText.startsWith(API_KEY_PREFIX)
      ? await this.db
          .selectFrom('open.api_key')
          .select(['id', 'developer_id', 'per_minute', 'per_day'])
          .where('secret_hash', '=', sha256(secretText))
          .where('revoked_at', 'is', null)
          .executeTakeFirst()
      : undefined;
    if (!row) throw new HubError('OPN_KEY_INVALID');
    return { keyId: row.id, developerId: row.developer_id, limit: { perMinute: row.per_minute, perDay: row.per_day } };
  }
}

function toDeveloper(row: { id: number; name: string; email: string; created_at: Date }): Developer {
  return { id: row.id, name: row.name, email: row.email, createdAt: iso(row.created_at) };
}

function toKey(row: Selectable<OpenTables['open.api_key']>, used: ApiKey['used']): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    perMinute: row.per_minute,
    perDay: row.per_day,
    createdAt: iso(row.created_at),
    revokedAt: row.revoked_at ? iso(row.revoked_at) : null,
    used,
  };
}
