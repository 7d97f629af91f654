import type { Kysely } from '../db/index.js';
import { HubError, msg } from '../kernel/index.js';
import type { BaseCodec } from './codec.js';
import { listConflicts, type Origin } from './conflicts.js';
import type { BaseCodecs } from './key-book.js';
import type { BaseKind } from './kinds.js';
import type { BaseTables } from './tables.js';

/** One element of a subject as the base holds it, unmasked (the service masks for the caller). */
export interface SubjectElement {
  element: string;
  value: unknown;
  origin: Origin;
  /** The value comes from the element's declared source of record. */
  authoritative: boolean;
  valid: boolean;
  invalidReason: string | null;
  /** Other providers reporting the same value. */
  confirmations: number;
  /** A reviewer chose this value over the source of record's (the conflict's id). */
  keptByConflict: number | null;
  openConflicts: Array<{ id: number; value: unknown; origin: Origin }>;
}

export interface SubjectRecord {
  kind: BaseKind;
  key: string;
  elements: SubjectElement[];
  labels: string[];
}

/** A subject's merged view: each value with its lineage (opened), its open conflicts, and its labels. */
export async function readSubject(
  db: Kysely<BaseTables>,
  codecs: BaseCodecs,
  kind: BaseKind,
  key: string,
): Promise<SubjectRecord> {
  const codec = await codecs(kind);
  const stored = codec.storedKey(key);
  const subject = await db
    .selectFrom('base.subject')
    .select('key')
    .where('kind', '=', kind)
    .where('key', '=', stored)
    .executeTakeFirst();
  if (!subject) throw new HubError('BAS_SUBJECT_NOT_FOUND', msg('base.noSubject', { base: msg(`baseKind.${kind}`) }));
  const [rows, conflicts, labels] = await Promise.all([
    db.selectFrom('base.value').selectAll().where('kind', '=', kind).where('subject_key', '=', stored).execute(),
    listConflicts(db, codecs, { kind, subject: key, state: 'open', page: 1, pageSize: 200 }),
    db
      .selectFrom('base.subject_label')
      .select('label')
      .where('kind', '=', kind)
      .where('subject_key', '=', stored)
      .orderBy('label')
      .execute(),
  ]);
  const opened = await codec.openValues(rows.map((v) => ({ subject: stored, element: v.element, value: v.value })));
  const values = rows.map((v, i) => ({ ...v, value: opened[i] }));
  return {
    kind,
    key,
    elements: values
      .sort((a, b) => a.element.localeCompare(b.element))
      .map((v) => ({
        element: v.element,
        value: v.value,
        origin: { provider: v.provider_org, resource: v.resource_code, job: v.job_id, row: v.source_row },
        authoritative: v.authoritative,
        valid: v.valid,
        invalidReason: v.invalid_reason,
        confirmations: v.confirmations,
        keptByConflict: v.kept_by_conflict === null ? null : Number(v.kept_by_conflict),
        openConflicts: conflicts.items
          .filter((c) => c.element === v.element)
          .map((c) => ({ id: c.id, value: c.other.value, origin: c.other.origin })),
      })),
    labels: labels.map((l) => l.label),
  };
}

/**
 * The values of some elements of many subjects (by stored key), opened, by subject and element:
 * a page of label members shows their names, the data return every element of the base.
 */
export async function valuesOf(
  db: Kysely<BaseTables>,
  codec: BaseCodec,
  stored: readonly string[],
  elements: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const bySubject = new Map<string, Record<string, unknown>>();
  if (stored.length === 0) return bySubject;
  const rows = await db
    .selectFrom('base.value')
    .select(['subject_key', 'element', 'value'])
    .where('kind', '=', codec.kind)
    .where('subject_key', 'in', stored)
    .where('element', 'in', elements)
    .execute();
  const opened = await codec.openValues(
    rows.map((r) => ({ subject: r.subject_key, element: r.element, value: r.value })),
  );
  rows.forEach((r, i) => {
    const values = bySubject.get(r.subject_key) ?? {};
    values[r.element] = opened[i];
    bySubject.set(r.subject_key, values);
  });
  return bySubject;
}
