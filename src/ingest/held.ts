import { copyText, sql, type Database, type Kysely } from '../db/index.js';
import type { RecordCodec, RecordRow } from '../records/index.js';
import type { IngestTables } from './tables.js';

const COLUMNS = ['job_id', 'source_row', 'key', 'doc'] as const;
/** Rows read back a batch at a time when a held load is released. */
const BATCH = 5000;

/**
 * The rows of a load whose resource holds loads below its threshold: validated rows wait here,
 * beside the resource's records and not in them, until the load is judged — and, when held,
 * until an officer releases or discards it. Written by COPY, read back in source-row order.
 *
 * They wait sealed as the resource's records are (records/codec.ts): a held load may wait for
 * days, and its citizen IDs are no less personal than the records'. The key column holds the
 * same blind index, so that duplicates are still found by key.
 */
export class HeldRows {
  private readonly db: Kysely<IngestTables>;

  constructor(
    private readonly database: Database,
    private readonly codecOf: (resourceId: number) => Promise<RecordCodec>,
  ) {
    this.db = database.kysely.withTables<IngestTables>();
  }

  async stage(jobId: string, resourceId: number, batches: AsyncIterable<RecordRow[]>): Promise<void> {
    const codec = await this.codecOf(resourceId);
    await this.clear(jobId);
    await this.database.copyIn('ingest.held_row', COLUMNS, lines(jobId, codec.sealBatches(batches)));
  }

  /**
   * A key that came twice keeps its first row, as a load does (records/load.ts): the later
   * ones are taken out here and returned, so that the job is judged with them counted.
   */
  async dedupe(jobId: string): Promise<Array<{ sourceRow: number }>> {
    const { rows } = await sql<{ source_row: number }>`
      delete from ingest.held_row h
      using (select source_row, row_number() over (partition by key order by source_row) as n
             from ingest.held_row where job_id = ${jobId}) d
      where h.job_id = ${jobId} and h.source_row = d.source_row and d.n > 1
      returning h.source_row`.execute(this.db);
    return rows.map((r) => ({ sourceRow: r.source_row })).sort((a, b) => a.sourceRow - b.sourceRow);
  }

  /** The held rows in source order, opened, a batch at a time, as the load takes them. */
  async *batches(jobId: string, resourceId: number): AsyncGenerator<RecordRow[]> {
    const codec = await this.codecOf(resourceId);
    let after = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('ingest.held_row')
        .select(['source_row', 'key', 'doc'])
        .where('job_id', '=', jobId)
        .where('source_row', '>', after)
        .orderBy('source_row')
        .limit(BATCH)
        .execute();
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.source_row;
      const docs = await codec.openDocs(rows.map((r) => r.doc));
      yield rows.map((r, i) => ({ key: codec.keyOf(r.key, docs[i]!), doc: docs[i]!, sourceRow: r.source_row }));
    }
  }

  async clear(jobId: string): Promise<void> {
    await this.db.deleteFrom('ingest.held_row').where('job_id', '=', jobId).execute();
  }
}

async function* lines(jobId: string, batches: AsyncIterable<RecordRow[]>): AsyncGenerator<string> {
  const job = copyText(jobId);
  for await (const batch of batches) {
    let text = '';
    for (const r of batch) {
      text += `${job}\t${r.sourceRow}\t${copyText(r.key)}\t${copyText(JSON.stringify(r.doc))}\n`;
    }
    yield text;
  }
}
