import { json, sql, type RawBuilder } from '../db/index.js';
import type { Predicate } from './label-rules.js';

type Atom = Extract<Predicate, { element: string }>;

/**
 * Where a predicate finds a subject's valid value of an element, to put `test` to it: by default
 * an EXISTS over the subject's base values; an absorb labelling subjects new to the base reads
 * them from the staged row instead (`stagedValues`).
 */
export type ValueSource = (
  element: string,
  test: (value: RawBuilder<unknown>) => RawBuilder<boolean>,
) => RawBuilder<boolean>;

const baseValues: ValueSource = (element, test) => sql<boolean>`exists (select 1 from base.value v
    where v.kind = s.kind and v.subject_key = s.key and v.element = ${element} and v.valid
      and ${test(sql.ref('v.value'))})`;

/**
 * A parsed predicate as a SQL condition on a subject row aliased `s` (base.subject, or any row
 * with its `kind` and `key`). Every constant is a bound parameter; element and label codes too.
 * Each condition is an EXISTS over the subject's valid values, so a whole base is labelled by
 * one statement per rule. `asOf` is the day ages are counted at (YYYY-MM-DD).
 */
export function compilePredicate(p: Predicate, asOf: string, values: ValueSource = baseValues): RawBuilder<boolean> {
  if ('all' in p)
    return joined(
      p.all.map((q) => compilePredicate(q, asOf, values)),
      'and',
    );
  if ('any' in p)
    return joined(
      p.any.map((q) => compilePredicate(q, asOf, values)),
      'or',
    );
  if ('not' in p) return sql<boolean>`not (${compilePredicate(p.not, asOf, values)})`;
  if ('label' in p) {
    return sql<boolean>`exists (select 1 from base.subject_label l
      where l.label = ${p.label} and l.kind = s.kind and l.subject_key = s.key)`;
  }
  return values(p.element, (value) => condition(p, asOf, value));
}

/** The test on one value. Casts sit behind CASE, since SQL does not promise to test left to right. */
function condition(a: Atom, asOf: string, value: RawBuilder<unknown>): RawBuilder<boolean> {
  const number = sql`case when jsonb_typeof(${value}) = 'number' then (${value} #>> '{}')::numeric end`;
  const date = sql`case when ${value} #>> '{}' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then (${value} #>> '{}')::date end`;
  const yearsAgo = (n: unknown) => sql`(cast(${asOf} as date) - make_interval(years => cast(${n} as int)))`;
  switch (a.op) {
    case 'eq':
      return sql<boolean>`${value} = ${json(a.value)}`;
    case 'in':
      return sql<boolean>`${value} in (select jsonb_array_elements(${json(a.value)}))`;
    case 'lt':
      return sql<boolean>`${number} < cast(${a.value} as numeric)`;
    case 'gt':
      return sql<boolean>`${number} > cast(${a.value} as numeric)`;
    case 'ageAtLeast':
      return sql<boolean>`${date} <= ${yearsAgo(a.value)}`;
    case 'ageBelow':
      return sql<boolean>`${date} > ${yearsAgo(a.value)}`;
    case 'exists':
      return sql<boolean>`true`;
  }
}

function joined(parts: RawBuilder<boolean>[], op: 'and' | 'or'): RawBuilder<boolean> {
  return sql<boolean>`(${sql.join(parts, sql.raw(` ${op} `))})`;
}
