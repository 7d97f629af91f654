import ExcelJS from 'exceljs';
import { hasRole, type Actor } from '../access/index.js';
import type { CatalogService, Resource, TaskInbox } from '../catalog/index.js';
import type { Database, Kysely, Selectable } from '../db/index.js';
import { HubError, addWorkingDays, chinaDate, invalid, workingDaysBetween } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import type { Purposes } from '../purpose/index.js';
import type { DemandState, ExchangeTables } from './tables.js';

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
  ledger: Pick<Ledger, 'append'>;
  orgName(code: string): Promise<string | undefined>;
  /** The purpose registry a demand's purposes come from. */
  purposes: Pick<Purposes, 'require' | 'list'>;
  /** Called on publish: creates the grant (consumer × resource × fields × purposes) and makes sure the resource has a data service; returns both. */
  publish(input: {
    demandId: number;
    consumer: string;
    resource: string;
    fields: string[];
    purposes: string[];
    by: Actor;
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
}

type DemandRow = Selectable<ExchangeTables['exchange.demand']>;
type Action = 'file' | 'accept-basis' | 'reject-basis' | 'confirm' | 'refuse' | 'publish';

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
 * Who may do what is checked here by role and organization (see `may…` below), not in the
 * access policy table.
 */
export class DemandService {
  private readonly db: Kysely<ExchangeTables>;
  private readonly now: () => Date;

  constructor(
    database: Database,
    private readonly deps: DemandDeps,
  ) {
    this.db = database.kysely.withTables<ExchangeTables>();
    this.now = deps.now ?? (() => new Date());
  }

  /** Files a demand for the caller's organization. */
  async file(actor: Actor | null, input: DemandInput): Promise<Demand> {
    const a = signedIn(actor);
    if (!a.org || !hasRole(a, 'consumer', 'officer', 'operator')) {
      throw new HubError('ACC_FORBIDDEN', `${a.username} files no demands: only an organization's staff do`);
    }
    const purpose = input.purpose?.trim() ?? '';
    if (purpose.length < 2) throw invalid('purpose', 'required: say what the data is for');
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
    };

    if (!input.resource) {
      const need = input.need?.trim() ?? '';
      if (need.length < 2) throw invalid('need', 'required without a resource: describe the data needed');
      const row = await this.insert({
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
      return this.recorded(row, 'file', a);
    }

    const resource = await this.deps.catalog.get(input.resource);
    if (resource.publishedAt === null) {
      if (hasRole(a, 'operator')) throw new HubError('CAT_BAD_STATE', `${resource.code} is not published`);
      throw new HubError('CAT_RESOURCE_NOT_FOUND', `no published resource ${input.resource}`);
    }
    if (resource.provider.code === a.org.code) {
      throw invalid('resource', 'a department demands no data of its own: it already holds it');
    }
    const fields = [...new Set(input.fields ?? [])];
    const known = new Set(resource.fields.map((f) => f.name));
    const unknown = fields.filter((f) => !known.has(f));
    if (fields.length === 0 || unknown.length > 0) {
      throw invalid('fields', `not fields of ${resource.code}: ${unknown.join(', ') || '(none given)'}`);
    }
    if (resource.shareType === 'none' && legalBasis.length < 2) {
      throw invalid('legalBasis', `${resource.code} is not shared: a demand needs the law or regulation it rests on`);
    }
    const base = { ...common, resource_code: resource.code, need: input.need?.trim() ?? '', fields };
    const row = await this.insert(
      resource.shareType === 'unconditional'
        ? {
            ...base,
            state: 'confirmed',
            confirm_due: null,
            confirmed_at: now,
            publish_due: addWorkingDays(now, PUBLISH_DAYS),
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
    return this.recorded(row, 'file', a);
  }

  /** Operators accept the legal basis of a demand on a `none` resource: it goes to the provider. */
  async acceptBasis(actor: Actor | null, id: number): Promise<Demand> {
    const a = signedIn(actor);
    const row = await this.visibleRow(a, id);
    if (!hasRole(a, 'operator')) throw new HubError('ACC_FORBIDDEN', `${a.username} may not review legal bases`);
    const now = this.now();
    const updated = await this.move(row, 'basis_review', {
      state: 'filed',
      confirm_due: addWorkingDays(now, CONFIRM_DAYS),
    });
    await this.deps.tasks.close('demand.basis', String(id));
    await this.openConfirmTask(updated, await this.deps.catalog.get(updated.resource_code!));
    return this.recorded(updated, 'accept-basis', a);
  }

  async rejectBasis(actor: Actor | null, id: number, reason: string): Promise<Demand> {
    const a = signedIn(actor);
    const row = await this.visibleRow(a, id);
    if (!hasRole(a, 'operator')) throw new HubError('ACC_FORBIDDEN', `${a.username} may not review legal bases`);
    const updated = await this.move(row, 'basis_review', { state: 'refused', refused_reason: needReason(reason) });
    await this.deps.tasks.close('demand.basis', String(id));
    return this.recorded(updated, 'reject-basis', a);
  }

  /** The provider's officers confirm: the service is due PUBLISH_DAYS working days later. */
  async confirm(actor: Actor | null, id: number): Promise<Demand> {
    const a = signedIn(actor);
    const row = await this.visibleRow(a, id);
    if (row.resource_code === null) {
      throw new HubError('CAT_BAD_STATE', `demand ${id} names no resource yet: the operators route it first`);
    }
    const resource = await this.deps.catalog.get(row.resource_code);
    if (!isProviderOfficer(a, resource)) {
      throw new HubError('ACC_FORBIDDEN', `only data officers of ${resource.provider.name} confirm demand ${id}`);
    }
    const now = this.now();
    const updated = await this.move(row, 'filed', {
      state: 'confirmed',
      confirmed_at: now,
      publish_due: addWorkingDays(now, PUBLISH_DAYS),
    });
    await this.closeStep(id, 'confirm');
    await this.openPublishTask(updated, resource);
    return this.recorded(updated, 'confirm', a);
  }

  /** The provider's officers refuse with a reason; a free-text demand is answered by the operators. */
  async refuse(actor: Actor | null, id: number, reason: string): Promise<Demand> {
    const a = signedIn(actor);
    const row = await this.visibleRow(a, id);
    if (row.resource_code === null) {
      if (!hasRole(a, 'operator')) throw new HubError('ACC_FORBIDDEN', `only operators answer free-text demands`);
    } else {
      const resource = await this.deps.catalog.get(row.resource_code);
      if (!isProviderOfficer(a, resource)) {
        throw new HubError('ACC_FORBIDDEN', `only data officers of ${resource.provider.name} refuse demand ${id}`);
      }
    }
    const updated = await this.move(row, 'filed', { state: 'refused', refused_reason: needReason(reason) });
    await this.closeStep(id, 'confirm');
    return this.recorded(updated, 'refuse', a);
  }

  /**
   * Publishes a confirmed demand: the state is claimed first, so that two callers cannot both
   * create a grant; if creating it fails, the demand is confirmed again as it was.
   */
  async publish(actor: Actor | null, id: number): Promise<Demand> {
    const a = signedIn(actor);
    const row = await this.visibleRow(a, id);
    if (row.resource_code === null) throw new HubError('CAT_BAD_STATE', `demand ${id} names no resource`);
    const resource = await this.deps.catalog.get(row.resource_code);
    if (!hasRole(a, 'operator') && !isProviderOfficer(a, resource)) {
      throw new HubError('ACC_FORBIDDEN', `only ${resource.provider.name}'s officers or operators publish`);
    }
    await this.move(row, 'confirmed', { state: 'published', published_at: this.now() });
    let published: { grantId: number; serviceCode: string };
    try {
      published = await this.deps.publish({
        demandId: id,
        consumer: row.consumer_org,
        resource: resource.code,
        fields: row.fields,
        purposes: row.purposes,
        by: a,
      });
    } catch (e) {
      await this.db
        .updateTable('exchange.demand')
        .set({ state: 'confirmed', published_at: null })
        .where('id', '=', id)
        .where('state', '=', 'published')
        .execute();
      throw e;
    }
    const updated = await this.db
      .updateTable('exchange.demand')
      .set({ grant_id: published.grantId, service_code: published.serviceCode })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.closeStep(id, 'publish');
    return this.recorded(updated, 'publish', a);
  }

  async get(actor: Actor | null, id: number): Promise<Demand> {
    const a = signedIn(actor);
    return (await this.describe([await this.visibleRow(a, id)]))[0]!;
  }

  /** Newest first: operators and auditors see all, others their organization's as consumer or provider. */
  async list(actor: Actor | null, filter: DemandFilter = {}): Promise<Demand[]> {
    return this.describe(await this.visibleRows(signedIn(actor), filter));
  }

  /**
   * Opens, once per step, a 'demand.overdue' task for the provider's officers and one for the
   * operators for every open step past its due date. Returns how many overdue steps it found.
   */
  async flagOverdue(): Promise<number> {
    const today = chinaDate(this.now());
    const rows = await this.db
      .selectFrom('exchange.demand')
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
      const provider = providerOf(row.resource_code);
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
  async ledgerXlsx(actor: Actor | null, filter: DemandFilter = {}): Promise<Buffer> {
    const a = signedIn(actor);
    if (!hasRole(a, 'operator', 'officer', 'consumer', 'auditor')) {
      throw new HubError('ACC_FORBIDDEN', `${a.username} may not export the demand ledger`);
    }
    const demands = await this.list(a, filter);
    const wb = new ExcelJS.Workbook();
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
        provider: d.resource?.provider.name ?? '',
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

  private async insert(values: Omit<DemandRow, 'id'>): Promise<DemandRow> {
    return this.db.insertInto('exchange.demand').values(values).returningAll().executeTakeFirstOrThrow();
  }

  /** One state change, taken only from the state the row was read in (a concurrent change loses). */
  private async move(row: DemandRow, from: DemandState, set: Partial<Omit<DemandRow, 'id'>>): Promise<DemandRow> {
    if (row.state !== from) {
      throw new HubError('CAT_BAD_STATE', `demand ${row.id} is ${row.state}; this step needs ${from}`);
    }
    const updated = await this.db
      .updateTable('exchange.demand')
      .set(set)
      .where('id', '=', row.id)
      .where('state', '=', from)
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw new HubError('CAT_BAD_STATE', `demand ${row.id} was changed meanwhile: reload it`);
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

  private async recorded(row: DemandRow, action: Action, actor: Actor): Promise<Demand> {
    await this.deps.ledger.append({
      kind: 'demand',
      action,
      demand: row.id,
      consumer: row.consumer_org,
      resource: row.resource_code,
      state: row.state,
      actor: actor.username,
      at: this.now().toISOString(),
    });
    return (await this.describe([row]))[0]!;
  }

  /** The demand, or 404 when it does not exist or the caller's organization has no part in it. */
  private async visibleRow(actor: Actor, id: number): Promise<DemandRow> {
    const row = await this.db.selectFrom('exchange.demand').selectAll().where('id', '=', id).executeTakeFirst();
    const org = actor.org?.code;
    const visible =
      row !== undefined &&
      (hasRole(actor, 'operator', 'auditor') ||
        (org !== undefined && (row.consumer_org === org || providerOf(row.resource_code) === org)));
    if (!visible) throw new HubError('KRN_NOT_FOUND', `no demand ${id}`);
    return row;
  }

  private async visibleRows(actor: Actor, filter: DemandFilter): Promise<DemandRow[]> {
    const org = actor.org?.code ?? '';
    let q = this.db.selectFrom('exchange.demand').selectAll().orderBy('id', 'desc').limit(LIST_LIMIT);
    if (filter.state) q = q.where('state', '=', filter.state);
    if (filter.role === 'consumer') q = q.where('consumer_org', '=', org);
    else if (filter.role === 'provider') q = q.where('resource_code', 'like', `${org}-%`);
    else if (!hasRole(actor, 'operator', 'auditor')) {
      q = q.where((eb) => eb.or([eb('consumer_org', '=', org), eb('resource_code', 'like', `${org}-%`)]));
    }
    return q.execute();
  }

  private async nameOf(code: string): Promise<string> {
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

/** Resource codes are `{provider}-{nnnn}`. */
function providerOf(resourceCode: string | null): string | undefined {
  return resourceCode?.slice(0, resourceCode.lastIndexOf('-'));
}

/** The provider's and the operators' overdue flags of one step need refs of their own (one open task per kind and ref). */
function overdueRef(id: number, step: DemandStepName, operators = false): string {
  return `${id}/${step}${operators ? '/operators' : ''}`;
}

function isProviderOfficer(actor: Actor, resource: Resource): boolean {
  return hasRole(actor, 'officer') && actor.org?.code === resource.provider.code;
}

function signedIn(actor: Actor | null): Actor {
  if (actor === null) throw new HubError('ACC_UNAUTHENTICATED');
  return actor;
}

function needReason(reason: string | undefined): string {
  const text = reason?.trim() ?? '';
  if (text.length < 2) throw invalid('reason', 'required: say why the demand is refused');
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
