import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Hub } from '../hub/index.js';
import { isDivisionCode } from '../kernel/index.js';
import { positiveInt, printTable } from './quality.js';

type OpenHub = (flags: { data?: string }) => Promise<Hub>;

export const divisionCode = (v: string) => {
  if (!isDivisionCode(v)) throw new InvalidArgumentError('not a GB/T 2260 division code');
  return v;
};

/** `qdh cascade token|nodes` (docs/cascade.md): enrolling district nodes with the city node. */
export function registerCascadeCommands(program: Command, open: OpenHub): void {
  const cascade = program.command('cascade').description('the city–district cascade: enrolment tokens, nodes');
  const data = (cmd: Command) => cmd.option('-d, --data-dir <dir>', 'PGlite data directory');

  data(cascade.command('token').description('print a one-time token a district node enrols with (on the city node)'))
    .option('--division <code>', 'only this district may use it', divisionCode)
    .option('--hours <n>', 'hours it stays valid', positiveInt, 24)
    .action(async (flags: { dataDir?: string; division?: string; hours: number }) => {
      const hub = await open({ data: flags.dataDir });
      try {
        const token = await hub.cascade.issueToken({ division: flags.division, hours: flags.hours, by: 'cli' });
        console.log(token);
      } finally {
        await hub.close();
      }
    });

  data(cascade.command('nodes').description('the nodes this node knows, with their last sync'))
    .option('--json', 'as JSON')
    .action(async (flags: { dataDir?: string; json?: boolean }) => {
      const hub = await open({ data: flags.dataDir });
      try {
        const nodes = await hub.cascade.nodes();
        if (flags.json) return void console.log(JSON.stringify(nodes, null, 2));
        const self = hub.cascade.card();
        console.log(`this node: ${self.nodeId} (${self.role}, ${self.divisionName})`);
        printTable([
          ['node', 'relation', 'division', 'status', 'last sync', 'lag ms', 'last error'],
          ...nodes.map((n) => [
            n.nodeId,
            n.relation,
            n.divisionName,
            n.status,
            n.lastSync ?? '',
            n.lag ?? '',
            n.lastError ?? '',
          ]),
        ]);
      } finally {
        await hub.close();
      }
    });
}
