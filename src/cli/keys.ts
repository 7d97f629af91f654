import type { Command } from 'commander';
import { BASE_KINDS, BASES, baseScope } from '../base/index.js';
import type { Hub } from '../hub/index.js';
import { resourceScope } from '../records/index.js';
import { positiveInt, printTable } from './quality.js';

type OpenHub = (flags: { data?: string }) => Promise<Hub>;

/**
 * `qdh keys status|rotate`: the envelope keys of encryption at rest (docs/encryption.md).
 * Rotation runs beside serving hubs, which keep reading throughout: a KEK rotation re-wraps the
 * data keys only; `--data` also gives each resource that seals fields a new data key and
 * re-encrypts its records in batches, while reads accept the old and the new key.
 */
export function registerKeysCommands(program: Command, open: OpenHub): void {
  const keys = program.command('keys').description('encryption at rest: key versions, rotation');
  const data = (cmd: Command) => cmd.option('-d, --data-dir <dir>', 'PGlite data directory');

  data(keys.command('status').description('the KEK in use, each data key by scope and version, rotations'))
    .option('--json', 'as JSON')
    .action(async (flags: { dataDir?: string; json?: boolean }) => {
      const hub = await open({ data: flags.dataDir });
      try {
        const s = await hub.keys.status();
        if (flags.json) return void console.log(JSON.stringify(s, null, 2));
        console.log(`KEK: ${s.kek.id}${s.kek.generated ? '  (generated, kept in the database: demo/tests only)' : ''}`);
        printTable([['KEK', 'data keys wrapped'], ...s.keks.map((k) => [k.id, k.keys])]);
        printTable([
          ['scope', 'purpose', 'version', 'state', 'suite'],
          ...s.scopes.map((k) => [k.scope, k.purpose, k.version, k.state, k.suite]),
        ]);
        if (s.rotations.length)
          printTable([
            ['scope', 'to version', 'done', 'total', 'state'],
            ...s.rotations.map((r) => [r.scope, r.toVersion, r.done, r.total, r.finished ? 'finished' : 'running']),
          ]);
      } finally {
        await hub.close();
      }
    });

  data(keys.command('rotate').description('re-wrap every data key under the current KEK; --data: new data keys too'))
    .option('--data', 'also rotate the data keys: re-encrypt every sealed record and base value in batches')
    .option('--batch <n>', 'records (base subjects) per batch of a data rotation', positiveInt, 2000)
    .action(async (flags: { dataDir?: string; data?: boolean; batch: number }) => {
      const hub = await open({ data: flags.dataDir });
      try {
        const wrapped = await hub.keys.rewrap();
        console.log(`KEK ${wrapped.kek}: ${wrapped.rewrapped} data keys re-wrapped`);
        if (flags.data) await rotateData(hub, flags.batch);
      } finally {
        await hub.close();
      }
    });
}

/**
 * A data rotation of every resource that seals fields and holds records, then of the bases;
 * returns records and base subjects re-encrypted.
 */
export async function rotateData(hub: Hub, batch = 2000, log: (line: string) => void = console.log): Promise<number> {
  let total = 0;
  for (const code of await hub.catalog.resourcesWithRecords()) {
    const resource = await hub.catalog.get(code);
    if (!resource.fields.some((f) => f.sensitivity >= 4)) continue;
    const scope = resourceScope(resource.id);
    const version = await hub.keys.beginRotation(scope, resource.recordCount);
    const done = await hub.records.reseal(resource.id, batch, (n) => hub.keys.progress(scope, n));
    await hub.keys.finishRotation(scope, version);
    log(`${code}: ${done} records re-encrypted under data key version ${version}`);
    total += done;
  }
  return total + (await rotateBases(hub, batch, log));
}

/** The same for each base that holds subjects: its sealed values and keys under a new data key. */
async function rotateBases(hub: Hub, batch: number, log: (line: string) => void): Promise<number> {
  let total = 0;
  for (const kind of BASE_KINDS) {
    const subjects = await hub.base.subjectsToReseal(kind);
    if (subjects === 0) continue;
    const scope = baseScope(kind);
    const version = await hub.keys.beginRotation(scope, subjects);
    const done = await hub.base.reseal(kind, batch, (n) => hub.keys.progress(scope, n));
    await hub.keys.finishRotation(scope, version);
    log(`${BASES[kind].name}: ${done} subjects re-encrypted under data key version ${version}`);
    total += done;
  }
  return total;
}
