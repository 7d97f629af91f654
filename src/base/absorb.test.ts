import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../test/databases.js';
import { bindFields, type Resource } from '../catalog/index.js';
import { connect, migrate, sql, type Database, type Kysely } from '../db/index.js';
import { makeCitizenId } from '../kernel/index.js';
import { absorb, type AbsorbResult } from './absorb.js';
import { PLAIN_BASE_CODECS } from './codec.js';
import type { LabelRule } from './label-rules.js';
import { recomputeLabels, saveRule, todayInJinan } from './labels.js';
import { baseMigrations } from './migrations.js';
import type { LoadedRow } from './stage.js';
import type { BaseTables } from './tables.js';

const resource = (code: string, provider: string, phone = true): Resource =>
  ({
    code,
    provider: { code: provider },
    keyField: 'id',
    fields: bindFields([
      { name: 'id', label: '公民身份号码', element: 'citizen_id', required: true },
      { name: 'name', label: '姓名', element: 'person_name' },
      { name: 'birth_date', label: '出生日期', element: 'birth_date' },
      ...(phone ? [{ name: 'phone', label: '联系电话', element: 'phone' }] : []),
    ]),
  }) as unknown as Resource;
const POLICE = resource('GA-1', 'GA');
const HEALTH = resource('WJ-1', 'WJ');
/** The same resource once it no longer has a phone field. */
const POLICE_NO_PHONE = resource('GA-1', 'GA', false);

const [A, B, C, D, E, F] = [1, 2, 3, 4, 5, 6].map((i) => makeCitizenId('370102', `19${40 + i}-01-0${i}`, i)) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const row = (key: string, sourceRow: number, doc: Record<string, unknown>): LoadedRow => ({
  key,
  sourceRow,
  doc: { birth_date: `${key.slice(6, 10)}-${key.slice(10, 12)}-${key.slice(12, 14)}`, ...doc },
});
/** Rows in key order, as recordsOfJob hands them over, in batches of two. */
const sorted = (rows: LoadedRow[]): LoadedRow[][] => {
  const ordered = [...rows].sort((a, b) => (a.key < b.key ? -1 : 1));
  return Array.from({ length: Math.ceil(ordered.length / 2) }, (_, i) => ordered.slice(2 * i, 2 * i + 2));
};
/** The batches; with `fail`, the source breaks instead of handing over the last one. */
async function* batchesOf(batches: LoadedRow[][], fail = false): AsyncGenerator<LoadedRow[]> {
  for (const [i, batch] of batches.entries()) {
    if (fail && i === batches.length - 1) throw new Error('the source broke');
    yield batch;
  }
}

/**
 * Four loads: another provider first, then the source of record twice (values changed, dropped,
 * added), and once more without its phone field.
 */
const LOADS: Array<[Resource, string, LoadedRow[]]> = [
  [HEALTH, 'j1', [row(B, 2, { name: '李肆', phone: '13800000002' }), row(C, 3, { name: '王五' })]],
  [
    POLICE,
    'j2',
    [
      row(A, 2, { name: '张三', phone: '13800000001' }),
      row(B, 3, { name: '李四', phone: '13800000002' }),
      row(C, 4, { name: '王五', phone: '13800000003' }),
      row(D, 5, { name: 'x', phone: '13800000004' }), // not a person's name: invalid
      row(E, 6, {}),
    ],
  ],
  [
    POLICE,
    'j3',
    [
      row(A, 2, { name: '张叁', phone: '13800000001' }),
      row(B, 3, { name: '李四' }), // the phone goes
      row(C, 4, { name: '王五', phone: '13800000003' }),
      row(F, 5, { name: '赵六', phone: '13800000006' }),
    ],
  ],
  [POLICE_NO_PHONE, 'j4', [row(A, 2, { name: '张叁' }), row(C, 4, { name: '王五' })]],
];

/** absorb(): chunked staging and the new / alone / shared merge give what one chunk gives. */
describe.each(engines())('absorb on $name', (engine) => {
  let database: Database;
  let db: Kysely<BaseTables>;

  const state = async () => {
    const all = async (q: string) => (await sql.raw<Record<string, unknown>>(q).execute(db)).rows;
    return {
      subjects: await all(`select kind, key, first_job from base.subject order by key`),
      observations: await all(`select kind, subject_key, element, resource_code, provider_org, value, norm, valid,
        invalid_reason, job_id, source_row from base.observation order by subject_key, element, resource_code`),
      values: await all(`select * from base.value order by subject_key, element`),
      conflicts: await all(`select kind, subject_key, element, auth_norm, auth_resource, auth_row, other_norm,
        other_resource, other_row, state from base.conflict order by subject_key, element, other_resource`),
      labels: await all(`select * from base.subject_label order by label, subject_key`),
      stages: await all(`select tablename from pg_tables where schemaname = 'base' and tablename like 'stage%'`),
    };
  };
  const reset = () =>
    sql`truncate base.subject, base.observation, base.value, base.conflict, base.subject_label,
    base.absorption`.execute(db);
  const loadAll = async (chunk: number) => {
    const results: AbsorbResult[] = [];
    for (const [r, job, rows] of LOADS) {
      results.push(await absorb(database, db, PLAIN_BASE_CODECS, r, job, batchesOf(sorted(rows)), { chunk }));
    }
    return results;
  };

  beforeAll(async () => {
    if (engine.skip) return;
    database = await connect({ databaseUrl: await engine.createDatabase() });
    await migrate(database, [baseMigrations]);
    db = database.kysely.withTables<BaseTables>();
    for (const element of ['person_name', 'birth_date']) {
      await db
        .insertInto('base.authority')
        .values({ base_kind: 'person', element, provider_org: 'GA', updated_by: 't' })
        .execute();
    }
    // New subjects are labelled from the stage, the others from their values: both must agree.
    const rules: Array<[string, LabelRule['rule']]> = [
      ['old', { element: 'birth_date', op: 'ageAtLeast', value: 82 }],
      ['named', { any: [{ element: 'person_name', op: 'in', value: ['张三', '王五'] }, { label: 'old' }] }],
      ['not_small', { not: { element: 'person_name', op: 'lt', value: 5 } }], // a name is no number
      ['no_phone', { all: [{ label: 'named' }, { not: { element: 'phone', op: 'exists' } }] }],
    ];
    for (const [code, rule] of rules) {
      await saveRule(db, { code, name: code, kind: 'person', rule, description: '' }, 't');
    }
  });
  afterAll(async () => database?.close());

  it.skipIf(engine.skip)('gives the same base whether the rows come in one chunk or in many', async () => {
    await reset();
    const whole = await loadAll(1000);
    const once = await state();
    expect(whole.map((r) => r.subjects)).toEqual([2, 5, 4, 2]);
    expect(once.conflicts).toContainEqual(expect.objectContaining({ subject_key: B, element: 'person_name' }));
    expect(once.observations.filter((o) => o.subject_key === B && o.element === 'phone')).toHaveLength(1);
    expect(once.values.find((v) => v.subject_key === D && v.element === 'person_name')).toMatchObject({
      valid: false,
      authoritative: true,
    });
    // Labelling the whole base again from its values finds the labels the absorbs gave.
    await recomputeLabels(db, 'person', { keys: null, element: null }, todayInJinan());
    expect(await state()).toEqual(once);
    // The resource no longer feeds phones: its phones of the subjects it sent are gone.
    const phones = once.values.filter((v) => v.element === 'phone').map((v) => [v.subject_key, v.resource_code]);
    expect(phones).toEqual([
      [B, 'WJ-1'],
      [D, 'GA-1'],
      [F, 'GA-1'],
    ]);
    await reset();
    expect(await loadAll(2)).toEqual(whole);
    expect(await state()).toEqual(once);
    // And absorbing the last load again changes nothing.
    await absorb(database, db, PLAIN_BASE_CODECS, POLICE_NO_PHONE, 'j4', batchesOf(sorted(LOADS[3]![2])), { chunk: 1 });
    expect(await state()).toEqual(once);
  });

  it.skipIf(engine.skip)('keeps the first row of a key handed over twice, in any order', async () => {
    await reset();
    const rows = [row(C, 4, { name: '王五' }), row(A, 2, { name: '张三' }), row(B, 3, { name: '李四' })];
    await absorb(database, db, PLAIN_BASE_CODECS, POLICE, 'j2', batchesOf(sorted(rows)));
    const expected = await state();
    await reset();
    const again = [row(A, 9, { name: '张叁' }), row(C, 8, { name: '王伍' })];
    for (const chunk of [1000, 2]) {
      const r = await absorb(
        database,
        db,
        PLAIN_BASE_CODECS,
        POLICE,
        'j2',
        batchesOf([rows.slice(0, 2), [rows[2]!, ...again]]),
        {
          chunk,
        },
      );
      expect(r).toEqual({ subjects: 3, values: 6, conflicts: 0, departed: 0 });
      expect(await state()).toEqual(expected);
      await reset();
    }
  });

  it.skipIf(engine.skip)(
    'is absorbed again, to the same end, after the rows could not be read to the end',
    async () => {
      const rows = LOADS[2]![2].map((r) => ({ ...r, doc: { ...r.doc, name: '钱七' } }));
      await reset();
      await loadAll(1000);
      await absorb(database, db, PLAIN_BASE_CODECS, POLICE, 'j5', batchesOf(sorted(rows)), { chunk: 2 });
      const expected = await state();
      await reset();
      await loadAll(1000);
      // The chunks merged before the source broke stay; the job is not recorded as absorbed.
      await expect(
        absorb(database, db, PLAIN_BASE_CODECS, POLICE, 'j5', batchesOf(sorted(rows), true), { chunk: 2 }),
      ).rejects.toThrow('the source broke');
      const absorbed = await db.selectFrom('base.absorption').select('job_id').where('job_id', '=', 'j5').execute();
      expect(absorbed).toEqual([]);
      expect((await state()).stages).toEqual([]);
      await absorb(database, db, PLAIN_BASE_CODECS, POLICE, 'j5', batchesOf(sorted(rows)), { chunk: 2 });
      expect(await state()).toEqual(expected);
    },
  );
});
