import { InvalidArgumentError, type Command } from 'commander';
import { ORG_KINDS, ROLES, type Account, type OrgKind, type Role, type SetPassword } from '../access/index.js';
import { operatorCommands, type OpenHub, type OperatorFlags } from './as-operator.js';

type Flags = OperatorFlags;

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** A password from QDH_PASSWORD (never the command line, where `ps` and the shell history show it), else none. */
const envPassword = () => process.env.QDH_PASSWORD || undefined;

/**
 * `qdh user create|disable|enable|reset-password` and `qdh org create`: account administration on
 * the server, as a named operator, authorized and on the ledger exactly as through the API. A
 * password comes from QDH_PASSWORD, else the hub makes a one-time one and prints it once.
 */
export function registerAdminCommands(program: Command, open: OpenHub): void {
  const { run, as } = operatorCommands(open);

  const user = program.commands.find((c) => c.name() === 'user') ?? program.command('user').description('manage users');
  as(
    user
      .command('create')
      .description('create an account; it must choose its own password at the first login')
      .requiredOption('-u, --username <name>')
      .requiredOption('-n, --name <displayName>')
      .requiredOption('-r, --roles <roles>', `comma-separated: ${ROLES.join(', ')}`, list)
      .option('-o, --org <code>', 'organization code')
      .option('--citizen-id <id>', 'for citizen accounts: their ID number'),
  ).action(
    run(
      async (
        hub,
        flags: Flags & { username: string; name: string; roles: string[]; org?: string; citizenId?: string },
      ) => {
        const unknown = flags.roles.filter((r) => !(ROLES as readonly string[]).includes(r));
        if (unknown.length > 0) throw new InvalidArgumentError(`unknown role(s) ${unknown.join(', ')}`);
        const password = envPassword();
        const made = await hub.authorizedAccess.createUser(await hub.access.actorOf(flags.as), {
          username: flags.username,
          displayName: flags.name,
          roles: flags.roles as Role[],
          orgCode: flags.org ?? null,
          citizenId: flags.citizenId ?? null,
          ...(password !== undefined && { password }),
        });
        printPassword('created', made);
      },
    ),
  );
  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    as(
      user
        .command(`${verb} <username>`)
        .description(disabled ? 'disable an account: its tokens and API keys stop at once' : 'enable an account again'),
    ).action(
      run(async (hub, username: string, flags: Flags) => {
        await hub.authorizedAccess.setDisabled(await hub.access.actorOf(flags.as), username, disabled);
        console.log(`${username}: ${disabled ? 'disabled' : 'enabled'}`);
      }),
    );
  }
  as(
    user
      .command('reset-password <username>')
      .description('reset a password (QDH_PASSWORD, else a one-time one); the user must change it at the next login'),
  ).action(
    run(async (hub, username: string, flags: Flags) => {
      const actor = await hub.access.actorOf(flags.as);
      printPassword('reset', await hub.authorizedAccess.resetPassword(actor, username, envPassword()));
    }),
  );

  const org = program.commands.find((c) => c.name() === 'org') ?? program.command('org').description('organizations');
  as(
    org
      .command('create')
      .description('create an organization')
      .requiredOption('--code <code>', 'A–Z and 0–9, 2 to 16 characters')
      .requiredOption('--name <name>')
      .requiredOption('--kind <kind>', ORG_KINDS.join(', '))
      .requiredOption('--division <code>', 'GB/T 2260 division code, e.g. 370102')
      .option('--parent <code>', 'the organization it belongs to')
      .option('--credit-code <code>', 'unified social credit code'),
  ).action(
    run(
      async (
        hub,
        flags: Flags & {
          code: string;
          name: string;
          kind: string;
          division: string;
          parent?: string;
          creditCode?: string;
        },
      ) => {
        if (!(ORG_KINDS as readonly string[]).includes(flags.kind)) {
          throw new InvalidArgumentError(`kind must be one of ${ORG_KINDS.join(', ')}`);
        }
        const made = await hub.authorizedAccess.createOrganization(await hub.access.actorOf(flags.as), {
          code: flags.code,
          name: flags.name,
          kind: flags.kind as OrgKind,
          division: flags.division,
          parentCode: flags.parent ?? null,
          creditCode: flags.creditCode ?? null,
        });
        console.log(
          `created organization ${made.code} ${made.name} (${made.kind}, ${made.divisionName ?? made.division})`,
        );
      },
    ),
  );
}

function printPassword(what: string, { account, oneTimePassword }: SetPassword): void {
  console.log(`${what} ${describe(account)}`);
  if (oneTimePassword)
    console.log(`one-time password (shown once; to be changed at the first login): ${oneTimePassword}`);
  else console.log('password from QDH_PASSWORD; to be changed at the next login');
}

const describe = (a: Account) => `${a.username} (${a.roles.join(', ')})${a.org ? ` ${a.org.name}` : ''}`;
