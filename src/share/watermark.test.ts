import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prng } from '../demo/index.js';
import { isCitizenId, makeCitizenId, writeCsv } from '../kernel/index.js';
import {
  decodeCsvBytes,
  decoyCount,
  embedWatermark,
  freeTextFields,
  identifyWatermark,
  isMark,
  MARK_ALPHABET,
  newMark,
  readCsvTable,
  type Candidate,
  type ExportShape,
} from './watermark.js';

const SECRET = new TextEncoder().encode('quancheng-watermark-test-secret!');
const OTHER_SECRET = new TextEncoder().encode('some-other-hub-watermark-secret!');
const MARK_A = '7K3M9QX2ZB4C';
const MARK_B = 'JN5E8P0RT2WH';
const MARK_C = 'Q1W2E3R4T5Y6';
/** An export of a person resource as the catalog binds it: one free-text field (the address). */
const SHAPE: ExportShape = {
  keyField: 'citizen_id',
  fields: [
    { name: 'citizen_id', type: 'citizen_id', element: 'citizen_id' },
    { name: 'name', type: 'string', element: 'person_name' },
    { name: 'gender', type: 'string', element: 'gender', codeList: ['男', '女'] },
    { name: 'birth_date', type: 'date', element: 'birth_date' },
    { name: 'address', type: 'string', element: 'address' },
    { name: 'phone', type: 'phone', element: 'phone' },
    { name: 'occupation', type: 'string', codeList: OCCUPATION_CODES() },
    { name: 'employer', type: 'string', element: 'enterprise_name' },
    { name: 'household_size', type: 'integer', element: 'household_size' },
  ],
};
const COLUMNS = SHAPE.fields.map((f) => f.name);
const candidate = (mark: string, shape: ExportShape = SHAPE): Candidate => ({ mark, ...shape });
const CANDIDATES = [MARK_B, MARK_A, MARK_C].map((m) => candidate(m));
function OCCUPATION_CODES(): string[] {
  return ['教师', '医生', '工程师', '会计', '个体工商户', '公务员', '退休', '学生', '护士', '司机'];
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡';
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超'];
const DISTRICTS: Array<[string, string]> = [
  ['370102', '历下区'],
  ['370103', '市中区'],
  ['370104', '槐荫区'],
  ['370105', '天桥区'],
  ['370112', '历城区'],
  ['370114', '章丘区'],
];
const STREETS = ['经十路', '泉城路', '历山路', '解放路', '和平路', '舜耕路', '二环东路', '工业南路', '花园路'];
const OCCUPATIONS = ['教师', '医生', '工程师', '会计', '个体工商户', '公务员', '退休', '学生', '护士', '司机'];
const EMPLOYERS = ['济南', '泉城', '历山', '齐鲁', '大明湖', '趵突泉'];
const TRADES = ['软件', '建材', '物流', '餐饮', '商贸', '医药', '印务'];

function person(rand: () => number, i: number): Record<string, unknown> {
  const pick = <T>(items: readonly T[] | string): T => items[Math.floor(rand() * items.length)] as T;
  const [code, district] = pick(DISTRICTS);
  const birth = `${1950 + Math.floor(rand() * 55)}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
  const male = rand() < 0.5;
  return {
    citizen_id: makeCitizenId(code, birth, 2 * i + (male ? 1 : 0)),
    name: pick<string>(SURNAMES) + pick(GIVEN) + (rand() < 0.6 ? pick(GIVEN) : ''),
    gender: male ? '男' : '女',
    birth_date: birth,
    address: `山东省济南市${district}${pick(STREETS)}${1 + Math.floor(rand() * 300)}号${1 + Math.floor(rand() * 20)}单元${100 + Math.floor(rand() * 1800)}室`,
    phone: `1${pick(['38', '39', '58', '86', '88'])}${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`,
    occupation: pick(OCCUPATIONS),
    employer: `${pick(EMPLOYERS)}${pick(TRADES)}${pick(['有限公司', '股份有限公司', '合作社', '服务中心'])}`,
    household_size: 1 + Math.floor(rand() * 6),
  };
}

function residents(count: number, seed: number): Array<Record<string, unknown>> {
  const rand = prng(seed);
  return Array.from({ length: count }, (_, i) => person(rand, i));
}

/** What the hub writes: a comma-separated UTF-8 CSV with a header. */
function toCsv(rows: Array<Record<string, unknown>>, columns: string[], options: Parameters<typeof stringify>[1] = {}) {
  return stringify(
    rows.map((r) => columns.map((c) => r[c])),
    { header: true, columns, ...options },
  );
}

const EXPORT = residents(300, 2026);
const MARKED = embedWatermark(EXPORT, SHAPE, MARK_A, SECRET);
const EXPORT_CSV = toCsv(MARKED, COLUMNS);
const TABLE = readCsvTable(EXPORT_CSV);

const line = (row: Record<string, unknown>, fields: string[]) => JSON.stringify(fields.map((f) => row[f]));
const multiset = (rows: ReadonlyArray<Record<string, unknown>>, fields: string[]) =>
  rows.map((r) => line(r, fields)).sort();
/** Every field a consumer compares or joins on: all but the free text. */
const EXACT = COLUMNS.filter((c) => !freeTextFields(SHAPE).includes(c));
const real = (rows: ReadonlyArray<Record<string, unknown>>) => rows.filter((r) => isCitizenId(String(r.citizen_id)));
const decoys = (rows: ReadonlyArray<Record<string, unknown>>) => rows.filter((r) => !isCitizenId(String(r.citizen_id)));

describe('watermark: values are never changed', () => {
  it('carries spacing only in free text: the address, never a name, a code, a key, a number or a date', () => {
    expect(freeTextFields(SHAPE)).toEqual(['address']);
  });

  it('keeps every coded, key, numeric and date value byte-equal (as a multiset of rows)', () => {
    expect(MARKED).toHaveLength(300 + decoyCount(300));
    expect(multiset(real(MARKED), EXACT)).toEqual(multiset(EXPORT, EXACT));
    // Free text differs at most by one trailing space.
    expect(multiset(real(MARKED), COLUMNS).length).toBe(300);
    const trimmed = real(MARKED).map((r) => ({ ...r, address: String(r.address).trimEnd() }));
    expect(multiset(trimmed, COLUMNS)).toEqual(multiset(EXPORT, COLUMNS));
    // No invisible character anywhere: 女 is "女".
    for (const row of MARKED)
      for (const v of Object.values(row)) expect(String(v)).not.toMatch(/[\u200B-\u200D\u2060\uFEFF]/);
    expect(real(MARKED).filter((r) => r.gender === '女').length).toBe(EXPORT.filter((r) => r.gender === '女').length);
    // The originals are not modified in place.
    expect(EXPORT.some((r) => String(r.address).endsWith(' '))).toBe(false);
  });

  it('holds for any rows and any mark (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120 }),
        fc.integer(),
        fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{12}$/),
        (count, seed, mark) => {
          const rows = residents(count, seed);
          const marked = embedWatermark(rows, SHAPE, mark, SECRET);
          const table = readCsvTable(toCsv(marked, COLUMNS));
          const back = table.slice(1).map((cells) => Object.fromEntries(COLUMNS.map((c, i) => [c, cells[i]])));
          const text = (rs: ReadonlyArray<Record<string, unknown>>) =>
            rs.map((r) => JSON.stringify(EXACT.map((f) => String(r[f])))).sort();
          expect(text(real(back))).toEqual(text(rows));
          expect(decoys(back)).toHaveLength(decoyCount(count));
          if (count >= 30)
            expect(identifyWatermark(table, CANDIDATES, SECRET).mark).toBe(
              mark === MARK_B || mark === MARK_C || mark === MARK_A ? mark : null,
            );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('adds decoys whose keys fail the check digit, so none can be a real citizen', () => {
    const fake = decoys(MARKED);
    expect(fake).toHaveLength(2);
    for (const row of fake) {
      expect(String(row.citizen_id)).toMatch(/^3701\d{13}[\dX]$/);
      expect(isCitizenId(String(row.citizen_id))).toBe(false);
      // Every other value is one a real row of the export has: a decoy is plausible.
      for (const f of EXACT.filter((c) => c !== 'citizen_id')) expect(EXPORT.map((r) => r[f])).toContain(row[f]);
    }
  });

  it('adds no decoys when the key is masked, nor below five rows', () => {
    const masked = EXPORT.map((r) => ({
      ...r,
      citizen_id: `${String(r.citizen_id).slice(0, 6)}********${String(r.citizen_id).slice(14)}`,
    }));
    expect(embedWatermark(masked, SHAPE, MARK_A, SECRET)).toHaveLength(300);
    expect(embedWatermark(EXPORT.slice(0, 4), SHAPE, MARK_A, SECRET)).toHaveLength(4);
  });

  it('reorders the rows by the mark: the same mark gives the same file, another mark another order', () => {
    expect(embedWatermark(EXPORT, SHAPE, MARK_A, SECRET)).toEqual(MARKED);
    const other = embedWatermark(EXPORT, SHAPE, MARK_B, SECRET);
    expect(other.map((r) => r.citizen_id)).not.toEqual(MARKED.map((r) => r.citizen_id));
    expect(MARKED.map((r) => r.citizen_id)).not.toEqual(EXPORT.map((r) => r.citizen_id));
  });

  it('validates the mark and the secret', () => {
    expect(() => embedWatermark(EXPORT, SHAPE, '7K3M9QX2ZB4', SECRET)).toThrow(/mark/);
    expect(() => embedWatermark(EXPORT, SHAPE, '7K3M9QX2ZBOC', SECRET)).toThrow(/Crockford/);
    expect(() => embedWatermark(EXPORT, SHAPE, MARK_A, new Uint8Array(8))).toThrow(/secret/);
    expect(() => identifyWatermark([], [], new Uint8Array(0))).toThrow(/secret/);
  });

  it('draws fresh marks of 12 Crockford base32 characters', () => {
    const marks = new Set(Array.from({ length: 200 }, () => newMark()));
    expect(marks.size).toBe(200);
    for (const m of marks) expect(isMark(m)).toBe(true);
    for (const c of 'ILOU') expect(MARK_ALPHABET).not.toContain(c);
  });
});

/** A table (header first) of some columns of some rows. */
function cut(table: string[][], columns: string[], rows: (body: string[][]) => string[][]): string[][] {
  const [header, ...body] = table;
  const idx = columns.map((c) => header!.indexOf(c));
  return [columns, ...rows(body).map((r) => idx.map((i) => r[i]!))];
}

describe('watermark: identification', () => {
  it('names the export of the whole file among others of the same data, with the evidence', () => {
    const reading = identifyWatermark(TABLE, CANDIDATES, SECRET);
    expect(reading.mark).toBe(MARK_A);
    expect(reading.confidence).toBeGreaterThan(0.999);
    expect(reading.evidence).toMatchObject({ decoys: 2, chance: 0 });
    expect(reading.evidence!.order.agree).toBe(reading.evidence!.order.pairs);
    expect(reading.evidence!.spacing.agree).toBe(reading.evidence!.spacing.cells);
  });

  it('from a subset of rows in their order, without decoys or free text (row order alone)', () => {
    const table = cut(TABLE, ['citizen_id', 'gender', 'birth_date'], (body) =>
      body.filter((r, i) => i % 3 === 0 && isCitizenId(r[0]!)).slice(0, 40),
    );
    const reading = identifyWatermark(table, CANDIDATES, SECRET);
    expect(reading.mark).toBe(MARK_A);
    expect(reading.evidence!.decoys).toBe(0);
  });

  it('from a re-sorted file by its decoys, and without them by the spacing of free text', () => {
    const byName = (body: string[][]) => [...body].sort((a, b) => a[1]!.localeCompare(b[1]!));
    expect(identifyWatermark(cut(TABLE, COLUMNS, byName), CANDIDATES, SECRET).mark).toBe(MARK_A);
    const noDecoys = (body: string[][]) => byName(body.filter((r) => isCitizenId(r[0]!)));
    const reading = identifyWatermark(cut(TABLE, ['name', 'address'], noDecoys), CANDIDATES, SECRET);
    expect(reading.mark).toBe(MARK_A);
    expect(reading.evidence!.spacing.cells).toBeGreaterThan(250);
  });

  it('after re-saving with semicolons, quotes everywhere, CRLF and a BOM', () => {
    const csv = '\uFEFF' + toCsv(MARKED, COLUMNS, { delimiter: ';', quoted: true, record_delimiter: '\r\n' });
    expect(identifyWatermark(readCsvTable(csv), CANDIDATES, SECRET).mark).toBe(MARK_A);
  });

  it('names nothing from a file it cannot tell apart: re-sorted, no key, no free text (a documented limit)', () => {
    const table = cut(TABLE, ['name', 'gender', 'birth_date'], (body) =>
      [...body].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );
    expect(identifyWatermark(table, CANDIDATES, SECRET).mark).toBeNull();
  });

  it('names nothing from an unmarked file, under a wrong secret, or among other exports only', () => {
    const plain = readCsvTable(toCsv(EXPORT, COLUMNS));
    expect(identifyWatermark(plain, CANDIDATES, SECRET).mark).toBeNull();
    expect(identifyWatermark(TABLE, CANDIDATES, OTHER_SECRET).mark).toBeNull();
    expect(identifyWatermark(TABLE, [candidate(MARK_B), candidate(MARK_C)], SECRET).mark).toBeNull();
    expect(identifyWatermark(TABLE, [], SECRET)).toMatchObject({ mark: null, evidence: null });
  });

  it('tells two exports of the same data apart', () => {
    const other = readCsvTable(toCsv(embedWatermark(EXPORT, SHAPE, MARK_B, SECRET), COLUMNS));
    expect(identifyWatermark(other, CANDIDATES, SECRET).mark).toBe(MARK_B);
    expect(identifyWatermark(TABLE, CANDIDATES, SECRET).mark).toBe(MARK_A);
  });
});

describe('readCsvTable', () => {
  it('takes comma, semicolon or tab, quotes and a BOM', () => {
    const rows = [
      ['姓名', '住址'],
      ['张三', '经十路 1号, 2单元 '],
      ['李四', '"泉城路"'],
    ];
    for (const delimiter of [',', ';', '\t'])
      expect(readCsvTable('\uFEFF' + stringify(rows, { delimiter }))).toEqual(rows);
  });

  it('undoes the quote the hub puts before would-be formulas, keeping the trailing space', () => {
    const values = ['=HYPERLINK("http://evil.example","x") ', '+1', '-2+3 ', '@SUM(1)'];
    const table = readCsvTable(
      writeCsv(
        values.map((v) => [v]),
        ['note'],
      ),
    );
    expect(table.slice(1).map((r) => r[0])).toEqual(values);
  });

  it('decodes UTF-8, UTF-16 and GB18030 bytes', () => {
    expect(decodeCsvBytes(Buffer.from('\uFEFF姓名,住址\n', 'utf8'))).toBe('姓名,住址\n');
    expect(decodeCsvBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('姓名', 'utf16le')]))).toBe('姓名');
    expect(decodeCsvBytes(Buffer.from([0xd0, 0xd5, 0xc3, 0xfb]))).toBe('姓名');
  });
});
