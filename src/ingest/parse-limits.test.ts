import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_UPLOAD_LIMITS, HubError } from '../kernel/index.js';
import { deflatedText, hostileWorkbook } from '../../test/zip-bomb.js';
import { parseSource, type FileLimits } from './parse.js';

const SST_HEAD = '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>';
const SST_TAIL = '</t></si></sst>';
const SHEET_HEAD = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';

async function failure(data: Buffer | string, format: 'xlsx' | 'csv' | 'json', limits: Partial<FileLimits> = {}) {
  try {
    for await (const batch of parseSource(Readable.from([data]), format, limits)) void batch;
  } catch (e) {
    if (e instanceof HubError) return { status: e.status, message: e.message };
    throw e;
  }
  return undefined;
}

/** #13: bounds on what one file may make the parser do, checked before and while it inflates. */
describe('parseSource limits', () => {
  it('refuses shared strings declared larger than the memory bound before inflating them', async () => {
    const sst = await deflatedText(SST_HEAD, 'a', 300 * 2 ** 20, SST_TAIL);
    const file = await hostileWorkbook([['x']], [{ ...sst, name: 'xl/sharedStrings.xml' }]);
    expect(file.length).toBeLessThan(2 ** 20);
    expect(await failure(file, 'xlsx')).toMatchObject({
      status: 413,
      message: expect.stringContaining('sharedStrings'),
    });
  });

  it('stops a part that inflates past the size its directory declares', async () => {
    const sst = await deflatedText(SST_HEAD, 'a', 100 * 2 ** 20, SST_TAIL);
    const file = await hostileWorkbook([['x']], [{ ...sst, name: 'xl/sharedStrings.xml', declared: 1000 }]);
    expect(await failure(file, 'xlsx')).toMatchObject({ status: 400, message: expect.stringContaining('declared') });
  });

  it('refuses a text longer than the bound, and declarations, within an allowed part size', async () => {
    const sst = await deflatedText(SST_HEAD, 'a', 2 * 2 ** 20, SST_TAIL);
    const file = await hostileWorkbook([['x']], [{ ...sst, name: 'xl/sharedStrings.xml' }]);
    expect(await failure(file, 'xlsx')).toMatchObject({ status: 422, message: expect.stringContaining('longer than') });
    const cdata = await deflatedText(SST_HEAD + '<![CDATA[', 'a<', 10, ']]>' + SST_TAIL);
    const hidden = await hostileWorkbook([['x']], [{ ...cdata, name: 'xl/sharedStrings.xml' }]);
    expect(await failure(hidden, 'xlsx')).toMatchObject({ status: 422, message: expect.stringContaining('CDATA') });
  });

  it('refuses a sheet that declares more rows than allowed at once, and counts rows that are not declared', async () => {
    const row = (n: number) => `<row r="${n}"><c r="A${n}" t="inlineStr"><is><t>x</t></is></c></row>`;
    const declared = await deflatedText(
      `${SHEET_HEAD}<dimension ref="A1:D3000000"/><sheetData>`,
      row(1),
      1,
      '</sheetData></worksheet>',
    );
    const big = await hostileWorkbook([['x']], [{ ...declared, name: 'xl/worksheets/sheet1.xml' }]);
    const upload = { maxRows: DEFAULT_UPLOAD_LIMITS.maxRows };
    expect(await failure(big, 'xlsx', upload)).toMatchObject({
      status: 413,
      message: expect.stringContaining('3000000'),
    });
    const rows = await hostileWorkbook(
      Array.from({ length: 30 }, (_, i) => [`r${i}`]),
      [],
    );
    expect(await failure(rows, 'xlsx', { maxRows: 20 })).toMatchObject({ status: 413 });
    expect(await failure(rows, 'xlsx', { maxRows: 30 })).toBeUndefined();
  });

  it('bounds rows, columns and line length of CSV, and the size of a JSON array', async () => {
    const csv = 'a,b\n' + '1,2\n'.repeat(50);
    expect(await failure(csv, 'csv', { maxRows: 10 })).toMatchObject({ status: 413 });
    expect(await failure(csv, 'csv', { maxColumns: 1 })).toMatchObject({ status: 413 });
    expect(await failure('a\n' + 'x'.repeat(5000), 'csv', { maxLineBytes: 1000 })).toMatchObject({ status: 413 });
    expect(await failure(csv, 'csv', { maxLineBytes: 1000 })).toBeUndefined();
    const json = JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ i })));
    expect(await failure(json, 'json', { maxInMemoryBytes: 1000 })).toMatchObject({ status: 413 });
  });
});
