import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { decodeCsvBytes, readCsvTable, type Identification } from '../share/index.js';
import { ACTS_AS_HOLDER } from './holder.js';

export interface WatermarkHandle {
  /** Tests a table (header first) against the hub's known exports (ShareService.identifyExport). */
  identify(table: string[][]): Promise<Identification>;
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
    .addHelpText('after', ACTS_AS_HOLDER)
    .action(async (file: string, flags: { json?: boolean }) => {
      const table = readCsvTable(decodeCsvBytes(readFileSync(file)));
      const handle = await open();
      try {
        const reading = await handle.identify(table);
        const found = reading.export;
        if (flags.json) {
          console.log(JSON.stringify({ file, ...reading }, null, 2));
        } else {
          const e = reading.evidence;
          console.log(`file        ${file} (${reading.rows} rows after the header)`);
          console.log(`mark        ${reading.mark ?? '—'}`);
          console.log(`confidence  ${reading.confidence.toFixed(6)}`);
          console.log(`tested      ${reading.candidates} known exports`);
          if (e) {
            console.log(`decoys      ${e.decoys} decoy rows of the export`);
            console.log(`order       ${e.order.agree} of ${e.order.pairs} neighbouring rows in the export's order`);
            console.log(`spacing     ${e.spacing.agree} of ${e.spacing.cells} free-text values spaced as marked`);
          }
          if (found) {
            console.log(
              `exported    ${found.createdAt} by ${found.createdByName ?? found.createdBy} (${found.createdBy})`,
            );
            console.log(`consumer    ${found.consumerName ?? found.consumer} (${found.consumer})`);
            console.log(
              `resource    ${found.resourceName ?? found.resource} (${found.resource}, ${found.rows} rows exported)`,
            );
          }
        }
        if (reading.mark === null) {
          console.error(
            reading.votes === 0
              ? 'no watermark found: the file matches no known export (no key column, order or free text to test)'
              : `no watermark found: ${reading.votes} observations, but too few or too inconsistent to name one of ${reading.candidates} known exports`,
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
