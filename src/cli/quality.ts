import { createReadStream, readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Actor } from '../access/index.js';
import type { Hub } from '../hub/index.js';
import { formatOf, parseSource, type SavedMapping } from '../ingest/index.js';
import type { Correction, CorrectionIndicators, QualityRule, RuleSet } from '../quality/index.js';
import { ACTS_AS_HOLDER } from './holder.js';

type OpenHub = (flags: { data?: string }) => Promise<Hub>;
type Flags = { as: string; data?: string };

/** Rows a `--suggest` reads after the header: what the API's suggest takes as a sample. */
const SAMPLE_ROWS = 20;

/** Width on a terminal: CJK and full-width characters take two columns. */
const width = (s: string) => [...s].reduce((w, c) => w + (c.codePointAt(0)! >= 0x2e80 ? 2 : 1), 0);

/** Prints rows as aligned columns, the first row being the header. */
export function printTable(rows: unknown[][]): void {
  const cells = rows.map((r) => r.map(cell));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  for (const r of cells) {
    console.log(
      r
        .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - width(c))))
        .join('  ')
        .trimEnd(),
    );
  }
}

/** A value as printed: '—' for none, JSON for structures. */
export function cell(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('not a positive integer');
  return n;
};

const version = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('not a version (0, 1, 2, …)');
  return n;
};

/** Opens the hub, runs the work as the `--as` user (when given), closes the hub. */
export function asUser<A extends unknown[], F extends { as?: string; data?: string }>(
  open: OpenHub,
  work: (hub: Hub, actor: Actor | null, flags: F, ...args: A) => Promise<void>,
) {
  return async (...all: [...A, F, Command]) => {
    const args = all.slice(0, -2) as unknown as A;
    const flags = all[all.length - 2] as F;
    const hub = await open(flags);
    try {
      await work(hub, flags.as ? await hub.access.actorOf(flags.as) : null, flags, ...args);
    } finally {
      await hub.close();
    }
  };
}

/** `--as`, required; or optional, the command acting as the holder of the server without it (holder.ts). */
const userOptions = (cmd: Command, required = true) =>
  (required
    ? cmd.requiredOption('--as <username>', 'the user acting')
    : cmd
        .option('--as <username>', 'act as this user (default: the holder of the server)')
        .addHelpText('after', ACTS_AS_HOLDER)
  ).option('-d, --data <dir>', 'PGlite data directory');

/**
 * `qdh quality …` (rule sets), `qdh correction …` (纠错) and `qdh ingest mapping`: the same
 * services as the API, acting as a named user whose roles decide; what a user is shown of
 * personal data is the service's view for that user, masked as the API masks it.
 * Register after `registerIngestCommands`: `mapping` is added under its `ingest`.
 */
export function registerQualityCommands(program: Command, open: OpenHub): void {
  const quality = program.command('quality').description("resources' quality rules (数据质量)");
  userOptions(
    quality.command('rules <code>').description('the configured rules and those built in from the data elements'),
    false,
  ).action(
    asUser(open, async (hub, actor, _f, code: string) => {
      if (actor) await hub.authorizedCatalog.read(actor, code);
      printRules(await hub.quality.rules(code));
    }),
  );
  userOptions(
    quality
      .command('set-rules <code> <file>')
      .description('replace the configurable rules by a JSON file: [rule, …] or { rules, baseVersion } (a new version)')
      .option('--base-version <n>', 'refuse unless the rules are at this version', version),
  ).action(
    asUser(open, async (hub, actor, flags: Flags & { baseVersion?: number }, code: string, file: string) => {
      const body = readJson(file) as QualityRule[] | { rules?: unknown; baseVersion?: number } | null;
      const [rules, base] = Array.isArray(body) || !body ? [body, undefined] : [body.rules, body.baseVersion];
      // As PUT /resources/{code}/quality-rules: a resource the user may not read is not found.
      const resource = await hub.authorizedCatalog.read(actor, code);
      printRules(await hub.quality.setRules(resource.code, rules, actor, flags.baseVersion ?? base));
    }),
  );
  registerCorrectionCommands(program, open);
  const ingest = program.commands.find((c) => c.name() === 'ingest');
  if (ingest) registerMappingCommand(ingest, open);
}

function registerCorrectionCommands(program: Command, open: OpenHub): void {
  const correction = program.command('correction').description('corrections (纠错): due in 2 working days');
  userOptions(
    correction
      .command('list')
      .description('corrections the user may see: open ones by due date, the others newest first')
      .addOption(new Option('--state <state>').choices(['open', 'accepted', 'rejected', 'overdue']))
      .option('--org <code>', 'provider organization')
      .option('--page <n>', 'page of 50', positiveInt),
  ).action(
    asUser(open, async (hub, actor, flags: Flags & { state?: 'open'; org?: string; page?: number }) => {
      const page = await hub.quality.list(actor, { state: flags.state, org: flags.org, page: flags.page });
      printCorrections(page.items);
      console.log(`${page.items.length} of ${page.total} correction(s), page ${page.page}`);
    }),
  );
  userOptions(correction.command('show <id>').description('one correction')).action(
    asUser(open, async (hub, actor, _f, id: string) => printCorrection(await hub.quality.get(actor, positiveInt(id)))),
  );
  userOptions(
    correction
      .command('report')
      .description('report a wrong value: a consumer with a grant on the field, an operator, the citizen concerned')
      .requiredOption('-r, --resource <code>')
      .option('--key <key>', "the record's key (a citizen may leave out their own ID)")
      .requiredOption('--field <name>')
      .requiredOption('--claimed <value>', 'the value seen, said to be wrong')
      .option('--proposed <value>', 'what it should be')
      .option('--note <text>'),
  ).action(
    asUser(
      open,
      async (
        hub,
        actor,
        f: Flags & { resource: string; key?: string; field: string; claimed: string; proposed?: string; note?: string },
      ) => {
        const input = { resource: f.resource, key: f.key, field: f.field, claimedValue: f.claimed };
        printCorrection(await hub.quality.report(actor, { ...input, proposedValue: f.proposed, note: f.note }));
      },
    ),
  );
  userOptions(
    correction
      .command('accept <id>')
      .description("the provider's officers accept: the value (else the proposed one) is written into the record")
      .option('--value <value>', 'default: the proposed value'),
  ).action(
    asUser(open, async (hub, actor, f: Flags & { value?: string }, id: string) =>
      printCorrection(await hub.quality.accept(actor, positiveInt(id), { value: f.value })),
    ),
  );
  userOptions(
    correction
      .command('reject <id>')
      .description("the provider's officers reject, with a reason: the value is right")
      .requiredOption('--reason <text>'),
  ).action(
    asUser(open, async (hub, actor, f: Flags & { reason: string }, id: string) =>
      printCorrection(await hub.quality.reject(actor, positiveInt(id), f.reason)),
    ),
  );
  userOptions(
    correction.command('indicators').description('fix rate, fix time and timeliness per provider and city-wide'),
    false,
  ).action(
    asUser(open, async (hub, actor) => {
      // Without --as the CLI acts as the holder of the server (holder.ts), as everywhere else.
      const { cityWide, byProvider } = await (actor ? hub.quality.indicatorsFor(actor) : hub.quality.indicators());
      const row = (name: string, i: CorrectionIndicators) => [
        name,
        i.reported,
        i.fixed,
        i.rejected,
        i.open,
        i.overdue,
        pct(i.fixRate),
        i.medianFixHours,
        pct(i.onTimeRate),
      ];
      printTable([
        ['provider', 'reported', 'fixed', 'rejected', 'open', 'overdue', 'fix rate', 'median h', 'on time'],
        ...byProvider.map((p) => row(`${p.org.code} ${p.org.name}`, p)),
        row('city-wide', cityWide),
      ]);
    }),
  );
}

/** `qdh ingest mapping CODE [--suggest FILE | --set col=field …]`: the saved column → field mapping. */
function registerMappingCommand(ingest: Command, open: OpenHub): void {
  userOptions(
    ingest
      .command('mapping <code>')
      .description('show the saved column → field mapping, suggest one for a file, or save one (replacing it)')
      .option('--suggest <file>', `how a file's header would map, from its first ${SAMPLE_ROWS} rows`)
      .option(
        '--set <column=field>',
        'save this mapping, replacing the saved one (repeat; column= skips the column)',
        (v, all: string[] = []) => [...all, v],
      ),
    false,
  ).action(
    asUser(open, async (hub, actor, f: Flags & { suggest?: string; set?: string[] }, code: string) => {
      if (f.suggest && f.set) throw new InvalidArgumentError('give --suggest or --set, not both');
      if (f.set) {
        if (!actor) throw new InvalidArgumentError('--set needs --as <username>: who saves the mapping');
        const resource = await hub.ingestScope.resource(actor, 'ingest:run', code);
        printMapping(await hub.ingest.saveMapping(resource, pairs(f.set), actor.userId));
        return;
      }
      // Without --as: the holder of the server (holder.ts), who holds the database and so sees every entry.
      const resource = actor ? await hub.ingestScope.resource(actor, 'ingest:read', code) : await hub.catalog.get(code);
      if (!f.suggest) return printMapping(await hub.ingest.savedMapping(resource.code));
      const [header, ...sample] = await firstRows(f.suggest, SAMPLE_ROWS + 1);
      if (!header) throw new InvalidArgumentError(`${f.suggest} has no header row`);
      const { columns, missingRequired } = await hub.ingest.suggestMapping(resource, header, sample);
      printTable([['column', 'field', 'matched by'], ...columns.map((c) => [c.column, c.field, c.by])]);
      console.log(`missing required: ${missingRequired.length ? missingRequired.join(', ') : 'none'}`);
    }),
  );
}

/**
 * `col=field` pairs; the last `=` splits, since a column name may hold one and a field name may
 * not. `col=` (no field) skips the column.
 */
function pairs(list: string[]): SavedMapping {
  return Object.fromEntries(
    list.map((p) => {
      const at = p.lastIndexOf('=');
      if (at <= 0) throw new InvalidArgumentError(`--set ${p}: not column=field (or column= to skip it)`);
      return [p.slice(0, at).trim(), p.slice(at + 1).trim() || null];
    }),
  );
}

/** The first `n` rows of a file by the project's parser, the header first; the rest is not read. */
async function firstRows(file: string, n: number): Promise<string[][]> {
  const input = createReadStream(file);
  const rows: string[][] = [];
  try {
    for await (const batch of parseSource(input, formatOf(file))) {
      rows.push(...batch.slice(0, n - rows.length));
      if (rows.length >= n) break;
    }
  } finally {
    input.destroy();
  }
  return rows;
}

function printRules(set: RuleSet): void {
  const by = set.setBy ? ` set by ${set.setBy} at ${set.setAt}` : '';
  console.log(`${set.resource} rules version ${set.version}${by}`);
  console.log(`configured (${set.rules.length}):`);
  if (set.rules.length) {
    printTable([
      ['id', 'field', 'kind', 'severity', 'parameters', 'description'],
      ...set.rules.map((r) => [r.id, r.field, r.kind, r.severity, params(r), r.description]),
    ]);
  }
  console.log(`built in (${set.builtins.length}):`);
  if (set.builtins.length) {
    printTable([
      ['id', 'field', 'severity', 'description'],
      ...set.builtins.map((b) => [b.id, b.field, b.severity, b.description]),
    ]);
  }
}

const params = (r: QualityRule) =>
  (['pattern', 'min', 'max', 'refResource', 'refField', 'maxAgeDays'] as const)
    .filter((p) => r[p] !== undefined)
    .map((p) => `${p}=${r[p]}`)
    .join(' ');

const pct = (v: number | null) => (v === null ? null : `${v} %`);

function printCorrections(items: Correction[]): void {
  if (items.length === 0) return;
  printTable([
    ['id', 'state', 'due', 'resource', 'field', 'key', 'claimed', 'proposed', 'reporter'],
    ...items.map((c) => [
      `#${c.id}`,
      c.state,
      `${c.dueDate}${c.overdue ? ' OVERDUE' : ''}`,
      c.resource.code,
      c.field.name,
      c.key,
      c.claimedValue,
      c.proposedValue,
      reporter(c),
    ]),
  ]);
}

const reporter = (c: Correction) => `${c.reporter.kind}${c.reporter.org ? ` ${c.reporter.org}` : ''}`;

/** One correction as the service shows it to the user: masked unless they see it plainly. */
function printCorrection(c: Correction): void {
  const left = c.workingDaysLeft === null ? '' : ` (${c.workingDaysLeft} working day(s) left)`;
  console.log(
    `#${c.id} ${c.state}${c.overdue ? ' OVERDUE' : ''} due ${c.dueDate}${left}${c.masked ? ' [masked]' : ''}`,
  );
  const lines: Array<[string, unknown]> = [
    ['resource', `${c.resource.code} ${c.resource.name} (${c.resource.provider.name})`],
    ['key', c.key],
    ['field', `${c.field.name} ${c.field.label}`],
    ['claimed', c.claimedValue],
    ['proposed', c.proposedValue],
    ['note', c.note],
    ['reporter', `${reporter(c)}${c.reporter.self ? ' (you)' : ''}`],
    ['filed', c.filedAt],
    ['decided', c.decidedAt && `${c.decidedAt} by ${c.decidedBy}`],
    ['reason', c.rejectReason],
    ['new value', c.newValue],
  ];
  for (const [k, v] of lines) if (v !== null && v !== '') console.log(`  ${k.padEnd(10)}${cell(v)}`);
}

function printMapping(columns: SavedMapping): void {
  const entries = Object.entries(columns);
  if (entries.length === 0) return console.log('no saved mapping: columns map by field name, label or data element');
  printTable([['column', 'field'], ...entries.map(([column, field]) => [column, field ?? '(skipped)'])]);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InvalidArgumentError(`${file}: ${(e as Error).message}`);
  }
}
