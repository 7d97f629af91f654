import { PassThrough, Readable } from 'node:stream';
import { stringify as stringifySync } from 'csv-stringify/sync';
import type { Field } from '../catalog/index.js';
import { excel, neutralizeCsvCell } from '../kernel/index.js';
import type { Distribution } from './ids.js';

type Rows = AsyncIterable<Array<Record<string, unknown>>>;

/**
 * A download generated from the live records as they stream out of the store, a batch at a
 * time: memory stays flat however large the dataset (the store pages by key, the writers are
 * streaming ones and Node's pipes hold back a batch until the client has taken the last).
 */
export function download(kind: Distribution, fields: readonly Field[], batches: Rows): Readable {
  if (kind === 'csv') return csvOf(fields, batches);
  if (kind === 'json') return Readable.from(jsonOf(batches), ONE_AHEAD);
  return xlsxOf(fields, batches);
}

/**
 * CSV with the field names as header (what datapackage.json's schema names), formulas neutralized,
 * a batch of records written as one chunk (a chunk per row would cost more than the rows).
 * No byte order mark, unlike the hub's office CSVs: developers' tools (pandas, Frictionless) would
 * take it into the first column's name; Excel users have the XLSX.
 */
function csvOf(fields: readonly Field[], batches: Rows): Readable {
  const names = fields.map((f) => f.name);
  return Readable.from(
    (async function* () {
      yield stringifySync([names], CSV_OPTIONS);
      for await (const batch of batches) {
        if (batch.length > 0)
          yield stringifySync(
            batch.map((r) => names.map((n) => r[n] ?? null)),
            CSV_OPTIONS,
          );
      }
    })(),
    ONE_AHEAD,
  );
}

const CSV_OPTIONS = { cast: { string: neutralizeCsvCell, boolean: (v: boolean) => (v ? 'true' : 'false') } };

/**
 * The same CSV from rows the database wrote (`OpenDatasets.csvRows`, COPY in csv-copy.ts, to
 * csvOf's bytes): the header line as csvOf writes it, then the rows as they come — passed on
 * untouched, no faster than the client takes them; a client gone destroys the rows' stream.
 */
export function csvDownload(fields: readonly Field[], rows: Readable): Readable {
  const header = stringifySync([fields.map((f) => f.name)], CSV_OPTIONS);
  const out = Readable.from(
    (async function* () {
      yield Buffer.from(header);
      yield* rows;
    })(),
    ONE_AHEAD,
  );
  // Destroyed before its first read (a client gone at once), the generator never reaches the rows: end them here.
  out.once('close', () => rows.destroy());
  return out;
}

/** Read one chunk (a batch) ahead of the socket, not Readable.from's default sixteen: memory stays flat. */
const ONE_AHEAD = { objectMode: true, highWaterMark: 1 };

/** A JSON array of records, one object per record. */
async function* jsonOf(batches: Rows): AsyncGenerator<string> {
  yield '[';
  let first = true;
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    const text = batch.map((r) => JSON.stringify(r)).join(',\n');
    yield (first ? '\n' : ',\n') + text;
    first = false;
  }
  yield '\n]\n';
}

/** An XLSX workbook written row by row by exceljs's streaming writer: a header of labels, then the records. */
function xlsxOf(fields: readonly Field[], batches: Rows): Readable {
  const out = new PassThrough();
  void (async () => {
    const ExcelJS = await excel();
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
    const sheet = workbook.addWorksheet('data');
    sheet.addRow(fields.map((f) => f.label)).commit();
    for await (const batch of batches) {
      for (const r of batch) sheet.addRow(fields.map((f) => cellOf(r[f.name]))).commit();
      // Hold the next batch back while the client has not taken this one.
      if (out.writableNeedDrain) await new Promise((resolve) => out.once('drain', resolve));
    }
    sheet.commit();
    await workbook.commit();
  })().catch((e: unknown) => out.destroy(e instanceof Error ? e : new Error(String(e))));
  return out;
}

function cellOf(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return neutralizeCsvCell(String(value));
}

export const FILE_NAME = (name: string, kind: Distribution) => `${name}.${kind}`;
