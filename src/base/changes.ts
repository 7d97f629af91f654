import type { Kysely } from '../db/index.js';
import { lockBase } from './absorb.js';
import type { BaseCodec } from './codec.js';
import { plainKeys, plainOf } from './key-book.js';
import { BASES } from './kinds.js';
import { valuesOf } from './subjects.js';
import type { BaseTables } from './tables.js';

/** One subject as it changed in a county: its values now, or gone from there (moved, or left the base). */
export interface SubjectChange {
  key: string;
  seq: number;
  gone: boolean;
  changedAt: Date;
  /** The subject's merged values by element; null when gone. */
  values: Record<string, unknown> | null;
}

export interface ChangePage {
  changes: SubjectChange[];
  /** The cursor after this page: the last change's number, or `after` when nothing changed. */
  last: number;
  more: boolean;
}

/**
 * The changes of a base in one county after a cursor, oldest first (docs/cascade.md, "Data
 * return"). Read under the base's lock: every change numbered so far has committed, so no change
 * with a smaller number can appear after the cursor has passed it.
 */
export function changesIn(
  db: Kysely<BaseTables>,
  codec: BaseCodec,
  division: string,
  after: number,
  limit: number,
): Promise<ChangePage> {
  const { kind } = codec;
  return db.transaction().execute(async (trx) => {
    await lockBase(trx, kind);
    const rows = await trx
      .selectFrom('base.change')
      .select(['subject_key', 'seq', 'gone', 'changed_at'])
      .where('kind', '=', kind)
      .where('division', '=', division)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(limit)
      .execute();
    const values = await valuesOf(
      trx,
      codec,
      rows.filter((r) => !r.gone).map((r) => r.subject_key),
      BASES[kind].elements,
    );
    const keys = await plainKeys(
      trx,
      codec,
      rows.map((r) => r.subject_key),
    );
    const changes = rows.map((r) => ({
      key: plainOf(keys, r.subject_key),
      seq: Number(r.seq),
      gone: r.gone,
      changedAt: r.changed_at,
      values: r.gone ? null : (values.get(r.subject_key) ?? {}),
    }));
    return { changes, last: changes.at(-1)?.seq ?? after, more: rows.length === limit };
  });
}
