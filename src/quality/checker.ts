import type { Resource } from '../catalog/index.js';
import { english, keyOf, msg, type Message } from '../kernel/index.js';
import type { RecordRow } from '../records/index.js';
import { builtinRules, valueCheck, type Issue } from './checks.js';
import type { QualityRule } from './rules.js';

/** What ingest hands over: rows that passed type and data-element validation, ~500 at a time. */
export interface RowChecker {
  checkBatch(rows: RecordRow[]): Promise<Issue[]>;
}

/** Stored values of one field of a resource, for the values asked (the catalog's `findByField`). */
export type FieldLookup = (
  resource: Pick<Resource, 'id' | 'keyField'>,
  field: string,
  values: string[],
) => Promise<Array<{ key: string; value: string }>>;

export interface CheckerOptions {
  /** The load replaces the whole resource: stored records are no rival for a unique value. */
  snapshot?: boolean;
}

interface RowRule {
  id: string;
  field: string;
  severity: Issue['severity'];
  check: (doc: Record<string, unknown>) => Message | null;
}

/**
 * The rules of one load, evaluated batch by batch: per-row rules first, then referential rules
 * (one lookup per rule and batch), then unique rules over the rows nothing rejected. A load is
 * one checker: the values a unique rule has seen stay in a Set for the whole load, one entry
 * per distinct value — memory grows with the distinct values of the load, not with its rows.
 */
export function makeChecker(
  resource: Resource,
  rules: QualityRule[],
  refs: ReadonlyMap<string, Resource>,
  lookup: FieldLookup,
  now: Date,
  opts: CheckerOptions = {},
): RowChecker {
  const rowRules: RowRule[] = [...builtinRules(resource)];
  for (const rule of rules) {
    const check = valueCheck(rule, now);
    if (check)
      rowRules.push({ id: rule.id!, field: rule.field, severity: rule.severity, check: onValue(rule.field, check) });
  }
  const referential = rules.filter((r) => r.kind === 'referential');
  const unique = rules.filter((r) => r.kind === 'unique').map((rule) => ({ rule, seen: new Set<string>() }));

  return {
    async checkBatch(rows) {
      const issues: Issue[] = [];
      for (const r of rows) {
        for (const rule of rowRules) {
          const reason = rule.check(r.doc);
          if (reason)
            issues.push({
              row: r.sourceRow,
              field: rule.field,
              rule: rule.id,
              severity: rule.severity,
              reason: english(reason),
              ...keyOf(reason),
            });
        }
      }
      for (const rule of referential) issues.push(...(await checkReferential(rule, rows, refs, lookup)));
      const rejected = new Set(issues.filter((i) => i.severity === 'reject').map((i) => i.row));
      const kept = rows.filter((r) => !rejected.has(r.sourceRow));
      const stored: FieldLookup = opts.snapshot ? async () => [] : lookup;
      for (const u of unique) issues.push(...(await checkUnique(u.rule, u.seen, kept, resource, stored)));
      return issues.sort((a, b) => a.row - b.row); // stable: by row, then in rule order
    },
  };
}

function onValue(field: string, check: (value: unknown) => Message | null) {
  return (doc: Record<string, unknown>) => {
    const v = doc[field];
    return v === null || v === undefined ? null : check(v);
  };
}

/** The rows' non-empty values of a field, as the database's `doc ->> field` gives them. */
function valuesOf(rows: RecordRow[], field: string): Array<[RecordRow, string]> {
  return rows.flatMap((r) => {
    const v = r.doc[field];
    return v === null || v === undefined ? [] : [[r, String(v)] as [RecordRow, string]];
  });
}

async function checkReferential(
  rule: QualityRule,
  rows: RecordRow[],
  refs: ReadonlyMap<string, Resource>,
  lookup: FieldLookup,
): Promise<Issue[]> {
  const values = valuesOf(rows, rule.field);
  if (values.length === 0) return [];
  const ref = refs.get(rule.refResource!)!;
  const found = await lookup(ref, rule.refField!, [...new Set(values.map(([, v]) => v))]);
  const present = new Set(found.map((f) => f.value));
  return values
    .filter(([, v]) => !present.has(v))
    .map(([r]) => issue(rule, r, msg('quality.noReference', { code: ref.code, field: rule.refField! })));
}

/**
 * A value is a duplicate when an earlier row of this load has it, or when a stored record
 * under another key does (the same key is the record this row replaces).
 */
async function checkUnique(
  rule: QualityRule,
  seen: Set<string>,
  rows: RecordRow[],
  resource: Resource,
  lookup: FieldLookup,
): Promise<Issue[]> {
  const values = valuesOf(rows, rule.field);
  if (values.length === 0) return [];
  const stored = await lookup(resource, rule.field, [...new Set(values.map(([, v]) => v))]);
  const storedKeys = new Map<string, string[]>();
  for (const s of stored) storedKeys.set(s.value, [...(storedKeys.get(s.value) ?? []), s.key]);
  const issues: Issue[] = [];
  for (const [r, v] of values) {
    const reason = seen.has(v)
      ? msg('quality.duplicateInLoad')
      : storedKeys.get(v)?.some((k) => k !== r.key)
        ? msg('quality.duplicateStored')
        : null;
    if (reason) issues.push(issue(rule, r, reason));
    // A rejected duplicate is not loaded, so it does not count as seen; a warned one is.
    if (!reason || rule.severity === 'warn') seen.add(v);
  }
  return issues;
}

function issue(rule: QualityRule, r: RecordRow, reason: Message): Issue {
  const { field, severity } = rule;
  return { row: r.sourceRow, field, rule: rule.id!, severity, reason: english(reason), ...keyOf(reason) };
}
