import type { Resource } from '../catalog/index.js';
import { sql, type RawBuilder, type Transaction } from '../db/index.js';
import type { AbsorbResult } from './absorb.js';
import type { BaseKind } from './kinds.js';
import type { LabelRule } from './label-rules.js';
import { labelNewSubjects, recomputeLabels, rulesInOrder, todayInJinan } from './labels.js';
import { openConflicts, recomputeConflicts, recomputeValues, VALUE_UPDATE } from './merge.js';
import { lacking, observed, stagedValues, type StagedChunk } from './stage.js';
import type { BaseTables } from './tables.js';

/** Subjects absorbed since the base tables were last analyzed from which the merge analyzes them again. */
const ANALYZE_FROM = 1000;

/**
 * The merge of a stage into its base, a chunk at a time, each chunk in a transaction of its own
 * (the base locked): between chunks the base is consistent — every merged subject whole — and
 * other work (on PGlite, every other request) gets its turn. The subjects of a chunk fall in
 * three groups, each taking only the work it needs:
 *
 *  new    — not in the base yet: subject, observations, merged values and labels are inserted
 *           straight from the stage. Their values are their observations: with one provider
 *           there is nothing to choose between, confirm or dispute;
 *  alone  — in the base, but reported by no other resource: the same, as updates (a value the
 *           provider no longer sends goes, observation and value);
 *  shared — also reported by another resource: only there can providers disagree, so their
 *           values and conflicts are recomputed from every provider's observations (merge.ts).
 *
 * A subject that is new or alone has no open conflict: a conflict needs two resources'
 * observations, and observations go only in an absorb of their resource, which recomputes the
 * conflicts of the subjects it staged. A chunk's subjects are no other chunk's (the stage keeps
 * a key once), so merging the chunks one by one makes what merging them at once would.
 */
export class StagedMerge {
  private subjects = 0;
  private values = 0;
  private conflicts = 0;
  /** `subjects` when the base tables were last analyzed. */
  private analyzed = 0;
  private readonly code: string;
  private readonly provider: string;

  constructor(
    private readonly kind: BaseKind,
    resource: Resource,
    private readonly jobId: string,
    private readonly elements: string[],
  ) {
    this.code = resource.code;
    this.provider = resource.provider.code;
  }

  /** What the chunks merged so far came to. */
  get result(): Omit<AbsorbResult, 'departed'> {
    return { subjects: this.subjects, values: this.values, conflicts: this.conflicts };
  }

  /**
   * Merges a chunk in `trx`: its new subjects whole, then the subjects that were in the base
   * already — their temporary table (with the fed elements each comes without) dropped at commit.
   */
  async add(trx: Transaction<BaseTables>, chunk: StagedChunk): Promise<void> {
    // Sorts and hashes over a large chunk: room for them in memory.
    await sql`set local work_mem = '64MB'`.execute(trx);
    const known = sql.table(`${chunk.name}_known`);
    await sql`create temp table ${known} (subject_key text primary key, lacking text[] not null)
      on commit drop`.execute(trx);
    const { numAffectedRows } = await sql`insert into ${known}
      select s.subject_key, ${lacking(this.elements)} from ${chunk.table} s
      join base.subject b on b.kind = ${this.kind} and b.key = s.subject_key`.execute(trx);
    const inBase = Number(numAffectedRows ?? 0);
    // Read in every chunk's transaction: a rule saved between two chunks holds for the later one.
    const rules = await rulesInOrder(trx, this.kind);
    const asOf = todayInJinan();
    const isKnown = sql<boolean>`exists (select 1 from ${known} k where k.subject_key = s.subject_key)`;
    if (inBase < chunk.subjects) await this.addNew(trx, chunk, isKnown, rules, asOf);
    this.subjects += chunk.subjects;
    this.values += chunk.values;
    await this.analyze(trx);
    if (inBase > 0) this.conflicts += await this.addKnown(trx, chunk, known, isKnown, asOf);
  }

  private async addNew(
    trx: Transaction<BaseTables>,
    chunk: StagedChunk,
    isKnown: RawBuilder<boolean>,
    rules: LabelRule[],
    asOf: string,
  ): Promise<void> {
    const { kind, jobId } = this;
    const s = chunk.table;
    await sql`insert into base.subject (kind, key, first_job)
      select ${kind}, s.subject_key, ${jobId} from ${s} s where not ${isKnown}`.execute(trx);
    // A subject that left the base and comes back finds its key still in the book.
    await sql`insert into base.key_book (kind, key, sealed)
      select ${kind}, s.subject_key, s.sealed_key from ${s} s where s.sealed_key is not null and not ${isKnown}
      on conflict (kind, key) do nothing`.execute(trx);
    await sql`insert into base.observation ${OBSERVATION_COLUMNS} ${this.asObservation(chunk)}
      where not ${isKnown}`.execute(trx);
    await sql`insert into base.value ${VALUE_COLUMNS} ${this.asValue(chunk)} where not ${isKnown}`.execute(trx);
    const subjects = sql`select ${kind}::text as kind, s.subject_key as key, s.* from ${s} s where not ${isKnown}`;
    await labelNewSubjects(trx, kind, rules, subjects, stagedValues(this.elements), asOf);
  }

  /**
   * The planner's statistics, refreshed inside the transaction (where ANALYZE counts the rows it
   * wrote) whenever the absorb has at least doubled what they last saw: PGlite has no
   * autovacuum, and a plan made for the few rows they remember probes a large absorb row by row.
   */
  private async analyze(trx: Transaction<BaseTables>): Promise<void> {
    if (this.subjects < ANALYZE_FROM || this.subjects < 2 * this.analyzed) return;
    await sql`analyze base.subject, base.observation, base.value`.execute(trx);
    this.analyzed = this.subjects;
  }

  /**
   * The chunk's subjects that were in the base already: their observations written where
   * anything differs, stale observations and values gone, the alone ones' values written, the
   * shared ones' values and conflicts recomputed, the labels of all of them. Returns the open
   * conflicts among them.
   */
  private async addKnown(
    trx: Transaction<BaseTables>,
    chunk: StagedChunk,
    known: RawBuilder<unknown>,
    isKnown: RawBuilder<boolean>,
    asOf: string,
  ): Promise<number> {
    const { kind, code } = this;
    // The compared form and the reason too: the alone subjects' values are taken from the
    // stage, and must be what their observations say.
    await sql`insert into base.observation as o ${OBSERVATION_COLUMNS} ${this.asObservation(chunk)}
      where ${isKnown}
      on conflict (kind, subject_key, element, resource_code) do update set
        provider_org = excluded.provider_org, value = excluded.value, norm = excluded.norm, valid = excluded.valid,
        invalid_reason = excluded.invalid_reason, job_id = excluded.job_id, source_row = excluded.source_row
      where (o.provider_org, o.value, o.norm, o.valid, o.invalid_reason, o.job_id, o.source_row)
        is distinct from (excluded.provider_org, excluded.value, excluded.norm, excluded.valid,
          excluded.invalid_reason, excluded.job_id, excluded.source_row)`.execute(trx);
    await sql`analyze ${known}`.execute(trx);
    const shared = sql.table(`${chunk.name}_shared`);
    await sql`create temp table ${shared} on commit drop as
      select distinct o.subject_key from base.observation o join ${known} k on k.subject_key = o.subject_key
      where o.kind = ${kind} and o.resource_code <> ${code}`.execute(trx);
    await sql`analyze ${shared}`.execute(trx);
    // A value the provider no longer sends (or no longer feeds) for a subject it still sends
    // is no longer its value.
    const elements = sql.val(this.elements);
    const stale = (alias: string) => {
      const element = sql.ref(`${alias}.element`);
      return sql<boolean>`(${element} = any(k.lacking) or not ${element} = any(${elements}::text[]))`;
    };
    const alone = sql<boolean>`not exists (select 1 from ${shared} x where x.subject_key = k.subject_key)`;
    await sql`delete from base.observation o using ${known} k
      where o.kind = ${kind} and o.resource_code = ${code} and o.subject_key = k.subject_key
        and ${stale('o')}`.execute(trx);
    await sql`delete from base.value v using ${known} k
      where v.kind = ${kind} and v.subject_key = k.subject_key and ${stale('v')} and ${alone}`.execute(trx);
    await sql`insert into base.value as v ${VALUE_COLUMNS} ${this.asValue(chunk)}
      join ${known} k on k.subject_key = s.subject_key
      where ${alone}
      ${VALUE_UPDATE}`.execute(trx);
    const scope = { keys: sql`select subject_key from ${shared}`, element: null };
    await recomputeValues(trx, kind, scope);
    await recomputeConflicts(trx, kind, scope);
    const conflicts = await openConflicts(trx, kind, scope);
    await recomputeLabels(trx, kind, { keys: sql`select subject_key from ${known}`, element: null }, asOf);
    return conflicts;
  }

  private asObservation(chunk: StagedChunk): RawBuilder<unknown> {
    return sql`select ${this.kind}, s.subject_key, s.element, ${this.code}, ${this.provider}, s.value, s.norm,
      s.valid, s.invalid_reason, ${this.jobId}, s.source_row
      from (${observed(chunk, this.elements)}) s`;
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
      from (${observed(chunk, this.elements)}) s
      left join base.authority d on d.base_kind = ${kind} and d.element = s.element`;
  }
}

const OBSERVATION_COLUMNS = sql`(kind, subject_key, element, resource_code, provider_org, value, norm, valid,
  invalid_reason, job_id, source_row)`;
const VALUE_COLUMNS = sql`(kind, subject_key, element, value, norm, valid, invalid_reason, resource_code,
  provider_org, job_id, source_row, authoritative, agrees, confirmations, kept_by_conflict)`;
