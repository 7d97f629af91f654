import { checkValue, type CatalogService, type Field, type Resource, type TaskInbox } from '../catalog/index.js';
import type { Database, Kysely } from '../db/index.js';
import { HubError, addWorkingDays, chinaDate, invalid, msg } from '../kernel/index.js';
import type { SecretBox } from '../keys/index.js';
import type { Ledger } from '../ledger/index.js';
import type { RecordStore } from '../records/index.js';
import { CorrectionBox } from './correction-box.js';
import {
  mayView,
  toCorrection,
  type Correction,
  type CorrectionOutcome,
  type CorrectionRow,
  type Reporter,
  type Viewer,
} from './correction-view.js';
import { fixDaysOf } from './fix-days.js';
import type { CorrectionState, QualityTables, ReporterKind } from './tables.js';

/** The key of a report that names no record (the portal's only): it is about the field across the dataset. */
export const NO_RECORD = '';

/** Working days a provider has to fix or answer a reported error (问题数据纠错时间压缩至2个工作日内). */
export const FIX_DAYS = 2;
export const PAGE_SIZE = 50;

export interface CorrectionDeps {
  catalog: Pick<CatalogService, 'get'>;
  records: Pick<RecordStore, 'find' | 'correct'>;
  tasks: TaskInbox;
  ledger: Pick<Ledger, 'append' | 'subjectTag'>;
  /** The fields an active grant lets the organization read of the resource; null without one. */
  grantedFields(consumerOrg: string, resourceCode: string): Promise<ReadonlySet<string> | null>;
  /** Seals keys, values and notes at rest (the `correction` scope's data key). */
  box: SecretBox;
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
  private readonly sealed: CorrectionBox;

  constructor(
    database: Database,
    private readonly deps: CorrectionDeps,
  ) {
    this.db = database.kysely.withTables<QualityTables>();
    this.sealed = new CorrectionBox(deps.box);
  }

  /** Files a report; who `r` is and may report on is the permission layer's finding (AuthorizedCorrections). */
  async report(r: Reporter, input: CorrectionInput): Promise<Correction> {
    const a = r.actor;
    const resource = await this.deps.catalog.get(input.resource);
    if (resource.publishedAt === null)
      throw new HubError('CAT_RESOURCE_NOT_FOUND', msg('catalog.noPublishedResource', { code: input.resource }));
    const field = resource.fields.find((f) => f.name === input.field);
    if (!field) throw invalid('field', msg('catalog.noField', { code: resource.code, field: input.field }));
    if (field.name === resource.keyField) throw invalid('field', msg('quality.keyNotCorrectable'));
    // The portal's developers may report a field wrong across the dataset, naming no record: key ''.
    const key = r.portal && !input.key ? NO_RECORD : normalizeKey(resource, input.key ?? ownKey(r));
    const kind = await this.reporterKind(r, resource, key, field);
    const proposed =
      input.proposedValue === undefined || input.proposedValue === null ? null : input.proposedValue.trim();
    if (proposed !== null) {
      const checked = checkValue(field, proposed);
      if (!checked.ok) throw invalid('proposedValue', checked.message, { label: field.label });
    }
    if (key !== NO_RECORD && (await this.deps.records.find(resource.id, key)) === undefined) {
      throw new HubError('QLT_RECORD_NOT_FOUND', msg('records.noRecordIn', { code: resource.code }));
    }
    const now = this.deps.now();
    const row = await this.db
      .insertInto('quality.correction')
      .values({
        resource_code: resource.code,
        provider_org: resource.provider.code,
        ...(await this.sealed.seal({
          record_key: key,
          claimed_value: input.claimedValue.trim(),
          proposed_value: proposed,
          note: input.note?.trim() ?? '',
          old_value: null,
          new_value: null,
        })),
        subject_tag: this.tagOf(resource.code, key),
        field: field.name,
        reporter_kind: kind,
        reported_by: a.userId,
        reporter_org: kind === 'citizen' ? null : (a.org?.code ?? null),
        filed_at: now,
        due_date: addWorkingDays(now, FIX_DAYS),
        overdue_at: null,
        decided_at: null,
        decided_by: null,
        reject_reason: null,
        fix_days: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      .then((r) => this.sealed.open(r));
    await this.deps.tasks.open({
      org: row.provider_org,
      kind: 'correction.fix',
      ref: String(row.id),
      // Titles are read by many: they name the resource and field, never the record or values.
      title: `处理纠错 #${row.id}：${resource.name} · ${field.label}`,
      dueDate: row.due_date,
    });
    return this.recorded(row, resource, 'report', r);
  }

  /** The provider's officers accept: `value` (else the proposed one) is written into the record. */
  async accept(v: Viewer, id: number, opts: { value?: string | undefined } = {}): Promise<Correction> {
    const a = v.actor;
    const row = await this.decidable(v, id);
    const resource = await this.deps.catalog.get(row.resource_code);
    const field = fieldOf(resource, row.field);
    const raw = opts.value ?? row.proposed_value;
    if (row.record_key === NO_RECORD) return this.acceptAtSource(v, row, resource, field, raw);
    if (raw === null) throw invalid('value', msg('quality.noProposedValue'));
    const checked = checkValue(field, raw);
    if (!checked.ok) throw invalid('value', checked.message);
    const now = this.deps.now();
    const claimed = await this.decide(row, {
      state: 'accepted',
      decided_at: now,
      decided_by: a.username,
      new_value: await this.sealed.value(checked.value),
      fix_days: fixDaysOf(row.filed_at, now),
    });
    let previous: unknown;
    try {
      ({ previous } = await this.deps.records.correct(resource.id, row.record_key, field.name, checked.value, id));
    } catch (e) {
      // The record could not be changed: the correction is open again, as it was.
      await this.db
        .updateTable('quality.correction')
        .set({ state: 'open', decided_at: null, decided_by: null, new_value: null, fix_days: null })
        .where('id', '=', id)
        .execute();
      throw e;
    }
    const done = await this.db
      .updateTable('quality.correction')
      .set({ old_value: await this.sealed.value(previous ?? null) })
      .where('id', '=', claimed.id)
      .returningAll()
      .executeTakeFirstOrThrow()
      .then((r) => this.sealed.open(r));
    await this.closeTasks(id);
    return this.recorded(done, resource, 'accept', v);
  }

  /**
   * A report naming no record (a developer's, about a field across the dataset) is accepted as
   * fixed at the source: no record is written here, the next load brings the fixed values; the
   * value given, if any, is checked and kept as what the field should hold.
   */
  private async acceptAtSource(
    v: Viewer,
    row: CorrectionRow,
    resource: Resource,
    field: Field,
    raw: string | null,
  ): Promise<Correction> {
    let value: unknown = null;
    if (raw !== null) {
      const checked = checkValue(field, raw);
      if (!checked.ok) throw invalid('value', checked.message);
      value = checked.value;
    }
    const now = this.deps.now();
    const done = await this.decide(row, {
      state: 'accepted',
      decided_at: now,
      decided_by: v.actor.username,
      new_value: await this.sealed.value(value),
      fix_days: fixDaysOf(row.filed_at, now),
    });
    await this.closeTasks(row.id);
    return this.recorded(done, resource, 'accept', v);
  }

  /** The provider's officers reject with a reason (see `rejectReason`). */
  async reject(v: Viewer, id: number, reason: string): Promise<Correction> {
    const a = v.actor;
    const text = rejectReason(reason);
    const row = await this.decidable(v, id);
    const done = await this.decide(row, {
      state: 'rejected',
      decided_at: this.deps.now(),
      decided_by: a.username,
      reject_reason: text,
    });
    await this.closeTasks(id);
    return this.recorded(done, await this.deps.catalog.get(row.resource_code), 'reject', v);
  }

  /** Where the portal's reports stand (`PORTAL_REPORTER`'s only): state and answer, never values or keys. */
  async outcomes(ids: number[]): Promise<CorrectionOutcome[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('quality.correction')
      .select(['id', 'state', 'due_date', 'decided_at', 'reject_reason'])
      .where('id', 'in', ids)
      .where('reporter_kind', '=', 'portal')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      state: r.state,
      dueDate: r.due_date,
      decidedAt: r.decided_at?.toISOString() ?? null,
      rejectReason: r.reject_reason,
    }));
  }

  async get(viewer: Viewer, id: number): Promise<Correction> {
    return (await this.describe([await this.visibleRow(viewer, id)], viewer))[0]!;
  }

  /** Operators and auditors see every correction; others those they reported, answer for, or are about them. */
  async list(viewer: Viewer, filter: CorrectionFilter = {}): Promise<CorrectionPage> {
    const page = Math.max(1, filter.page ?? 1);
    const today = chinaDate(this.deps.now());
    let q = this.db.selectFrom('quality.correction');
    if (!viewer.seesAll) {
      const org = viewer.actor.org?.code ?? null;
      q = q.where((eb) =>
        eb.or([
          eb('reported_by', '=', viewer.actor.userId),
          ...(org ? [eb('provider_org', '=', org), eb('reporter_org', '=', org)] : []),
          ...(viewer.citizenId ? [eb('subject_tag', '=', this.deps.ledger.subjectTag(viewer.citizenId))] : []),
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
      .execute()
      .then((r) => this.sealed.openAll(r));
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
  private async reporterKind(r: Reporter, resource: Resource, key: string, field: Field): Promise<ReporterKind> {
    const a = r.actor;
    if (r.portal) return 'portal';
    if (r.anyRecord) return 'operator';
    if (r.ownRecords) {
      if (r.citizenId === key) return 'citizen';
      throw new HubError('ACC_FORBIDDEN', msg('quality.citizenOwnOnly'));
    }
    const org = a.org?.code;
    if (org && r.underGrant(resource.provider.code)) {
      const granted = await this.deps.grantedFields(org, resource.code);
      if (granted?.has(field.name)) return 'consumer';
    }
    throw new HubError(
      'ACC_FORBIDDEN',
      msg('quality.noGrantOnField', { user: a.username, code: resource.code, field: field.label }),
    );
  }

  /** The provider answering for a correction the viewer may see, for the permission check before deciding. */
  async provider(viewer: Viewer, id: number): Promise<string> {
    return (await this.visibleRow(viewer, id)).provider_org;
  }

  /** An open correction; whether the caller may decide it is checked before (AuthorizedCorrections). */
  private async decidable(viewer: Viewer, id: number): Promise<CorrectionRow> {
    const row = await this.visibleRow(viewer, id);
    if (row.state !== 'open')
      throw new HubError(
        'QLT_ALREADY_DECIDED',
        msg('quality.correctionDecided', { id, state: msg(`correctionState.${row.state}`) }),
      );
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
    if (!updated) throw new HubError('QLT_ALREADY_DECIDED', msg('quality.correctionDecidedMeanwhile', { id: row.id }));
    return this.sealed.open(updated);
  }

  private async closeTasks(id: number): Promise<void> {
    await this.deps.tasks.close('correction.fix', String(id));
    await this.deps.tasks.close('correction.overdue', String(id));
    await this.deps.tasks.close('correction.overdue', `${id}/operators`);
  }

  /** On the ledger under the record's subject tag, so that the citizen concerned finds it; no values. */
  private async recorded(row: CorrectionRow, resource: Resource, action: Action, viewer: Viewer): Promise<Correction> {
    const a = viewer.actor;
    await this.deps.ledger.append({
      kind: 'quality.correction.changed',
      action,
      correction: row.id,
      resource: row.resource_code,
      field: row.field,
      provider: row.provider_org,
      reporter: row.reporter_kind,
      state: row.state,
      subject: this.tagOf(row.resource_code, row.record_key),
      actor: a.username,
      org: a.org?.code ?? null,
      at: this.deps.now().toISOString(),
    });
    return toCorrection(row, resource, viewer, chinaDate(this.deps.now()));
  }

  /**
   * Seals the corrections stored before they were sealed (quality migration 005), a batch at a
   * time, when the hub starts and before it serves. Processes starting together share the work:
   * a row is rewritten only while it is still unsealed. Returns how many this process sealed.
   */
  async sealAtRest(batch = 500): Promise<number> {
    let sealed = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('quality.correction')
        .selectAll()
        .where('subject_tag', 'is', null)
        .orderBy('id')
        .limit(batch)
        .execute();
      if (rows.length === 0) return sealed;
      for (const r of rows) {
        const done = await this.db
          .updateTable('quality.correction')
          .set({ ...(await this.sealed.seal(r)), subject_tag: this.tagOf(r.resource_code, r.record_key) })
          .where('id', '=', r.id)
          .where('subject_tag', 'is', null)
          .executeTakeFirst();
        sealed += Number(done.numUpdatedRows);
      }
    }
  }

  /** A report naming no record is about no subject: it is tagged with the resource's code. */
  private tagOf(resourceCode: string, key: string): string {
    return this.deps.ledger.subjectTag(key === NO_RECORD ? resourceCode : key);
  }

  /** The correction, or 404 when it does not exist or is none of the caller's business. */
  private async visibleRow(viewer: Viewer, id: number): Promise<CorrectionRow> {
    const stored = await this.db.selectFrom('quality.correction').selectAll().where('id', '=', id).executeTakeFirst();
    const row = stored && (await this.sealed.open(stored));
    if (!row || !mayView(viewer, row))
      throw new HubError('QLT_CORRECTION_NOT_FOUND', msg('quality.noCorrection', { id }));
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
  if (!checked.ok) throw invalid('key', checked.message);
  return String(checked.value);
}

function fieldOf(resource: Resource, name: string): Field {
  const field = resource.fields.find((f) => f.name === name);
  if (!field) throw new HubError('QLT_FIELD_GONE', msg('quality.fieldGone', { code: resource.code, field: name }));
  return field;
}

/** A citizen's own ID stands for a key left out; anyone else must give one. */
function ownKey(r: Reporter): string {
  if (!r.ownRecords || r.citizenId === null) throw invalid('key', msg('quality.keyRequired'));
  return r.citizenId;
}

/** A rejection says why the value is right as it is. */
export function rejectReason(reason: string | undefined): string {
  const text = reason?.trim() ?? '';
  if (text.length < 2) throw invalid('reason', msg('quality.rejectReasonRequired'));
  return text;
}
