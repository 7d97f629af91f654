import { createHash } from 'node:crypto';
import { sql, type Kysely } from '../db/index.js';
import { HubError, msg } from '../kernel/index.js';
import type { AccessTables } from './tables.js';

/** Where a login comes from: the client's address, and the device cookie its browser sent, if any. */
export interface LoginSource {
  address: string;
  device?: string | undefined;
}

/** A login's source as the throttle sees it, for one account. */
export interface IdentifiedSource {
  /** What the (user name, source) pair is keyed by: a device known to the account, else the address. */
  key: string;
  address: string;
  /** The browser's device cookie logged into this account before. */
  knownDevice: boolean;
  /** The device or the address logged into this account before. */
  known: boolean;
}

/** How long a failed login counts. */
const WINDOW_MS = 60 * 60_000;
/** Known sources kept per account, the most recently used (a script without cookies adds a device each time). */
const KNOWN_PER_ACCOUNT = 50;
/** The longest a further attempt has to wait: failures slow an attacker down, they never lock. */
const MAX_DELAY_S = 15 * 60;
/**
 * Failures allowed without delay: from one source on one account; from one address on any
 * accounts (password spraying); on one account from sources it has never logged in from
 * (guessing from many addresses). Each further failure doubles the wait: 1 s, 2 s, 4 s …
 */
export const FREE_FAILURES = { pair: 5, address: 30, account: 20 } as const;

/** Seconds to wait after the last of `failures` recent failures, when `free` of them cost nothing. */
export function delaySeconds(failures: number, free: number): number {
  return failures < free ? 0 : Math.min(2 ** (failures - free), MAX_DELAY_S);
}

/**
 * Failed logins slow down the source they come from, not the account: the owner logging in
 * from a device or address that has logged into the account before is not held up by anyone
 * else's failures. The counts live in the database, so every hub process sees the same ones.
 */
export class LoginThrottle {
  constructor(
    private readonly db: Kysely<AccessTables>,
    private readonly now: () => Date,
  ) {}

  async identify(userId: number | null, from: LoginSource): Promise<IdentifiedSource> {
    const address = `addr:${from.address}`;
    const device = from.device ? `device:${sha256(from.device)}` : null;
    const candidates = device ? [address, device] : [address];
    const known =
      userId === null
        ? []
        : (
            await this.db
              .selectFrom('access.known_source')
              .select('source')
              .where('user_id', '=', userId)
              .where('source', 'in', candidates)
              .execute()
          ).map((r) => r.source);
    const knownDevice = device !== null && known.includes(device);
    return { key: knownDevice ? device : address, address: from.address, knownDevice, known: known.length > 0 };
  }

  /** Refuses with 429 and Retry-After while the source has to wait. */
  async check(username: string, source: IdentifiedSource): Promise<void> {
    const now = this.now().getTime();
    const row = await this.db
      .selectFrom('access.login_failure')
      .select([
        sql<number>`count(*) filter (where username = ${username} and source = ${source.key})`.as('pair'),
        sql<Date | null>`max(at) filter (where username = ${username} and source = ${source.key})`.as('pair_last'),
        sql<number>`count(*) filter (where address = ${source.address})`.as('address'),
        sql<Date | null>`max(at) filter (where address = ${source.address})`.as('address_last'),
        sql<number>`count(*) filter (where username = ${username})`.as('account'),
        sql<Date | null>`max(at) filter (where username = ${username})`.as('account_last'),
      ])
      .where('at', '>', new Date(now - WINDOW_MS))
      .where((eb) => eb.or([eb('username', '=', username), eb('address', '=', source.address)]))
      .executeTakeFirstOrThrow();
    const wait = (count: number, last: Date | null, free: number) =>
      last === null ? 0 : new Date(last).getTime() + delaySeconds(Number(count), free) * 1000 - now;
    const waits = [wait(row.pair, row.pair_last, FREE_FAILURES.pair)];
    if (!source.knownDevice) waits.push(wait(row.address, row.address_last, FREE_FAILURES.address));
    if (!source.known) waits.push(wait(row.account, row.account_last, FREE_FAILURES.account));
    const ms = Math.max(...waits);
    if (ms <= 0) return;
    const retryAfter = Math.ceil(ms / 1000);
    throw new HubError('ACC_RATE_LIMITED', msg('access.tooManyLogins', { seconds: retryAfter }), {
      headers: { 'retry-after': String(retryAfter) },
    });
  }

  /**
   * Counts the attempt as failed before its password is checked, so that guesses sent in
   * parallel see each other; a success takes it back (`succeeded`).
   */
  async attempted(username: string, source: IdentifiedSource): Promise<void> {
    const at = this.now();
    await this.db
      .insertInto('access.login_failure')
      .values({ username, source: source.key, address: source.address, at })
      .execute();
    await this.db
      .deleteFrom('access.login_failure')
      .where('at', '<', new Date(at.getTime() - WINDOW_MS))
      .execute();
  }

  /** The pair's failures are forgiven, and the address and the device become known to the account. */
  async succeeded(userId: number, username: string, source: IdentifiedSource, device: string | undefined) {
    const at = this.now();
    await this.db
      .deleteFrom('access.login_failure')
      .where('username', '=', username)
      .where('source', '=', source.key)
      .execute();
    const sources = [`addr:${source.address}`, ...(device ? [`device:${sha256(device)}`] : [])];
    await this.db
      .insertInto('access.known_source')
      .values(sources.map((s) => ({ user_id: userId, source: s, last_at: at })))
      .onConflict((oc) => oc.columns(['user_id', 'source']).doUpdateSet({ last_at: at }))
      .execute();
    await this.db
      .deleteFrom('access.known_source')
      .where('user_id', '=', userId)
      .where('source', 'not in', (eb) =>
        eb
          .selectFrom('access.known_source')
          .select('source')
          .where('user_id', '=', userId)
          .orderBy('last_at', 'desc')
          .limit(KNOWN_PER_ACCOUNT),
      )
      .execute();
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
