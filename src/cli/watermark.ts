import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { decodeCsvBytes, extractWatermark, readCsvTable } from '../exchange/index.js';

/** One row of exchange.export: who took which watermarked bulk export. */
export interface ExportRecord {
  mark: string;
  consumer: string;
  resource: string;
  rows: number;
  createdBy: string;
  createdAt: string;
}

export interface WatermarkHandle {
  /** The hub's watermark secret, the one exports were marked with. */
  secret: Uint8Array;
  lookup(mark: string): Promise<ExportRecord | null>;
  close(): Promise<void>;
}

/** Exit codes of `qdh watermark identify`, for scripts. */
export const IDENTIFY_EXIT = { found: 0, noMark: 2, unknownExport: 3 } as const;

/** `qdh watermark identify FILE`: which export a leaked CSV file came from (docs/watermark.md). */
export function registerWatermarkCommands(program: Command, open: () => Promise<WatermarkHandle>): void {
  const watermark = program.command('watermark').description('watermarks of bulk exports');

  watermark
    .command('identify')
    .description('read the watermark of a CSV file and name the export it came from')
    .argument('<file>', 'CSV file (comma, semicolon or tab; UTF-8 or UTF-16)')
    .option('--json', 'print one JSON document instead of text')
    .action(async (file: string, flags: { json?: boolean }) => {
      const table = readCsvTable(decodeCsvBytes(readFileSync(file)));
      const handle = await open();
      try {
        const reading = extractWatermark(table, handle.secret);
        const found = reading.mark === null ? null : await handle.lookup(reading.mark);
        if (flags.json) {
          console.log(
            JSON.stringify({ file, rows: Math.max(0, table.length - 1), ...reading, export: found }, null, 2),
          );
        } else {
          console.log(`file        ${file} (${Math.max(0, table.length - 1)} rows after the header)`);
          console.log(`mark        ${reading.mark ?? '—'}`);
          console.log(`confidence  ${reading.confidence.toFixed(3)}`);
          console.log(`votes       ${reading.votes} marked cells`);
          if (found) {
            console.log(`exported    ${found.createdAt} by ${found.createdBy}`);
            console.log(`consumer    ${found.consumer}`);
            console.log(`resource    ${found.resource} (${found.rows} rows exported)`);
          }
        }
        if (reading.mark === null) {
          console.error(
            reading.votes === 0
              ? 'no watermark found: the file carries no marked cells'
              : `no watermark found: ${reading.votes} marked cells, but too few or too inconsistent to name an export under this hub's secret`,
          );
          process.exitCode = IDENTIFY_EXIT.noMark;
        } else if (!found) {
          console.error(`mark ${reading.mark} is not a known export of this hub`);
          process.exitCode = IDENTIFY_EXIT.unknownExport;
        }
      } finally {
        await handle.close();
      }
    });
}
