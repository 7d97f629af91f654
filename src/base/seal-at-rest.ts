import { sql, type Kysely, type RawBuilder, type Transaction } from '../db/index.js';
import { lockBase } from './absorb.js';
import type { BaseCodec } from './codec.js';
import { bookEntries, type BaseCodecs } from './key-book.js';
import type { BaseKind } from './kinds.js';
import type { BaseTables } from './tables.js';

/** Subjects per transaction: each holds the base's lock for a moment, not for the whole pass. */
const BATCH = 1_000;

/** The tables that name a subject by its key, and their key column. */
const KEYED: Array<[table: string, column: string]> = [
  ['base.subject', 'key'],
  ['base.observation', 'subject_key'],
  ['base.value', 'subject_key'],
  ['base.conflict', 'subject_key'],
  ['base.subject_label', 'subject_key'],
  ['base.change', 'subject_key'],
];

/**
 * Where a base's keys are found: its subjects, then the keys only a departed subject left behind
 * (its changes returned to districts, its conflicts on record). Each is walked by its index.
 */
const SOURCES: Array<[table: string, column: string]> = [
  ['base.subject', 'key'],
  ['base.change', 'subject_key'],
  ['base.conflict', 'subject_key'],
];

/**
 * A base written by a version before encryption at rest (base migration 006 lists it in
 * base.seal_pending) sealed as the absorb now stores it: each subject's key replaced by its
 * blind index in every table and put in the key book, then its sensitive values and their
 * compared forms sealed. A batch of keys per transaction under the base's lock, so several
 * processes starting at once share the work and nothing is sealed twice. Returns the keys sealed.
 */
export async function sealAtRest(
  db: Kysely<BaseTables>,
  codecs: BaseCodecs,
  onBatch: (kind: BaseKind, done: number) => void = () => {},
): Promise<number> {
  let total = 0;
  for (const { kind } of await db.selectFrom('base.seal_pending').select('kind').execute()) {
    const codec = await codecs(kind);
    let done = 0;
    for (const source of SOURCES) {
      for (let after = ''; ;) {
        const last = await db.transaction().execute(async (trx) => {
          await lockBase(trx, kind);
          return sealBatch(trx, codec, source, after);
        });
        if (last === null) break;
        after = last.after;
        done += last.keys;
        onBatch(kind, done);
      }
    }
    total += done;
    await db.deleteFrom('base.seal_pending').where('kind', '=', kind).execute();
  }
  return total;
}

/** The next batch of a source's keys after `after` still in clear, sealed; null when none is left. */
async function sealBatch(
  trx: Transaction<BaseTables>,
  codec: BaseCodec,
  [table, column]: [string, string],
  after: string,
): Promise<{ after: string; keys: number } | null> {
  const key = sql.ref(`t.${column}`);
  // A key in the book is a blind index already (sealed by an absorb, or by another process).
  const inClear = codec.keySealed
    ? sql`and not exists (select 1 from base.key_book b where b.kind = t.kind and b.key = ${key})`
    : sql``;
  const { rows } = await sql<{ key: string }>`select distinct ${key} as key from ${sql.table(table)} as t
    where t.kind = ${codec.kind} and ${key} > ${after} ${inClear} order by 1 limit ${BATCH}`.execute(trx);
  const keys = rows.map((r) => r.key);
  if (keys.length === 0) return null;
  const stored = keys.map((k) => codec.storedKey(k));
  if (codec.keySealed) await rekey(trx, codec, keys, stored);
  await rewriteValues(trx, codec, stored, 'seal');
  return { after: keys.at(-1)!, keys: keys.length };
}

/** Every table's keys of the batch replaced by their blind indexes; the keys sealed into the book. */
async function rekey(trx: Transaction<BaseTables>, codec: BaseCodec, keys: string[], stored: string[]) {
  const { kind } = codec;
  const sealed = codec.sealKeys(keys, stored);
  await trx
    .insertInto('base.key_book')
    .values(stored.map((key, i) => ({ kind, key, sealed: sealed[i]! })))
    .onConflict((oc) => oc.columns(['kind', 'key']).doNothing())
    .execute();
  const pairs = sql.join(keys.map((k, i) => sql`(${k}::text, ${stored[i]!}::text)`));
  // base.value before base.conflict: the conflicts' trigger marks the values (by key) it disputes.
  for (const [table, column] of KEYED) {
    const t = sql.table(table);
    const c = sql.ref(`t.${column}`);
    await sql`update ${t} as t set ${sql.ref(column)} = m.stored from (values ${pairs}) as m(plain, stored)
      where t.kind = ${kind} and ${c} = m.plain`.execute(trx);
  }
}

/**
 * Data rotation of a base (`qdh keys rotate --data`): every sealed value, and every sealed key
 * in the book, opened and sealed again under the base's active data key, a batch of subjects
 * per transaction under the base's lock (absorbs and reviews wait for a batch, not the pass).
 * Blind indexes stay: the lookup key is not rotated. A departed legal entity's conflicts keep
 * their old seals (retired keys still open them). Returns the subjects gone through.
 */
export async function resealBase(
  db: Kysely<BaseTables>,
  codecs: BaseCodecs,
  kind: BaseKind,
  batch: number,
  onBatch: (done: number) => Promise<void> = async () => {},
): Promise<number> {
  let after = '';
  let done = 0;
  for (;;) {
    // Fetched outside the transaction: on PGlite a key fetched inside it would wait for ever.
    const codec = await codecs(kind);
    const keys = await db.transaction().execute(async (trx) => {
      await lockBase(trx, kind);
      // The key book holds every person ever in the base; a legal entity's subjects are its keys.
      const table = sql.table(codec.keySealed ? 'base.key_book' : 'base.subject');
      const { rows } = await sql<{ key: string }>`select key from ${table}
        where kind = ${kind} and key > ${after} order by key limit ${batch}`.execute(trx);
      const keys = rows.map((r) => r.key);
      if (keys.length === 0) return keys;
      if (codec.keySealed) await resealBook(trx, codec, keys);
      await rewriteValues(trx, codec, keys, 'reseal');
      return keys;
    });
    if (keys.length === 0) return done;
    after = keys.at(-1)!;
    done += keys.length;
    await onBatch(done);
  }
}

async function resealBook(trx: Transaction<BaseTables>, codec: BaseCodec, keys: string[]) {
  const entries = await bookEntries(trx, codec.kind, keys);
  const stale = new Map([...entries].filter(([, sealed]) => codec.isStale(sealed)));
  if (stale.size === 0) return;
  const resealed = await codec.resealKeys(stale);
  const tuples = [...resealed].map(([key, sealed]) => sql`(${key}::text, ${sealed}::text)`);
  await sql`update base.key_book as t set sealed = v.sealed from (values ${sql.join(tuples)}) as v(key, sealed)
    where t.kind = ${codec.kind} and t.key = v.key`.execute(trx);
}

type Rewrite = 'seal' | 'reseal';

/**
 * The subjects' values of sealed elements, and the two values of their conflicts, rewritten:
 * `seal` — those still in clear (a base of an earlier version) sealed, their forms made blind;
 * `reseal` — those sealed under another data key sealed under the codec's (forms unchanged).
 */
async function rewriteValues(trx: Transaction<BaseTables>, codec: BaseCodec, subjects: string[], how: Rewrite) {
  const elements = codec.sealedElements;
  if (elements.length === 0) return;
  const sealedText = (v: RawBuilder<unknown>) =>
    sql<boolean>`(jsonb_typeof(${v}) = 'string' and ${v} #>> '{}' ~ '^~[0-9]+\.')`;
  const picked = (v: RawBuilder<unknown>) =>
    how === 'seal'
      ? sql<boolean>`not ${sealedText(v)}`
      : sql<boolean>`(${sealedText(v)} and ${v} #>> '{}' not like ${`~${codec.version}.%`})`;
  const rewrite = async (items: Array<{ subject: string; element: string; value: unknown; norm: string }>) =>
    how === 'seal'
      ? codec.sealValues(items)
      : (await codec.resealValues(items.map((it) => ({ ...it, value: it.value as string })))).map((value, i) => ({
          value,
          norm: items[i]!.norm,
        }));
  const scope = sql`kind = ${codec.kind} and subject_key in (${sql.join(subjects)})
    and element in (${sql.join(elements)})`;
  for (const table of ['base.observation', 'base.value'] as const) {
    const extra = table === 'base.observation' ? sql`resource_code` : sql`''::text`;
    const { rows } = await sql<{ subject_key: string; element: string; extra: string; value: unknown; norm: string }>`
      select subject_key, element, ${extra} as extra, value, norm from ${sql.table(table)}
      where ${scope} and ${picked(sql.ref('value'))}`.execute(trx);
    if (rows.length === 0) continue;
    const done = await rewrite(rows.map((r) => ({ subject: r.subject_key, ...r })));
    const tuples = rows.map(
      (r, i) =>
        sql`(${r.subject_key}::text, ${r.element}::text, ${r.extra}::text, ${done[i]!.value}::text, ${done[i]!.norm}::text)`,
    );
    const match = table === 'base.observation' ? sql`and t.resource_code = v.extra` : sql``;
    await sql`update ${sql.table(table)} as t set value = to_jsonb(v.value), norm = v.norm
      from (values ${sql.join(tuples)}) as v(subject_key, element, extra, value, norm)
      where t.kind = ${codec.kind} and t.subject_key = v.subject_key and t.element = v.element ${match}`.execute(trx);
  }
  const { rows } = await sql<{ id: string; subject_key: string; element: string } & Record<string, unknown>>`
    select id, subject_key, element, auth_value, auth_norm, other_value, other_norm from base.conflict
    where ${scope} and (${picked(sql.ref('auth_value'))} or ${picked(sql.ref('other_value'))})`.execute(trx);
  if (rows.length === 0) return;
  const done = await rewrite(
    rows.flatMap((r) => [
      { subject: r.subject_key, element: r.element, value: r.auth_value, norm: String(r.auth_norm) },
      { subject: r.subject_key, element: r.element, value: r.other_value, norm: String(r.other_norm) },
    ]),
  );
  const tuples = rows.map((r, i) => {
    const [a, o] = [done[2 * i]!, done[2 * i + 1]!];
    return sql`(${r.id}::bigint, ${a.value}::text, ${a.norm}::text, ${o.value}::text, ${o.norm}::text)`;
  });
  await sql`update base.conflict as t set auth_value = to_jsonb(v.av), auth_norm = v.an,
      other_value = to_jsonb(v.ov), other_norm = v.onorm
    from (values ${sql.join(tuples)}) as v(id, av, an, ov, onorm) where t.id = v.id`.execute(trx);
}
