import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Field } from '../catalog/index.js';
import { makeCitizenId } from '../kernel/index.js';
import { connect, migrate, sql, type Database } from '../db/index.js';
import { ingestMigrations } from './migrations.js';
import { validateRow } from './stages.js';

const fields = [
  { name: 'citizen_id', label: '公民身份号码', type: 'citizen_id', required: true },
  { name: 'born', label: '出生日期', type: 'date', required: false },
  { name: 'org', label: '统一社会信用代码', type: 'credit_code', required: false },
  { name: 'division', label: '户籍地', type: 'division', required: false },
] as Field[];
const mapping = new Map(fields.map((f, i) => [f, i]));

/** Every text of a stored reason, params included. */
const told = (cells: string[]) => {
  const out = validateRow(cells, mapping, 2);
  if (!('rejects' in out)) throw new Error('the row was taken');
  return out.rejects.map((r) => JSON.stringify(r)).join('\n');
};

/** #15: a load's quarantine, stored beside sealed records, must not keep a piece of a citizen ID in clear. */
describe('the reasons a load quarantines', () => {
  const valid = makeCitizenId('370102', '1990-01-01', 123);
  const wrongDigit = valid.slice(0, 17) + (valid[17] === '1' ? '2' : '1');
  it.each([
    ['a birth date that does not exist', '370102199002301234', 'id.birthDateNone', '1990-02-30'],
    ['a wrong check digit', wrongDigit, 'id.checkDigitWrong', `"${valid[17]}"`],
    ['an unknown division', '070102199001011234', 'id.divisionUnknown', '070102'],
  ])('say what is wrong with a citizen ID without quoting it: %s', (_, id, code, quoted) => {
    const text = told([id, '', '', '']);
    expect(text).toContain(`"field":"citizen_id"`);
    expect(text).toContain(`"code":"${code}"`);
    expect(text).not.toContain(quoted);
    expect(text).not.toContain('"params"');
  });

  it('quote no other cell either', () => {
    const text = told(['370102199001011235', '1990-02-30', '91370100MA3C5Q0X1I', '990000']);
    for (const cell of ['1990-02-30', 'MA3C5Q0X', '990000']) expect(text).not.toContain(cell);
    expect(text).toContain('the date does not exist');
    expect(text).toContain('not a GB/T 2260 division code');
  });

  it('still give the reasons that quote nothing as they were', () => {
    expect(told(['3701', '', '', ''])).toContain('"code":"id.length"');
  });
});

describe('ingest migration 009 on reasons stored before', () => {
  let db: Database;
  beforeAll(async () => {
    db = await connect({ dataDir: 'memory://' });
    const before = { module: 'ingest', migrations: ingestMigrations.migrations.slice(0, 8) };
    await migrate(db, [before]);
    await sql`insert into ingest.job (id, resource_code, source, state, created_by) values ('j', 'R', 'f.csv', 'succeeded', 1)`.execute(
      db.kysely,
    );
    // Before 007 only the English text; from 007 the key and params too.
    await sql`insert into ingest.reject (job_id, row_number, field, reason, reason_code, reason_params) values
      ('j', 2, 'id', 'birth date 1990-02-30 does not exist', null, null),
      ('j', 3, 'id', 'check digit should be 5, got 4', 'id.checkDigit', '{"expected":"5","got":"4"}'),
      ('j', 4, 'd', '1990-02-30 does not exist', 'value.dateMissing', '{"date":"1990-02-30"}'),
      ('j', 5, 'o', 'character I is not allowed (no I, O, Z, S, V)', null, null),
      ('j', 6, 'q', '370199 is not a GB/T 2260 division code', null, null),
      ('j', 7, 'id', 'must be 17 digits and a digit or X', 'id.chars', null)`.execute(db.kysely);
    await migrate(db, [ingestMigrations]);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('takes the quote out of each, by key or by its English text', async () => {
    const { rows } = await sql<{ reason: string; reason_code: string | null; reason_params: unknown }>`
      select reason, reason_code, reason_params from ingest.reject order by row_number`.execute(db.kysely);
    expect(rows).toEqual([
      { reason: 'the birth date in it does not exist', reason_code: 'id.birthDateNone', reason_params: null },
      { reason: 'the check digit does not match', reason_code: 'id.checkDigitWrong', reason_params: null },
      { reason: 'the date does not exist', reason_code: 'value.dateNone', reason_params: null },
      {
        reason: 'has a character that is not allowed (no I, O, Z, S, V)',
        reason_code: 'credit.charBad',
        reason_params: null,
      },
      { reason: 'not a GB/T 2260 division code', reason_code: 'value.notDivision', reason_params: null },
      { reason: 'must be 17 digits and a digit or X', reason_code: 'id.chars', reason_params: null },
    ]);
  });
});
