import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, json, migrate, sql, type Database, type Kysely } from '../db/index.js';
import { baseMigrations } from './migrations.js';
import { recomputeLabels, saveRule, todayInJinan } from './labels.js';
import type { BaseTables } from './tables.js';
import type { LabelRule } from './label-rules.js';

/** Label evaluation as it really runs: the compiled SQL over base values, on an embedded database. */
describe('label rules — evaluation', () => {
  let database: Database;
  let db: Kysely<BaseTables>;
  const AS_OF = '2026-03-01';

  beforeAll(async () => {
    database = await connect({ dataDir: 'memory://' });
    await migrate(database, [baseMigrations]);
    db = database.kysely.withTables<BaseTables>();
    const people: Array<[string, Record<string, unknown>, boolean?]> = [
      ['A', { birth_date: '1966-03-01', household_size: 1 }], // 60 today, alone
      ['B', { birth_date: '1966-03-02', household_size: 1 }], // 60 tomorrow
      ['C', { birth_date: '1940-01-01', household_size: 3, disability_cert_no: 'C41' }],
      ['D', { birth_date: '2030-01-01', household_size: 1 }, false], // an invalid value labels nothing
      ['E', { gender: '女' }],
    ];
    for (const [key, values, valid] of people) {
      await db.insertInto('base.subject').values({ kind: 'person', key, first_job: 'j' }).execute();
      for (const [element, value] of Object.entries(values)) {
        await db
          .insertInto('base.value')
          .values({
            ...{ kind: 'person', subject_key: key, element, value: json(value), norm: String(value) },
            ...{ valid: element === 'birth_date' ? (valid ?? true) : true, invalid_reason: null },
            ...{ resource_code: 'R', provider_org: 'P', job_id: 'j', source_row: 2 },
            ...{ authoritative: true, agrees: true, confirmations: 0, kept_by_conflict: null },
          })
          .execute();
      }
    }
    for (const [key, employees, revenue, capital] of [
      ['F1', 20, 800, null],
      ['F2', 20, 5000, 100],
      ['F3', 20, null, 100],
      ['F4', 300, 100, 100],
    ] as const) {
      await db.insertInto('base.subject').values({ kind: 'legal_entity', key, first_job: 'j' }).execute();
      const values = { employees, revenue, reg_capital: capital };
      for (const [element, value] of Object.entries(values)) {
        if (value === null) continue;
        await db
          .insertInto('base.value')
          .values({
            ...{
              kind: 'legal_entity',
              subject_key: key,
              element,
              value: json(value),
              norm: String(value),
              valid: true,
            },
            ...{ invalid_reason: null, resource_code: 'R', provider_org: 'P', job_id: 'j', source_row: 2 },
            ...{ authoritative: true, agrees: true, confirmations: 0, kept_by_conflict: null },
          })
          .execute();
      }
    }
  });
  afterAll(async () => database?.close());

  const members = async (label: string) =>
    (
      await db
        .selectFrom('base.subject_label')
        .select('subject_key')
        .where('label', '=', label)
        .orderBy('subject_key')
        .execute()
    ).map((r) => r.subject_key);
  const all = { keys: null, element: null };

  it('counts whole years at the given day, on valid values only', async () => {
    await saveRule(
      db,
      {
        code: 'elderly',
        name: '老年人',
        kind: 'person',
        rule: { element: 'birth_date', op: 'ageAtLeast', value: 60 },
        description: '',
      },
      't',
    );
    await saveRule(
      db,
      {
        code: 'young',
        name: 'y',
        kind: 'person',
        rule: { element: 'birth_date', op: 'ageBelow', value: 60 },
        description: '',
      },
      't',
    );
    await recomputeLabels(db, 'person', all, AS_OF);
    expect(await members('elderly')).toEqual(['A', 'C']);
    expect(await members('young')).toEqual(['B']);
  });

  it('combines label references, eq, exists, not and in', async () => {
    const rules = [
      {
        code: 'elderly_alone',
        rule: { all: [{ label: 'elderly' }, { element: 'household_size', op: 'eq', value: 1 }] },
      },
      { code: 'disabled', rule: { element: 'disability_cert_no', op: 'exists' } },
      { code: 'no_birth_date', rule: { not: { element: 'birth_date', op: 'exists' } } },
      { code: 'women', rule: { element: 'gender', op: 'in', value: ['女'] } },
    ] satisfies Array<Pick<LabelRule, 'code' | 'rule'>>;
    for (const r of rules) await saveRule(db, { ...r, name: r.code, kind: 'person', description: '' }, 't');
    await recomputeLabels(db, 'person', all, AS_OF);
    expect(await members('elderly_alone')).toEqual(['A']);
    expect(await members('disabled')).toEqual(['C']);
    // D's birth date fails its validator, so for the rules D has none.
    expect(await members('no_birth_date')).toEqual(['D', 'E']);
    expect(await members('women')).toEqual(['E']);
  });

  it('compares numbers, and falls back from revenue to registered capital (小微企业)', async () => {
    await saveRule(
      db,
      {
        code: 'small_micro',
        name: '小微企业',
        kind: 'legal_entity',
        rule: {
          all: [
            { element: 'employees', op: 'lt', value: 100 },
            {
              any: [
                { element: 'revenue', op: 'lt', value: 2000 },
                {
                  all: [
                    { not: { element: 'revenue', op: 'exists' } },
                    { element: 'reg_capital', op: 'lt', value: 500 },
                  ],
                },
              ],
            },
          ],
        },
        description: '',
      },
      't',
    );
    await recomputeLabels(db, 'legal_entity', all, AS_OF);
    expect(await members('small_micro')).toEqual(['F1', 'F3']);
  });

  it('recomputes only the subjects in scope, and drops members that no longer match', async () => {
    await db
      .updateTable('base.value')
      .set({ value: json(2), norm: '2' })
      .where('subject_key', '=', 'A')
      .where('element', '=', 'household_size')
      .execute();
    await recomputeLabels(db, 'person', { keys: sql`select 'B'`, element: null }, AS_OF);
    expect(await members('elderly_alone')).toEqual(['A']); // A was not in scope
    await recomputeLabels(db, 'person', { keys: sql`select 'A'`, element: null }, AS_OF);
    expect(await members('elderly_alone')).toEqual([]);
    expect(todayInJinan(new Date('2026-02-28T17:00:00Z'))).toBe('2026-03-01'); // UTC+8
  });
});
