import type { Command } from 'commander';
import type { Hub } from '../hub/index.js';

export type OpenHub = (flags: { data?: string }) => Promise<Hub>;
export type OperatorFlags = { as: string; data?: string };

/**
 * What the commands an operator runs on the server share: `as` adds `--as <username>` and
 * `--data`; `run` opens the hub the flags name for the action and closes it after, whatever
 * happens. The actions authorize that user as the API would.
 */
export function operatorCommands(open: OpenHub) {
  const run =
    <A extends unknown[]>(work: (hub: Hub, ...args: A) => Promise<void>) =>
    async (...args: A) => {
      const flags = args.find((a): a is OperatorFlags => typeof a === 'object' && a !== null && 'as' in a)!;
      const hub = await open(flags);
      try {
        await work(hub, ...args);
      } finally {
        await hub.close();
      }
    };
  const as = (cmd: Command) =>
    cmd.requiredOption('--as <username>', 'the operator acting').option('-d, --data <dir>', 'PGlite data directory');
  return { run, as };
}
