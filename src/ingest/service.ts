import { randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type { Readable } from 'node:stream';
import type { CatalogService, Resource } from '../catalog/index.js';
import type { Database, Kysely } from '../db/index.js';
import { HubError } from '../kernel/index.js';
import type { SourceFormat } from './parse.js';
import { validBatches, type Reject, type ValidateProgress } from './stages.js';
import type { IngestTables, JobState } from './tables.js';

export interface JobReport {
  id: string;
  resource: string;
  state: JobState;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  /** Share of rows read that passed validation, in percent (one decimal); null before any row. */
  qualityScore: number | null;
  error: string | null;
  rejects: Reject[];
}

export interface RunOptions {
  createdBy: number;
  source: string;
  /** The file's format; CSV (UTF-8 or GBK) when not given. */
  format?: SourceFormat;
  onProgress?: (p: ValidateProgress) => void;
}

/** How many quarantined reasons a report returns inline; all of them stay in ingest.reject. */
const INLINE_REJECTS = 1000;

export class IngestService {
  private readonly db: Kysely<IngestTables>;

  constructor(
    database: Database,
    private readonly catalog: CatalogService,
  ) {
    this.db = database.kysely.withTables<IngestTables>();
  }

  /**
   * Runs one file (CSV, XLSX, JSON or NDJSON: `opts.format`) through parse → map → validate → load. Good rows go in one transaction;
   * if anything fails midway the resource keeps its previous data and the job says why.
   */
  async runCsv(resource: Resource, input: Readable, opts: RunOptions): Promise<JobReport> {
    const id = randomUUID();
    await this.db
      .insertInto('ingest.job')
      .values({
        id,
        resource_code: resource.code,
        source: opts.source,
        state: 'running',
        created_by: opts.createdBy,
        error: null,
        finished_at: null,
      })
      .execute();
    const rejects: Reject[] = [];
    const progress: ValidateProgress = { rowsRead: 0, rowsRejected: 0 };
    const timer = opts.onProgress && setInterval(() => opts.onProgress!(progress), 200);
    let loaded = 0;
    let error: string | null = null;
    try {
      loaded = await this.catalog.loadRecords(
        resource.id,
        id,
        validBatches(input, resource, rejects, progress, opts.format),
      );
    } catch (e) {
      // The job keeps the reason; the caller still gets the error (a 400 for a bad file).
      error = e instanceof Error ? e.message : String(e);
      throw e;
    } finally {
      if (timer) clearInterval(timer);
      opts.onProgress?.(progress);
      await this.finish(id, error ? 'failed' : 'succeeded', progress, loaded, rejects, error);
    }
    return this.report(id);
  }

  private async finish(
    id: string,
    state: JobState,
    progress: ValidateProgress,
    loaded: number,
    rejects: Reject[],
    error: string | null,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rejects.length; i += 1000) {
        const chunk = rejects.slice(i, i + 1000);
        await trx
          .insertInto('ingest.reject')
          .values(chunk.map((r) => ({ job_id: id, row_number: r.row, field: r.field, reason: r.reason })))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      await trx
        .updateTable('ingest.job')
        .set({
          state,
          rows_read: progress.rowsRead,
          rows_loaded: state === 'succeeded' ? loaded : 0,
          rows_rejected: progress.rowsRejected,
          error,
          finished_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
    });
  }

  /** Every quarantined reason of a job, as CSV (row, field, reason), in row order. */
  async rejectsCsv(id: string): Promise<string> {
    await this.report(id);
    const rows = await this.rejectRows(id);
    return '\ufeff' + stringify([['row', 'field', 'reason'], ...rows.map((r) => [r.row, r.field, r.reason])]);
  }

  private async rejectRows(id: string, limit?: number): Promise<Reject[]> {
    let q = this.db
      .selectFrom('ingest.reject')
      .select(['row_number', 'field', 'reason'])
      .where('job_id', '=', id)
      .orderBy('row_number')
      .orderBy('field');
    if (limit !== undefined) q = q.limit(limit);
    return (await q.execute()).map((r) => ({ row: r.row_number, field: r.field, reason: r.reason }));
  }

  async report(id: string): Promise<JobReport> {
    const job = await this.db.selectFrom('ingest.job').selectAll().where('id', '=', id).executeTakeFirst();
    if (!job) throw new HubError('KRN_NOT_FOUND', `no ingest job ${id}`);
    const rejects = await this.rejectRows(id, INLINE_REJECTS);
    return {
      id: job.id,
      resource: job.resource_code,
      state: job.state,
      rowsRead: job.rows_read,
      rowsLoaded: job.rows_loaded,
      rowsRejected: job.rows_rejected,
      qualityScore:
        job.rows_read === 0 ? null : Math.round((1000 * (job.rows_read - job.rows_rejected)) / job.rows_read) / 10,
      error: job.error,
      rejects,
    };
  }
}
