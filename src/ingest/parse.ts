import { createInterface } from 'node:readline';
import { PassThrough, Readable, Transform } from 'node:stream';
import Papa from 'papaparse';
import type ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { DEFAULT_UPLOAD_LIMITS, HubError, tooLarge, type UploadLimits, fieldProblem, msg } from '../kernel/index.js';
import { xlsxValues } from './xlsx.js';

/** The file formats a source may have; `formatOf` tells them by name. */
export const FORMATS = ['csv', 'xlsx', 'json', 'ndjson'] as const;
export type SourceFormat = (typeof FORMATS)[number];

export function formatOf(filename: string): SourceFormat {
  const ext = /\.([a-z]+)$/i.exec(filename)?.[1]?.toLowerCase();
  if (ext === 'xlsx') return 'xlsx';
  if (ext === 'json') return 'json';
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  if (ext === 'csv' || ext === 'txt' || ext === undefined) return 'csv';
  throw new HubError('ING_BAD_FILE', msg('ingest.unsupportedFile', { file: filename }), {
    problems: [fieldProblem('file', msg('ingest.unsupportedType', { ext }))],
  });
}

/** What one file may make the parser do (kernel/limits.ts); uploads are bound by the hub's configuration. */
export type FileLimits = Omit<UploadLimits, 'bodyIdleMs' | 'bodyMinRate'>;

/** Files given no limits (`qdh ingest`, run by whoever holds the server): any number of rows, bounded memory. */
const FILE_DEFAULTS: FileLimits = { ...DEFAULT_UPLOAD_LIMITS, maxRows: Infinity };

/**
 * Stage 1 — parse: any supported file as batches of rows of text cells, the header first,
 * streamed so that memory does not grow with the file (JSON arrays excepted: they are read
 * whole, up to `maxInMemoryBytes`). Batches, not single rows, because a million rows are a
 * million awaits otherwise. Rows, cells and lines past the limits fail the file with 413.
 */
export function parseSource(
  input: Readable,
  format: SourceFormat,
  given: Partial<FileLimits> = {},
): AsyncIterable<string[][]> {
  const limits = { ...FILE_DEFAULTS, ...given };
  if (format === 'xlsx') return inBatches(xlsxRows(input, limits));
  if (format === 'json') return counted(inBatches(jsonRows(atMost(input, limits.maxInMemoryBytes))), limits);
  const text = decodeText(linesAtMost(input, limits.maxLineBytes));
  if (format === 'ndjson') return counted(inBatches(ndjsonRows(text)), limits);
  return counted(csvBatches(text.setEncoding('utf8')), limits);
}

/** Rows and cells counted as they pass (XLSX counts its own, before turning cells into text). */
async function* counted(batches: AsyncIterable<string[][]>, limits: FileLimits): AsyncIterable<string[][]> {
  let rows = 0;
  for await (const batch of batches) {
    rows += batch.length;
    if (rows > limits.maxRows) throw tooLarge(msg('file.moreRows', { max: limits.maxRows }));
    if (batch.some((row) => row.length > limits.maxColumns))
      throw tooLarge(msg('file.moreColumns', { max: limits.maxColumns }));
    yield batch;
  }
}

/** The input's bytes, until `check` refuses a chunk; errors upstream end it too (pipe() does not forward them). */
function checked(input: Readable, check: (chunk: Buffer) => HubError | undefined): Readable {
  const t = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(check(chunk) ?? null, chunk);
    },
  });
  input.on('error', (e) => t.destroy(e));
  return input.pipe(t);
}

function atMost(input: Readable, maxBytes: number): Readable {
  let seen = 0;
  return checked(input, (chunk) =>
    (seen += chunk.length) > maxBytes ? tooLarge(msg('file.largerThan', { max: maxBytes })) : undefined,
  );
}

/** A parser holds a line (CSV: a row) whole; a file that is one endless line would be held whole. */
function linesAtMost(input: Readable, maxLineBytes: number): Readable {
  let run = 0;
  return checked(input, (chunk) => {
    let from = 0;
    let lf = chunk.indexOf(0x0a);
    let cr = chunk.indexOf(0x0d);
    while (lf !== -1 || cr !== -1) {
      const i = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (run + i - from > maxLineBytes) break;
      run = 0;
      from = i + 1;
      if (i === lf) lf = chunk.indexOf(0x0a, from);
      if (i === cr) cr = chunk.indexOf(0x0d, from);
    }
    run += chunk.length - from;
    return run > maxLineBytes ? tooLarge(msg('file.longLine', { max: maxLineBytes })) : undefined;
  });
}

/**
 * Rows one at a time (a database cursor, an XLSX sheet, an API's pages) gathered into batches:
 * `size` rows, or what came within a second, so that a slow source still shows progress.
 */
export async function* inBatches(rows: AsyncIterable<string[]>, size = 1000): AsyncIterable<string[][]> {
  let batch: string[][] = [];
  let since = Date.now();
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= size || Date.now() - since >= 1000) {
      yield batch;
      batch = [];
      since = Date.now();
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * CSV by PapaParse (RFC 4180 quoting; about four times faster than csv-parse on our person
 * files), one batch per chunk of text. PapaParse parses each chunk as the stream emits it, so
 * back-pressure is the text stream's: paused while batches wait to be taken.
 */
async function* csvBatches(text: Readable): AsyncIterable<string[][]> {
  const waiting: string[][][] = [];
  let done = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  Papa.parse<string[]>(text as unknown as NodeJS.ReadableStream, {
    skipEmptyLines: true,
    chunk: (result) => {
      waiting.push(result.data);
      if (waiting.length >= 4) text.pause();
      signal();
    },
    complete: () => {
      done = true;
      signal();
    },
    error: (e: Error) => {
      failure = e;
      done = true;
      signal();
    },
  });
  text.on('error', (e) => {
    failure = e;
    done = true;
    signal();
  });
  let first = true;
  for (;;) {
    const batch = waiting.shift();
    if (batch) {
      if (waiting.length === 0 && text.isPaused()) text.resume();
      if (first && batch[0]?.[0]?.startsWith('\ufeff')) batch[0][0] = batch[0][0].slice(1);
      first = false;
      yield batch;
      continue;
    }
    if (failure)
      throw failure instanceof HubError
        ? failure
        : new HubError(
            'ING_BAD_FILE',
            msg('ingest.badCsv', { error: String((failure as Error)?.message ?? failure) }),
            {
              cause: failure,
            },
          );
    if (done) return;
    await new Promise<void>((r) => (wake = r));
  }
}

/**
 * Text in UTF-8 or in GBK (GB18030, its superset), as departments' spreadsheets export it.
 * The first 64 KiB decide: a UTF-8 byte order mark, or bytes that are valid UTF-8, mean UTF-8;
 * anything else is read as GB18030.
 */
export function decodeText(input: Readable): Readable {
  const out = new PassThrough();
  let head = Buffer.alloc(0);
  let decided = false;
  const decide = () => {
    decided = true;
    const decoder = looksUtf8(head) ? null : iconv.decodeStream('gb18030');
    const rest = decoder ?? new PassThrough();
    rest.pipe(out);
    rest.write(head);
    input.pipe(rest);
  };
  // A stream of strings (text already decoded) is UTF-8 by the time it is bytes here.
  const onData = (chunk: Buffer | string) => {
    head = Buffer.concat([head, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
    if (head.length >= 65536) {
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
      decide();
    }
  };
  const onEnd = () => {
    if (decided) return;
    const rest = looksUtf8(head) ? null : iconv.decode(head, 'gb18030');
    out.end(rest ?? head);
  };
  input.on('data', onData);
  input.on('end', onEnd);
  input.on('error', (e) => out.destroy(e));
  return out;
}

/** Valid UTF-8, allowing a multi-byte character cut off at the end of the sample. */
export function looksUtf8(sample: Buffer): boolean {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return true;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let cut = 0; cut <= 3 && cut < sample.length; cut++) {
    try {
      decoder.decode(sample.subarray(0, sample.length - cut));
      return true;
    } catch {
      // try again without a possibly cut character at the end
    }
  }
  return sample.length === 0;
}

async function* xlsxRows(input: Readable, limits: FileLimits): AsyncIterable<string[]> {
  try {
    for await (const values of xlsxValues(input, limits)) yield values.map(cellText);
  } catch (e) {
    if (e instanceof HubError) throw e;
    throw new HubError('ING_BAD_FILE', msg('ingest.badXlsx', { error: (e as Error).message }), { cause: e });
  }
}

function cellText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((t) => t.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return String(value.result ?? '');
  }
  return String(value);
}

/** Rows of objects as cells under a header: the first object's keys, in its order; other keys are not read. */
async function* objectRows(objects: AsyncIterable<unknown> | Iterable<unknown>, where: (i: number) => string) {
  let header: string[] | undefined;
  let i = 0;
  for await (const o of objects) {
    if (o === null || typeof o !== 'object' || Array.isArray(o)) {
      throw new HubError('ING_BAD_FILE', msg('ingest.notObject', { where: where(i) }));
    }
    const record = o as Record<string, unknown>;
    if (!header) {
      header = Object.keys(record);
      yield header;
    }
    yield header.map((k) => (record[k] === null || record[k] === undefined ? '' : String(record[k])));
    i++;
  }
}

async function* jsonRows(input: Readable): AsyncIterable<string[]> {
  const text = await new Response(Readable.toWeb(decodeText(input)) as ReadableStream).text();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new HubError('ING_BAD_FILE', msg('ingest.notJson', { error: (e as Error).message }), { cause: e });
  }
  const items = Array.isArray(data) ? data : (data as { items?: unknown })?.items;
  if (!Array.isArray(items)) throw new HubError('ING_BAD_FILE', msg('ingest.jsonShape'));
  yield* objectRows(items, (i) => `item ${i + 1}`);
}

/** One JSON object a line; a line that is not JSON fails the file with its number. */
async function* ndjsonRows(text: Readable): AsyncIterable<string[]> {
  const lineNumbers: number[] = [];
  async function* objects() {
    let n = 0;
    for await (const line of createInterface({ input: text, crlfDelay: Infinity })) {
      n++;
      if (line.trim() === '') continue;
      lineNumbers.push(n);
      try {
        yield JSON.parse(line) as unknown;
      } catch {
        throw new HubError('ING_BAD_FILE', msg('ingest.lineNotJson', { line: n }));
      }
    }
  }
  yield* objectRows(objects(), (i) => `line ${lineNumbers[i]}`);
}
