import { randomUUID } from 'node:crypto';
import { copyText, sql, type Database, type Kysely, type RawBuilder } from '../db/index.js';
import type { BaseCodec } from './codec.js';
import type { BaseKind, Feed } from './kinds.js';
import type { ValueSource } from './label-sql.js';
import type { BaseTables } from './tables.js';
import { normalize, validatorOf } from './validators.js';

/** One loaded row as ingest hands it over. */
export interface LoadedRow {
  key: string;
  doc: Record<string, unknown>;
  sourceRow: number;
}

/**
 * A part of an absorb's stage: a table of its own, one row per subject — its key as the base
 * stores it (unique, and indexed), the key sealed for the key book (null unless keys are sealed:
 * codec.ts), its source row, and for each fed element i, `v<i>` the value (JSON), `n<i>` the
 * form compared (null when that is the value's own text) and `r<i>` why the element's validator
 * refuses it (null when valid); a sealed element's value and form are sealed. A row per subject
 * rather than per value: a sixth of the rows to copy and scan for the person resource, and the
 * staged subjects are the table itself.
 */
export interface StagedChunk {
  table: RawBuilder<unknown>;
  /** Its name, to derive the names of tables that go with it. */
  name: string;
  subjects: number;
  values: number;
}

/**
 * Subjects per chunk: on PostgreSQL the merge takes in one chunk while the next is being read,
 * checked and copied, so the stage costs little more than its first chunk — which is smaller, to
 * start the merge sooner.
 */
const CHUNK = 100_000;
const FIRST_CHUNK = 20_000;
/**
 * On PGlite a chunk's merge holds the one connection for its transaction: every request waits
 * for it, so chunks are smaller there — a few seconds each rather than tens.
 */
const PGLITE_CHUNK = 10_000;

/**
 * An absorb's stage: the loaded rows, each value normalized and checked by its element's
 * validator, copied (COPY) into tables `base.stage_<uuid>_<n>` of `CHUNK` subjects each
 * (`PGLITE_CHUNK` on PGlite), outside any transaction. A subject is staged once: a key handed
 * over again (the catalog's keys are unique, so only another caller would) is dropped, as the
 * catalog drops a key a file repeats: the first one handed over counts.
 */
export class Stage {
  readonly elements: string[];
  /** Every chunk filled so far. */
  readonly chunks: StagedChunk[] = [];
  readonly name = `stage_${randomUUID().replaceAll('-', '')}`;
  private readonly created: RawBuilder<unknown>[] = [];
  private readonly checks: Array<{
    field: string;
    element: string;
    valid: ReturnType<typeof validatorOf>;
    sealed: boolean;
  }>;

  constructor(
    private readonly database: Database,
    private readonly db: Kysely<BaseTables>,
    kind: BaseKind,
    private readonly feeds: Feed[],
    private readonly codec: BaseCodec,
    private readonly chunkSize = database.kind === 'pglite' ? PGLITE_CHUNK : CHUNK,
  ) {
    this.elements = feeds.map((f) => f.element.code);
    this.checks = feeds.map(({ field, element }) => ({
      field: field.name,
      element: element.code,
      valid: validatorOf(kind, element),
      sealed: codec.isSealed(element.code),
    }));
  }

  /** Stages the rows a chunk at a time, yielding each chunk once it is in its table. */
  async *fill(batches: AsyncIterable<LoadedRow[]>): AsyncGenerator<StagedChunk> {
    const source = batches[Symbol.asyncIterator]();
    const order = { previous: null as string | null, sorted: true };
    const columns = [
      'subject_key',
      'sealed_key',
      'source_row',
      ...this.feeds.flatMap((_, i) => [`v${i}`, `n${i}`, `r${i}`]),
    ];
    const types = this.feeds.map((_, i) => sql.raw(`, v${i} jsonb, n${i} text, r${i} text`));
    try {
      for (let exhausted = false; !exhausted;) {
        const name = `${this.name}_${this.chunks.length}`;
        const table = sql.table(`base.${name}`);
        this.created.push(table);
        await sql`create table ${table} (subject_key text not null, sealed_key text, source_row int not null
          ${sql.join(types, sql``)})`.execute(this.db);
        const chunk: StagedChunk = { table, name, subjects: 0, values: 0 };
        const size = this.chunks.length === 0 ? Math.min(FIRST_CHUNK, this.chunkSize) : this.chunkSize;
        const lines = async function* (this: Stage): AsyncGenerator<string> {
          while (chunk.subjects < size) {
            const next = await source.next();
            if (next.done) {
              exhausted = true;
              return;
            }
            if (next.value.length > 0) yield this.text(next.value, chunk, order);
          }
        };
        await this.database.copyIn(`base.${name}`, columns, lines.call(this));
        if (chunk.subjects === 0) break;
        // Keys in strictly increasing order (recordsOfJob's) are unique; otherwise make sure.
        if (!order.sorted) await this.dropRepeated(chunk);
        await sql`create unique index on ${table} (subject_key)`.execute(this.db);
        await sql`analyze ${table}`.execute(this.db);
        this.chunks.push(chunk);
        yield chunk;
      }
    } finally {
      // Closes the rows' source when the merge stops early.
      await source.return?.();
    }
  }

  async drop(): Promise<void> {
    for (const table of this.created) await sql`drop table if exists ${table}`.execute(this.db);
  }

  private text(batch: LoadedRow[], chunk: StagedChunk, order: { previous: string | null; sorted: boolean }): string {
    const keys = batch.map((row) => this.codec.storedKey(row.key));
    const sealedKeys = this.codec.sealKeys(
      batch.map((row) => row.key),
      keys,
    );
    const cells = batch.map((row, r) => this.cells(row, keys[r]!));
    this.seal(cells);
    let text = '';
    batch.forEach((row, r) => {
      // Sorted in the keys' own order (recordsOfJob's): then they are unique, whatever the stored keys.
      if (order.previous !== null && !(row.key > order.previous)) order.sorted = false;
      order.previous = row.key;
      text += copyText(keys[r]!) + '\t' + (sealedKeys[r] === null ? '\\N' : copyText(sealedKeys[r]!));
      text += '\t' + row.sourceRow;
      for (const cell of cells[r]!) {
        if (cell === null) {
          text += '\t\\N\t\\N\t\\N';
          continue;
        }
        text += '\t' + copyText(JSON.stringify(cell.value));
        text += '\t' + (cell.norm === cell.value ? '\\N' : copyText(cell.norm));
        text += '\t' + (cell.reason === null ? '\\N' : copyText(cell.reason));
        chunk.values++;
      }
      text += '\n';
    });
    chunk.subjects += batch.length;
    return text;
  }

  /** A row's fed values, each normalized and checked (by the plaintext key); null where absent. */
  private cells(row: LoadedRow, subject: string): Array<Cell | null> {
    return this.checks.map(({ field, element, valid, sealed }) => {
      const value = row.doc[field];
      if (value === null || value === undefined || value === '') return null;
      const verdict = valid(row.key, value);
      return { subject, element, sealed, value, norm: normalize(value), reason: verdict.valid ? null : verdict.reason };
    });
  }

  /** The sealed elements' values and forms sealed in place, the batch's in one call. */
  private seal(cells: Array<Array<Cell | null>>): void {
    const todo = cells.flat().filter((c): c is Cell => c !== null && c.sealed);
    if (todo.length === 0) return;
    this.codec.sealValues(todo).forEach((sealed, i) => Object.assign(todo[i]!, sealed));
  }

  /** Keeps a key's first row: within the chunk, and against the chunks before it. */
  private async dropRepeated(chunk: StagedChunk): Promise<void> {
    const t = chunk.table;
    let dropped = 0;
    const count = (r: { numAffectedRows?: bigint }) => (dropped += Number(r.numAffectedRows ?? 0));
    count(
      await sql`delete from ${t} a using ${t} b where a.subject_key = b.subject_key and a.ctid > b.ctid`.execute(
        this.db,
      ),
    );
    for (const before of this.chunks) {
      count(await sql`delete from ${t} a using ${before.table} b where a.subject_key = b.subject_key`.execute(this.db));
    }
    if (dropped === 0) return;
    const present = this.elements.map((_, i) => sql`(${sql.ref(`v${i}`)} is not null)::int`);
    const { rows } = await sql<{ subjects: number; values: number }>`
      select count(*)::int as subjects, coalesce(sum(${sql.join(present, sql` + `)}), 0)::int as values
      from ${t}`.execute(this.db);
    Object.assign(chunk, rows[0]);
  }
}

interface Cell {
  subject: string;
  element: string;
  sealed: boolean;
  value: unknown;
  norm: string;
  reason: string | null;
}

/**
 * A chunk as observations: one row per subject and element with a value — subject_key,
 * element, value, norm, valid, invalid_reason, source_row — unique by (subject_key, element).
 */
export function observed(chunk: StagedChunk, elements: string[]): RawBuilder<unknown> {
  const tuples = elements.map(
    (code, i) => sql`(${code}::text, ${sql.ref(`s.v${i}`)}, ${sql.ref(`s.n${i}`)}, ${sql.ref(`s.r${i}`)})`,
  );
  return sql`
    select s.subject_key, x.element, x.value, coalesce(x.norm, x.value #>> '{}') as norm,
      x.reason is null as valid, x.reason as invalid_reason, s.source_row
    from ${chunk.table} s cross join lateral (values ${sql.join(tuples)}) as x (element, value, norm, reason)
    where x.value is not null`;
}

/** The fed elements the chunk row aliased `s` comes without, as a text[] (an SQL expression). */
export function lacking(elements: string[]): RawBuilder<string[]> {
  const missing = elements.map((code, i) => sql`case when ${sql.ref(`s.v${i}`)} is null then ${code}::text end`);
  return sql<string[]>`array_remove(array[${sql.join(missing)}], null)`;
}

/**
 * Label rules' view of the chunk row aliased `s`: an element's valid value is its column, when
 * valid; an element the chunk does not feed has none. (What base.value holds for a new subject.)
 */
export function stagedValues(elements: string[]): ValueSource {
  return (element, test) => {
    const i = elements.indexOf(element);
    if (i < 0) return sql<boolean>`false`;
    const value = sql.ref(`s.v${i}`);
    // As an EXISTS would: a test that comes out unknown does not hold.
    return sql<boolean>`coalesce(${value} is not null and ${sql.ref(`s.r${i}`)} is null and ${test(value)}, false)`;
  };
}
