import { randomBytes } from 'node:crypto';
import type { Kysely } from '../db/index.js';
import { CredentialCache } from './credential-cache.js';
import type { AccessTables, Role } from './tables.js';

/**
 * What a live session's user holds now: roles and organization are read from the account, not
 * from the token's claims, so that an operator's change of them acts on the next request.
 */
export interface SessionHolder {
  userId: number;
  roles: Role[];
  orgCode: string | null;
}

/**
 * Each token is a session row, named by the token's jti: a signature alone cannot be taken
 * back, the row can. Logout revokes one session; a password change or disabling the user
 * revokes them all, and the service announces it to every process (credential-cache.ts).
 */
export class Sessions {
  readonly cache = new CredentialCache<SessionHolder>();

  constructor(
    private readonly db: Kysely<AccessTables>,
    private readonly now: () => Date,
  ) {}

  async open(userId: number, expiresAt: Date, db: Kysely<AccessTables> = this.db): Promise<string> {
    const id = randomBytes(16).toString('base64url');
    const now = this.now();
    await db
      .insertInto('access.session')
      .values({ id, user_id: userId, created_at: now, expires_at: expiresAt, revoked_at: null })
      .execute();
    // Expired sessions of the same user go as new ones come, so the table stays the size of the live ones.
    await db.deleteFrom('access.session').where('user_id', '=', userId).where('expires_at', '<', now).execute();
    return id;
  }

  /** The session's holder when it is the user's, unrevoked and unexpired, and the user is not disabled. */
  async valid(id: string, userId: number): Promise<SessionHolder | undefined> {
    const now = this.now();
    const hit = this.cache.get(id, now.getTime());
    if (hit) return hit.userId === userId ? hit : undefined;
    const row = await this.db
      .selectFrom('access.session as s')
      .innerJoin('access.user as u', 'u.id', 's.user_id')
      .leftJoin('access.organization as o', 'o.id', 'u.org_id')
      .select(['s.user_id', 's.expires_at', 'u.roles', 'o.code'])
      .where('s.id', '=', id)
      .where('s.revoked_at', 'is', null)
      .where('s.expires_at', '>', now)
      .where('u.disabled', '=', false)
      .executeTakeFirst();
    if (!row || row.user_id !== userId) return undefined;
    const holder = { userId, roles: row.roles, orgCode: row.code };
    this.cache.set(id, holder, now.getTime(), row.expires_at.getTime());
    return holder;
  }

  async revoke(id: string, userId: number): Promise<void> {
    await this.db
      .updateTable('access.session')
      .set({ revoked_at: this.now() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .execute();
  }

  /** Revokes every live session of the user. */
  async revokeAll(userId: number, db: Kysely<AccessTables> = this.db): Promise<void> {
    await db
      .updateTable('access.session')
      .set({ revoked_at: this.now() })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
  }
}
