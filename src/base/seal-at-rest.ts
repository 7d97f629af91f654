import { sql, type Kysely, type RawBuilder, type Transaction } from '../db/index.js';
import { lockBase } from './absorb.js';
import type { BaseCodec } from './codec.js';
import type { BaseCodecs } from './key-book.js';
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
 * A base written by a version before encryption at rest (base migration 006 lists it in
 * base.seal_pending) sealed as the absorb now stores it: each subject's key replaced by its
 * blind index in every table and put in the key book, then its sensitive values and their
 * compared forms sealed. A batch of subjects per transaction under the base's lock, so several
 * processes starting at once share the work and nothing is sealed twice. Returns the subjects sealed.
 */
export async function sealAtRest(
  db: Kysely<BaseTables>,
  codecs: BaseCodecs,
  onBatch: (kind: BaseKind, done: number) => void = () => {},
): Promise<number> {
  let total = 0;
  for (const { kind } of await db.selectFrom('base.seal_pending').select('kind').execute()) {
    const codec = await codecs(kind);
    let after = '';
    let done = 0;
    for (;;) {
      const last = await db.transaction().execute(async (trx) => {
        await lockBase(trx, kind);
        return sealBatch(trx, codec, after);
      });
      if (last === null) break;
      after = last.after;
      done += last.subjects;
      onBatch(kind, done);
    }
    total += done;
    await db.deleteFrom('base.seal_pending').where('kind', '=', kind).execute();
  }
  return total;
}

/** The next batch of subjects after `after` still in clear, sealed; null when none is left. */
async function sealBatch(
  trx: Transaction<BaseTables>,
  codec: BaseCodec,
  after: string,
): Promise<{ after: string; subjects: number } | null> {
  const { kind } = codec;
  let q = trx.selectFrom('base.subject as s').select('s.key').where('s.kind', '=', kind).where('s.key', '>', after);
  // A key in the book is a blind index already (sealed by an absorb, or by another process).
  if (codec.keySealed)
    q = q.where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('base.key_book as b')
            .select('b.key')
            .whereRef('b.kind', '=', 's.kind')
            .whereRef('b.key', '=', 's.key'),
        ),
      ),
    );
  const keys = (await q.orderBy('s.key').limit(BATCH).execute()).map((r) => r.key);
  if (keys.length === 0) return null;
  const stored = keys.map((k) => codec.storedKey(k));
  if (codec.keySealed) await rekey(trx, codec, keys, stored);
  await sealValues(trx, codec, stored);
  return { after: keys.at(-1)!, subjects: keys.length };
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

/** The batch's values of sealed elements, and the two values of their conflicts, sealed where still in clear. */
async function sealValues(trx: Transaction<BaseTables>, codec: BaseCodec, subjects: string[]) {
  const elements = codec.sealedElements;
  if (elements.length === 0) return;
  const inClear = (value: RawBuilder<unknown>) =>
    sql<boolean>`not (jsonb_typeof(${value}) = 'string' and ${value} #>> '{}' ~ '^~[0-9]+\\.')`;
  const scope = sql`kind = ${codec.kind} and subject_key in (${sql.join(subjects)})
    and element in (${sql.join(elements)})`;
  for (const table of ['base.observation', 'base.value'] as const) {
    const extra = table === 'base.observation' ? sql`resource_code` : sql`''::text`;
    const { rows } = await sql<{ subject_key: string; element: string; extra: string; value: unknown; norm: string }>`
      select subject_key, element, ${extra} as extra, value, norm from ${sql.table(table)}
      where ${scope} and ${inClear(sql.ref('value'))}`.execute(trx);
    if (rows.length === 0) continue;
    const sealed = codec.sealValues(rows.map((r) => ({ subject: r.subject_key, ...r })));
    const tuples = rows.map(
      (r, i) =>
        sql`(${r.subject_key}::text, ${r.element}::text, ${r.extra}::text, ${sealed[i]!.value}::text, ${sealed[i]!.norm}::text)`,
    );
    const match = table === 'base.observation' ? sql`and t.resource_code = v.extra` : sql``;
    await sql`update ${sql.table(table)} as t set value = to_jsonb(v.value), norm = v.norm
      from (values ${sql.join(tuples)}) as v(subject_key, element, extra, value, norm)
      where t.kind = ${codec.kind} and t.subject_key = v.subject_key and t.element = v.element ${match}`.execute(trx);
  }
  const { rows } = await sql<{ id: string; subject_key: string; element: string } & Record<string, unknown>>`
    select id, subject_key, element, auth_value, auth_norm, other_value, other_norm from base.conflict
    where ${scope} and ${inClear(sql.ref('auth_value'))}`.execute(trx);
  if (rows.length === 0) return;
  const sealed = codec.sealValues(
    rows.flatMap((r) => [
      { subject: r.subject_key, element: r.element, value: r.auth_value, norm: String(r.auth_norm) },
      { subject: r.subject_key, element: r.element, value: r.other_value, norm: String(r.other_norm) },
    ]),
  );
  const tuples = rows.map((r, i) => {
    const [a, o] = [sealed[2 * i]!, sealed[2 * i + 1]!];
    return sql`(${r.id}::bigint, ${a.value}::text, ${a.norm}::text, ${o.value}::text, ${o.norm}::text)`;
  });
  await sql`update base.conflict as t set auth_value = to_jsonb(v.av), auth_norm = v.an,
      other_value = to_jsonb(v.ov), other_norm = v.onorm
    from (values ${sql.join(tuples)}) as v(id, av, an, ov, onorm) where t.id = v.id`.execute(trx);
}
