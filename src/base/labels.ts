import { json, sql, type Kysely, type RawBuilder } from '../db/index.js';
import { HubError, msg } from '../kernel/index.js';
import type { BaseKind } from './kinds.js';
import { compilePredicate, type ValueSource } from './label-sql.js';
import { evaluationOrder, parseRule, type LabelRule } from './label-rules.js';
import { inScope, type Scope } from './merge.js';
import type { BaseTables } from './tables.js';

/** Today in Jinan (YYYY-MM-DD): the day ages are counted at. */
export function todayInJinan(now = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(now);
}

export async function listRules(db: Kysely<BaseTables>, kind?: BaseKind): Promise<LabelRule[]> {
  let q = db.selectFrom('base.label_rule').select(['code', 'name', 'kind', 'rule', 'description']);
  if (kind) q = q.where('kind', '=', kind);
  return q.orderBy('code').execute();
}

/**
 * Declares (or replaces) a rule. It is checked alone and then with every other rule, so that a
 * reference to an undeclared label or a cycle is refused before anything is stored.
 */
export async function saveRule(db: Kysely<BaseTables>, input: LabelRule, by: string): Promise<LabelRule> {
  const rule = parseRule(input);
  const others = (await listRules(db)).filter((r) => r.code !== rule.code);
  evaluationOrder([...others, rule]);
  await db
    .insertInto('base.label_rule')
    .values({ ...rule, rule: json(rule.rule), updated_by: by })
    .onConflict((oc) =>
      oc.column('code').doUpdateSet({
        name: rule.name,
        kind: rule.kind,
        rule: json(rule.rule),
        description: rule.description,
        updated_by: by,
        updated_at: new Date(),
      }),
    )
    .execute();
  return rule;
}

/**
 * Recomputes the labels of the subjects in scope, rule by rule, referenced labels first: members
 * that no longer match go, new ones come, the rest stay untouched. Both steps test the rule on
 * each subject by index (never a comparison of every member with every match).
 */
export async function recomputeLabels(
  db: Kysely<BaseTables>,
  kind: BaseKind,
  scope: Scope,
  asOf: string,
): Promise<void> {
  const subjects = { keys: scope.keys, element: null };
  for (const rule of await rulesInOrder(db, kind)) {
    const holds = compilePredicate(rule.rule, asOf);
    await sql`
      delete from base.subject_label l using base.subject s
      where l.label = ${rule.code} and l.kind = ${kind} and ${inScope(subjects, 'l', 'subject_key', false)}
        and s.kind = l.kind and s.key = l.subject_key and not ${holds}`.execute(db);
    await sql`
      insert into base.subject_label (label, kind, subject_key)
      select ${rule.code}, ${kind}, s.key from base.subject s
      where s.kind = ${kind} and ${inScope(subjects, 's', 'key', false)} and ${holds}
      on conflict do nothing`.execute(db);
  }
}

/**
 * Labels subjects that have no labels yet (an absorb's subjects new to the base): `subjects` is
 * a relation with each one's `kind` and `key`, in which `values` finds its values; `rules` are
 * the base's, referenced labels first (`rulesInOrder`).
 */
export async function labelNewSubjects(
  db: Kysely<BaseTables>,
  kind: BaseKind,
  rules: LabelRule[],
  subjects: RawBuilder<unknown>,
  values: ValueSource,
  asOf: string,
): Promise<void> {
  for (const rule of rules) {
    await sql`
      insert into base.subject_label (label, kind, subject_key)
      select ${rule.code}, ${kind}, s.key from (${subjects}) s
      where ${compilePredicate(rule.rule, asOf, values)}`.execute(db);
  }
}

/** A base's label rules, each after the labels it refers to. */
export async function rulesInOrder(db: Kysely<BaseTables>, kind: BaseKind): Promise<LabelRule[]> {
  return evaluationOrder(await listRules(db, kind));
}

export async function findRule(db: Kysely<BaseTables>, code: string): Promise<LabelRule> {
  const rule = await db
    .selectFrom('base.label_rule')
    .select(['code', 'name', 'kind', 'rule', 'description'])
    .where('code', '=', code)
    .executeTakeFirst();
  if (!rule) throw new HubError('BAS_LABEL_NOT_FOUND', msg('base.noLabel', { code }));
  return rule;
}

/** Each label with its member count. */
export async function labelCounts(db: Kysely<BaseTables>): Promise<Array<LabelRule & { members: number }>> {
  const rules = await listRules(db);
  const counts = await db
    .selectFrom('base.subject_label')
    .select(['label', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('label')
    .execute();
  const byLabel = new Map(counts.map((c) => [c.label, Number(c.n)]));
  return rules.map((r) => ({ ...r, members: byLabel.get(r.code) ?? 0 }));
}

/** A page of a label's members in key order. */
export async function memberKeys(
  db: Kysely<BaseTables>,
  rule: LabelRule,
  page: number,
  pageSize: number,
): Promise<{ keys: string[]; total: number }> {
  const where = db.selectFrom('base.subject_label').where('label', '=', rule.code).where('kind', '=', rule.kind);
  const [rows, total] = await Promise.all([
    where
      .select('subject_key')
      .orderBy('subject_key')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    where.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { keys: rows.map((r) => r.subject_key), total: Number(total.n) };
}
