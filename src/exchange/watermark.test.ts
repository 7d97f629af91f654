import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { prng } from '../demo/people.js';
import { makeCitizenId, writeCsv } from '../kernel/index.js';
import {
  decodeCsvBytes,
  embedWatermark,
  extractWatermark,
  isMark,
  newMark,
  readCsvTable,
  visibleText,
} from './watermark.js';

const SECRET = new TextEncoder().encode('quancheng-watermark-test-secret!');
const OTHER_SECRET = new TextEncoder().encode('some-other-hub-watermark-secret!');
const MARK_A = '7K3M9QX2ZB4C';
const MARK_B = 'JN5E8P0RT2WH';
const TEXT_FIELDS = ['name', 'address', 'occupation', 'employer'];
const COLUMNS = ['citizen_id', 'name', 'gender', 'birth_date', 'address', 'phone', 'occupation', 'employer'];

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

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  const rand = prng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** What the hub writes: a comma-separated UTF-8 CSV with a header. */
function toCsv(rows: Array<Record<string, unknown>>, columns: string[], options: Parameters<typeof stringify>[1] = {}) {
  return stringify(
    rows.map((r) => columns.map((c) => r[c])),
    { header: true, columns, ...options },
  );
}

const EXPORT = residents(300, 2026);
const MARKED = embedWatermark(EXPORT, TEXT_FIELDS, MARK_A, SECRET);
const EXPORT_CSV = toCsv(MARKED, [...COLUMNS, 'household_size']);

describe('watermark: embedding', () => {
  it('keeps what a reader sees: stripped values equal the originals, other fields untouched', () => {
    expect(MARKED).toHaveLength(300);
    let framed = 0;
    MARKED.forEach((row, i) => {
      const original = EXPORT[i]!;
      expect(Object.keys(row)).toEqual(Object.keys(original));
      for (const [field, value] of Object.entries(original)) {
        if (TEXT_FIELDS.includes(field)) {
          const marked = row[field] as string;
          expect(visibleText(marked)).toBe(value);
          expect(marked).toHaveLength((value as string).length + 9);
          expect(marked).toMatch(/^[^\u200B-\u200D]+\u200B[\u200C\u200D]{8}$/);
          framed++;
        } else {
          expect(row[field]).toBe(value);
        }
      }
    });
    expect(framed).toBe(1200);
    // The originals are not modified in place.
    expect(EXPORT[0]!.name).toBe(visibleText(MARKED[0]!.name as string));
    expect(EXPORT[0]!.name).not.toBe(MARKED[0]!.name);
  });

  it('reads back the mark from the rows and from the CSV file', () => {
    expect(extractWatermark(MARKED, SECRET)).toMatchObject({ mark: MARK_A, confidence: 1 });
    const reading = extractWatermark(readCsvTable(EXPORT_CSV), SECRET);
    expect(reading.mark).toBe(MARK_A);
    expect(reading.confidence).toBe(1);
    expect(reading.votes).toBeGreaterThan(600);
  });

  it('re-marks cells that carry a mark already instead of marking them twice', () => {
    const again = embedWatermark(MARKED, TEXT_FIELDS, MARK_B, SECRET);
    for (const row of again) for (const f of TEXT_FIELDS) expect((row[f] as string).match(/\u200B/g)).toHaveLength(1);
    expect(extractWatermark(again, SECRET).mark).toBe(MARK_B);
    // Re-marking with the same mark gives the same bytes.
    expect(embedWatermark(MARKED, TEXT_FIELDS, MARK_A, SECRET)).toEqual(MARKED);
  });

  it('leaves empty values and non-strings alone', () => {
    const rows = embedWatermark(
      [{ name: '', address: '  ', occupation: null, employer: 7 }],
      TEXT_FIELDS,
      MARK_A,
      SECRET,
    );
    expect(rows).toEqual([{ name: '', address: '  ', occupation: null, employer: 7 }]);
  });

  it('validates the mark, the fields and the secret', () => {
    expect(() => embedWatermark(EXPORT, TEXT_FIELDS, '7K3M9QX2ZB4', SECRET)).toThrow(/mark/);
    expect(() => embedWatermark(EXPORT, TEXT_FIELDS, '7K3M9QX2ZBOC', SECRET)).toThrow(/Crockford/);
    expect(() => embedWatermark(EXPORT, TEXT_FIELDS, '7k3m9qx2zb4c', SECRET)).toThrow(/mark/);
    expect(() => embedWatermark(EXPORT, [], MARK_A, SECRET)).toThrow(/textFields/);
    expect(() => embedWatermark(EXPORT, TEXT_FIELDS, MARK_A, new Uint8Array(8))).toThrow(/secret/);
    expect(() => extractWatermark([], new Uint8Array(0))).toThrow(/secret/);
  });

  it('draws fresh marks of 12 Crockford base32 characters', () => {
    const marks = Array.from({ length: 50 }, () => newMark());
    for (const m of marks) expect(m).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
    expect(marks.every(isMark)).toBe(true);
    expect(new Set(marks).size).toBe(50);
    expect(isMark('7K3M9QX2ZBIC')).toBe(false);
  });
});

describe('watermark: identification survives tampering', () => {
  const table = () => readCsvTable(EXPORT_CSV);
  const header = (t: string[][]) => t[0]!;
  const body = (t: string[][]) => t.slice(1);
  const dropColumns = (t: string[][], names: string[]) => {
    const keep = header(t)
      .map((h, i) => [h, i] as const)
      .filter(([h]) => !names.includes(h))
      .map(([, i]) => i);
    return t.map((row) => keep.map((i) => row[i]!));
  };
  /** Keeps `share` of the data rows, chosen by a seeded draw. */
  const keepRows = (t: string[][], share: number) => {
    const rand = prng(99);
    return [header(t), ...body(t).filter(() => rand() < share)];
  };

  it('after re-sorting the rows', () => {
    const t = table();
    const resorted = [header(t), ...shuffle(body(t), 7)];
    expect(resorted.slice(1).map((r) => r[0])).not.toEqual(body(t).map((r) => r[0]));
    expect(extractWatermark(resorted, SECRET)).toMatchObject({ mark: MARK_A, confidence: 1 });
    const byName = [header(t), ...body(t).sort((a, b) => visibleText(a[1]!).localeCompare(visibleText(b[1]!)))];
    expect(extractWatermark(byName, SECRET).mark).toBe(MARK_A);
  });

  it('after dropping the key column and the address column', () => {
    const t = dropColumns(table(), ['citizen_id', 'address']);
    expect(header(t)).toEqual(['name', 'gender', 'birth_date', 'phone', 'occupation', 'employer', 'household_size']);
    expect(extractWatermark(t, SECRET)).toMatchObject({ mark: MARK_A, confidence: 1 });
  });

  it('after dropping 70 % of the rows', () => {
    const t = keepRows(table(), 0.3);
    expect(body(t).length).toBeGreaterThan(70);
    expect(body(t).length).toBeLessThan(110);
    expect(extractWatermark(t, SECRET)).toMatchObject({ mark: MARK_A, confidence: 1 });
  });

  it('after re-saving with semicolons, quotes everywhere, CRLF and a BOM', () => {
    const resaved = stringify(table(), { delimiter: ';', quoted: true, record_delimiter: 'windows', bom: true });
    expect(resaved.startsWith('\uFEFF"citizen_id";"name";')).toBe(true);
    const t = readCsvTable(resaved);
    expect(t).toEqual(table());
    expect(extractWatermark(t, SECRET).mark).toBe(MARK_A);
  });

  it('after saving as tab-separated UTF-16 ("Unicode text" of a spreadsheet)', () => {
    const text = stringify(table(), { delimiter: '\t' });
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const t = readCsvTable(decodeCsvBytes(bytes));
    expect(t).toEqual(table());
    expect(extractWatermark(t, SECRET).mark).toBe(MARK_A);
  });

  it('after appending foreign rows, unmarked or edited copies of marked ones', () => {
    const t = table();
    const strangers = residents(10, 4242).map((r) => header(t).map((c) => String(r[c] ?? '')));
    // Edited copies keep the invisible frame but change the visible text: their votes are noise.
    const edited = body(t)
      .slice(0, 10)
      .map((row) => row.map((cell, i) => (TEXT_FIELDS.includes(header(t)[i]!) ? '改' + cell : cell)));
    const extended = [...t, ...strangers, ...edited];
    const reading = extractWatermark(extended, SECRET);
    expect(reading.mark).toBe(MARK_A);
    expect(reading.confidence).toBeGreaterThan(0.9);
    expect(reading.confidence).toBeLessThan(1);
  });

  it('after all of it at once', () => {
    let t = table();
    t = [header(t), ...shuffle(body(t), 11)];
    t = dropColumns(t, ['citizen_id', 'address']);
    t = keepRows(t, 0.3);
    const cols = header(t);
    const strangers = residents(20, 777).map((r) => cols.map((c) => String(r[c] ?? '')));
    t = [...t, ...strangers];
    const resaved = stringify(t, { delimiter: ';', quoted: true, record_delimiter: 'windows', bom: true });
    const reading = extractWatermark(readCsvTable(resaved), SECRET);
    expect(reading.mark).toBe(MARK_A);
    expect(reading.confidence).toBeGreaterThan(0.95);
    expect(reading.votes).toBeGreaterThan(100);
  });
});

describe('watermark: telling files apart', () => {
  it('tells two exports of the same data apart', () => {
    const a = readCsvTable(toCsv(MARKED, COLUMNS));
    const b = readCsvTable(toCsv(embedWatermark(EXPORT, TEXT_FIELDS, MARK_B, SECRET), COLUMNS));
    expect(a.map((r) => r.map(visibleText))).toEqual(b.map((r) => r.map(visibleText)));
    expect(a).not.toEqual(b);
    expect(extractWatermark(a, SECRET).mark).toBe(MARK_A);
    expect(extractWatermark(b, SECRET).mark).toBe(MARK_B);
  });

  it('finds no mark in an unmarked file', () => {
    expect(extractWatermark(readCsvTable(toCsv(EXPORT, COLUMNS)), SECRET)).toEqual({
      mark: null,
      confidence: 0,
      votes: 0,
    });
  });

  it('finds no mark under a wrong secret', () => {
    const reading = extractWatermark(readCsvTable(EXPORT_CSV), OTHER_SECRET);
    expect(reading.mark).toBeNull();
    expect(reading.votes).toBeGreaterThan(600);
    expect(reading.confidence).toBeLessThan(0.8);
  });

  it('finds no mark once every zero-width character is stripped (a documented limit)', () => {
    const stripped = EXPORT_CSV.replace(/[\u200B-\u200D]/g, '');
    expect(extractWatermark(readCsvTable(stripped), SECRET)).toMatchObject({ mark: null, votes: 0 });
  });
});

describe('readCsvTable', () => {
  it('takes comma, semicolon or tab, quotes and a BOM', () => {
    const expected = [
      ['name', 'address'],
      ['张三', '历下区, 泉城路1号'],
      ['李四', '第一行\n第二行'],
    ];
    expect(readCsvTable('name,address\n张三,"历下区, 泉城路1号"\n李四,"第一行\n第二行"\n')).toEqual(expected);
    expect(readCsvTable('\uFEFFname;address\r\n张三;"历下区, 泉城路1号"\r\n李四;"第一行\n第二行"\r\n')).toEqual(
      expected,
    );
    expect(readCsvTable('"name"\t"address"\n"张三"\t"历下区, 泉城路1号"\n"李四"\t"第一行\n第二行"\n')).toEqual(
      expected,
    );
  });

  it('undoes the quote the hub puts before would-be formulas, so their marks still read', () => {
    const rows = ['=HYPERLINK("http://evil.example","x")', '+1', '-2+3', '@SUM(1)', '\t=1', "'=2"].flatMap((v) =>
      Array.from({ length: 12 }, (_, i) => ({ note: `${v}${i}` })),
    );
    const marked = embedWatermark(rows, ['note'], MARK_A, SECRET);
    const table = readCsvTable(
      writeCsv(
        marked.map((r) => [r.note]),
        ['note'],
      ),
    );
    expect(table.slice(1).map((r) => visibleText(r[0]!))).toEqual(rows.map((r) => r.note));
    expect(extractWatermark(table, SECRET).mark).toBe(MARK_A);
  });

  it('decodes UTF-8, UTF-16 and GB18030 bytes', () => {
    expect(decodeCsvBytes(Buffer.from('\uFEFF姓名,住址\n', 'utf8'))).toBe('姓名,住址\n');
    expect(decodeCsvBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('姓名', 'utf16le')]))).toBe('姓名');
    expect(decodeCsvBytes(Buffer.from([0xd0, 0xd5, 0xc3, 0xfb]))).toBe('姓名');
  });
});
