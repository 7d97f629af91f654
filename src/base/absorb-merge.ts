import type { Resource } from '../catalog/index.js';
import { sql, type RawBuilder, type Transaction } from '../db/index.js';
import type { AbsorbResult } from './absorb.js';
import type { BaseKind } from './kinds.js';
import type { LabelRule } from './label-rules.js';
import { labelNewSubjects, recomputeLabels, rulesInOrder, todayInJinan } from './labels.js';
import { openConflicts, recomputeConflicts, recomputeValues, VALUE_UPDATE } from './merge.js';
import { lacking, observed, stagedValues, type Stage, type StagedChunk } from './stage.js';
import type { BaseTables } from './tables.js';

/** Staged subjects from which the merge refreshes the planner's statistics before recomputing. */
const ANALYZE_FROM = 1000;

/**
 * The merge of a stage into its base, inside the absorb's transaction (the base locked), a chunk
 * at a time. The subjects of a chunk fall in three groups, each taking only the work it needs:
 *
 *  new    — not in the base yet: subject, observations, merged values and labels are inserted
 *           straight from the stage. Their values are their observations: with one provider
 *           there is nothing to choose between, confirm or dispute;
 *  alone  — in the base, but reported by no other resource: the same, as updates (a value the
 *           provider no longer sends goes, observation and value);
 *  shared — also reported by another resource: only there can providers disagree, so their
 *           values and conflicts are recomputed from every provider's observations (merge.ts),
 *           once every chunk is in.
 *
 * A subject that is new or alone has no open conflict: a conflict needs two resources'
 * observations, and observations go only in an absorb of their resource, which recomputes the
 * conflicts of the subjects it staged. The labels of the subjects that were in the base already
 * are recomputed at the end.
 */
export class StagedMerge {
  private subjects = 0;
  private values = 0;
  /** The chunks taken in, each with how many of its subjects were in the base already. */
  private readonly chunks: Array<{ chunk: StagedChunk; known: number }> = [];
  /**
   * Temporary tables: the staged subjects that were in the base already, with their chunk and
   * the fed elements they come without; those of them another resource also reports.
   */
  private readonly known: RawBuilder<unknown>;
  private readonly shared: RawBuilder<unknown>;
  private readonly code: string;
  private readonly provider: string;
  /** The day ages are counted at, and the label rules in evaluation order. */
  private readonly asOf = todayInJinan();
  private rules: LabelRule[] = [];

  constructor(
    private readonly trx: Transaction<BaseTables>,
    private readonly kind: BaseKind,
    resource: Resource,
    private readonly jobId: string,
    private readonly stage: Stage,
  ) {
    this.code = resource.code;
    this.provider = resource.provider.code;
    this.known = sql.table(`${stage.name}_known`);
    this.shared = sql.table(`${stage.name}_shared`);
  }

  async begin(): Promise<void> {
    // Sorts and hashes over a large stage: room for them in memory.
    await sql`set local work_mem = '64MB'`.execute(this.trx);
    await sql`create temp table ${this.known} (subject_key text not null, chunk int not null, lacking text[] not null)
      on commit drop`.execute(this.trx);
    await sql`create temp table ${this.shared} (subject_key text not null) on commit drop`.execute(this.trx);
    this.rules = await rulesInOrder(this.trx, this.kind);
  }

  /**
   * Takes in a chunk as soon as it is staged: its new subjects whole, the observations of the
   * others (what depends on the other providers is left to `finish`).
   */
  async add(chunk: StagedChunk): Promise<void> {
    const { trx, kind, jobId } = this;
    const s = chunk.table;
    const n = this.chunks.length;
    const { numAffectedRows } = await sql`insert into ${this.known}
      select s.subject_key, ${n}, ${lacking(this.stage.elements)} from ${s} s
      join base.subject b on b.kind = ${kind} and b.key = s.subject_key`.execute(trx);
    const known = Number(numAffectedRows ?? 0);
    const isKnown = sql<boolean>`exists (select 1 from ${this.known} k where k.chunk = ${n}
      and k.subject_key = s.subject_key)`;
    if (known < chunk.subjects) {
      await sql`insert into base.subject (kind, key, first_job)
        select ${kind}, s.subject_key, ${jobId} from ${s} s where not ${isKnown}`.execute(trx);
      await sql`insert into base.observation ${OBSERVATION_COLUMNS} ${this.asObservation(chunk)}
        where not ${isKnown}`.execute(trx);
      await sql`insert into base.value ${VALUE_COLUMNS} ${this.asValue(chunk)} where not ${isKnown}`.execute(trx);
      const subjects = sql`select ${kind}::text as kind, s.subject_key as key, s.* from ${s} s where not ${isKnown}`;
      await labelNewSubjects(trx, kind, this.rules, subjects, stagedValues(this.stage.elements), this.asOf);
    }
    if (known > 0) {
      // Written when anything differs, the compared form and the reason too: the alone subjects'
      // values are taken from the stage, and must be what their observations say.
      await sql`insert into base.observation as o ${OBSERVATION_COLUMNS} ${this.asObservation(chunk)}
        where ${isKnown}
        on conflict (kind, subject_key, element, resource_code) do update set
          provider_org = excluded.provider_org, value = excluded.value, norm = excluded.norm, valid = excluded.valid,
          invalid_reason = excluded.invalid_reason, job_id = excluded.job_id, source_row = excluded.source_row
        where (o.provider_org, o.value, o.norm, o.valid, o.invalid_reason, o.job_id, o.source_row)
          is distinct from (excluded.provider_org, excluded.value, excluded.norm, excluded.valid,
            excluded.invalid_reason, excluded.job_id, excluded.source_row)`.execute(trx);
    }
    this.chunks.push({ chunk, known });
    this.subjects += chunk.subjects;
    this.values += chunk.values;
  }

  /**
   * The subjects that were in the base already: stale observations and values go, the alone
   * ones' values are written, the shared ones' values and conflicts recomputed, the labels of
   * all of them. Returns what the absorb found.
   */
  async finish(): Promise<Omit<AbsorbResult, 'departed'>> {
    const { trx, kind, code } = this;
    const elements = sql.val(this.stage.elements);
    // The planner's statistics, refreshed inside the transaction (where ANALYZE counts the rows
    // it wrote): PGlite has no autovacuum, and a plan made for the few rows they remember probes
    // a large absorb row by row.
    if (this.subjects >= ANALYZE_FROM) await sql`analyze base.subject, base.observation, base.value`.execute(trx);
    let conflicts = 0;
    const known = this.chunks.reduce((sum, c) => sum + c.known, 0);
    if (known > 0) {
      await sql`analyze ${this.known}`.execute(trx);
      await sql`insert into ${this.shared}
        select distinct o.subject_key from base.observation o join ${this.known} k on k.subject_key = o.subject_key
        where o.kind = ${kind} and o.resource_code <> ${code}`.execute(trx);
      await sql`analyze ${this.shared}`.execute(trx);
      // A value the provider no longer sends (or no longer feeds) for a subject it still sends
      // is no longer its value.
      const stale = (alias: string) => {
        const element = sql.ref(`${alias}.element`);
        return sql<boolean>`(${element} = any(k.lacking) or not ${element} = any(${elements}::text[]))`;
      };
      const alone = sql<boolean>`not exists (select 1 from ${this.shared} x where x.subject_key = k.subject_key)`;
      await sql`delete from base.observation o using ${this.known} k
        where o.kind = ${kind} and o.resource_code = ${code} and o.subject_key = k.subject_key
          and ${stale('o')}`.execute(trx);
      await sql`delete from base.value v using ${this.known} k
        where v.kind = ${kind} and v.subject_key = k.subject_key and ${stale('v')} and ${alone}`.execute(trx);
      for (const [n, { chunk, known: inBase }] of this.chunks.entries()) {
        if (inBase === 0) continue;
        await sql`insert into base.value as v ${VALUE_COLUMNS} ${this.asValue(chunk)}
          join ${this.known} k on k.chunk = ${n} and k.subject_key = s.subject_key
          where ${alone}
          ${VALUE_UPDATE}`.execute(trx);
      }
      const scope = { keys: sql`select subject_key from ${this.shared}`, element: null };
      await recomputeValues(trx, kind, scope);
      await recomputeConflicts(trx, kind, scope);
      conflicts = await openConflicts(trx, kind, scope);
      await recomputeLabels(trx, kind, { keys: sql`select subject_key from ${this.known}`, element: null }, this.asOf);
    }
    return { subjects: this.subjects, values: this.values, conflicts };
  }

  private asObservation(chunk: StagedChunk): RawBuilder<unknown> {
    return sql`select ${this.kind}, s.subject_key, s.element, ${this.code}, ${this.provider}, s.value, s.norm,
      s.valid, s.invalid_reason, ${this.jobId}, s.source_row
      from (${observed(chunk, this.stage.elements)}) s`;
  }

  /**
   * What recomputeValues makes of a single observation: kept, authoritative when its provider is
   * the source of record, agreeing then or when none is declared, confirmed by nobody.
   */
  private asValue(chunk: StagedChunk): RawBuilder<unknown> {
    const { kind, provider } = this;
    return sql`select ${kind}, s.subject_key, s.element, s.value, s.norm, s.valid, s.invalid_reason, ${this.code},
        ${provider}, ${this.jobId}, s.source_row, coalesce(d.provider_org = ${provider}, false),
        coalesce(d.provider_org = ${provider}, true), 0, null::bigint
      from (${observed(chunk, this.stage.elements)}) s
      left join base.authority d on d.base_kind = ${kind} and d.element = s.element`;
  }
}

const OBSERVATION_COLUMNS = sql`(kind, subject_key, element, resource_code, provider_org, value, norm, valid,
  invalid_reason, job_id, source_row)`;
const VALUE_COLUMNS = sql`(kind, subject_key, element, value, norm, valid, invalid_reason, resource_code,
  provider_org, job_id, source_row, authoritative, agrees, confirmations, kept_by_conflict)`;
