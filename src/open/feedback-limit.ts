import { sql, type Kysely } from '../db/index.js';
import { HubError, msg, type Texts } from '../kernel/index.js';
import type { OpenTables } from './tables.js';

/** Reports and requests one developer account may file in 24 hours, each of which an official must answer by a deadline. */
export const FEEDBACK_PER_DAY = { errorReports: 20, datasetRequests: 10 } as const;

const WHAT: Record<keyof typeof FEEDBACK_PER_DAY, Texts> = {
  errorReports: { 'zh-CN': '纠错', en: 'error reports' },
  datasetRequests: { 'zh-CN': '数据需求', en: 'requests for data' },
};
const TABLE = { errorReports: 'open.error_report', datasetRequests: 'open.dataset_request' } as const;

/**
 * Refuses a developer's report or request past the day's limit (OPN_FEEDBACK_LIMIT, 429): each
 * becomes work with a deadline in working days for a department, and an account costs nothing to
 * make. Counted over the developer's own rows of the last 24 hours (an index by developer).
 */
export async function checkFeedbackLimit(
  db: Kysely<OpenTables>,
  developerId: number,
  kind: keyof typeof FEEDBACK_PER_DAY,
): Promise<void> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(TABLE[kind])}
    where developer_id = ${developerId} and created_at > now() - interval '24 hours'`.execute(db);
  const n = FEEDBACK_PER_DAY[kind];
  if (Number(rows[0]!.n) >= n)
    throw new HubError('OPN_FEEDBACK_LIMIT', msg('open.feedbackLimit', { n, what: WHAT[kind] }));
}
