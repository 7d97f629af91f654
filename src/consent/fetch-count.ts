import { sql, type Kysely } from '../db/index.js';
import { StateReads, type State } from './state-reads.js';
import type { ConsentTables } from './tables.js';

/** Fetches of a period at or below which each one is counted in the database as it happens. */
const EXACT_UP_TO = 16;
/** Above that, a process takes this share of the period's fetches at a time. */
const BLOCKS = 16;
/** Slots kept before the map is cleared (old periods' slots are never looked at again). */
const MAX_SLOTS = 50_000;

/**
 * The two halves of a fetch's admission (docs/consent.md, "The fetch"):
 * - `state`: the consent's status as the database has it now, read for every fetch (the reads
 *   of concurrent fetches in one statement), so that a revocation or pause committed by any
 *   process refuses the very next call everywhere;
 * - `take`: room in the period's frequency. The shared count in `consent.use` never exceeds the
 *   period's maximum. A frequency of up to EXACT_UP_TO a period (the usual "4 a month") is counted
 *   fetch by fetch; a larger one is taken by a process in blocks of a BLOCKS-th and spent from
 *   memory, so that a consent allowing thousands of calls a day does not write a row on each.
 *   A block a process did not spend before it stopped is lost to that period: never more fetches
 *   than consented, at worst a few fewer.
 */
export class FetchCounter {
  private readonly left = new Map<string, number>();
  private readonly states: StateReads;

  constructor(private readonly db: Kysely<ConsentTables>) {
    this.states = new StateReads(db);
  }

  /** The consent's state as the database has it now (state-reads.ts: concurrent fetches share a read). */
  state(id: string): Promise<State | undefined> {
    return this.states.read(id);
  }

  /** Takes one fetch of the period; false when the period's fetches are used up. */
  async take(id: string, period: string, max: number): Promise<boolean> {
    const slot = `${id}|${period}`;
    const left = this.left.get(slot) ?? 0;
    if (left > 0) {
      this.left.set(slot, left - 1);
      return true;
    }
    const block = max <= EXACT_UP_TO ? 1 : Math.ceil(max / BLOCKS);
    const granted = await this.reserve(id, period, block, max);
    if (granted === 0) return false;
    if (this.left.size >= MAX_SLOTS) this.left.clear();
    this.left.set(slot, granted - 1);
    return true;
  }

  /** Adds up to `block` to the period's shared count, never past `max`; answers how many it added. */
  private async reserve(id: string, period: string, block: number, max: number): Promise<number> {
    // Another process may insert the period's row between the update and the insert: then again.
    return (
      (await this.add(id, period, block, max)) ??
      (await this.insert(id, period, Math.min(block, max))) ??
      (await this.add(id, period, block, max)) ??
      0
    );
  }

  private async add(id: string, period: string, block: number, max: number): Promise<number | undefined> {
    const { rows } = await sql<{ granted: number }>`
      with before as (select used from consent.use where consent_id = ${id} and period = ${period} for update)
      update consent.use u set used = least(before.used + ${block}, ${max}) from before
       where u.consent_id = ${id} and u.period = ${period} and before.used < ${max}
      returning u.used - before.used as granted`.execute(this.db);
    // No row of the period yet: undefined; a row already at the maximum: 0.
    if (rows[0]) return rows[0].granted;
    const exists = await sql`select 1 from consent.use where consent_id = ${id} and period = ${period}`.execute(
      this.db,
    );
    return exists.rows.length > 0 ? 0 : undefined;
  }

  private async insert(id: string, period: string, first: number): Promise<number | undefined> {
    const { rows } = await sql<{ granted: number }>`
      insert into consent.use (consent_id, period, used) values (${id}, ${period}, ${first})
      on conflict (consent_id, period) do nothing
      returning used as granted`.execute(this.db);
    return rows[0]?.granted;
  }
}
