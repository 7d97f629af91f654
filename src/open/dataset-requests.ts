import type { Kysely, Selectable } from '../db/index.js';
import { isHubError } from '../kernel/index.js';
import type { OpenDatasets } from './datasets.js';
import type { Developer } from './developers.js';
import { checkFeedbackLimit } from './feedback-limit.js';
import type { OpenTables } from './tables.js';

type DemandState = 'basis_review' | 'filed' | 'confirmed' | 'refused' | 'published';

/** What the portal needs of share's demand workflow (wired by the hub). */
export interface DemandDesk {
  /** Files a free-text demand as the portal's; its id. */
  file(input: { need: string; purpose: string }): Promise<{ id: number }>;
  outcomes(ids: number[]): Promise<
    Array<{
      id: number;
      state: DemandState;
      assignedTo: { code: string; name: string } | null;
      resource: { code: string; name: string } | null;
      refusedReason: string | null;
    }>
  >;
}

export interface DatasetRequestInput {
  /** The data wanted. */
  need: string;
  /** What it is for. */
  purpose: string;
  /** The department the developer expects to hold it, in their words. */
  provider?: string | undefined;
}

/**
 * Where a request stands, in the portal's words: `waiting` for the operators to route it or the
 * department to answer; `answered` with a dataset (open, or not open yet); `refused` with a reason.
 */
export type RequestState = 'waiting' | 'answered' | 'refused';

export interface DatasetRequest {
  id: number;
  need: string;
  purpose: string;
  state: RequestState;
  /** The department answering, once the operators routed the request to it. */
  provider: { code: string; name: string } | null;
  /** The open dataset it was answered with; null while waiting, refused, or answered with data not open yet. */
  dataset: { name: string; title: string } | null;
  reason: string | null;
  createdAt: string;
}

/**
 * Requests for data (数据需求, docs/open.md): a developer describes the data wanted and its purpose;
 * it becomes a free-text demand of share's workflow, filed by the portal (consumer
 * `open-portal`), which the operators route to a department and that department answers with a
 * resource or refuses with a reason. The developer reads the answer in the developer centre; the
 * answered ones are public, without the developer's name.
 */
export class OpenDatasetRequests {
  constructor(
    private readonly db: Kysely<OpenTables>,
    private readonly datasets: OpenDatasets,
    private readonly desk: DemandDesk,
  ) {}

  async request(developer: Developer, input: DatasetRequestInput): Promise<DatasetRequest> {
    await checkFeedbackLimit(this.db, developer.id, 'datasetRequests');
    const need = input.need.trim();
    const purpose = input.purpose.trim();
    const provider = input.provider?.trim();
    const text = [need, provider && `期望提供部门：${provider}`, `（数据开放网开发者「${developer.name}」提出）`]
      .filter(Boolean)
      .join('\n');
    const demand = await this.desk.file({ need: text, purpose });
    const row = await this.db
      .insertInto('open.dataset_request')
      .values({ developer_id: developer.id, demand_id: demand.id, need, purpose })
      .returningAll()
      .executeTakeFirstOrThrow();
    return (await this.describe([row]))[0]!;
  }

  /** The developer's requests, newest first, with their answers. */
  async mine(developer: Developer): Promise<DatasetRequest[]> {
    const rows = await this.db
      .selectFrom('open.dataset_request')
      .selectAll()
      .where('developer_id', '=', developer.id)
      .orderBy('id', 'desc')
      .limit(200)
      .execute();
    return this.describe(rows);
  }

  /** The latest answered requests (public): what was asked and the answer, never who asked. */
  async answered(limit = 50): Promise<DatasetRequest[]> {
    const rows = await this.db
      .selectFrom('open.dataset_request')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(500)
      .execute();
    return (await this.describe(rows)).filter((r) => r.state !== 'waiting').slice(0, limit);
  }

  private async describe(rows: Array<Selectable<OpenTables['open.dataset_request']>>): Promise<DatasetRequest[]> {
    const outcomes = new Map((await this.desk.outcomes(rows.map((r) => r.demand_id))).map((o) => [o.id, o]));
    const out: DatasetRequest[] = [];
    for (const r of rows) {
      const o = outcomes.get(r.demand_id);
      const state = stateOf(o?.state);
      out.push({
        id: r.id,
        need: r.need,
        purpose: r.purpose,
        state,
        provider: o?.assignedTo ?? null,
        dataset: state === 'answered' && o?.resource ? await this.openDataset(o.resource.code) : null,
        reason: state === 'refused' ? (o?.refusedReason ?? null) : null,
        createdAt: new Date(r.created_at).toISOString(),
      });
    }
    return out;
  }

  /** The answer's dataset if it is open: a resource not open is not named to the public. */
  private async openDataset(code: string): Promise<{ name: string; title: string } | null> {
    try {
      const ds = await this.datasets.find(code);
      return { name: ds.name, title: ds.resource.name };
    } catch (e) {
      if (isHubError(e) && e.code === 'OPN_NOT_FOUND') return null;
      throw e;
    }
  }
}

function stateOf(state: DemandState | undefined): RequestState {
  if (state === 'refused') return 'refused';
  if (state === 'confirmed' || state === 'published') return 'answered';
  return 'waiting';
}
