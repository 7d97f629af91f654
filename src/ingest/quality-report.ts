import type { Field, Resource } from '../catalog/index.js';
import { sql, type Kysely } from '../db/index.js';
import { jobOutcome, type JobOutcome } from './outcome.js';
import type { IngestTables } from './tables.js';

/**
 * The quality of one load, from its quarantine and warnings.
 *  score    — rows that went in (passed validation and every `reject` rule) / rows read;
 *  passRate — rows with no issue at all, warnings included / rows read: the seeds'
 *             质检合格率 (≥ 95 %);
 *  per field — the same two shares counted on that field's issues only.
 */
export interface LoadQuality extends Pick<JobOutcome, 'outcome' | 'threshold'> {
  jobId: string;
  resource: string;
  finishedAt: string | null;
  rowsRead: number;
  score: number | null;
  passRate: number | null;
  fields: Array<{ field: string; label: string; rejected: number; warned: number; passRate: number | null }>;
  rules: Array<{ rule: string; severity: 'reject' | 'warn'; rows: number }>;
}

export interface QualityTrendPoint {
  jobId: string;
  finishedAt: string;
  rowsRead: number;
  score: number | null;
  passRate: number | null;
}

const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((1000 * part) / whole) / 10);

export async function loadQuality(db: Kysely<IngestTables>, resource: Resource, jobId: string): Promise<LoadQuality> {
  const job = await db.selectFrom('ingest.job').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();
  const byField = await db
    .selectFrom('ingest.reject')
    .select('field')
    .select(sql<number>`count(distinct row_number) filter (where severity = 'reject')`.as('rejected'))
    .select(sql<number>`count(distinct row_number) filter (where severity = 'warn')`.as('warned'))
    .select(sql<number>`count(distinct row_number)`.as('rows'))
    .where('job_id', '=', jobId)
    .groupBy('field')
    .execute();
  const byRule = await db
    .selectFrom('ingest.reject')
    .select(['rule', 'severity'])
    .select(sql<number>`count(distinct row_number)`.as('rows'))
    .where('job_id', '=', jobId)
    .groupBy(['rule', 'severity'])
    .orderBy('rows', 'desc')
    .execute();
  const { rows: withIssue } = await sql<{ n: number }>`select count(distinct row_number)::int as n
    from ingest.reject where job_id = ${jobId}`.execute(db);
  const counts = new Map(byField.map((f) => [f.field, f]));
  const read = job.rows_read;
  const { outcome, threshold } = jobOutcome(job);
  return {
    jobId,
    outcome,
    threshold,
    resource: job.resource_code,
    finishedAt: job.finished_at?.toISOString() ?? null,
    rowsRead: read,
    score: percent(read - job.rows_rejected, read),
    passRate: percent(read - withIssue[0]!.n, read),
    fields: resource.fields.map((f: Field) => {
      const c = counts.get(f.name);
      return {
        field: f.name,
        label: f.label,
        rejected: c?.rejected ?? 0,
        warned: c?.warned ?? 0,
        passRate: percent(read - (c?.rows ?? 0), read),
      };
    }),
    rules: byRule.map((r) => ({ rule: r.rule ?? 'validation', severity: r.severity, rows: r.rows })),
  };
}

/** Score and pass rate of a resource's finished loads, oldest first: how its data quality moves. */
export async function qualityTrend(
  db: Kysely<IngestTables>,
  resourceCode: string,
  limit = 30,
): Promise<QualityTrendPoint[]> {
  const { rows } = await sql<{
    id: string;
    finished_at: Date;
    rows_read: number;
    rows_rejected: number;
    with_issue: number;
  }>`
    select j.id, j.finished_at, j.rows_read, j.rows_rejected,
           (select count(distinct r.row_number)::int from ingest.reject r where r.job_id = j.id) as with_issue
    from ingest.job j
    where j.resource_code = ${resourceCode} and j.state = 'succeeded'
    order by j.finished_at desc
    limit ${limit}`.execute(db);
  return rows.reverse().map((r) => ({
    jobId: r.id,
    finishedAt: r.finished_at.toISOString(),
    rowsRead: r.rows_read,
    score: percent(r.rows_read - r.rows_rejected, r.rows_read),
    passRate: percent(r.rows_read - r.with_issue, r.rows_read),
  }));
}
