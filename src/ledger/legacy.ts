import { entryProblem, ENTRY_VERSION, type EntryKind, type LedgerEntry } from './entries.js';

type Old = Record<string, unknown>;

const authoritySet = (old: Old) =>
  old.action === 'authority'
    ? { kind: 'base.authority.set' as const, drop: ['action'], rename: [['kind', 'base']] as [string, string][] }
    : undefined;

/**
 * Entries written before schema version 1 keep their old kinds forever: their text is hashed.
 * Readers see them through this mapping (docs/ledger.md, "Legacy kinds"); the stored text never changes.
 */
export const LEGACY_KINDS: Record<
  string,
  (old: Old) => { kind: EntryKind; drop?: string[]; rename?: [string, string][] } | undefined
> = {
  access: () => ({ kind: 'share.read' }),
  'catalog.event': () => ({ kind: 'catalog.resource.changed' }),
  'quality.rules': () => ({ kind: 'quality.rules.set' }),
  correction: () => ({ kind: 'quality.correction.changed' }),
  grant: (old) =>
    old.action === 'create' ? { kind: 'share.grant.created', drop: ['action'] } : { kind: 'share.grant.changed' },
  demand: () => ({ kind: 'share.demand.changed' }),
  purpose: () => ({ kind: 'purpose.added', drop: ['action'] }),
  'base.event': (old) =>
    old.action === 'resolve'
      ? { kind: 'base.conflict.decided', drop: ['action'] }
      : { kind: 'base.label.defined', drop: ['action'] },
  // An authority change spread its input over the entry, so its `kind` became the base's kind.
  person: authoritySet,
  legal_entity: authoritySet,
};

/**
 * An entry as a typed reader sees it: a current entry as it is, a legacy one in its current
 * kind's shape; undefined when the text is neither (a legacy entry of a shape no longer known).
 */
export function readEntry(text: string): LedgerEntry | undefined {
  const parsed = JSON.parse(text) as Old;
  if (parsed.v !== undefined) return entryProblem(parsed) === undefined ? (parsed as LedgerEntry) : undefined;
  const map = typeof parsed.kind === 'string' ? LEGACY_KINDS[parsed.kind] : undefined;
  const mapped = map?.(parsed);
  if (!mapped) return undefined;
  const { kind, drop = [], rename = [] } = mapped;
  const out: Old = { ...parsed };
  for (const [from, to] of rename) out[to] = parsed[from];
  for (const d of drop) delete out[d];
  Object.assign(out, { v: ENTRY_VERSION, kind });
  return entryProblem(out) === undefined ? (out as LedgerEntry) : undefined;
}
