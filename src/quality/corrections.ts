import { authorize, hasRole, type Actor } from '../access/index.js';
import { checkValue, type CatalogService, type Field, type Resource, type TaskInbox } from '../catalog/index.js';
import { json, type Database, type Kysely } from '../db/index.js';
import { HubError, addWorkingDays, chinaDate, invalid } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import { mayView, toCorrection, type Correction, type CorrectionRow, type Viewer } from './correction-view.js';
import type { CorrectionState, QualityTables, ReporterKind } from './tables.js';

/** Working days a provider has to fix or answer a reported error (问题数据纠错时间压缩至2个工作日内). */
export const FIX_DAYS = 2;
export const PAGE_SIZE = 50;

export interface CorrectionDeps {
  catalog: Pick<CatalogService, 'get' | 'findRecord' | 'correctValue'>;
  tasks: TaskInbox;
  ledger: Pick<Ledger, 'append' | 'subjectTag'>;
  /** The fields an active grant lets the organization read of the resource; null without one. */
  grantedFields(consumerOrg: string, resourceCode: string): Promise<ReadonlySet<string> | null>;
  /** A citizen account's own ID number; null for other accounts. */
  citizenIdOf(actor: Actor): Promise<string | null>;
  now: () => Date;
}

export interface CorrectionInput {
  resource: string;
  /** The record's key; a citizen may leave it out to mean their own ID. */
  key?: string | undefined;
  field: string;
  /** The value the reporter saw and says is wrong. */
  claimedValue: string;
  /** What it should be, when the reporter knows; '' proposes an empty value. */
  proposedValue?: string | null | undefined;
  note?: string | undefined;
}

export type CorrectionFilter = {
  state?: CorrectionState | 'overdue' | undefined;
  /** The provider organization (operators and auditors narrow the city-wide list with it). */
  org?: string | undefined;
  page?: number | undefined;
};

export interface CorrectionPage {
  items: Correction[];
  total: number;
  page: number;
  pageSize: number;
}

type Action = 'report' | 'accept' | 'reject';

/**
 * 纠错 (DESIGN.md, main flow step 5): a consumer holding a grant, an operator, or the citizen
 * the record is about reports a wrong value; it becomes a task of the provider's data officers,
 * due FIX_DAYS working days later. Accepting writes the value into the record (the catalog
 * marks the field as coming from the correction); rejecting needs a reason. Open ones past
 * their due date are flagged to the provider's chief data officer and the operators.
 */
export class Corrections {
  private readonly db: Kysely<QualityTables>;

  constructor(
    database: Database,
    private readonly deps: CorrectionDeps,
  ) {
    this.db = database.kysely.withTables<QualityTables>();
  }

  async report(actor: Actor | null, input: CorrectionInput): Promise<Correction> {
    const a = signedIn(actor);
    authorize(a, 'quality:report');
    const resource = await this.deps.catalog.get(input.resource);
    if (resource.publishedAt === null)
      throw new HubError('CAT_RESOURCE_NOT_FOUND', `no published resource ${input.resource}`);
    const field = resource.fields.find((f) => f.name === input.field);
    if (!field) throw invalid('field', `${resource.code} has no field ${input.field}`);
    if (field.name === resource.keyField)
      throw invalid('field', 'the key itself cannot be corrected: it names the record');
    const key = normalizeKey(resource, input.key ?? (await this.ownKey(a)));
    const kind = await this.reporterKind(a, resource, key, field);
    const proposed =
      input.proposedValue === undefined || input.proposedValue === null ? null : input.proposedValue.trim();
    if (proposed !== null) {
      const checked = checkValue(field, proposed);
      if (!checked.ok) throw invalid('proposedValue', checked.reason);
    }
    if ((await this.deps.catalog.findRecord(resource.id, key)) === undefined) {
      throw new HubError('QLT_RECORD_NOT_FOUND', `no record in ${resource.code} with this key`);
    }
    const now = this.deps.now();
    const row = await this.db
      .insertInto('quality.correction')
      .values({
        resource_code: resource.code,
        provider_org: resource.provider.code,
        record_key: key,
        field: field.name,
        claimed_value: input.claimedValue.trim(),
        proposed_value: proposed,
        note: input.note?.trim() ?? '',
        reporter_kind: kind,
        reported_by: a.userId,
        reporter_org: kind === 'citizen' ? null : (a.org?.code ?? null),
        filed_at: now,
        due_date: addWorkingDays(now, FIX_DAYS),
        overdue_at: null,
        decided_at: null,
        decided_by: null,
        reject_reason: null,
        old_value: null,
        new_value: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.deps.tasks.open({
      org: row.provider_org,
      kind: 'correction.fix',
      ref: String(row.id),
      // Titles are read by many: they name the resource and field, never the record or values.
      title: `处理纠错 #${row.id}：${resource.name} · ${field.label}`,
      dueDate: row.due_date,
    });
    return this.recorded(row, resource, 'report', a);
  }

  /** The provider's officers accept: `value` (else the proposed one) is written into the record. */
  async accept(actor: Actor | null, id: number, opts: { value?: string | undefined } = {}): Promise<Correction> {
    const a = signedIn(actor);
    const row = await this.decidable(a, id);
    const resource = await this.deps.catalog.get(row.resource_code);
    const field = fieldOf(resource, row.field);
    const raw = opts.value ?? row.proposed_value;
    if (raw === null) throw invalid('value', 'required: the report proposed no value');
    const checked = checkValue(field, raw);
    if (!checked.ok) throw invalid('value', checked.reason);
    const now = this.deps.now();
    const claimed = await this.decide(row, {
      state: 'accepted',
      decided_at: now,
      decided_by: a.username,
      new_value: json(checked.value),
    });
    let previous: unknown;
    try {
      ({ previous } = await this.deps.catalog.correctValue(resource.id, row.record_key, field.name, checked.value, id));
    } catch (e) {
      // The record could not be changed: the correction is open again, as it was.
      await this.db
        .updateTable('quality.correction')
        .set({ state: 'open', decided_at: null, decided_by: null, new_value: null })
        .where('id', '=', id)
        .execute();
      throw e;
    }
    const done = await this.db
      .updateTable('quality.correction')
      .set({ old_value: json(previous ?? null) })
      .where('id', '=', claimed.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.closeTasks(id);
    return this.recorded(done, resource, 'accept', a);
  }

  async reject(actor: Actor | null, id: number, reason: string): Promise<Correction> {
    const a = signedIn(actor);
    const text = reason?.trim() ?? '';
    if (text.length < 2) throw invalid('reason', 'required: say why the value is right as it is');
    const row = await this.decidable(a, id);
    const done = await this.decide(row, {
      state: 'rejected',
      decided_at: this.deps.now(),
      decided_by: a.username,
      reject_reason: text,
    });
    await this.closeTasks(id);
    return this.recorded(done, await this.deps.catalog.get(row.resource_code), 'reject', a);
  }

  async get(actor: Actor | null, id: number): Promise<Correction> {
    const viewer = await this.viewer(signedIn(actor));
    return (await this.describe([await this.visibleRow(viewer, id)], viewer))[0]!;
  }

  /** Operators and auditors see every correction; others those they reported, answer for, or are about them. */
  async list(actor: Actor | null, filter: CorrectionFilter = {}): Promise<CorrectionPage> {
    const viewer = await this.viewer(signedIn(actor));
    const page = Math.max(1, filter.page ?? 1);
    const today = chinaDate(this.deps.now());
    let q = this.db.selectFrom('quality.correction');
    if (!hasRole(viewer.actor, 'operator', 'auditor')) {
      const org = viewer.actor.org?.code ?? null;
      q = q.where((eb) =>
        eb.or([
          eb('reported_by', '=', viewer.actor.userId),
          ...(org ? [eb('provider_org', '=', org), eb('reporter_org', '=', org)] : []),
          ...(viewer.citizenId ? [eb('record_key', '=', viewer.citizenId)] : []),
        ]),
      );
    }
    if (filter.org) q = q.where('provider_org', '=', filter.org);
    if (filter.state === 'overdue') q = q.where('state', '=', 'open').where('due_date', '<', today);
    else if (filter.state) q = q.where('state', '=', filter.state);
    const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const waiting = filter.state === 'open' || filter.state === 'overdue';
    const rows = await (waiting ? q.orderBy('due_date').orderBy('id') : q.orderBy('id', 'desc'))
      .selectAll()
      .limit(PAGE_SIZE)
      .offset((page - 1) * PAGE_SIZE)
      .execute();
    return { items: await this.describe(rows, viewer), total: Number(total), page, pageSize: PAGE_SIZE };
  }

  /**
   * Flags every open correction past its due date: the first time with a timestamp, and a
   * 'correction.overdue' task for the provider (its chief data officer) and one for the
   * operators, once each. Returns how many are overdue.
   */
  async flagOverdue(now: Date = this.deps.now()): Promise<number> {
    const today = chinaDate(now);
    const rows = await this.db
      .selectFrom('quality.correction')
      .select(['id', 'provider_org', 'resource_code', 'due_date'])
      .where('state', '=', 'open')
      .where('due_date', '<', today)
      .orderBy('id')
      .execute();
    if (rows.length === 0) return 0;
    await this.db
      .updateTable('quality.correction')
      .set({ overdue_at: now })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .where('overdue_at', 'is', null)
      .execute();
    for (const r of rows) {
      const title = `逾期：纠错 #${r.id} 未在 ${FIX_DAYS} 个工作日内处理（期限 ${r.due_date}，${r.resource_code}）`;
      await this.deps.tasks.open({
        org: r.provider_org,
        kind: 'correction.overdue',
        ref: String(r.id),
        title,
        dueDate: r.due_date,
      });
      await this.deps.tasks.open({
        org: null,
        kind: 'correction.overdue',
        ref: `${r.id}/operators`,
        title,
        dueDate: r.due_date,
      });
    }
    return rows.length;
  }

  /**
   * Who the reporter is for this record, or 403: an operator; the citizen whose ID is the key;
   * a consumer whose organization holds an active grant covering the field. The provider's own
   * staff correct their data at the source, not by reporting it to themselves.
   */
  private async reporterKind(a: Actor, resource: Resource, key: string, field: Field): Promise<ReporterKind> {
    if (hasRole(a, 'operator')) return 'operator';
    if (hasRole(a, 'citizen')) {
      if ((await this.deps.citizenIdOf(a)) === key) return 'citizen';
      throw new HubError('ACC_FORBIDDEN', 'a citizen reports errors in their own records only');
    }
    const org = a.org?.code;
    if (org && org !== resource.provider.code && hasRole(a, 'consumer', 'officer')) {
      const granted = await this.deps.grantedFields(org, resource.code);
      if (granted?.has(field.name)) return 'consumer';
    }
    throw new HubError('ACC_FORBIDDEN', `${a.username} holds no grant on ${resource.code} covering ${field.name}`);
  }

  /** A citizen's own ID stands for a key left out; anyone else must give one. */
  private async ownKey(a: Actor): Promise<string> {
    const own = hasRole(a, 'citizen') ? await this.deps.citizenIdOf(a) : null;
    if (own === null) throw invalid('key', 'required: the key of the record with the wrong value');
    return own;
  }

  /** An open correction the caller may decide: only the provider's data officers do. */
  private async decidable(a: Actor, id: number): Promise<CorrectionRow> {
    const row = await this.visibleRow(await this.viewer(a), id);
    authorize(a, 'quality:decide', { ownerOrg: row.provider_org });
    if (row.state !== 'open') throw new HubError('QLT_ALREADY_DECIDED', `correction ${id} is ${row.state}`);
    return row;
  }

  /** Takes the correction out of 'open' only if it still is: of two deciders, one wins. */
  private async decide(row: CorrectionRow, set: Partial<Omit<CorrectionRow, 'id'>>): Promise<CorrectionRow> {
    const updated = await this.db
      .updateTable('quality.correction')
      .set(set)
      .where('id', '=', row.id)
      .where('state', '=', 'open')
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw new HubError('QLT_ALREADY_DECIDED', `correction ${row.id} was decided meanwhile`);
    return updated;
  }

  private async closeTasks(id: number): Promise<void> {
    await this.deps.tasks.close('correction.fix', String(id));
    await this.deps.tasks.close('correction.overdue', String(id));
    await this.deps.tasks.close('correction.overdue', `${id}/operators`);
  }

  /** On the ledger under the record's subject tag, so that the citizen concerned finds it; no values. */
  private async recorded(row: CorrectionRow, resource: Resource, action: Action, a: Actor): Promise<Correction> {
    await this.deps.ledger.append({
      kind: 'correction',
      action,
      correction: row.id,
      resource: row.resource_code,
      field: row.field,
      provider: row.provider_org,
      reporter: row.reporter_kind,
      state: row.state,
      subject: this.deps.ledger.subjectTag(row.record_key),
      actor: a.username,
      org: a.org?.code ?? null,
      at: this.deps.now().toISOString(),
    });
    const viewer = await this.viewer(a);
    return toCorrection(row, resource, viewer, chinaDate(this.deps.now()));
  }

  private async viewer(actor: Actor): Promise<Viewer> {
    return { actor, citizenId: hasRole(actor, 'citizen') ? await this.deps.citizenIdOf(actor) : null };
  }

  /** The correction, or 404 when it does not exist or is none of the caller's business. */
  private async visibleRow(viewer: Viewer, id: number): Promise<CorrectionRow> {
    const row = await this.db.selectFrom('quality.correction').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || !mayView(viewer, row)) throw new HubError('QLT_CORRECTION_NOT_FOUND', `no correction ${id}`);
    return row;
  }

  private async describe(rows: CorrectionRow[], viewer: Viewer): Promise<Correction[]> {
    const today = chinaDate(this.deps.now());
    const resources = new Map<string, Resource>();
    const out: Correction[] = [];
    for (const r of rows) {
      if (!resources.has(r.resource_code)) resources.set(r.resource_code, await this.deps.catalog.get(r.resource_code));
      out.push(toCorrection(r, resources.get(r.resource_code)!, viewer, today));
    }
    return out;
  }
}

/** The key as stored: checked and normalized by the key field's own type (15→18-digit IDs, X upper case). */
function normalizeKey(resource: Resource, raw: string): string {
  const field = fieldOf(resource, resource.keyField);
  const checked = checkValue({ ...field, required: true, codeList: undefined } as Field, raw);
  if (!checked.ok) throw invalid('key', checked.reason);
  return String(checked.value);
}

function fieldOf(resource: Resource, name: string): Field {
  const field = resource.fields.find((f) => f.name === name);
  if (!field) throw new HubError('CAT_BAD_STATE', `${resource.code} no longer has the field ${name}`);
  return field;
}

function signedIn(actor: Actor | null): Actor {
  if (actor === null) throw new HubError('ACC_UNAUTHENTICATED');
  return actor;
}
