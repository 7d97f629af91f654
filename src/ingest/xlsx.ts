import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type ExcelJS from 'exceljs';
import {
  checkDeclared,
  excel,
  HubError,
  inspectZip,
  readPart,
  tooLarge,
  zipFromFile,
  type UploadLimits,
  type ZipEntry,
  type ZipSource,
  msg,
} from '../kernel/index.js';

export type XlsxLimits = Pick<
  UploadLimits,
  'maxRows' | 'maxColumns' | 'maxInMemoryBytes' | 'xlsxMaxBytes' | 'xlsxMaxTextBytes'
>;

/**
 * The parts of exceljs's streaming WorkbookReader that parse one part each. Its own `parse()`
 * reads the zip front to back by local headers, inflates every entry (those it ignores too)
 * with no bound, and spools worksheets that precede the shared strings to disk; so the hub
 * reads the zip itself (kernel/zip.ts) and hands these the parts it chose, bounded.
 * exceljs 4.4.0 (its last release); a test reads a workbook through here, so a change shows.
 */
interface ReaderParts {
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncIterable<unknown>;
  _parseWorksheet(iterator: AsyncIterable<unknown>, sheetNo: string): Iterable<{ value: AsyncIterable<ExcelJS.Row> }>;
  workbookRels?: Array<{ Id: string; Target: string }>;
  model?: { sheets?: Array<{ rId: string }> };
}

/**
 * The first worksheet's rows, values as exceljs reads them. The upload is spooled to a private
 * temporary file first (a zip's directory is at its end); every bound is checked on the
 * directory before parsing and again on the bytes as they inflate.
 */
export async function* xlsxValues(input: Readable, limits: XlsxLimits): AsyncIterable<ExcelJS.CellValue[]> {
  const dir = await mkdtemp(join(tmpdir(), 'qdh-xlsx-'));
  try {
    const path = join(dir, 'upload.xlsx');
    await pipeline(input, atMost(limits.xlsxMaxBytes), createWriteStream(path, { mode: 0o600 }));
    const zip = await zipFromFile(path);
    try {
      yield* sheetValues(zip, limits);
    } finally {
      await zip.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function atMost(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > maxBytes ? tooLarge(msg('file.largerThan', { max: maxBytes })) : null, chunk);
    },
  });
}

const SHEET = /^xl\/worksheets\/sheet(\d+)\.xml$/;
const IN_MEMORY = ['xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/styles.xml', 'xl/sharedStrings.xml'];

async function* sheetValues(zip: ZipSource, limits: XlsxLimits): AsyncIterable<ExcelJS.CellValue[]> {
  const entries = new Map((await inspectZip(zip)).map((e) => [e.name, e]));
  const inMemory = IN_MEMORY.map((name) => entries.get(name)).filter((e): e is ZipEntry => e !== undefined);
  checkDeclared(inMemory, limits.maxInMemoryBytes);
  const reader = new (await excel()).stream.xlsx.WorkbookReader(null as unknown as Readable, {
    sharedStrings: 'cache',
    styles: 'cache',
    worksheets: 'emit',
  }) as unknown as ReaderParts;
  const part = (name: string) => readPart(zip, entries.get(name)!, limits.xlsxMaxTextBytes);
  if (entries.has(IN_MEMORY[0]!)) await reader._parseRels(await part(IN_MEMORY[0]!));
  if (entries.has(IN_MEMORY[1]!)) await reader._parseWorkbook(await part(IN_MEMORY[1]!));
  if (entries.has(IN_MEMORY[2]!)) await reader._parseStyles(await part(IN_MEMORY[2]!));
  if (entries.has(IN_MEMORY[3]!)) for await (const s of reader._parseSharedStrings(await part(IN_MEMORY[3]!))) void s;
  const sheet = firstSheet(reader, entries);
  if (!sheet) throw new HubError('ING_BAD_FILE', msg('ingest.noWorksheet'));
  checkDeclared([...inMemory, sheet.entry], limits.xlsxMaxBytes);
  const text = checkDimension(await part(sheet.entry.name), limits);
  for (const { value } of reader._parseWorksheet(text, sheet.number)) {
    let rows = 0;
    for await (const row of value) {
      const values = (row.values as ExcelJS.CellValue[]).slice(1);
      if (++rows > limits.maxRows) throw tooLarge(msg('file.moreRows', { max: limits.maxRows }));
      if (values.length > limits.maxColumns)
        throw tooLarge(msg('file.rowMoreCells', { row: row.number, max: limits.maxColumns }));
      yield values;
    }
  }
}

/** The sheet shown first (the workbook's order), else the lowest-numbered one. */
function firstSheet(reader: ReaderParts, entries: Map<string, ZipEntry>) {
  const rId = reader.model?.sheets?.[0]?.rId;
  const target = reader.workbookRels?.find((r) => r.Id === rId)?.Target.replace(/^\/?(xl\/)?/, 'xl/');
  const names = [...entries.keys()].filter((n) => SHEET.test(n));
  names.sort((a, b) => Number(SHEET.exec(a)![1]) - Number(SHEET.exec(b)![1]));
  const name = target && entries.has(target) && SHEET.test(target) ? target : names[0];
  return name === undefined ? undefined : { entry: entries.get(name)!, number: SHEET.exec(name)![1]! };
}

const DIMENSION = /<dimension\s+ref="[A-Z]*\d*:?([A-Z]+)(\d+)"/;

/**
 * A sheet declares its extent before its rows (`<dimension ref="A1:D3000000"/>`): too many
 * rows or columns are refused at once rather than after a million rows. Not trusted alone:
 * rows and cells are counted as they come.
 */
async function* checkDimension(text: Readable, limits: XlsxLimits): AsyncIterable<string> {
  let head: string | undefined = '';
  for await (const chunk of text as AsyncIterable<string>) {
    if (head !== undefined) {
      head += chunk;
      const m = DIMENSION.exec(head);
      if (m) {
        if (Number(m[2]) > limits.maxRows) throw tooLarge(msg('file.sheetRows', { rows: m[2]!, max: limits.maxRows }));
        if (columnNumber(m[1]!) > limits.maxColumns)
          throw tooLarge(msg('file.sheetColumns', { column: m[1]!, max: limits.maxColumns }));
      }
      if (m || head.length > 65_536 || head.includes('<sheetData')) head = undefined;
    }
    yield chunk;
  }
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const c of letters) n = n * 26 + (c.charCodeAt(0) - 64);
  return n;
}
