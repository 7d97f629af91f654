import type { Readable } from 'node:stream';
import { checkValue, type Field, type RecordRow, type Resource } from '../catalog/index.js';
import { HubError } from '../kernel/index.js';
import { parseSource, type SourceFormat } from './parse.js';

/** Why a row was not loaded. `row` counts lines as a spreadsheet does: the header is row 1. */
export interface Reject {
  row: number;
  field: string;
  reason: string;
}

// Stage 1 — parse — is parse.ts: CSV (UTF-8 or GBK), XLSX, JSON and NDJSON as rows of cells.

/** Stage 2 — map: which column feeds which field, by field name or label (信息项名称). */
export function mapColumns(header: string[], fields: Field[]): Map<Field, number> {
  const index = new Map(header.map((h, i) => [h.trim().toLowerCase(), i]));
  const mapping = new Map<Field, number>();
  const missing: string[] = [];
  for (const f of fields) {
    const i = index.get(f.name.toLowerCase()) ?? index.get(f.label.toLowerCase());
    if (i !== undefined) mapping.set(f, i);
    else if (f.required) missing.push(f.name);
  }
  if (missing.length > 0) {
    throw new HubError('ING_BAD_FILE', `the header lacks required columns: ${missing.join(', ')}`, {
      problems: missing.map((m) => ({ field: `file/header/${m}`, reason: 'required column missing' })),
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
    else rejects.push({ row, field: field.name, reason: checked.reason });
  }
  return rejects.length > 0 ? { rejects } : { doc };
}

export interface ValidateProgress {
  rowsRead: number;
  rowsRejected: number;
}

/**
 * Stages 1–3 as one stream of loadable batches; rejects (bad values, a key seen twice in the
 * same file) are collected into `rejects` as the stream is consumed.
 */
export async function* validBatches(
  input: Readable,
  resource: Resource,
  rejects: Reject[],
  progress: ValidateProgress,
  format: SourceFormat = 'csv',
  batchSize = 500,
): AsyncGenerator<RecordRow[]> {
  let mapping: Map<Field, number> | undefined;
  const seenKeys = new Set<string>();
  let batch: RecordRow[] = [];
  let row = 0;
  for await (const cells of parseSource(input, format)) {
    row++;
    if (!mapping) {
      mapping = mapColumns(cells, resource.fields);
      continue;
    }
    progress.rowsRead++;
    const result = validateRow(cells, mapping, row);
    if ('rejects' in result) {
      rejects.push(...result.rejects);
      progress.rowsRejected++;
      continue;
    }
    const key = String(result.doc[resource.keyField]);
    if (seenKeys.has(key)) {
      rejects.push({ row, field: resource.keyField, reason: 'duplicate key: an earlier row has the same key' });
      progress.rowsRejected++;
      continue;
    }
    seenKeys.add(key);
    batch.push({ key, doc: result.doc, sourceRow: row });
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (!mapping) throw new HubError('ING_BAD_FILE', 'the file is empty: expected a header row');
  if (batch.length > 0) yield batch;
}
