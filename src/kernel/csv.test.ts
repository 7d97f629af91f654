import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutralizeCsvCell, restoreCsvCell, writeCsv } from './csv.js';

describe('CSV cells', () => {
  it('writes every would-be formula as text and leaves numbers and other text alone', () => {
    const dangerous = ['=1+1', '+1', '-1+2', '@SUM(A1)', '\t=1', '\r=1', "'=1"];
    const csv = writeCsv([[...dangerous, 'text', -5, 3.5]], [...dangerous.map((_, i) => `c${i}`), 'plain', 'n', 'x']);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const [, row] = parse(csv.slice(1), { relax_quotes: true }) as string[][];
    expect(row).toEqual([...dangerous.map((v) => `'${v}`), 'text', '-5', '3.5']);
  });

  it('restores exactly what it neutralized', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(restoreCsvCell(neutralizeCsvCell(value))).toBe(value);
        expect(neutralizeCsvCell(value)).not.toMatch(/^[=+\-@\t\r]/);
      }),
    );
    expect(restoreCsvCell("'plain")).toBe("'plain");
  });
});
