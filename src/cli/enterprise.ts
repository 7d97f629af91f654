import type { Command } from 'commander';
import type { EnterpriseRow } from '../access/index.js';
import { operatorCommands, type OpenHub, type OperatorFlags } from './as-operator.js';

type Flags = OperatorFlags;

/**
 * `qdh enterprise bind|list`: enterprise accounts on the server, as a named operator, authorized and
 * on the ledger exactly as through the API (POST and GET /api/v1/enterprises). In a deployment the
 * bindings come from the market-regulation registry; this is how they are entered or corrected.
 */
export function registerEnterpriseCommands(program: Command, open: OpenHub): void {
  const { run, as } = operatorCommands(open);

  const enterprise = program.command('enterprise').description('enterprise accounts and their legal representatives');
  as(
    enterprise
      .command('bind')
      .description(
        'bind an enterprise account to its credit code and legal representative (a citizen account); ' +
          'binding it again to another representative ends the former one’s agents',
      )
      .requiredOption('--credit-code <code>', 'unified social credit code (GB 32100)')
      .requiredOption('-n, --name <name>', 'the enterprise’s registered name')
      .requiredOption('-r, --representative <username>', 'the legal representative’s citizen account'),
  ).action(
    run(async (hub, flags: Flags & { creditCode: string; name: string; representative: string }) => {
      const bound = await hub.enterprises.bind(await hub.access.actorOf(flags.as), {
        creditCode: flags.creditCode,
        name: flags.name,
        representative: flags.representative,
      });
      console.log(`bound ${describe(bound)}`);
    }),
  );
  as(enterprise.command('list').description('every enterprise account, with its representative')).action(
    run(async (hub, flags: Flags) => {
      for (const e of await hub.enterprises.list(await hub.access.actorOf(flags.as))) console.log(describe(e));
    }),
  );
}

const describe = (e: EnterpriseRow) =>
  `${e.creditCode} ${e.name}: representative ${e.representative.username} (${e.representative.displayName}), ` +
  `${e.agents} agent(s)`;
