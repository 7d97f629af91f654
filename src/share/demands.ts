import type ExcelJS from 'exceljs';
import type { Actor } from '../access/index.js';
import type { CatalogService, Resource, TaskInbox } from '../catalog/index.js';
import type { Database, Kysely, Selectable, Transaction } from '../db/index.js';
import { HubError, addWorkingDays, excel, chinaDate, invalid, workingDaysBetween, msg } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import type { Purposes } from '../purpose/index.js';
import type { DemandState, ShareTables } from './tables.js';
import { stepDaysByProvider, stepDaysOf, type TimedStep } from './demand-days.js';
import { providerOf } from './resource-code.js';

/**
 * The consumer of the demands the open-data portal files for the public (数据需求, docs/open.md):
 * no organization (an organization code cannot hold '-'), so no hub user is of it and only the
 * operators and the department a demand is assigned to see its demands.
 */
export const PORTAL_CONSUMER = 'open-portal';
const PORTAL_NAME = '数据开放网（社会公众）';
/** The purpose of a portal demand: the data is wanted open to everyone. */
export const OPEN_DATA_PURPOSE = 'open_data';
/** The portal as the filer of its demands: no hub user (id 0). */
const PORTAL_FILER: Filer = {
  userId: 0,
  username: PORTAL_CONSUMER,
  roles: [],
  org: { id: 0, code: PORTAL_CONSUMER, name: PORTAL_NAME },
  via: 'token',
};

/** What the portal tells the developer who asked: where the demand stands and its answer. */
export interface DemandOutcome {
  id: number;
  state: DemandState;
  /** The department it was assigned to, once the operators routed it. */
  assignedTo: { code: string; name: string } | null;
  /** The resource the provider answered with (confirmed or published). */
  resource: { code: string; name: string } | null;
  refusedReason: string | null;
}

/** Working days the provider has to confirm or refuse a demand, and then to publish its service. */
export const CONFIRM_DAYS = 5;
export const PUBLISH_DAYS = 10;
/** Working days the operators have to review a legal basis or route a free-text demand. */
const OPERATOR_DAYS = 5;
/** Most demands one list or ledger returns, so that one request cannot take the server. */
const LIST_LIMIT = 5000;

export interface DemandDeps {
  catalog: Pick<CatalogService, 'get'>;
  /** Where demands leave work: the provider's officers, or the operators (org null). */
  tasks: TaskInbox;
  ledger: Pick<Ledger, 'appendWithin'>;
  orgName(code: string): Promise<string | undefined>;
  /** The purpose registry a demand's purposes come from. */
  purposes: Pick<Purposes, 'require' | 'list'>;
  /**
   * Called on publish: creates the grant (consumer × resource × fields × purposes) and makes sure
   * the resource has a data service; returns both. It runs `finish` inside the grant's transaction
   * (the published demand and its ledger entry then commit with the grant, or nothing does);
   * one that does not is followed by `finish` in a transaction of its own.
   */
  publish(input: {
    demandId: number;
    consumer: string;
    resource: string;
    fields: string[];
    purposes: string[];
    by: Actor;
    finish: (trx: Transaction<ShareTables>, grantId: number, serviceCode: string) => Promise<void>;
  }): Promise<{ grantId: number; serviceCode: string }>;
  /** The clock (tests set it); deadlines and "overdue" are read on it. */
  now?: () => Date;
}

export interface DemandInput {
  resource?: string | undefined;
  need?: string | undefined;
  fields?: string[] | undefined;
  /** Codes of registered purposes; the grant a published demand gets allows these. */
  purposes: string[];
  /** In the consumer's own words. */
  purpose: string;
  legalBasis?: string | undefined;
  volume?: string | undefined;
  frequency?: string | undefined;
}

export interface DemandFilter {
  state?: DemandState | undefined;
  /** The caller's organization as the demand's consumer, or as its provider. */
  role?: 'consumer' | 'provider' | undefined;
}

/** Whose demands a list holds: every one, or those the organization is a party to. */
export interface DemandScope {
  org: string | null;
  all: boolean;
}

/** The organizations that answer for a demand: its consumer and, once it names a resource, the provider. */
export interface DemandParties {
  consumer: string;
  provider: string | null;
}

/** How a provider answers a demand that named no resource: the resource it registered for it, and the fields given. */
export interface DemandAnswer {
  resource: string;
  fields: string[];
}

/** A demand is filed for an organization: the filer is one of its staff. */
export type Filer = Actor & { org: NonNullable<Actor['org']> };

export type DemandStepName = 'confirm' | 'publish';

/** One deadline of a demand: open until done; `workingDaysLeft` is negative once overdue. */
export interface DemandStep {
  step: DemandStepName;
  dueDate: string | null;
  doneAt: string | null;
  overdue: boolean;
  workingDaysLeft: number | null;
}

/** 供需对接: a consumer's request for fields of a resource (or, free text, for data not yet found). */
export interface Demand {
  id: number;
  consumer: { code: string; name: string };
  resource: { code: string; name: string; provider: { code: string; name: string } } | null;
  need: string;
  fields: string[];
  purposes: Array<{ code: string; name: string }>;
  purpose: string;
  legalBasis: string;
  volume: string;
  frequency: string;
  state: DemandState;
  filedAt: string;
  steps: DemandStep[];
  refusedReason: string | null;
  grantId: number | null;
  serviceCode: string | null;
  overdue: boolean;
  /** The department the operators assigned a demand for data not yet in the catalog to; null otherwise. */
  assignedTo: { code: string; name: string } | null;
}

type DemandRow = Selectable<ShareTables['share.demand']>;
type Action = 'file' | 'assign' | 'accept-basis' | 'reject-basis' | 'confirm' | 'refuse' | 'publish';

const STATE_LABELS: Record<DemandState, string> = {
  basis_review: '依据审核中',
  filed: '待确认',
  confirmed: '已确认待发布',
  refused: '已拒绝',
  published: '已发布',
};
const STEP_LABELS: Record<DemandStepName, string> = { confirm: '确认', publish: '发布' };

/**
 * 供需对接 (DESIGN.md, main flow step 3): a consumer files a demand, the provider confirms or
 * refuses it within CONFIRM_DAYS working days, and the service is published within
 * PUBLISH_DAYS more. `unconditional` resources skip the provider's answer; `none` resources need
 * a legal basis the operators accept first. Every state change is on the ledger.
 *
 * Who may do what is not decided here: `AuthorizedDemands` checks the access policy and then
 * calls these methods, which take the actor only to record who acted.
 */
export class DemandService {
  private readonly db: Kysely<ShareTables>;
  private readonly now: () => Date;

  constructor(
    database: Database,
    private readonly deps: DemandDeps,
  ) {
    this.db = database.kysely.withTables<ShareTables>();
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Files a demand for the filer's organization. A caller who `seesUnpublished` resources is
   * told that one is not published yet; to others it does not exist.
   */
  async file(a: Filer, input: DemandInput, seesUnpublished = false): Promise<Demand> {
    const purpose = input.purpose?.trim() ?? '';
    if (purpose.length < 2) throw invalid('purpose', msg('share.demandPurposeRequired'));
    const purposes = (await this.deps.purposes.require(input.purposes ?? [], 'purposes')).map((p) => p.code);
    const legalBasis = input.legalBasis?.trim() ?? '';
    const now = this.now();
    const common = {
      consumer_org: a.org.code,
      purpose,
      purposes,
      legal_basis: legalBasis,
      volume: input.volume?.trim() ?? '',
      frequency: input.frequency?.trim() ?? '',
      filed_by: a.userId,
      filed_at: now,
      publish_due: null,
      confirmed_at: null,
      refused_reason: null,
      published_at: null,
      grant_id: null,
      service_code: null,
      assigned_org: null,
      days_org: null,
      confirm_days: null,
      publish_days: null,
    };

    if (!input.resource) {
      const need = input.need?.trim() ?? '';
      if (need.length < 2) throw invalid('need', msg('share.demandNeedRequired'));
      const row = await this.insert(a, {
        ...common,
        resource_code: null,
        need,
        fields: [...new Set((input.fields ?? []).map((f) => f.trim()).filter(Boolean))],
        state: 'filed',
        confirm_due: addWorkingDays(now, OPERATOR_DAYS),
      });
      await this.deps.tasks.open({
        org: null,
        kind: 'demand.route',
        ref: String(row.id),
        title: `分派数据需求 #${row.id}：${need.slice(0, 40)}`,
        dueDate: row.confirm_due,
      });
      return this.view(row);
    }

    const resource = await this.deps.catalog.get(input.resource);
    if (resource.publishedAt === null) {
      if (seesUnpublished) throw new HubError('SHR_NOT_PUBLISHED', msg('share.notPublished', { code: resource.code }));
      throw new HubError('CAT_RESOURCE_NOT_FOUND', msg('catalog.noPublishedResource', { code: input.resource }));
    }
    if (resource.provider.code === a.org.code) {
      throw invalid('resource', msg('share.demandOwnData'));
    }
    const fields = [...new Set(input.fields ?? [])];
    const known = new Set(resource.fields.map((f) => f.name));
    const unknown = fields.filter((f) => !known.has(f));
    if (fields.length === 0 || unknown.length > 0) {
      throw invalid(
        'fields',
        msg('share.notFieldsOf', { code: resource.code, fields: unknown.length ? unknown : msg('kernel.noneGiven') }),
      );
    }
    if (resource.shareType === 'none' && legalBasis.length < 2) {
      throw invalid('legalBasis', msg('share.legalBasisRequired', { code: resource.code }));
    }
    const base = { ...common, resource_code: resource.code, need: input.need?.trim() ?? '', fields };
    const row = await this.insert(
      a,
      resource.shareType === 'unconditional'
        ? {
            ...base,
            state: 'confirmed',
            confirm_due: null,
            confirmed_at: now,
            publish_due: addWorkingDays(now, PUBLISH_DAYS),
            days_org: resource.provider.code,
            confirm_days: 0,
          }
        : resource.shareType === 'none'
          ? { ...base, state: 'basis_review', confirm_due: null }
          : { ...base, state: 'filed', confirm_due: addWorkingDays(now, CONFIRM_DAYS) },
    );
    const title = `${a.org.name} 申请 ${resource.name}`;
    if (row.state === 'confirmed') await this.openPublishTask(row, resource);
    else if (row.state === 'filed') await this.openConfirmTask(row, resource);
    else {
      await this.deps.tasks.open({
        org: null,
        kind: 'demand.basis',
        ref: String(row.id),
        title: `审核需求 #${row.id} 的依据：${title}`,
        dueDate: addWorkingDays(now, OPERATOR_DAYS),
      });
    }
    return this.view(row);
  }

  /**
   * A free-text demand filed by the open-data portal for a developer (docs/open.md): the operators
   * route it as any other; `need` says what data, `purpose` what for, in the developer's words.
   */
  async fileFromPortal(input: { need: string; purpose: string }): Promise<Demand> {
    return this.file(PORTAL_FILER, { need: input.need, purpose: input.purpose, purposes: [OPEN_DATA_PURPOSE] });
  }

  /** Where the portal's demands stand (its own only). */
  async portalOutcomes(ids: number[]): Promise<DemandOutcome[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('share.demand')
      .selectAll()
      .where('id', 'in', ids)
      .where('consumer_org', '=', PORTAL_CONSUMER)
      .execute();
    const out: DemandOutcome[] = [];
    for (const r of rows) {
      const resource = r.resource_code === null ? null : await this.deps.catalog.get(r.resource_code);
      out.push({
        id: r.id,
        state: r.state,
        assignedTo: r.assigned_org === null ? null : { code: r.assigned_org, name: await this.nameOf(r.assigned_org) },
        resource: resource && { code: resource.code, name: resource.name },
        refusedReason: r.refused_reason,
      });
    }
    return out;
  }

  /**
   * Operators assign a demand for data not yet in the catalog to the department that should
   * provide it (again, if the first one was wrong): that department has CONFIRM_DAYS working
   * days to register a resource for it and confirm, or to refuse, as for a demand on its own resource.
   */
  async assign(a: Actor, id: number, org: string): Promise<Demand> {
    const row = await this.row(id);
    if (row.resource_code !== null) {
      throw new HubError('SHR_DEMAND_BAD_STATE', msg('share.demandNamesResource', { id }));
    }
    if ((await this.deps.orgName(org)) === undefined) throw invalid('org', msg('access.noOrg', { org }));
    if (org === row.consumer_org) throw invalid('org', msg('share.demandOwnDataAssign'));
    const updated = await this.move(row, 'filed', 'assign', a, {
      assigned_org: org,
      confirm_due: addWorkingDays(this.now(), CONFIRM_DAYS),
    });
    // The operators' routing task is done; an earlier assignee's task and flags go with it.
    await this.deps.tasks.close('demand.route', String(id));
    await this.closeStep(id, 'confirm');
    await this.deps.tasks.open({
      org,
      kind: 'demand.confirm',
      ref: String(id),
      title: `答复需求 #${id}：${await this.nameOf(row.consumer_org)} 需要 ${row.need.slice(0, 40)}（登记资源后确认，或拒绝）`,
      dueDate: updated.confirm_due,
    });
    return this.view(updated);
  }

  /** Operators accept the legal basis of a demand on a `none` resource: it goes to the provider. */
  async acceptBasis(a: Actor, id: number): Promise<Demand> {
    const row = await this.row(id);
    const now = this.now();
    const updated = await this.move(row, 'basis_review', 'accept-basis', a, {
      state: 'filed',
      confirm_due: addWorkingDays(now, CONFIRM_DAYS),
    });
    await this.deps.tasks.close('demand.basis', String(id));
    await this.openConfirmTask(updated, await this.deps.catalog.get(updated.resource_code!));
    return this.view(updated);
  }

  async rejectBasis(a: Actor, id: number, reason: string): Promise<Demand> {
    const row = await this.row(id);
    const updated = await this.move(row, 'basis_review', 'reject-basis', a, {
      state: 'refused',
      refused_reason: needReason(reason),
    });
    await this.deps.tasks.close('demand.basis', String(id));
    return this.view(updated);
  }

  /**
   * The provider's officers confirm: the service is due PUBLISH_DAYS working days later. A
   * demand assigned to them without a resource is confirmed with the published resource they
   * registered for it and the fields they give, which the grant will hold.
   */
  async confirm(a: Actor, id: number, answer?: DemandAnswer): Promise<Demand> {
    const row = await this.row(id);
    if (row.resource_code === null && row.assigned_org === null) {
      throw new HubError('SHR_DEMAND_BAD_STATE', msg('share.demandNoResourceYet', { id }));
    }
    if (answer && row.resource_code !== null) {
      throw new HubError('SHR_DEMAND_BAD_STATE', msg('share.demandHasResource', { id, code: row.resource_code }));
    }
    const chosen = row.resource_code === null ? await this.answerOf(row, answer) : null;
    const resource = chosen?.resource ?? (await this.deps.catalog.get(row.resource_code!));
    const now = this.now();
    const updated = await this.move(row, 'filed', 'confirm', a, {
      state: 'confirmed',
      confirmed_at: now,
      publish_due: addWorkingDays(now, PUBLISH_DAYS),
      days_org: resource.provider.code,
      confirm_days: stepDaysOf(row.filed_at, now),
      ...(chosen && { resource_code: resource.code, fields: chosen.fields }),
    });
    await this.closeStep(id, 'confirm');
    await this.openPublishTask(updated, resource);
    return this.view(updated);
  }

  /** The provider's officers refuse with a reason; a free-text demand is answered by the operators. */
  async refuse(a: Actor, id: number, reason: string): Promise<Demand> {
    const row = await this.row(id);
    const updated = await this.move(row, 'filed', 'refuse', a, {
      state: 'refused',
      refused_reason: needReason(reason),
    });
    await this.closeStep(id, 'confirm');
    return this.view(updated);
  }

  /**
   * Publishes a confirmed demand: the demand moves to published, its grant is made, and both
   * ledger entries are written in the grant's one transaction — a process killed midway leaves
   * the demand confirmed with no grant, never published without one. Two callers at once: the
   * second finds the demand published and its whole transaction (grant included) rolls back.
   */
  async publish(a: Actor, id: number): Promise<Demand> {
    const row = await this.row(id);
    if (row.resource_code === null) throw new HubError('SHR_DEMAND_BAD_STATE', msg('share.demandNoResource', { id }));
    this.expectState(row, 'confirmed');
    const resource = await this.deps.catalog.get(row.resource_code);
    let updated: DemandRow | undefined;
    const finish = async (trx: Transaction<ShareTables>, grantId: number, serviceCode: string) => {
      const now = this.now();
      updated = await this.moveIn(trx, row, 'confirmed', 'publish', a, {
        state: 'published',
        published_at: now,
        days_org: row.days_org ?? resource.provider.code,
        publish_days: stepDaysOf(row.filed_at, now),
        grant_id: grantId,
        service_code: serviceCode,
      });
    };
    const published = await this.deps.publish({
      demandId: id,
      consumer: row.consumer_org,
      resource: resource.code,
      fields: row.fields,
      purposes: row.purposes,
      by: a,
      finish,
    });
    if (!updated) {
      await this.db.transaction().execute((trx) => finish(trx, published.grantId, published.serviceCode));
    }
    await this.closeStep(id, 'publish');
    return this.view(updated!);
  }

  /** The resource an assigned department answers a free-text demand with: its own, published, with fields of it. */
  private async answerOf(
    row: DemandRow,
    answer: DemandAnswer | undefined,
  ): Promise<{ resource: Resource; fields: string[] }> {
    if (!answer?.resource) {
      throw invalid('resource', msg('share.demandResourceRequired'));
    }
    const resource = await this.deps.catalog.get(answer.resource);
    if (resource.provider.code !== row.assigned_org) {
      throw invalid('resource', msg('share.notAssignedOrgResource', { code: resource.code }));
    }
    if (resource.publishedAt === null)
      throw new HubError('SHR_NOT_PUBLISHED', msg('share.notPublished', { code: resource.code }));
    const fields = [...new Set(answer.fields ?? [])];
    const known = new Set(resource.fields.map((f) => f.name));
    const unknown = fields.filter((f) => !known.has(f));
    if (fields.length === 0 || unknown.length > 0) {
      throw invalid(
        'fields',
        msg('share.notFieldsOf', { code: resource.code, fields: unknown.length ? unknown : msg('kernel.noneGiven') }),
      );
    }
    return { resource, fields };
  }

  async get(id: number): Promise<Demand> {
    return (await this.describe([await this.row(id)]))[0]!;
  }

  /** The organizations answering for a demand, for the permission check before a step. */
  async parties(id: number): Promise<DemandParties> {
    const row = await this.row(id);
    return { consumer: row.consumer_org, provider: providerOf(row.resource_code) ?? row.assigned_org };
  }

  /** Newest first: the whole scope, or narrowed to the scope's organization as consumer or provider. */
  async list(scope: DemandScope, filter: DemandFilter = {}): Promise<Demand[]> {
    return this.describe(await this.visibleRows(scope, filter));
  }

  /** 需求响应时长 per providing department: working days to `step` summed over timed demands, and how many (demand-days.ts). */
  stepDays(step: TimedStep): Promise<Map<string, { days: number; demands: number }>> {
    return stepDaysByProvider(this.db, step, async (code, assigned) =>
      code === null ? assigned : ((await this.deps.catalog.get(code).catch(() => null))?.provider.code ?? assigned),
    );
  }

  /**
   * Opens, once per step, a 'demand.overdue' task for the provider's officers and one for the
   * operators for every open step past its due date. Returns how many overdue steps it found.
   */
  async flagOverdue(): Promise<number> {
    const today = chinaDate(this.now());
    const rows = await this.db
      .selectFrom('share.demand')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'filed'), eb('confirm_due', '<', today)]),
          eb.and([eb('state', '=', 'confirmed'), eb('publish_due', '<', today)]),
        ]),
      )
      .orderBy('id')
      .execute();
    for (const row of rows) {
      const step: DemandStepName = row.state === 'filed' ? 'confirm' : 'publish';
      const due = step === 'confirm' ? row.confirm_due : row.publish_due;
      const title = `逾期：需求 #${row.id} 未按期${STEP_LABELS[step]}（期限 ${due}）`;
      const provider = providerOf(row.resource_code) ?? row.assigned_org;
      if (provider) {
        await this.deps.tasks.open({
          org: provider,
          kind: 'demand.overdue',
          ref: overdueRef(row.id, step),
          title,
          dueDate: due,
        });
      }
      await this.deps.tasks.open({
        org: null,
        kind: 'demand.overdue',
        ref: overdueRef(row.id, step, true),
        title,
        dueDate: due,
      });
    }
    return rows.length;
  }

  /** 台账: the demands the caller may see, one row each, with their deadlines, as XLSX. */
  async ledgerXlsx(scope: DemandScope, filter: DemandFilter = {}): Promise<Buffer> {
    const demands = await this.list(scope, filter);
    const wb = new (await excel()).Workbook();
    const ws = wb.addWorksheet('供需对接台账', { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = LEDGER_COLUMNS;
    ws.getRow(1).font = { bold: true };
    for (const d of demands) {
      const step = (name: DemandStepName) => d.steps.find((s) => s.step === name);
      const labels = d.resource ? await this.fieldLabels(d.resource.code, d.fields) : d.fields;
      const row = ws.addRow({
        id: d.id,
        consumer: d.consumer.name,
        resource: d.resource ? `${d.resource.name}（${d.resource.code}）` : d.need,
        provider: d.resource?.provider.name ?? d.assignedTo?.name ?? '',
        fields: labels.join('、'),
        purpose: [d.purposes.map((p) => p.name).join('、'), d.purpose].filter(Boolean).join('：'),
        legalBasis: d.legalBasis,
        state: STATE_LABELS[d.state],
        filedAt: chinaDate(new Date(d.filedAt)),
        confirmDue: step('confirm')?.dueDate ?? '',
        confirmedAt: dateOf(step('confirm')?.doneAt),
        publishDue: step('publish')?.dueDate ?? '',
        publishedAt: dateOf(step('publish')?.doneAt),
        overdue: d.overdue ? '是' : '否',
        refusedReason: d.refusedReason ?? '',
      });
      if (d.overdue) row.font = { color: { argb: 'FFCF1322' } };
    }
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  private async fieldLabels(code: string, fields: string[]): Promise<string[]> {
    const resource = await this.deps.catalog.get(code);
    return fields.map((f) => resource.fields.find((x) => x.name === f)?.label ?? f);
  }

  /** A new demand and its `file` entry on the ledger, in one transaction. */
  private async insert(a: Actor, values: Omit<DemandRow, 'id'>): Promise<DemandRow> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.insertInto('share.demand').values(values).returningAll().executeTakeFirstOrThrow();
      await this.deps.ledger.appendWithin(trx, [this.entryOf(row, 'file', a)]);
      return row;
    });
  }

  private expectState(row: DemandRow, from: DemandState): void {
    if (row.state !== from) {
      throw new HubError(
        'SHR_DEMAND_BAD_STATE',
        msg('share.demandBadState', {
          id: row.id,
          state: msg(`demandState.${row.state}`),
          from: msg(`demandState.${from}`),
        }),
      );
    }
  }

  /**
   * One state change, taken only from the state the row was read in (a concurrent change loses),
   * with its ledger entry in the same transaction: a kill -9 between the two cannot leave a step
   * the ledger never heard of.
   */
  private async move(
    row: DemandRow,
    from: DemandState,
    action: Action,
    actor: Actor,
    set: Partial<Omit<DemandRow, 'id'>>,
  ): Promise<DemandRow> {
    this.expectState(row, from);
    return this.db.transaction().execute((trx) => this.moveIn(trx, row, from, action, actor, set));
  }

  private async moveIn(
    trx: Transaction<ShareTables>,
    row: DemandRow,
    from: DemandState,
    action: Action,
    actor: Actor,
    set: Partial<Omit<DemandRow, 'id'>>,
  ): Promise<DemandRow> {
    const updated = await trx
      .updateTable('share.demand')
      .set(set)
      .where('id', '=', row.id)
      .where('state', '=', from)
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw new HubError('SHR_DEMAND_BAD_STATE', msg('share.demandChanged', { id: row.id }));
    await this.deps.ledger.appendWithin(trx, [this.entryOf(updated, action, actor)]);
    return updated;
  }

  private async openConfirmTask(row: DemandRow, resource: Resource): Promise<void> {
    await this.deps.tasks.open({
      org: resource.provider.code,
      kind: 'demand.confirm',
      ref: String(row.id),
      title: `确认需求 #${row.id}：${await this.nameOf(row.consumer_org)} 申请 ${resource.name}`,
      dueDate: row.confirm_due,
    });
  }

  private async openPublishTask(row: DemandRow, resource: Resource): Promise<void> {
    await this.deps.tasks.open({
      org: resource.provider.code,
      kind: 'demand.publish',
      ref: String(row.id),
      title: `发布需求 #${row.id} 的数据服务：${await this.nameOf(row.consumer_org)} 使用 ${resource.name}`,
      dueDate: row.publish_due,
    });
  }

  /** A step is done: its task and any overdue flags of it are closed. */
  private async closeStep(id: number, step: DemandStepName): Promise<void> {
    await this.deps.tasks.close(step === 'confirm' ? 'demand.confirm' : 'demand.publish', String(id));
    if (step === 'confirm') await this.deps.tasks.close('demand.route', String(id));
    await this.deps.tasks.close('demand.overdue', overdueRef(id, step));
    await this.deps.tasks.close('demand.overdue', overdueRef(id, step, true));
  }

  private entryOf(row: DemandRow, action: Action, actor: Actor) {
    return {
      kind: 'share.demand.changed' as const,
      action,
      demand: row.id,
      consumer: row.consumer_org,
      resource: row.resource_code,
      ...(action === 'assign' && row.assigned_org !== null && { provider: row.assigned_org }),
      state: row.state,
      actor: actor.username,
      at: this.now().toISOString(),
    };
  }

  private async view(row: DemandRow): Promise<Demand> {
    return (await this.describe([row]))[0]!;
  }

  /** The demand, or 404. */
  private async row(id: number): Promise<DemandRow> {
    const row = await this.db.selectFrom('share.demand').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new HubError('SHR_DEMAND_NOT_FOUND', msg('share.noDemand', { id }));
    return row;
  }

  private async visibleRows(scope: DemandScope, filter: DemandFilter): Promise<DemandRow[]> {
    const org = scope.org ?? '';
    let q = this.db.selectFrom('share.demand').selectAll().orderBy('id', 'desc').limit(LIST_LIMIT);
    if (filter.state) q = q.where('state', '=', filter.state);
    if (filter.role === 'consumer') q = q.where('consumer_org', '=', org);
    else if (filter.role === 'provider') {
      q = q.where((eb) => eb.or([eb('resource_code', 'like', `${org}-%`), eb('assigned_org', '=', org)]));
    } else if (!scope.all) {
      q = q.where((eb) =>
        eb.or([eb('consumer_org', '=', org), eb('resource_code', 'like', `${org}-%`), eb('assigned_org', '=', org)]),
      );
    }
    return q.execute();
  }

  private async nameOf(code: string): Promise<string> {
    if (code === PORTAL_CONSUMER) return PORTAL_NAME;
    return (await this.deps.orgName(code)) ?? code;
  }

  private async describe(rows: DemandRow[]): Promise<Demand[]> {
    const today = chinaDate(this.now());
    const names = new Map<string, string>();
    const name = async (code: string) => {
      if (!names.has(code)) names.set(code, await this.nameOf(code));
      return names.get(code)!;
    };
    const purposes = new Map((await this.deps.purposes.list()).map((p) => [p.code, p.name]));
    const out: Demand[] = [];
    for (const r of rows) {
      const resource = r.resource_code === null ? null : await this.deps.catalog.get(r.resource_code);
      const steps = stepsOf(r, today);
      out.push({
        id: r.id,
        consumer: { code: r.consumer_org, name: await name(r.consumer_org) },
        resource: resource && {
          code: resource.code,
          name: resource.name,
          provider: { code: resource.provider.code, name: resource.provider.name },
        },
        need: r.need,
        fields: r.fields,
        purposes: r.purposes.map((code) => ({ code, name: purposes.get(code) ?? code })),
        purpose: r.purpose,
        legalBasis: r.legal_basis,
        volume: r.volume,
        frequency: r.frequency,
        state: r.state,
        filedAt: r.filed_at.toISOString(),
        steps,
        refusedReason: r.refused_reason,
        grantId: r.grant_id,
        serviceCode: r.service_code,
        overdue: steps.some((s) => s.overdue),
        assignedTo: r.assigned_org === null ? null : { code: r.assigned_org, name: await name(r.assigned_org) },
      });
    }
    return out;
  }
}

/**
 * The deadlines of a demand. The confirm step is there unless the resource was shared without
 * one (unconditional: confirmed at filing, no due date); the publish step once confirmed.
 */
function stepsOf(r: DemandRow, today: string): DemandStep[] {
  const steps: DemandStep[] = [];
  const step = (name: DemandStepName, due: string | null, done: Date | null, open: boolean): DemandStep => ({
    step: name,
    dueDate: due,
    doneAt: done?.toISOString() ?? null,
    overdue: open && due !== null && due < today,
    workingDaysLeft: open && due !== null ? workingDaysBetween(today, due) : null,
  });
  const confirmedAtOnce = r.confirm_due === null && r.confirmed_at !== null;
  if (!confirmedAtOnce) steps.push(step('confirm', r.confirm_due, r.confirmed_at, r.state === 'filed'));
  if (r.publish_due !== null) steps.push(step('publish', r.publish_due, r.published_at, r.state === 'confirmed'));
  return steps;
}

/** The provider's and the operators' overdue flags of one step need refs of their own (one open task per kind and ref). */
function overdueRef(id: number, step: DemandStepName, operators = false): string {
  return `${id}/${step}${operators ? '/operators' : ''}`;
}

function needReason(reason: string | undefined): string {
  const text = reason?.trim() ?? '';
  if (text.length < 2) throw invalid('reason', msg('share.refuseReasonRequired'));
  return text;
}

function dateOf(iso: string | null | undefined): string {
  return iso ? chinaDate(new Date(iso)) : '';
}

const LEDGER_COLUMNS: Array<Partial<ExcelJS.Column>> = [
  { header: '需求编号', key: 'id', width: 10 },
  { header: '需求方', key: 'consumer', width: 20 },
  { header: '数据资源', key: 'resource', width: 32 },
  { header: '数源单位', key: 'provider', width: 20 },
  { header: '信息项', key: 'fields', width: 32 },
  { header: '用途', key: 'purpose', width: 28 },
  { header: '依据', key: 'legalBasis', width: 28 },
  { header: '状态', key: 'state', width: 14 },
  { header: '提出日期', key: 'filedAt', width: 12 },
  { header: '确认期限', key: 'confirmDue', width: 12 },
  { header: '确认日期', key: 'confirmedAt', width: 12 },
  { header: '发布期限', key: 'publishDue', width: 12 },
  { header: '发布日期', key: 'publishedAt', width: 12 },
  { header: '是否逾期', key: 'overdue', width: 10 },
  { header: '拒绝理由', key: 'refusedReason', width: 28 },
];
