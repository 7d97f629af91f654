import type { Transaction } from '../db/index.js';
import { json, sql } from '../db/index.js';
import type { CatalogTables } from './tables.js';

/** One validated record ready to load: its subject key, its typed values, and where it came from. */
export interface RecordRow {
  key: string;
  doc: Record<string, unknown>;
  sourceRow: number;
}

/** Insert-or-replace by subject key; a later load of the same key wins and says which job wrote it. */
export async function upsertRecords(
  trx: Transaction<CatalogTables>,
  resourceId: number,
  jobId: string,
  rows: RecordRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto('catalog.record')
    .values(
      rows.map((r) => ({
        resource_id: resourceId,
        key: r.key,
        doc: json(r.doc),
        job_id: jobId,
        source_row: r.sourceRow,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['resource_id', 'key']).doUpdateSet({
        doc: (eb) => eb.ref('excluded.doc'),
        job_id: (eb) => eb.ref('excluded.job_id'),
        source_row: (eb) => eb.ref('excluded.source_row'),
        loaded_at: sql`now()`,
      }),
    )
    .execute();
}
