import { copyText, sql, type Database, type Kysely } from '../db/index.js';
import type { RecordRow } from '../records/index.js';
import type { IngestTables } from './tables.js';

const COLUMNS = ['job_id', 'source_row', 'key', 'doc'] as const;
/** Rows read back a batch at a time when a held load is released. */
const BATCH = 5000;

/**
 * The rows of a load whose resource holds loads below its threshold: validated rows wait here,
 * beside the resource's records and not in them, until the load is judged — and, when held,
 * until an officer releases or discards it. Written by COPY, read back in source-row order.
 */
export class HeldRows {
  private readonly db: Kysely<IngestTables>;

  constructor(private readonly database: Database) {
    this.db = database.kysely.withTables<IngestTables>();
  }

  async stage(jobId: string, batches: AsyncIterable<RecordRow[]>): Promise<void> {
    await this.clear(jobId);
    await this.database.copyIn('ingest.held_row', COLUMNS, lines(jobId, batches));
  }

  /**
   * A key that came twice keeps its first row, as a load does (records/load.ts): the later
   * ones are taken out here and returned, so that the job is judged with them counted.
   */
  async dedupe(jobId: string): Promise<Array<{ key: string; sourceRow: number }>> {
    const { rows } = await sql<{ key: string; source_row: number }>`
      delete from ingest.held_row h
      using (select source_row, row_number() over (partition by key order by source_row) as n
             from ingest.held_row where job_id = ${jobId}) d
      where h.job_id = ${jobId} and h.source_row = d.source_row and d.n > 1
      returning h.key, h.source_row`.execute(this.db);
    return rows.map((r) => ({ key: r.key, sourceRow: r.source_row })).sort((a, b) => a.sourceRow - b.sourceRow);
  }

  /** The held rows in source order, a batch at a time, as the load takes them. */
  async *batches(jobId: string): AsyncGenerator<RecordRow[]> {
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
      yield rows.map((r) => ({ key: r.key, doc: r.doc, sourceRow: r.source_row }));
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
