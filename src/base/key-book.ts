import type { Kysely } from '../db/index.js';
import type { BaseCodec } from './codec.js';
import type { BaseKind } from './kinds.js';
import type { BaseTables } from './tables.js';

/** The codec of each base (codec.ts): what every read that shows keys or values opens them with. */
export type BaseCodecs = (kind: BaseKind) => Promise<BaseCodec>;

/**
 * Subject keys as the caller knows them, by the keys the base stores: through the key book
 * where keys are sealed (a page of keys, one query and one cipher call), as they are otherwise.
 */
export async function plainKeys(
  db: Kysely<BaseTables>,
  codec: BaseCodec,
  stored: readonly string[],
): Promise<Map<string, string>> {
  if (!codec.keySealed) return new Map(stored.map((k) => [k, k]));
  const unique = [...new Set(stored)];
  if (unique.length === 0) return new Map();
  return codec.openKeys(await bookEntries(db, codec.kind, unique));
}

/** The key book's sealed IDs of these stored keys (none empty), by stored key. */
export async function bookEntries(
  db: Kysely<BaseTables>,
  kind: BaseKind,
  keys: readonly string[],
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('base.key_book')
    .select(['key', 'sealed'])
    .where('kind', '=', kind)
    .where('key', 'in', keys)
    .execute();
  return new Map(rows.map((r) => [r.key, r.sealed]));
}

/** The plain key of a stored one, from a map `plainKeys` made: a key the book lacks stays as stored. */
export function plainOf(keys: ReadonlyMap<string, string>, stored: string): string {
  return keys.get(stored) ?? stored;
}
