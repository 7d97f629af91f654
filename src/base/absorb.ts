import type { Resource } from '../catalog/index.js';
import { sql, type Database, type Kysely, type Transaction } from '../db/index.js';
import type { BaseCodec } from './codec.js';
import { BASE_KINDS, feedOf, type BaseKind } from './kinds.js';
import { StagedMerge } from './absorb-merge.js';
import { recomputeLabels, todayInJinan } from './labels.js';
import { recomputeConflicts, recomputeValues, type Scope } from './merge.js';
import { Stage, type LoadedRow, type StagedChunk } from './stage.js';
import type { BaseTables } from './tables.js';

export type { LoadedRow } from './stage.js';

export interface AbsorbResult {
  subjects: number;
  values: number;
  /** Open conflicts among the absorbed subjects afterwards. */
  conflicts: number;
  /** Subjects the resource no longer holds, whose values from it went (a load of the whole resource). */
  departed: number;
}

/**
 * Takes a committed load of `resource` into its base, in two steps as the catalog loads:
 *
 *  stage — the rows, each value normalized and checked by its element's validator, are copied
 *          (COPY) into tables of this absorb's own, a chunk of subjects each, outside any
 *          transaction: a crash leaves only those tables behind;
 *  merge — a transaction per chunk, serialized per base: subjects, observations (the resource's
 *          stale ones removed), merged values, conflicts and labels of the chunk's subjects, by
 *          set-based statements (absorb-merge.ts). Each chunk is merged as soon as it is staged,
 *          while the next one is being read and checked.
 *
 * A transaction per chunk rather than one for the whole absorb: on PGlite a transaction holds
 * the one connection, and a large absorb would keep every request waiting until it committed.
 * A failure leaves the chunks merged before it; the absorb is recorded (`base.absorption`) only
 * in its last transaction, so the catch-up (`BaseService.absorbMissed`) absorbs the job again.
 *
 * With `whole`, the job's rows are all the resource now holds (a snapshot, or a first load):
 * subjects it fed before and no longer has are taken out of it as well (`dropDeparted`), in
 * that last transaction.
 *
 * Absorbing the same rows again finds everything already as it would make it: the same state.
 * What the base seals at rest, the stage seals (`codecs`, codec.ts).
 */
export async function absorb(
  database: Database,
  db: Kysely<BaseTables>,
  codecs: (kind: BaseKind) => Promise<BaseCodec>,
  resource: Resource,
  jobId: string,
  batches: AsyncIterable<LoadedRow[]>,
  opts: { chunk?: number; whole?: boolean } = {},
): Promise<AbsorbResult> {
  const feed = feedOf(resource);
  if (!feed) return { subjects: 0, values: 0, conflicts: 0, departed: 0 };
  const { kind } = feed;
  const stage = new Stage(database, db, kind, feed.feeds, await codecs(kind), opts.chunk);
  const merge = new StagedMerge(kind, resource, jobId, stage.elements);
  const filling = stage.fill(batches);
  let next: Promise<IteratorResult<StagedChunk>> | undefined;
  try {
    for (let current = await filling.next(); !current.done; current = await next) {
      next = filling.next();
      next.catch(() => {}); // awaited below; a failed merge must not leave it unhandled
      const chunk = current.value;
      await inBase(db, kind, (trx) => merge.add(trx, chunk));
    }
    return await inBase(db, kind, async (trx) => {
      const departed = opts.whole ? await dropDeparted(trx, kind, resource.code, jobId) : 0;
      const result = { ...merge.result, departed };
      const log = { subjects: result.subjects, values_absorbed: result.values, conflicts: result.conflicts };
      await trx
        .insertInto('base.absorption')
        .values({ job_id: jobId, resource_code: resource.code, kind, ...log })
        .onConflict((oc) => oc.column('job_id').doUpdateSet({ ...log, absorbed_at: new Date() }))
        .execute();
      return result;
    });
  } finally {
    // After a failed merge the next chunk may still be on its way: let it land, then drop all.
    await next?.catch(() => {});
    await filling.return(undefined).catch(() => {});
    await stage.drop().catch(() => {});
  }
}

/** Every change to a base under its lock (`lockBase`), a chunk being one change. */
function inBase<T>(db: Kysely<BaseTables>, kind: BaseKind, work: (trx: Transaction<BaseTables>) => Promise<T>) {
  return db.transaction().execute(async (trx) => {
    await lockBase(trx, kind);
    return work(trx);
  });
}

/**
 * One change to a base at a time (an absorb, a review, a change of authority): two providers'
 * loads of the same subjects would otherwise each compute a winner without seeing the other's
 * observations. Held to the end of the transaction.
 */
export async function lockBase(trx: Transaction<BaseTables>, kind: BaseKind): Promise<void> {
  await sql`select pg_advisory_xact_lock(7401, ${BASE_KINDS.indexOf(kind)})`.execute(trx);
}

/**
 * After a load of the whole resource, its observations from any other job are of subjects it no
 * longer holds (the job's own subjects carry its id by now): they go, the values, conflicts
 * and labels of those subjects are worked out again from what other providers still say, and
 * a subject no provider reports any more leaves the base. Returns how many subjects departed.
 */
async function dropDeparted(trx: Transaction<BaseTables>, kind: BaseKind, code: string, jobId: string) {
  await sql`create temp table base_departed (subject_key text primary key) on commit drop`.execute(trx);
  const { numAffectedRows } = await sql`
    with gone as (
      delete from base.observation o where o.kind = ${kind} and o.resource_code = ${code} and o.job_id <> ${jobId}
      returning o.subject_key
    )
    insert into base_departed select distinct subject_key from gone`.execute(trx);
  const departed = Number(numAffectedRows ?? 0);
  if (departed > 0) {
    await recomputeAll(trx, kind, { keys: sql`select subject_key from base_departed`, element: null });
    await sql`delete from base.subject s using base_departed d
      where s.kind = ${kind} and s.key = d.subject_key
        and not exists (select 1 from base.observation o where o.kind = s.kind and o.subject_key = s.key)`.execute(trx);
  }
  await sql`drop table base_departed`.execute(trx);
  return departed;
}

/** Values, then conflicts (against the kept values), then labels (from the values), in scope. */
export async function recomputeAll(db: Kysely<BaseTables>, kind: BaseKind, scope: Scope): Promise<void> {
  await recomputeValues(db, kind, scope);
  await recomputeConflicts(db, kind, scope);
  await recomputeLabels(db, kind, scope, todayInJinan());
}
