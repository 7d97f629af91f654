import { sql, type Database, type Kysely } from '../db/index.js';
import type { AccessTables } from './tables.js';

const CHANNEL = 'access_credentials';
/** A safety net only: revocations are heard at once through NOTIFY. */
const CACHE_MS = 60_000;

/**
 * Verified credentials (token sessions, API keys) that a process keeps so that it need not ask
 * the database on every request. Whatever revokes a credential or disables a user announces the
 * user with NOTIFY, and every process forgets that user's entries: the revocation acts on the
 * next request everywhere, not when the cache runs out.
 */
export class CredentialCache<T extends { userId: number }> {
  private readonly entries = new Map<string, { value: T; until: number }>();

  get(key: string, now: number): T | undefined {
    const hit = this.entries.get(key);
    return hit && hit.until > now ? hit.value : undefined;
  }

  set(key: string, value: T, now: number, notAfter = Infinity): void {
    this.entries.set(key, { value, until: Math.min(now + CACHE_MS, notAfter) });
  }

  forget(userId: number | null): void {
    if (userId === null) return this.entries.clear();
    for (const [key, entry] of this.entries) if (entry.value.userId === userId) this.entries.delete(key);
  }
}

/** Makes caches forget what other processes (and this one) announce; null from the listener means anything. */
export async function listenForRevocations(
  database: Database,
  caches: Array<CredentialCache<{ userId: number }>>,
): Promise<void> {
  await database.listen(CHANNEL, (payload) => {
    const userId = payload === null || !/^\d+$/.test(payload) ? null : Number(payload);
    for (const cache of caches) cache.forget(userId);
  });
}

/** Tells every process that a user's credentials changed; inside a transaction it is sent at commit. */
export async function announceRevocation(db: Kysely<AccessTables>, userId: number): Promise<void> {
  await sql`select pg_notify(${CHANNEL}, ${String(userId)})`.execute(db);
}
