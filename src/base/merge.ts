import { sql, type Kysely, type RawBuilder } from '../db/index.js';
import type { BaseKind } from './kinds.js';
import type { BaseTables } from './tables.js';

/**
 * Which part of a base a recomputation covers: the subjects a subquery yields (an absorb's
 * staged keys, one subject) and optionally one element (a change of authority). Both null
 * covers the whole base.
 */
export interface Scope {
  keys: RawBuilder<unknown> | null;
  element: string | null;
}

/** The scope as a condition on a table aliased `alias`, whose key column is `keyColumn`. */
export function inScope(
  scope: Scope,
  alias: string,
  keyColumn = 'subject_key',
  withElement = true,
): RawBuilder<boolean> {
  const parts: RawBuilder<boolean>[] = [sql<boolean>`true`];
  if (scope.keys) parts.push(sql<boolean>`${sql.ref(`${alias}.${keyColumn}`)} in (${scope.keys})`);
  if (withElement && scope.element) parts.push(sql<boolean>`${sql.ref(`${alias}.element`)} = ${scope.element}`);
  return sql<boolean>`${sql.join(parts, sql` and `)}`;
}

/**
 * The observations in scope, in one pass sorted by subject and element: each marked whether its
 * provider is the element's source of record, ranked (1 = the value kept by default: the source
 * of record's, else the one that arrived first), with the kept value's columns beside it and the
 * number of observations sharing its value. Values and conflicts are both read from this.
 */
function ranked(kind: BaseKind, scope: Scope): RawBuilder<unknown> {
  return sql`
    select r.*,
      row_number() over w as rank,
      first_value(r.resource_code) over w as kept_resource,
      first_value(r.norm) over w as kept_norm,
      first_value(r.value) over w as kept_value,
      first_value(r.provider_org) over w as kept_provider,
      first_value(r.job_id) over w as kept_job,
      first_value(r.source_row) over w as kept_row,
      count(*) over (partition by r.subject_key, r.element, r.norm) - 1 as same_value
    from (
      select o.*, (a.provider_org is not null) as from_authority
      from base.observation o
      left join base.authority a on a.base_kind = o.kind and a.element = o.element and a.provider_org = o.provider_org
      where o.kind = ${kind} and ${inScope(scope, 'o')}
    ) r
    window w as (partition by r.subject_key, r.element order by r.from_authority desc, r.seq)`;
}

export const VALUE_UPDATE = sql`
  on conflict (kind, subject_key, element) do update set
    value = excluded.value, norm = excluded.norm, valid = excluded.valid, invalid_reason = excluded.invalid_reason,
    resource_code = excluded.resource_code, provider_org = excluded.provider_org, job_id = excluded.job_id,
    source_row = excluded.source_row, authoritative = excluded.authoritative, agrees = excluded.agrees,
    confirmations = excluded.confirmations, kept_by_conflict = excluded.kept_by_conflict
  where (v.norm, v.valid, v.resource_code, v.job_id, v.source_row, v.authoritative, v.agrees, v.confirmations,
         v.kept_by_conflict)
    is distinct from (excluded.norm, excluded.valid, excluded.resource_code, excluded.job_id, excluded.source_row,
         excluded.authoritative, excluded.agrees, excluded.confirmations, excluded.kept_by_conflict)`;

/**
 * Recomputes the merged values in scope, in three set-based statements:
 *  1. every (subject, element) takes its kept value; `agrees` (for accuracy) says it is the
 *     source of record's, or that none is declared; `confirmations` counts other providers
 *     reporting the same value;
 *  2. where a reviewer resolved a conflict against exactly that kept value in favour of another
 *     provider's value that is still reported, that value is taken instead (rare: by conflict);
 *  3. values no provider reports any more go.
 */
export async function recomputeValues(db: Kysely<BaseTables>, kind: BaseKind, scope: Scope): Promise<void> {
  await sql`
    insert into base.value as v (kind, subject_key, element, value, norm, valid, invalid_reason, resource_code,
      provider_org, job_id, source_row, authoritative, agrees, confirmations, kept_by_conflict)
    select k.kind, k.subject_key, k.element, k.value, k.norm, k.valid, k.invalid_reason, k.resource_code,
      k.provider_org, k.job_id, k.source_row, k.from_authority, (k.from_authority or d.element is null),
      k.same_value, null
    from (${ranked(kind, scope)}) k
    left join base.authority d on d.base_kind = k.kind and d.element = k.element
    where k.rank = 1
    ${VALUE_UPDATE}`.execute(db);
  await sql`
    insert into base.value as v (kind, subject_key, element, value, norm, valid, invalid_reason, resource_code,
      provider_org, job_id, source_row, authoritative, agrees, confirmations, kept_by_conflict)
    select distinct on (o.subject_key, o.element) o.kind, o.subject_key, o.element, o.value, o.norm, o.valid,
      o.invalid_reason, o.resource_code, o.provider_org, o.job_id, o.source_row, false, d.element is null,
      (select count(*) from base.observation x where x.kind = o.kind and x.subject_key = o.subject_key
        and x.element = o.element and x.norm = o.norm and x.resource_code <> o.resource_code)::int,
      c.id
    from base.conflict c
    join base.value k on k.kind = c.kind and k.subject_key = c.subject_key and k.element = c.element
      and k.resource_code = c.auth_resource and k.norm = c.auth_norm
    join base.observation o on o.kind = c.kind and o.subject_key = c.subject_key and o.element = c.element
      and o.resource_code = c.other_resource and o.norm = c.other_norm
    left join base.authority d on d.base_kind = c.kind and d.element = c.element
    where c.kind = ${kind} and c.state = 'resolved' and c.kept = 'other' and ${inScope(scope, 'c')}
    order by o.subject_key, o.element, c.resolved_at desc
    ${VALUE_UPDATE}`.execute(db);
  await sql`
    delete from base.value v
    where v.kind = ${kind} and ${inScope(scope, 'v')}
      and not exists (select 1 from base.observation x
        where x.kind = v.kind and x.subject_key = v.subject_key and x.element = v.element)`.execute(db);
}

/**
 * Records every current disagreement in scope as a conflict (kept value against the other
 * provider's), once: the same disagreement found again is the same row, whatever its state,
 * with its origins brought up to date. An open conflict that no longer holds (a newer load
 * changed one side) ends superseded: every open one in scope is marked so first, and those
 * found again are reopened as they were — two set-based statements rather than a comparison of
 * each stored conflict with each current one.
 */
export async function recomputeConflicts(db: Kysely<BaseTables>, kind: BaseKind, scope: Scope): Promise<void> {
  await sql`
    update base.conflict c set state = 'superseded', resolved_at = now(), note = ${SUPERSEDED}
    where c.kind = ${kind} and ${inScope(scope, 'c')} and c.state = 'open'`.execute(db);
  await sql`
    insert into base.conflict as c (kind, subject_key, element, auth_value, auth_norm, auth_resource, auth_provider,
      auth_job, auth_row, other_value, other_norm, other_resource, other_provider, other_job, other_row)
    select o.kind, o.subject_key, o.element, o.kept_value, o.kept_norm, o.kept_resource, o.kept_provider, o.kept_job,
      o.kept_row, o.value, o.norm, o.resource_code, o.provider_org, o.job_id, o.source_row
    from (${ranked(kind, scope)}) o
    where o.rank > 1 and o.norm <> o.kept_norm
    on conflict (kind, subject_key, element, auth_resource, auth_norm, other_resource, other_norm) do update set
      auth_value = excluded.auth_value, auth_provider = excluded.auth_provider, auth_job = excluded.auth_job,
      auth_row = excluded.auth_row, other_value = excluded.other_value, other_provider = excluded.other_provider,
      other_job = excluded.other_job, other_row = excluded.other_row,
      state = case when c.state = 'superseded' then 'open' else c.state end,
      resolved_at = case when c.state = 'superseded' then null else c.resolved_at end,
      note = case when c.state = 'superseded' then null else c.note end
    where c.state = 'superseded' or (c.auth_job, c.auth_row, c.other_job, c.other_row)
      is distinct from (excluded.auth_job, excluded.auth_row, excluded.other_job, excluded.other_row)`.execute(db);
}

const SUPERSEDED = '来源数据已变化，此分歧不再存在';

/** Open conflicts in scope. */
export async function openConflicts(db: Kysely<BaseTables>, kind: BaseKind, scope: Scope): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from base.conflict c where c.kind = ${kind} and ${inScope(scope, 'c')} and c.state = 'open'
  `.execute(db);
  return rows[0]?.n ?? 0;
}
