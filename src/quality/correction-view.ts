import type { Actor } from '../access/index.js';
import type { Field, FieldValue, Resource } from '../catalog/index.js';
import type { Selectable } from '../db/index.js';
import { maskValue } from '../share/index.js';
import { workingDaysBetween } from '../kernel/index.js';
import type { CorrectionState, QualityTables, ReporterKind } from './tables.js';

export type CorrectionRow = Selectable<QualityTables['quality.correction']>;

/** 纠错: a reported wrong value of one field of one record, and what its provider did about it. */
export interface Correction {
  id: number;
  resource: { code: string; name: string; provider: { code: string; name: string } };
  /**
   * The record's key; masked for viewers who are neither its provider, its reporter nor its
   * subject. '' when the report names no record (the portal's developers may report a field).
   */
  key: string;
  field: { name: string; label: string };
  claimedValue: string;
  proposedValue: string | null;
  note: string;
  /** Who reported it: a citizen is not named, an organization is. `self`: the viewer did. */
  reporter: { kind: ReporterKind; org: string | null; self: boolean };
  state: CorrectionState;
  filedAt: string;
  dueDate: string;
  /** Open past its due date (China time). */
  overdue: boolean;
  /** Working days until the due date while open; negative once overdue. */
  workingDaysLeft: number | null;
  /** When the periodic check first flagged it overdue. */
  flaggedAt: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  rejectReason: string | null;
  /** The value an accepted correction wrote. */
  newValue: FieldValue | null;
  /** Whether key and values are masked for this viewer. */
  masked: boolean;
}

/**
 * What a viewer is, as the permission layer (AuthorizedCorrections) found it from the policy:
 * who they are, whether they watch every correction, and, for a citizen, whose records are theirs.
 */
export interface Viewer {
  actor: Actor;
  citizenId: string | null;
  seesAll: boolean;
}

/** A reporter: which records the policy lets them report on; the grant and the key are checked as data. */
export interface Reporter extends Viewer {
  anyRecord: boolean;
  /** The records keyed by their own `citizenId`. */
  ownRecords: boolean;
  /** As holder of a grant on a resource of this provider. */
  underGrant(provider: string): boolean;
  /** The open-data portal, for a developer: it checked that the field and record are public. */
  portal?: true;
}

/** The open-data portal as the reporter of its developers' error reports: no hub user (id 0), no organization. */
export const PORTAL_REPORTER: Reporter = {
  actor: { userId: 0, username: 'open-portal', roles: [], org: null, via: 'token' },
  citizenId: null,
  seesAll: false,
  anyRecord: false,
  ownRecords: false,
  underGrant: () => false,
  portal: true,
};

/** What a portal developer is told of their report: where it stands and the provider's answer, no values. */
export interface CorrectionOutcome {
  id: number;
  state: CorrectionState;
  dueDate: string;
  decidedAt: string | null;
  rejectReason: string | null;
}

/**
 * The people answering for the record (its provider), whoever reported it, and its subject see
 * the key and the values plainly; the operators and auditors watching every correction see them
 * masked as each field's data element says, as they see records.
 */
export function seesPlainly(v: Viewer, row: CorrectionRow): boolean {
  const org = v.actor.org?.code;
  return (
    (org !== undefined && (row.provider_org === org || row.reporter_org === org)) ||
    row.reported_by === v.actor.userId ||
    (v.citizenId !== null && row.record_key === v.citizenId)
  );
}

export function mayView(v: Viewer, row: CorrectionRow): boolean {
  return v.seesAll || seesPlainly(v, row);
}

export function toCorrection(row: CorrectionRow, resource: Resource, v: Viewer, today: string): Correction {
  const field = resource.fields.find((f) => f.name === row.field) ?? textField(row.field);
  const keyField = resource.fields.find((f) => f.name === resource.keyField) ?? textField(resource.keyField);
  const plain = seesPlainly(v, row);
  const show = (f: Field, value: unknown) => (plain || value === null ? value : maskValue(f, value));
  const open = row.state === 'open';
  return {
    id: row.id,
    resource: {
      code: resource.code,
      name: resource.name,
      provider: { code: resource.provider.code, name: resource.provider.name },
    },
    // '' names no record (a portal report about the field across the dataset): nothing to mask.
    key: row.record_key === '' ? '' : String(show(keyField, row.record_key)),
    field: { name: field.name, label: field.label },
    claimedValue: String(show(field, row.claimed_value)),
    proposedValue: row.proposed_value === null ? null : String(show(field, row.proposed_value)),
    note: plain ? row.note : row.note && '***',
    reporter: { kind: row.reporter_kind, org: row.reporter_org, self: row.reported_by === v.actor.userId },
    state: row.state,
    filedAt: row.filed_at.toISOString(),
    dueDate: row.due_date,
    overdue: open && row.due_date < today,
    workingDaysLeft: open ? workingDaysBetween(today, row.due_date) : null,
    flaggedAt: row.overdue_at?.toISOString() ?? null,
    decidedAt: row.decided_at?.toISOString() ?? null,
    decidedBy: row.decided_by,
    rejectReason: row.reject_reason,
    newValue: row.new_value === null || row.new_value === undefined ? null : (show(field, row.new_value) as FieldValue),
    masked: !plain,
  };
}

/** A field the resource no longer has (its definition changed since the report): shown as text. */
function textField(name: string): Field {
  return { name, label: name, type: 'string', required: false, sensitivity: 4 };
}
