import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { formatOf, looksUtf8, parseSource, type SourceFormat } from './parse.js';

const rows = async (bytes: Buffer | string, format: SourceFormat, chunk = 7) => {
  const data = Buffer.from(bytes);
  // Small chunks, so that a multi-byte character is split across them as in a real upload.
  const chunks = Array.from({ length: Math.ceil(data.length / chunk) }, (_, i) =>
    data.subarray(i * chunk, (i + 1) * chunk),
  );
  const out: string[][] = [];
  for await (const b of parseSource(Readable.from(chunks), format)) out.push(...b);
  return out;
};

const csv = '公民身份号码,姓名,住址\n370102198005171234,张三,济南市历下区泉城路1号\n';
const expected = [
  ['公民身份号码', '姓名', '住址'],
  ['370102198005171234', '张三', '济南市历下区泉城路1号'],
];

describe('stage 1 — parse', () => {
  it('reads CSV in UTF-8, with or without a byte order mark, and in GBK', async () => {
    expect(await rows(csv, 'csv')).toEqual(expected);
    expect(await rows('\ufeff' + csv, 'csv')).toEqual(expected);
    expect(await rows(iconv.encode(csv, 'gbk'), 'csv')).toEqual(expected);
    // A GBK file longer than the sample that decides its encoding.
    const long = csv + '370102198005171234,李四,济南市市中区经七路2号\n'.repeat(4000);
    const parsed = await rows(iconv.encode(long, 'gbk'), 'csv', 4096);
    expect(parsed).toHaveLength(4002);
    expect(parsed[4001]).toEqual(['370102198005171234', '李四', '济南市市中区经七路2号']);
  });

  it('takes a stream of strings as text already decoded', async () => {
    const out: string[][] = [];
    for await (const b of parseSource(Readable.from([csv.slice(0, 10), csv.slice(10)]), 'csv')) out.push(...b);
    expect(out).toEqual(expected);
  });

  it('tells UTF-8 from GBK by whether the bytes are valid UTF-8', () => {
    expect(looksUtf8(Buffer.from('济南'))).toBe(true);
    expect(looksUtf8(Buffer.from('济南').subarray(0, 4))).toBe(true); // a character cut at the end
    expect(looksUtf8(iconv.encode('济南市历下区', 'gbk'))).toBe(false);
  });

  it('reads the first worksheet of an XLSX workbook, dates as YYYY-MM-DD', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('人口');
    ws.addRow(['公民身份号码', '姓名', '出生日期']);
    ws.addRow(['370102198005171234', '张三', new Date(Date.UTC(1980, 4, 17))]);
    wb.addWorksheet('说明').addRow(['not data']);
    const out = await rows(Buffer.from(await wb.xlsx.writeBuffer()), 'xlsx', 1024);
    expect(out).toEqual([
      ['公民身份号码', '姓名', '出生日期'],
      ['370102198005171234', '张三', '1980-05-17'],
    ]);
  });

  it('reads JSON arrays and NDJSON lines of objects under the first object’s keys', async () => {
    const items = [
      { citizen_id: '370102198005171234', name: '张三', dogs: 2 },
      { citizen_id: '370102198005171235', name: null, dogs: 1, extra: 'x' },
    ];
    const header = ['citizen_id', 'name', 'dogs'];
    const want = [header, ['370102198005171234', '张三', '2'], ['370102198005171235', '', '1']];
    expect(await rows(JSON.stringify(items), 'json')).toEqual(want);
    expect(await rows(JSON.stringify({ items }), 'json')).toEqual(want);
    expect(await rows(items.map((i) => JSON.stringify(i)).join('\n') + '\n\n', 'ndjson')).toEqual(want);
    await expect(rows('{"a":1}\nnot json\n', 'ndjson')).rejects.toThrow(/line 2: not JSON/);
    await expect(rows('[1,2]', 'json')).rejects.toThrow(/item 1: not an object/);
    await expect(rows('{"a":', 'json')).rejects.toThrow(/not JSON/);
  });

  it('knows a file’s format by its name and refuses others', () => {
    expect(formatOf('人口.CSV')).toBe('csv');
    expect(formatOf('a.xlsx')).toBe('xlsx');
    expect(formatOf('a.jsonl')).toBe('ndjson');
    expect(() => formatOf('a.doc')).toThrow(/not a CSV, XLSX, JSON or NDJSON/);
  });
});
