import type { Field } from '../catalog/index.js';
import { projectRecord } from '../share/index.js';

/**
 * What of an open dataset's fields the public sees — the one place the portal decides it:
 * - sensitivity 1: as held, and a client may filter, search and sort by it;
 * - sensitivity 2 (a legal representative's name…): masked by its data element's masking
 *   (share's `projectRecord`, the hub's one masking), and never a filter, a search or a sort,
 *   which would tell the masked value;
 * - sensitivity 3 and 4 (personal and sensitive personal information): left out, not masked,
 *   whatever the entry's open type says.
 */
export interface OpenFields {
  /** The fields a public answer has, in the entry's order. */
  fields: Field[];
  /** Of those, the ones a client may name in a filter, a search or a sort. */
  queryable: ReadonlySet<string>;
  masked: ReadonlySet<string>;
}

export const PLAIN_UP_TO = 1;
export const SHOWN_UP_TO = 2;

export function openFieldsOf(fields: readonly Field[]): OpenFields {
  const shown = fields.filter((f) => f.sensitivity <= SHOWN_UP_TO);
  return {
    fields: shown,
    queryable: new Set(shown.filter((f) => f.sensitivity <= PLAIN_UP_TO).map((f) => f.name)),
    masked: new Set(shown.filter((f) => f.sensitivity > PLAIN_UP_TO).map((f) => f.name)),
  };
}

/** A record as the public may see it: the shown fields only, the masked ones masked. */
export function openRecord(doc: Record<string, unknown>, open: OpenFields): Record<string, unknown> {
  const visible = new Set(open.fields.map((f) => f.name));
  const out = projectRecord(doc, open.fields, visible, open.masked);
  // A field the record lacks is null in a table, as the columns promise.
  for (const f of open.fields) if (!(f.name in out)) out[f.name] = null;
  return out;
}
