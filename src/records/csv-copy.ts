import { sql, type Kysely, type RawBuilder } from '../db/index.js';
import type { RecordTables } from './tables.js';

type Text = RawBuilder<string>;

/**
 * CSV written by PostgreSQL itself (`COPY … TO STDOUT WITH (FORMAT csv)`), byte for byte the CSV
 * the hub's JavaScript writes for the same records (csv-stringify with `neutralizeCsvCell`,
 * src/open/downloads.ts): a bulk download's fast path (docs/open.md). Each cell is one SQL
 * expression over the record's `doc`:
 * - a string: `neutralizeCsvCell`'s twin below; an empty one becomes NULL, since COPY quotes an
 *   empty string (`""`) where csv-stringify writes nothing;
 * - a number: as JavaScript prints it (`String(n)`), which is not always the text jsonb keeps
 *   (`1.50`, `1e-7`, `1e+21`); see `jsNumber`;
 * - true and false as such; JSON null or a missing field: nothing.
 * Quoting is COPY's: a cell with a comma, a double quote, a CR or LF is quoted and its quotes
 * doubled, as csv-stringify does — except that COPY also quotes a lone `\.` when a row has one
 * column, so callers ask for two or more.
 * A JSON object or array (no field type makes one) and a sealed value (`~blind.version.sealed`,
 * records/codec.ts: left in a field whose sensitivity was lowered after its load, until
 * `qdh keys rotate --data`) are never written: the COPY fails at that row instead.
 */

/** First characters (code points, as `ascii()` gives them) of a would-be formula: = + - @ tab CR. */
const FORMULA_STARTS = sql.raw('61, 43, 45, 64, 9, 13');

/**
 * `neutralizeCsvCell` in SQL (kernel/csv.ts: `/^'*[=+\-@\t\r]/` gets a leading `'`): the first
 * character after any leading single quotes is one a spreadsheet takes for a formula.
 */
export function neutralizedSql(t: Text): Text {
  return sql<string>`case when ascii(${t}) in (${FORMULA_STARTS}) or (ascii(${t}) = 39 and ascii(ltrim(${t}, '''')) in (${FORMULA_STARTS})) then '''' || ${t} else ${t} end`;
}

/**
 * A jsonb number's text (`t`, as `->>` gives it: numeric's output) as JavaScript prints the
 * double JSON.parse makes of it. The text itself when it is already that — at most 15 digits
 * (so the double gives them back and nothing shorter), no trailing zero after a point, not below
 * 1e-6 (JavaScript writes `1e-7`); otherwise from the double: its fewest digits that read back
 * to it (`shortest` — PostgreSQL's float8 text is usually that, but not always), written in
 * decimal where JavaScript writes decimals (1e-6 ≤ |n| < 1e21), else as JavaScript's `1.5e+22`
 * (PostgreSQL writes `e-07` and switches to an exponent from 1e15).
 * A number beyond the double's range (not one a JavaScript writer can store) fails the COPY.
 */
export function jsNumberSql(t: Text): Text {
  const digits = sql<string>`ltrim(${t}, '-')`;
  const f = sql<number>`${t}::float8`;
  // float8's text is "m" or "me±xx"; its mantissa, and its exponent (0 without one).
  const m = sql<string>`split_part(${f}::text, 'e', 1)::numeric`;
  const x = sql<number>`coalesce(nullif(split_part(${f}::text, 'e', 2), ''), '0')::int`;
  // A rounded-up mantissa at the double's largest exponent would not read back at all: it is not the one.
  const mantissa = shortest(
    m,
    (r) =>
      sql<number>`case when ${x} = 308 and abs(${r}) > 1.7976931348623157 then false else (${r}::text || 'e' || ${x})::float8 = ${f} end`,
  );
  return sql<string>`case
    when ${plainNumber(digits)} then ${t}
    when abs(${f}) >= 1e21 or (abs(${f}) < 1e-6 and ${f} <> 0) then ${exponentForm(mantissa, x)}
    else trim_scale(${shortest(sql`${f}::text::numeric`, (r) => sql<number>`${r}::float8 = ${f}`)})::text end`;
}

/** JavaScript's `1.5e+22` of a mantissa and exponent; a mantissa rounded up to 10 moves the exponent on. */
function exponentForm(mantissa: RawBuilder<number>, x: RawBuilder<number>): Text {
  const carry = sql<number>`(abs(${mantissa}) >= 10)::int`;
  const e = sql<number>`(${x} + ${carry})`;
  return sql<string>`trim_scale(${mantissa} / (1 + 9 * ${carry}))::text || 'e'
    || case when ${e} < 0 then '-' else '+' end || abs(${e})::text`;
}

/**
 * The fewest significant digits of `v` (15, 16 or 17) that read back to the same double, rounded
 * to nearest as JavaScript chooses them: PostgreSQL's float8 text sometimes has 17 where 16 do
 * (`-4.3078206534868544e+16`, JavaScript `-43078206534868540`).
 */
function shortest(v: RawBuilder<unknown>, backToSame: (r: RawBuilder<unknown>) => RawBuilder<unknown>) {
  const at = (digits: number) => sql`round(${v}, ${sql.lit(digits - 1)} - floor(log(abs(nullif(${v}, 0))))::int)`;
  return sql<number>`case when ${v} = 0 then ${v}
    when ${backToSame(at(15))} then ${at(15)}
    when ${backToSame(at(16))} then ${at(16)}
    else ${v} end`;
}

/** A digit string that a double gives back unchanged and JavaScript prints without an exponent. */
function plainNumber(u: Text): RawBuilder<boolean> {
  return sql<boolean>`(octet_length(${u}) <= 15 and (strpos(${u}, '.') = 0 or (right(${u}, 1) <> '0' and not starts_with(${u}, '0.000000'))))`;
}

/** A value the COPY must not write: it fails there (cast of a text naming why to integer). */
function refuse(t: Text, why: string): Text {
  return sql<string>`(${sql.lit(`csv download: ${why}`)} || left(${t}, 0))::int::text`;
}

/**
 * One CSV cell: `t` is the field's text (`doc ->> name`), `v` its jsonb (`doc -> name`), read
 * only when the text alone cannot tell a string from a number (a leading `-` or digit, `[`, `{`).
 * Which test comes first depends on the declared type (numbers are mostly short digit strings,
 * other values mostly start with a letter or a Chinese character): the result does not.
 */
export function csvCellSql(t: Text, v: RawBuilder<unknown>, numeric: boolean): Text {
  const c = sql<number>`ascii(${t})`;
  const typed = sql<string>`case jsonb_typeof(${v})
      when 'number' then ${jsNumberSql(t)}
      when 'string' then case when ${c} = 45 then '''' || ${t} else ${t} end
      else ${refuse(t, 'not a scalar')} end`;
  const any = sql<string>`case
      when ${c} between 48 and 57 and ${plainNumber(t)} then ${t}
      when ${c} = 0 then null
      when ${c} in (61, 43, 64, 9, 13) then '''' || ${t}
      when ${c} = 39 then ${neutralizedSql(t)}
      when ${c} = 126 and ${t} ~ '^~[0-9a-f]{32}\\.[0-9]+\\.' then ${refuse(t, 'a sealed value')}
      when ${c} in (45, 91, 123) or ${c} between 48 and 57 then ${typed}
      else ${t} end`;
  return numeric
    ? sql<string>`case when ${c} between 48 and 57 and octet_length(${t}) <= 8 and right(${t}, 1) <> '0' then ${t} else ${any} end`
    : sql<string>`case when ${c} = any('{0,9,13,39,43,45,48,49,50,51,52,53,54,55,56,57,61,64,91,123,126}'::int[]) then ${any} else ${t} end`;
}

/** Field names as the catalog allows them (schemas.ts): quoted as literals all the same. */
const FIELD_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * The `COPY … TO STDOUT` of a resource's records as CSV rows (no header) of `fields`, in key
 * order (the order the keyset scan reads). No bind parameter: the resource id is checked to be
 * an integer and every name is a literal quoted by Kysely. Each field's text is read once, in a
 * lateral subquery (`offset 0` keeps it from being folded back into every use).
 */
export function csvCopyStatement(
  db: Kysely<RecordTables>,
  resourceId: number,
  fields: ReadonlyArray<{ name: string; numeric: boolean }>,
): string {
  if (!Number.isSafeInteger(resourceId) || resourceId < 1) throw new Error(`csv copy: bad resource id ${resourceId}`);
  if (fields.length === 0) throw new Error('csv copy: no fields');
  for (const f of fields) if (!FIELD_NAME.test(f.name)) throw new Error(`csv copy: bad field name ${f.name}`);
  const texts = fields.map((f, i) => sql`r.doc ->> ${sql.lit(f.name)} as ${sql.ref(`t${i}`)}`);
  const cells = fields.map((f, i) =>
    csvCellSql(sql.ref(`x.t${i}`) as Text, sql`r.doc -> ${sql.lit(f.name)}`, f.numeric),
  );
  const query = sql`select ${sql.join(cells)}
    from records.record r cross join lateral (select ${sql.join(texts)} offset 0) x
    where r.resource_id = ${sql.lit(resourceId)} order by r.key`.compile(db);
  if (query.parameters.length > 0) throw new Error('csv copy: a bind parameter in a COPY');
  return `copy (${query.sql}) to stdout with (format csv)`;
}
