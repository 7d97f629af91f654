import { json, sql, type RawBuilder } from '../db/index.js';
import type { Predicate } from './label-rules.js';

type Atom = Extract<Predicate, { element: string }>;

/**
 * A parsed predicate as a SQL condition on a subject row aliased `s` (base.subject). Every
 * constant is a bound parameter; element and label codes too. Each condition is an EXISTS over
 * the subject's valid values, so a whole base is labelled by one statement per rule.
 * `asOf` is the day ages are counted at (YYYY-MM-DD).
 */
export function compilePredicate(p: Predicate, asOf: string): RawBuilder<boolean> {
  if ('all' in p)
    return joined(
      p.all.map((q) => compilePredicate(q, asOf)),
      'and',
    );
  if ('any' in p)
    return joined(
      p.any.map((q) => compilePredicate(q, asOf)),
      'or',
    );
  if ('not' in p) return sql<boolean>`not (${compilePredicate(p.not, asOf)})`;
  if ('label' in p) {
    return sql<boolean>`exists (select 1 from base.subject_label l
      where l.label = ${p.label} and l.kind = s.kind and l.subject_key = s.key)`;
  }
  return sql<boolean>`exists (select 1 from base.value v
    where v.kind = s.kind and v.subject_key = s.key and v.element = ${p.element} and v.valid
      and ${condition(p, asOf)})`;
}

/** The test on one value `v`. Casts sit behind CASE, since SQL does not promise to test left to right. */
function condition(a: Atom, asOf: string): RawBuilder<boolean> {
  const number = sql`case when jsonb_typeof(v.value) = 'number' then (v.value #>> '{}')::numeric end`;
  const date = sql`case when v.value #>> '{}' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then (v.value #>> '{}')::date end`;
  const yearsAgo = (n: unknown) => sql`(cast(${asOf} as date) - make_interval(years => cast(${n} as int)))`;
  switch (a.op) {
    case 'eq':
      return sql<boolean>`v.value = ${json(a.value)}`;
    case 'in':
      return sql<boolean>`v.value in (select jsonb_array_elements(${json(a.value)}))`;
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
