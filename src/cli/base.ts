import { InvalidArgumentError, Option, type Command } from 'commander';
import type { BaseKind, ConflictRecord } from '../base/index.js';
import type { Hub } from '../hub/index.js';
import { asUser, cell, positiveInt, printTable } from './quality.js';

type OpenHub = (flags: { data?: string }) => Promise<Hub>;
type Flags = { as: string; data?: string };
type Paged = Flags & { page: number; pageSize: number };

/** `person`, or `legal` (also `legal_entity`): the base a key belongs to. */
function kindOf(v: string): BaseKind {
  if (v === 'person') return 'person';
  if (v === 'legal' || v === 'legal_entity') return 'legal_entity';
  throw new InvalidArgumentError('person or legal');
}

const rate = (r: number | null) => (r === null ? null : `${(r * 100).toFixed(1)} %`);

/**
 * `qdh base …`: the base databases (人口, 法人) as a named user sees them through the API — the
 * same service, so the same masking, and every read of subjects' data on the ledger.
 */
export function registerBaseCommands(program: Command, open: OpenHub): void {
  const base = program.command('base').description('the base databases (人口, 法人): subjects, conflicts, labels');
  const as = (cmd: Command) =>
    cmd.requiredOption('--as <username>', 'the user acting').option('-d, --data <dir>', 'PGlite data directory');
  const paged = (cmd: Command) =>
    as(
      cmd
        .option('--page <n>', 'page', positiveInt, 1)
        .option('--page-size <n>', 'rows a page (≤ 100)', positiveInt, 20),
    );

  as(base.command('overview').description('subjects, values, labels and conflicts; the latest absorbed loads')).action(
    asUser(open, async (hub, actor) => {
      const o = await hub.base.overview(actor);
      printTable([
        ['base', 'subjects', 'values', 'observations'],
        ...o.bases.map((b) => [`${b.kind} ${b.name}`, b.subjects, b.values, b.observations]),
      ]);
      console.log(
        `conflicts: ${Object.entries(o.conflicts)
          .map(([s, n]) => `${s} ${n}`)
          .join(', ')}`,
      );
      console.log(`labels: ${o.labels.map((l) => `${l.code} ${l.members}`).join(', ') || '—'}`);
      console.log('latest absorbed loads:');
      printTable([
        ['at', 'resource', 'base', 'subjects', 'values', 'conflicts', 'job'],
        ...o.absorptions.map((a) => [a.at, a.resource, a.kind, a.subjects, a.values, a.conflicts, a.job]),
      ]);
    }),
  );

  as(base.command('accuracy').description('field accuracy (字段准确率) per element, base and provider')).action(
    asUser(open, async (hub, actor) => {
      const a = await hub.base.accuracy(actor);
      console.log(`overall ${rate(a.overall.rate)} of ${a.overall.values} values (target ${rate(a.target)})`);
      printTable([
        ['base', 'element', 'values', 'accurate', 'rate', 'invalid', 'unconfirmed', 'disputed', 'confirmed'],
        ...a.bases.map((b) => [b.kind, '(all)', b.values, b.accurate, rate(b.rate), '', '', '', '']),
        ...a.elements.map((e) => [
          e.kind,
          `${e.element} ${e.name}`,
          e.values,
          e.accurate,
          rate(e.rate),
          e.invalid,
          e.unconfirmed,
          e.disputed,
          e.confirmed,
        ]),
      ]);
      printTable([
        ['base', 'provider', 'observations', 'agreeing', 'rate'],
        ...a.providers.map((p) => [p.kind, p.provider, p.observations, p.agreeing, rate(p.rate)]),
      ]);
    }),
  );

  as(
    base
      .command('subject <kind> <key>')
      .description('one subject merged from every provider (person: citizen ID; legal: credit code); on the ledger')
      .option('--purpose <text>', 'why it is read (recorded)'),
  ).action(
    asUser(open, async (hub, actor, f: Flags & { purpose?: string }, kind: string, key: string) => {
      const s = await hub.base.subject(kindOf(kind), key, actor, f.purpose);
      console.log(`${s.kind} ${s.key}  labels: ${s.labels.map((l) => `${l.code} ${l.name}`).join(', ') || '—'}`);
      printTable([
        ['element', 'value', 'provider', 'authoritative', 'valid', 'confirmations', 'open conflicts'],
        ...s.elements.map((e) => [
          `${e.element} ${e.name}`,
          `${cell(e.value)}${e.masked ? ' (masked)' : ''}`,
          e.providerName,
          e.authoritative ? 'yes' : 'no',
          e.valid ? 'yes' : `no: ${e.invalidReason}`,
          e.confirmations,
          e.openConflicts.map((c) => `#${c.id} ${cell(c.value)} (${c.origin.provider})`).join('; '),
        ]),
      ]);
    }),
  );

  paged(
    base
      .command('conflicts')
      .description('conflicts between providers for review (subjects masked); on the ledger')
      .addOption(new Option('--state <state>').choices(['open', 'resolved', 'dismissed', 'superseded']))
      .option('--kind <kind>', 'person or legal', kindOf)
      .option('--element <code>'),
  ).action(
    asUser(open, async (hub, actor, f: Paged & { state?: 'open'; kind?: BaseKind; element?: string }) => {
      const { state, kind, element, page, pageSize } = f;
      const result = await hub.base.conflicts({ state, kind, element, page, pageSize }, actor);
      printConflicts(result.items);
      console.log(`${result.items.length} of ${result.total} conflict(s), page ${page}`);
    }),
  );

  as(
    base
      .command('resolve <id>')
      .description('keep the authoritative or the other value (operators); on the ledger')
      .addOption(new Option('--keep <which>').choices(['authoritative', 'other']).makeOptionMandatory())
      .requiredOption('--note <text>', 'why'),
  ).action(
    asUser(open, async (hub, actor, f: Flags & { keep: 'authoritative'; note: string }, id: string) =>
      printConflicts([await hub.base.resolve(positiveInt(id), actor, { keep: f.keep, note: f.note })]),
    ),
  );

  as(
    base
      .command('dismiss <id>')
      .description('dismiss a conflict without choosing (operators)')
      .requiredOption('--note <text>', 'why'),
  ).action(
    asUser(open, async (hub, actor, f: Flags & { note: string }, id: string) =>
      printConflicts([await hub.base.resolve(positiveInt(id), actor, { dismiss: true, note: f.note })]),
    ),
  );

  as(base.command('labels').description('labels (数字画像) with their rules and member counts')).action(
    asUser(open, async (hub, actor) => {
      printTable([
        ['code', 'name', 'base', 'members', 'rule'],
        ...(await hub.base.labels(actor)).map((l) => [l.code, l.name, l.kind, l.members, l.rule]),
      ]);
    }),
  );

  paged(base.command('members <label>').description("a page of a label's members (masked); on the ledger")).action(
    asUser(open, async (hub, actor, f: Paged, label: string) => {
      const result = await hub.base.members(label, f.page, actor, f.pageSize);
      printTable([['key', 'name'], ...result.items.map((m) => [m.key, m.name])]);
      console.log(`${result.items.length} of ${result.total} member(s), page ${result.page}`);
    }),
  );

  as(base.command('authorities').description('一数一源: the source of record of each element')).action(
    asUser(open, async (hub, actor) => {
      printTable([
        ['base', 'element', 'provider', 'set by', 'at'],
        ...(await hub.base.authorities(actor)).map((a) => [
          a.kind,
          `${a.element} ${a.elementName}`,
          `${a.provider} ${a.providerName}`,
          a.updatedBy,
          a.updatedAt,
        ]),
      ]);
    }),
  );

  as(
    base
      .command('set-authority <kind> <element> [org]')
      .description('name the source of record of an element (operators); without org, --clear it')
      .option('--clear', 'clear the source of record'),
  ).action(
    asUser(open, async (hub, actor, f: Flags & { clear?: boolean }, kind: string, element: string, org?: string) => {
      if (!org === !f.clear) throw new InvalidArgumentError('give an organization or --clear');
      await hub.base.setAuthority(actor, { kind: kindOf(kind), element, provider: org ?? null });
      console.log(org ? `${element}: source of record ${org}` : `${element}: source of record cleared`);
    }),
  );
}

/** Conflicts as the service shows them for review: the subject masked, sensitive values too. */
function printConflicts(items: Array<ConflictRecord & { elementName: string }>): void {
  if (items.length === 0) return;
  printTable([
    ['id', 'state', 'base', 'subject', 'element', 'authoritative', 'other', 'kept', 'note'],
    ...items.map((c) => [
      `#${c.id}`,
      c.state,
      c.kind,
      c.subject,
      `${c.element} ${c.elementName}`,
      `${cell(c.authoritative.value)} (${c.authoritative.origin.provider})`,
      `${cell(c.other.value)} (${c.other.origin.provider})`,
      c.kept,
      c.note,
    ]),
  ]);
}
