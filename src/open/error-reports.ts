import type { Kysely } from '../db/index.js';
import { HubError, isHubError, msg } from '../kernel/index.js';
import type { OpenDatasets } from './datasets.js';
import type { Developer } from './developers.js';
import { checkFeedbackLimit } from './feedback-limit.js';
import type { OpenTables } from './tables.js';

/** What the portal needs of quality's correction workflow (wired by the hub). */
export interface CorrectionDesk {
  /** Files the correction as the portal's; its id. */
  report(input: {
    resource: string;
    /** Left out: the field is wrong across the dataset, no one record. */
    key?: string | undefined;
    field: string;
    claimedValue: string;
    proposedValue?: string | null | undefined;
    note: string;
  }): Promise<{ id: number; dueDate: string }>;
  outcomes(ids: number[]): Promise<
    Array<{
      id: number;
      state: 'open' | 'accepted' | 'rejected';
      dueDate: string;
      decidedAt: string | null;
      rejectReason: string | null;
    }>
  >;
}

export interface ErrorReportInput {
  /** The open dataset's name (or code). */
  dataset: string;
  /** The record's key, as the dataset shows it; left out when the field is wrong across the dataset. */
  key?: string | undefined;
  field: string;
  /** The value shown, which the developer says is wrong. */
  wrong: string;
  /** What it should be, when they know. */
  correct?: string | undefined;
  note?: string | undefined;
}

/** A developer's error report as they see it: where it stands and the provider's answer. */
export interface ErrorReport {
  id: number;
  dataset: string;
  /** The dataset's title as people know it; its name when it is no longer open. */
  title: string;
  /** The record reported, or null for the field across the dataset. */
  key: string | null;
  field: { name: string; label: string };
  correction: number;
  state: 'open' | 'accepted' | 'rejected';
  dueDate: string | null;
  decidedAt: string | null;
  /** Why the provider kept the value, when it did. */
  reason: string | null;
  createdAt: string;
}

/**
 * Error reports (纠错) of open datasets (docs/open.md): a developer reports a wrong value of one
 * public field of one record; it becomes a correction in quality's workflow, filed by the portal
 * (reporter kind `portal`) and named in its note by the developer's name, never their email; the
 * provider's officers decide it there with its deadline, and the developer reads the answer here.
 * Only what the public sees may be reported: a field or a dataset that is not open is not found.
 */
export class OpenErrorReports {
  constructor(
    private readonly db: Kysely<OpenTables>,
    private readonly datasets: OpenDatasets,
    private readonly desk: CorrectionDesk,
  ) {}

  async report(developer: Developer, input: ErrorReportInput): Promise<ErrorReport> {
    const ds = await this.datasets.find(input.dataset);
    await checkFeedbackLimit(this.db, developer.id, 'errorReports');
    const field = ds.open.fields.find((f) => f.name === input.field);
    if (!field) throw new HubError('OPN_NOT_FOUND', msg('open.noField', { field: input.field }));
    const key = input.key?.trim() || undefined;
    // A record is named by its key: where the key is not shown as held (left out or masked), no
    // developer could know one, and a guess must not tell whether a record exists. The report then
    // names the field alone.
    if (key && !ds.open.queryable.has(ds.resource.keyField))
      throw new HubError('OPN_NOT_FOUND', msg('open.noField', { field: ds.resource.keyField }));
    const note = [`数据开放网开发者「${developer.name}」报告`, input.note?.trim()].filter(Boolean).join('：');
    const correction = await this.desk.report({
      resource: ds.code,
      key,
      field: field.name,
      claimedValue: input.wrong,
      proposedValue: input.correct?.trim() ? input.correct : null,
      note,
    });
    const row = await this.db
      .insertInto('open.error_report')
      .values({
        developer_id: developer.id,
        resource_code: ds.code,
        record_key: key ?? null,
        field: field.name,
        correction_id: correction.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return {
      id: row.id,
      dataset: ds.name,
      title: ds.resource.name,
      key: row.record_key,
      field: { name: field.name, label: field.label },
      correction: correction.id,
      state: 'open',
      dueDate: correction.dueDate,
      decidedAt: null,
      reason: null,
      createdAt: new Date(row.created_at).toISOString(),
    };
  }

  /** The developer's reports, newest first, each with the correction's state and answer. */
  async mine(developer: Developer): Promise<ErrorReport[]> {
    const rows = await this.db
      .selectFrom('open.error_report')
      .selectAll()
      .where('developer_id', '=', developer.id)
      .orderBy('id', 'desc')
      .limit(200)
      .execute();
    const outcomes = new Map((await this.desk.outcomes(rows.map((r) => r.correction_id))).map((o) => [o.id, o]));
    const { labels, titles } = await this.namesOf(rows.map((r) => r.resource_code));
    return rows.map((r) => {
      const o = outcomes.get(r.correction_id);
      return {
        id: r.id,
        dataset: r.resource_code.toLowerCase(),
        title: titles.get(r.resource_code) ?? r.resource_code.toLowerCase(),
        key: r.record_key,
        field: { name: r.field, label: labels.get(`${r.resource_code}/${r.field}`) ?? r.field },
        correction: r.correction_id,
        state: o?.state ?? 'open',
        dueDate: o?.dueDate ?? null,
        decidedAt: o?.decidedAt ?? null,
        reason: o?.rejectReason ?? null,
        createdAt: new Date(r.created_at).toISOString(),
      };
    });
  }

  /** The titles and fields' labels of the datasets still open (one closed since shows its names, not labels). */
  private async namesOf(codes: string[]): Promise<{ labels: Map<string, string>; titles: Map<string, string> }> {
    const labels = new Map<string, string>();
    const titles = new Map<string, string>();
    for (const code of new Set(codes)) {
      const ds = await this.datasets.find(code).catch((e: unknown) => {
        if (isHubError(e) && e.code === 'OPN_NOT_FOUND') return null;
        throw e;
      });
      if (!ds) continue;
      titles.set(code, ds.resource.name);
      for (const f of ds.open.fields) labels.set(`${code}/${f.name}`, f.label);
    }
    return { labels, titles };
  }
}
