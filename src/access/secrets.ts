import { randomBytes } from 'node:crypto';
import type { Kysely } from '../db/index.js';
import type { AccessTables } from './tables.js';

/** Where secrets are sealed at rest: the key store's box for scope `access` (docs/encryption.md). */
export interface SecretSeal {
  seal(plain: Uint8Array): Promise<string>;
  open(stored: string): Promise<Buffer>;
  isSealed(stored: string): boolean;
}

/**
 * A process-independent secret (e.g. the token signing key): created once, kept in the
 * database so every hub process behind a load balancer signs and verifies with the same key.
 * With `seal` it is kept sealed under a data key; one stored in clear before that is sealed on
 * its first read.
 */
export async function loadOrCreateSecret(
  db: Kysely<AccessTables>,
  name: string,
  bytes = 32,
  seal?: SecretSeal,
): Promise<Uint8Array> {
  const fresh = randomBytes(bytes);
  await db
    .insertInto('access.secret')
    .values({ name, value: seal ? await seal.seal(fresh) : fresh.toString('base64') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('access.secret').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  if (!seal) return new Uint8Array(Buffer.from(row.value, 'base64'));
  if (seal.isSealed(row.value)) return new Uint8Array(await seal.open(row.value));
  const plain = Buffer.from(row.value, 'base64');
  await db
    .updateTable('access.secret')
    .set({ value: await seal.seal(plain) })
    .where('name', '=', name)
    .where('value', '=', row.value)
    .execute();
  return new Uint8Array(plain);
}
