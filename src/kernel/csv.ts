import { stringify } from 'csv-stringify/sync';

/**
 * A cell a spreadsheet would take for a formula (OWASP "CSV Injection"): one starting with
 * `=`, `+`, `-`, `@`, tab or carriage return — after any single quotes, so that a value that
 * already starts with `'=` is escaped too and `restoreCsvCell` can undo every escape exactly.
 */
const FORMULA = /^'*[=+\-@\t\r]/;
const ESCAPED = /^'+[=+\-@\t\r]/;

/** The text of a CSV cell the hub writes: a would-be formula gets a leading `'`, so it stays text. */
export function neutralizeCsvCell(value: string): string {
  return FORMULA.test(value) ? `'${value}` : value;
}

/** The value `neutralizeCsvCell` was given, from the cell it wrote; other cells come back as they are. */
export function restoreCsvCell(cell: string): string {
  return ESCAPED.test(cell) ? cell.slice(1) : cell;
}

/**
 * Every CSV file the hub writes, through this one function so that none can carry a live
 * formula: string cells are neutralized (numbers cannot hold one); a UTF-8 byte order mark
 * first, so that Excel opens Chinese text intact.
 */
export function writeCsv(rows: unknown[][], header?: string[]): string {
  const body = stringify(header ? [header, ...rows] : rows, { cast: { string: neutralizeCsvCell } });
  return '\ufeff' + body;
}
