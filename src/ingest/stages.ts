import { setImmediate as nextTurn } from 'node:timers/promises';
import { checkValue, type Field, type Resource } from '../catalog/index.js';
import type { RecordRow } from '../records/index.js';
import {
  HubError,
  english,
  fieldProblem,
  keyOf,
  msg,
  unquoted,
  type Message,
  type MessageKey,
  type Params,
} from '../kernel/index.js';
import { matchColumns, type SavedMapping } from './mapping.js';

/** Why a row was not loaded. `row` counts lines as a spreadsheet does: the header is row 1. */
export interface Reject {
  row: number;
  field: string;
  /** In English, for logs and the stored report; `code` and `params` render it in the reader's language. */
  reason: string;
  code?: MessageKey | undefined;
  params?: Params | undefined;
}

// Stage 1 — parse — is parse.ts: CSV (UTF-8 or GBK), XLSX, JSON and NDJSON as rows of cells.

/** Stage 2 — map (mapping.ts): every required field must have its column. */
export function mapColumns(header: string[], fields: Field[], saved: SavedMapping = {}): Map<Field, number> {
  const matches = matchColumns(header, fields, saved);
  const mapping = new Map<Field, number>();
  matches.forEach((m, i) => {
    const field = m.field === null ? undefined : fields.find((f) => f.name === m.field);
    if (field) mapping.set(field, i);
  });
  const missing = fields.filter((f) => f.required && !mapping.has(f)).map((f) => f.name);
  if (missing.length > 0) {
    throw new HubError('ING_BAD_FILE', msg('ingest.missingColumns', { columns: missing }), {
      problems: missing.map((m) => fieldProblem(`file/header/${m}`, msg('ingest.columnMissing'))),
    });
  }
  return mapping;
}

/** Stage 3 — validate: typed values for one row, or every reason it cannot be loaded. */
export function validateRow(
  cells: string[],
  mapping: Map<Field, number>,
  row: number,
): { doc: Record<string, unknown> } | { rejects: Reject[] } {
  const doc: Record<string, unknown> = {};
  const rejects: Reject[] = [];
  for (const [field, i] of mapping) {
    const checked = checkValue(field, cells[i]);
    if (checked.ok) doc[field.name] = checked.value;
    else rejects.push(rejectOf(row, field.name, unquoted(checked.message)));
  }
  return rejects.length > 0 ? { rejects } : { doc };
}

/** A refusal as the quarantine keeps it: quoting no part of the cell (messages/index.ts). */
const rejectOf = (row: number, field: string, why: Message): Reject => ({
  row,
  field,
  reason: english(why),
  ...keyOf(why),
});

export interface ValidateProgress {
  rowsRead: number;
  rowsRejected: number;
}

/** Stage 4 — quality: the resource's rules over a batch of rows that passed validation. */
export interface RowChecker {
  checkBatch(rows: RecordRow[]): Promise<Array<Reject & { rule: string; severity: 'reject' | 'warn' }>>;
}

/** Takes a row's issues; a promise returned says to wait for it before going on (back-pressure). */
export type QuarantineSink = (
  rejects: Array<Reject & { severity?: 'reject' | 'warn'; rule?: string }>,
) => Promise<void> | undefined;

/**
 * Stages 2–4 over parsed batches of rows (the header first) as a stream of loadable batches.
 * Rows that fail are handed to `quarantine` as the stream is consumed, so memory does not grow
 * with the file; a key seen twice is found by the load (stage 5), which keeps the first.
 */
export async function* validBatches(
  batches: AsyncIterable<string[][]>,
  resource: Resource,
  quarantine: QuarantineSink,
  progress: ValidateProgress,
  opts: { checker?: RowChecker | undefined; saved?: SavedMapping } = {},
): AsyncGenerator<RecordRow[]> {
  const { checker, saved } = opts;
  let mapping: Map<Field, number> | undefined;
  let row = 0;
  for await (const rows of batches) {
    const valid: RecordRow[] = [];
    for (const cells of rows) {
      row++;
      if (!mapping) {
        mapping = mapColumns(cells, resource.fields, saved);
        continue;
      }
      progress.rowsRead++;
      const result = validateRow(cells, mapping, row);
      if ('rejects' in result) {
        const full = quarantine(result.rejects);
        if (full) await full;
        progress.rowsRejected++;
      } else {
        valid.push({ key: String(result.doc[resource.keyField]), doc: result.doc, sourceRow: row });
      }
    }
    if (valid.length > 0) yield checker ? await checked(valid, checker, quarantine, progress) : valid;
    // A file parsed from memory and written to PGlite may go on in promise callbacks alone, never
    // letting timers or sockets run: every batch hands the event loop its turn, so requests go on.
    await nextTurn();
  }
  if (!mapping) throw new HubError('ING_BAD_FILE', msg('ingest.emptyFile'));
}

/** Rows a quality rule of severity `reject` fails are taken out; warnings only count. */
async function checked(
  batch: RecordRow[],
  checker: RowChecker,
  quarantine: QuarantineSink,
  progress: ValidateProgress,
): Promise<RecordRow[]> {
  const issues = await checker.checkBatch(batch);
  if (issues.length === 0) return batch;
  await quarantine(issues);
  const failed = new Set(issues.filter((i) => i.severity === 'reject').map((i) => i.row));
  progress.rowsRejected += failed.size;
  return failed.size === 0 ? batch : batch.filter((r) => !failed.has(r.sourceRow));
}
