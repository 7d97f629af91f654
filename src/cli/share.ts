import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Demand, Grant } from '../share/index.js';
import type { Hub } from '../hub/index.js';

type OpenHub = (flags: { data?: string }) => Promise<Hub>;
type Flags = { as: string; data?: string };

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * `qdh demand …` and `qdh grant …`: the sharing workflow for an administrator on the server,
 * acting as a named user whose roles decide, exactly as through the API.
 */
export function registerShareCommands(program: Command, open: OpenHub): void {
  const run = (work: (hub: Hub, flags: Flags) => Promise<void>) => async (flags: Flags) => {
    const hub = await open(flags);
    try {
      await work(hub, flags);
    } finally {
      await hub.close();
    }
  };
  const as = (cmd: Command) =>
    cmd.requiredOption('--as <username>', 'the user acting').option('-d, --data <dir>', 'PGlite data directory');

  const demand = program.command('demand').description('data demands (供需对接) with working-day deadlines');
  as(demand.command('list').description('demands the user may see').option('--state <state>')).action(
    async (flags: Flags & { state?: string }) =>
      run(async (hub) => {
        const actor = await hub.access.actorOf(flags.as);
        for (const d of await hub.demands.list(actor, flags.state ? { state: flags.state as Demand['state'] } : {})) {
          printDemand(d);
        }
      })(flags),
  );
  as(
    demand
      .command('file')
      .description("file a demand for the user's organization")
      .requiredOption('--resource <code>')
      .requiredOption('--fields <a,b>', 'field names', list)
      .requiredOption('--purposes <a,b>', 'codes of registered purposes', list)
      .requiredOption('--purpose <text>', 'what the data is for, in your own words')
      .option('--legal-basis <text>'),
  ).action(
    async (
      flags: Flags & { resource: string; fields: string[]; purposes: string[]; purpose: string; legalBasis?: string },
    ) =>
      run(async (hub) => {
        const actor = await hub.access.actorOf(flags.as);
        printDemand(
          await hub.demands.file(actor, {
            resource: flags.resource,
            fields: flags.fields,
            purposes: flags.purposes,
            purpose: flags.purpose,
            legalBasis: flags.legalBasis,
          }),
        );
      })(flags),
  );
  for (const step of ['confirm', 'publish', 'accept-basis'] as const) {
    as(demand.command(`${step} <id>`).description(`${step} a demand`)).action(async (id: string, flags: Flags) =>
      run(async (hub) => {
        const actor = await hub.access.actorOf(flags.as);
        const n = Number(id);
        const d =
          step === 'confirm'
            ? await hub.demands.confirm(actor, n)
            : step === 'publish'
              ? await hub.demands.publish(actor, n)
              : await hub.demands.acceptBasis(actor, n);
        printDemand(d);
      })(flags),
    );
  }
  as(
    demand.command('refuse <id>').description('refuse a demand with a reason').requiredOption('--reason <text>'),
  ).action(async (id: string, flags: Flags & { reason: string }) =>
    run(async (hub) =>
      printDemand(await hub.demands.refuse(await hub.access.actorOf(flags.as), Number(id), flags.reason)),
    )(flags),
  );
  as(demand.command('ledger').description('the 台账 as XLSX').requiredOption('-o, --out <file>')).action(
    async (flags: Flags & { out: string }) =>
      run(async (hub) => {
        writeFileSync(flags.out, await hub.demands.ledgerXlsx(await hub.access.actorOf(flags.as)));
        console.log(`wrote ${flags.out}`);
      })(flags),
  );

  const grant = program.command('grant').description('grants (共享授权)');
  as(grant.command('list').description('grants the user may see')).action(async (flags: Flags) =>
    run(async (hub) => {
      for (const g of await hub.share.listGrants(await hub.access.actorOf(flags.as))) printGrant(g);
    })(flags),
  );
  as(
    grant
      .command('create')
      .description('grant a consumer fields of a resource (operators)')
      .requiredOption('--consumer <org>')
      .requiredOption('--resource <code>')
      .requiredOption('--fields <a,b>', 'field names', list)
      .requiredOption('--purposes <a,b>', 'codes of registered purposes the consumer may read for', list)
      .option('--masked <a,b>', 'granted fields that leave masked', list)
      .option('--daily-quota <n>', 'calls a day', Number)
      .option('--rate <n>', 'calls a second', Number)
      .option('--expires <date>', 'YYYY-MM-DD'),
  ).action(
    async (
      flags: Flags & {
        consumer: string;
        resource: string;
        fields: string[];
        purposes: string[];
        masked?: string[];
        dailyQuota?: number;
        rate?: number;
        expires?: string;
      },
    ) =>
      run(async (hub) => {
        const actor = await hub.access.actorOf(flags.as);
        printGrant(
          await hub.share.createGrant(actor, {
            consumer: flags.consumer,
            resource: flags.resource,
            fields: flags.fields,
            purposes: flags.purposes,
            masked: flags.masked ?? [],
            dailyQuota: flags.dailyQuota ?? null,
            ratePerSecond: flags.rate ?? null,
            expiresAt: flags.expires ?? null,
          }),
        );
      })(flags),
  );
  for (const action of ['suspend', 'resume', 'revoke'] as const) {
    as(grant.command(`${action} <id>`).description(`${action} a grant; acts on the next call`)).action(
      async (id: string, flags: Flags) =>
        run(async (hub) =>
          printGrant(await hub.share.grants.change(await hub.access.actorOf(flags.as), Number(id), action)),
        )(flags),
    );
  }
}

function printDemand(d: Demand): void {
  const steps = d.steps.map(
    (s) => `${s.step} due ${s.dueDate ?? '—'}${s.doneAt ? ' done' : s.overdue ? ' OVERDUE' : ''}`,
  );
  console.log(
    `#${d.id} ${d.state.padEnd(12)} ${d.consumer.name} → ${d.resource?.code ?? '(free text)'} [${d.fields.join(',')}] ${steps.join('; ')}`,
  );
}

function printGrant(g: Grant): void {
  const limits = [g.dailyQuota ? `${g.dailyQuota}/day` : '', g.ratePerSecond ? `${g.ratePerSecond}/s` : ''].filter(
    Boolean,
  );
  console.log(
    `#${g.id} ${g.state.padEnd(9)} ${g.consumer.code} ← ${g.resource.code} [${g.fields.map((f) => (g.masked.includes(f) ? `${f}*` : f)).join(',')}] ${limits.join(' ')} ${g.purposes.map((p) => p.code).join(',')}`,
  );
}
