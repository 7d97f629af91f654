import { json, type RawBuilder } from '../db/index.js';
import type { SecretBox } from '../keys/index.js';
import type { CorrectionRow } from './correction-view.js';

/** The columns of a correction that carry a record's key, its values or the reporter's words. */
export type SealedColumns = Pick<
  CorrectionRow,
  'record_key' | 'claimed_value' | 'proposed_value' | 'note' | 'old_value' | 'new_value'
>;

/**
 * Corrections at rest (#15): a report names its record by key — a citizen's ID, often — and
 * carries the value seen, the value proposed, the value replaced and the value written, of any
 * field, the sensitive ones included. All of them are sealed with the `correction` data key,
 * whatever the field's sensitivity: a report is about one person, and there are few enough
 * reports for a seal each to cost nothing. A citizen finds the reports about them by the row's
 * `subject_tag` (the ledger's keyed tag of the key), not by the key.
 *
 * The rest of the module works on opened rows: rows are opened as they are read and their
 * columns sealed as they are written, here and nowhere else.
 */
export class CorrectionBox {
  constructor(private readonly box: SecretBox) {}

  /** The columns as stored; a value that is not set (SQL null) stays null. */
  async seal(plain: SealedColumns) {
    return {
      record_key: await this.text(plain.record_key),
      claimed_value: await this.text(plain.claimed_value),
      proposed_value: plain.proposed_value === null ? null : await this.text(plain.proposed_value),
      note: await this.text(plain.note),
      old_value: plain.old_value === null ? null : await this.value(plain.old_value),
      new_value: plain.new_value === null ? null : await this.value(plain.new_value),
    };
  }

  /** A key or a text as stored; '' (a report naming no record) stays '', it names nobody. */
  async text(plain: string): Promise<string> {
    return plain === '' ? '' : this.box.seal(Buffer.from(plain, 'utf8'));
  }

  /** A typed value (jsonb) as stored: its JSON, sealed, as a JSON string. */
  async value(plain: unknown): Promise<RawBuilder<string>> {
    return json(await this.box.seal(Buffer.from(JSON.stringify(plain ?? null), 'utf8')));
  }

  async open(row: CorrectionRow): Promise<CorrectionRow> {
    return {
      ...row,
      record_key: await this.openText(row.record_key),
      claimed_value: await this.openText(row.claimed_value),
      proposed_value: row.proposed_value === null ? null : await this.openText(row.proposed_value),
      note: await this.openText(row.note),
      old_value: await this.openValue(row.old_value),
      new_value: await this.openValue(row.new_value),
    };
  }

  async openAll(rows: CorrectionRow[]): Promise<CorrectionRow[]> {
    return Promise.all(rows.map((r) => this.open(r)));
  }

  private async openText(stored: string): Promise<string> {
    return this.box.isSealed(stored) ? (await this.box.open(stored)).toString('utf8') : stored;
  }

  private async openValue(stored: unknown): Promise<unknown> {
    if (typeof stored !== 'string' || !this.box.isSealed(stored)) return stored;
    return JSON.parse((await this.box.open(stored)).toString('utf8')) as unknown;
  }
}
