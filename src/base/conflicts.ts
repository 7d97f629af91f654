import { sql, type Kysely, type Selectable } from '../db/index.js';
import { HubError, msg } from '../kernel/index.js';
import { lockBase, recomputeAll } from './absorb.js';
import { plainKeys, plainOf, type BaseCodecs } from './key-book.js';
import { BASE_KINDS, type BaseKind } from './kinds.js';
import type { BaseTables, ConflictState } from './tables.js';

/** Where a value came from: the provider, its resource, the ingest job and the source row. */
export interface Origin {
  provider: string;
  resource: string;
  job: string;
  row: number;
}

/** A conflict as stored: values unmasked (the service masks them for the caller). */
export interface ConflictRecord {
  id: number;
  kind: BaseKind;
  subject: string;
  element: string;
  authoritative: { value: unknown; origin: Origin };
  other: { value: unknown; origin: Origin };
  state: ConflictState;
  kept: 'authoritative' | 'other' | null;
  note: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  createdAt: string;
}

export interface ConflictFilter {
  state?: ConflictState;
  kind?: BaseKind;
  element?: string;
  /** One subject's conflicts only. */
  subject?: string;
  page: number;
  pageSize: number;
}

export type Decision = { keep: 'authoritative' | 'other'; note: string } | { dismiss: true; note: string };

type Row = Selectable<BaseTables['base.conflict']>;

export async function listConflicts(
  db: Kysely<BaseTables>,
  codecs: BaseCodecs,
  f: ConflictFilter,
): Promise<{ items: ConflictRecord[]; total: number }> {
  let q = db.selectFrom('base.conflict');
  if (f.state) q = q.where('state', '=', f.state);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.element) q = q.where('element', '=', f.element);
  if (f.subject) {
    // The subject as each base would store it: a filter without a base looks in both.
    const kinds = f.kind ? [f.kind] : BASE_KINDS;
    const stored = await Promise.all(kinds.map(async (k) => (await codecs(k)).storedKey(f.subject!)));
    q = q.where('subject_key', 'in', stored);
  }
  const [rows, total] = await Promise.all([
    q
      .selectAll()
      .orderBy('id')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await reveal(db, codecs, rows), total: Number(total.n) };
}

/**
 * A reviewer's decision on an open conflict, in one transaction with its effect: keeping the
 * other provider's value makes it the merged value (as long as the source of record still
 * reports what it did when the conflict was found); keeping the authoritative one, or
 * dismissing, changes no value.
 */
export async function decideConflict(
  db: Kysely<BaseTables>,
  codecs: BaseCodecs,
  id: number,
  by: string,
  decision: Decision,
): Promise<ConflictRecord> {
  const found = await db.selectFrom('base.conflict').select('kind').where('id', '=', id).executeTakeFirst();
  if (!found) throw new HubError('BAS_CONFLICT_NOT_FOUND', msg('base.noConflict', { id }));
  const decided = await db.transaction().execute(async (trx) => {
    // The base first, then the row, in the order an absorb takes them.
    await lockBase(trx, found.kind);
    const row = await trx
      .selectFrom('base.conflict')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (row.state !== 'open')
      throw new HubError(
        'BAS_CONFLICT_CLOSED',
        msg('base.conflictClosed', { id, state: msg(`conflictState.${row.state}`) }),
      );
    const keep = 'keep' in decision ? decision.keep : null;
    await trx
      .updateTable('base.conflict')
      .set({
        state: keep ? 'resolved' : 'dismissed',
        kept: keep,
        note: decision.note,
        resolved_by: by,
        resolved_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    if (keep === 'other') {
      await recomputeAll(trx, row.kind, { keys: sql`select ${row.subject_key}::text`, element: row.element });
    }
    return trx.selectFrom('base.conflict').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  });
  return (await reveal(db, codecs, [decided]))[0]!;
}

/** Conflicts as their reader needs them: subjects by their keys, values opened (masking is the service's). */
async function reveal(db: Kysely<BaseTables>, codecs: BaseCodecs, rows: Row[]): Promise<ConflictRecord[]> {
  const out: ConflictRecord[] = new Array(rows.length);
  for (const kind of BASE_KINDS) {
    const at = rows.flatMap((r, i) => (r.kind === kind ? [i] : []));
    if (at.length === 0) continue;
    const codec = await codecs(kind);
    const ofKind = at.map((i) => rows[i]!);
    const keys = await plainKeys(
      db,
      codec,
      ofKind.map((r) => r.subject_key),
    );
    const values = await codec.openValues(
      ofKind.flatMap((r) => [
        { subject: r.subject_key, element: r.element, value: r.auth_value },
        { subject: r.subject_key, element: r.element, value: r.other_value },
      ]),
    );
    at.forEach((i, n) => {
      const r = { ...rows[i]!, auth_value: values[2 * n], other_value: values[2 * n + 1] };
      out[i] = { ...toRecord(r), subject: plainOf(keys, r.subject_key) };
    });
  }
  return out;
}

function toRecord(r: Row): ConflictRecord {
  return {
    id: Number(r.id),
    kind: r.kind,
    subject: r.subject_key,
    element: r.element,
    authoritative: {
      value: r.auth_value,
      origin: { provider: r.auth_provider, resource: r.auth_resource, job: r.auth_job, row: r.auth_row },
    },
    other: {
      value: r.other_value,
      origin: { provider: r.other_provider, resource: r.other_resource, job: r.other_job, row: r.other_row },
    },
    state: r.state,
    kept: r.kept,
    note: r.note,
    resolvedBy: r.resolved_by,
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  };
}
