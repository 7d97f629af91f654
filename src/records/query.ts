import { sql, type Kysely, type RawBuilder } from '../db/index.js';
import type { RecordTables } from './tables.js';

/**
 * A query over one resource's records in the store's own terms: conditions on the values of
 * named fields, an order and a window. Callers (the open-data API's filters and its parsed SQL)
 * build it from what a client asked; it is compiled here into one parameterized statement, so
 * that no text of a client reaches the database but as a bound value. Values compare as JSON
 * (numbers as numbers, text as text, as `doc -> field` holds them). The store neither decides
 * which fields a caller may name nor masks: the caller does, before and after.
 */
export type Condition =
  | { op: 'and' | 'or'; of: Condition[] }
  | { op: 'not'; of: Condition }
  | { op: 'compare'; field: string; cmp: Comparison; value: Scalar }
  /** The value's text (`doc ->> field`, as a CSV shows it) is one of `values`' texts. */
  | { op: 'in'; field: string; values: Scalar[] }
  | { op: 'like'; field: string; pattern: string; caseless: boolean }
  | { op: 'null'; field: string }
  /** Every word of `text` in one of `fields` (caseless, as plain text, not a pattern). */
  | { op: 'text'; fields: string[]; text: string };

export type Comparison = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type Scalar = string | number | boolean;

export interface RecordQuery {
  where?: Condition | undefined;
  order?: Array<{ field: string; desc: boolean }>;
  offset: number;
  limit: number;
}

const COMPARISONS: Record<Comparison, RawBuilder<unknown>> = {
  '=': sql`=`,
  '<>': sql`<>`,
  '<': sql`<`,
  '<=': sql`<=`,
  '>': sql`>`,
  '>=': sql`>=`,
};

const value = (field: string) => sql`doc -> ${field}`;
const text = (field: string) => sql`doc ->> ${field}`;
const jsonOf = (v: Scalar) => sql`${JSON.stringify(v)}::jsonb`;
/** A LIKE pattern that matches `s` literally. */
const literalPattern = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function compileCondition(c: Condition): RawBuilder<boolean> {
  switch (c.op) {
    case 'and':
    case 'or':
      if (c.of.length === 0) return c.op === 'and' ? sql`true` : sql`false`;
      return sql<boolean>`(${sql.join(c.of.map(compileCondition), c.op === 'and' ? sql` and ` : sql` or `)})`;
    case 'not':
      return sql<boolean>`(not coalesce(${compileCondition(c.of)}, false))`;
    case 'compare':
      return sql<boolean>`${value(c.field)} ${COMPARISONS[c.cmp]} ${jsonOf(c.value)}`;
    case 'in':
      if (c.values.length === 0) return sql<boolean>`false`;
      return sql<boolean>`${text(c.field)} in (${sql.join(c.values.map((v) => sql`${String(v)}`))})`;
    case 'like':
      return c.caseless
        ? sql<boolean>`${text(c.field)} ilike ${c.pattern}`
        : sql<boolean>`${text(c.field)} like ${c.pattern}`;
    case 'null':
      return sql<boolean>`${value(c.field)} is null or jsonb_typeof(${value(c.field)}) = 'null'`;
    case 'text': {
      const words = c.text.split(/\s+/).filter(Boolean);
      if (words.length === 0 || c.fields.length === 0) return sql<boolean>`true`;
      const haystack = sql`concat_ws(' ', ${sql.join(c.fields.map(text))})`;
      return sql<boolean>`(${sql.join(
        words.map((w) => sql`${haystack} ilike ${'%' + literalPattern(w) + '%'}`),
        sql` and `,
      )})`;
    }
  }
}

/** Every field a condition names (to check each against what the caller may name). */
export function conditionFields(c: Condition | undefined): string[] {
  if (!c) return [];
  switch (c.op) {
    case 'and':
    case 'or':
      return c.of.flatMap(conditionFields);
    case 'not':
      return conditionFields(c.of);
    case 'text':
      return c.fields;
    default:
      return [c.field];
  }
}

/**
 * How long one query of a public caller may run: the filters and the parsed SQL of the open-data
 * API are anybody's, and a condition no index helps (a LIKE over a large dataset) must not hold
 * a connection for minutes. Past it PostgreSQL cancels the statement (57014). PGlite runs no
 * timers and does not cancel: the embedded engine has no such limit (docs/open.md).
 */
export const PUBLIC_QUERY_MS = 5000;

/** `work` in a transaction whose statements PostgreSQL cancels after `ms` each. */
export function withStatementTimeout<T>(
  db: Kysely<RecordTables>,
  ms: number,
  work: (trx: Kysely<RecordTables>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('statement_timeout', ${String(ms)}, true)`.execute(trx);
    return work(trx);
  });
}

/** The page the query asks for (documents as stored) and, when `count`, how many match in all. */
export async function runRecordQuery(
  db: Kysely<RecordTables>,
  resourceId: number,
  q: RecordQuery,
  count: boolean,
): Promise<{ docs: Array<Record<string, unknown>>; total: number | null }> {
  const where = sql`resource_id = ${resourceId} and coalesce(${q.where ? compileCondition(q.where) : sql`true`}, false)`;
  const order = [
    ...(q.order ?? []).map((o) =>
      o.desc ? sql`${value(o.field)} desc nulls last` : sql`${value(o.field)} asc nulls first`,
    ),
    sql`key`,
  ];
  return withStatementTimeout(db, PUBLIC_QUERY_MS, async (trx) => {
    const { rows } = await sql<{ doc: Record<string, unknown> }>`
      select doc from records.record where ${where}
      order by ${sql.join(order)} limit ${q.limit} offset ${q.offset}`.execute(trx);
    let total: number | null = null;
    if (count) {
      const counted = await sql<{ n: string }>`select count(*) as n from records.record where ${where}`.execute(trx);
      total = Number(counted.rows[0]!.n);
    }
    return { docs: rows.map((r) => r.doc), total };
  });
}

export { literalPattern };
