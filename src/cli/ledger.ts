import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { verifyLedger, type Ledger, type LedgerTables } from '../ledger/index.js';
import type { Kysely } from '../db/index.js';
import { ACTS_AS_HOLDER } from './holder.js';

export interface LedgerHandle {
  ledger: Ledger;
  db: Kysely<LedgerTables>;
  close: () => Promise<void>;
}

/** `qdh ledger verify` and `qdh ledger prove`: what an auditor runs, and what a third party checks. */
export function registerLedgerCommands(program: Command, open: () => Promise<LedgerHandle>): void {
  const ledger = program.command('ledger').description('the 泉城链 transparency log');

  ledger
    .command('verify')
    .description('recompute the whole tree from storage and check every signed tree head')
    .addHelpText('after', ACTS_AS_HOLDER)
    .action(async () => {
      const handle = await open();
      try {
        const bar = process.stderr.isTTY
          ? new SingleBar({ format: 'verify {bar} {value}/{total} entries | ETA {eta_formatted}' })
          : undefined;
        bar?.start(await handle.ledger.size(), 0);
        const report = await verifyLedger(handle.db, (done, total) => {
          bar?.setTotal(total);
          bar?.update(done);
        });
        bar?.stop();
        console.log(JSON.stringify(report, null, 2));
        if (!report.ok) {
          const first = report.problems[0]!;
          console.error(
            `FAILED at ${first.index !== undefined ? `entry ${first.index}` : `tree size ${first.treeSize}`}: ${first.reason}`,
          );
          process.exitCode = 2;
        }
      } finally {
        await handle.close();
      }
    });

  ledger
    .command('prove')
    .description('print a proof with the signed head and key, for a third party to check')
    .option('--index <n>', 'inclusion proof of this entry', Number)
    .option('--tree-size <n>', 'in the tree of this size (default: the latest head)', Number)
    .option('--consistency <sizes...>', 'consistency proof between two tree sizes')
    .addHelpText('after', ACTS_AS_HOLDER)
    .action(async (flags: { index?: number; treeSize?: number; consistency?: string[] }) => {
      const handle = await open();
      try {
        const l = handle.ledger;
        const head = await l.latestHead();
        const size = flags.treeSize ?? head.treeSize;
        const heads = await l.heads(size, size);
        const out: Record<string, unknown> = { key: l.publicKey(), head: heads[0] ?? head };
        if (flags.consistency) {
          const [first, second] = flags.consistency.map(Number);
          out.consistency = await l.consistencyProof(first!, second);
          out.firstHead = (await l.heads(first, first))[0] ?? null;
        } else if (flags.index !== undefined) {
          out.inclusion = await l.inclusionProof(flags.index, size);
          out.entry = (await l.entries(flags.index, flags.index + 1))[0];
        } else {
          throw new Error('give --index N or --consistency A B');
        }
        console.log(JSON.stringify(out, null, 2));
      } finally {
        await handle.close();
      }
    });
}
