import { randomBytes } from 'node:crypto';
import type { Kysely } from '../db/index.js';
import type { AccessTables } from './tables.js';

/**
 * A process-independent secret (e.g. the token signing key): created once, kept in the
 * database so every hub process behind a load balancer signs and verifies with the same key.
 */
export async function loadOrCreateSecret(db: Kysely<AccessTables>, name: string, bytes = 32): Promise<Uint8Array> {
  await db
    .insertInto('access.secret')
    .values({ name, value: randomBytes(bytes).toString('base64') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('access.secret').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return new Uint8Array(Buffer.from(row.value, 'base64'));
}
