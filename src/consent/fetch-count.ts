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
  private readonly reserving = new Map<string, Promise<number>>();
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
    const block = max <= EXACT_UP_TO ? 1 : Math.ceil(max / BLOCKS);
    while (!this.spend(slot)) {
      const granted = await this.reservation(slot, () => this.reserve(id, period, block, max));
      // None left to take: only what a reservation of another fetch left over.
      if (granted === 0) return this.spend(slot);
    }
    return true;
  }

  private spend(slot: string): boolean {
    const left = this.left.get(slot) ?? 0;
    if (left <= 0) return false;
    this.left.set(slot, left - 1);
    return true;
  }

  /** One reservation at a time per slot: fetches that find none left wait for it rather than each taking a block. */
  private reservation(slot: string, reserve: () => Promise<number>): Promise<number> {
    let pending = this.reserving.get(slot);
    if (!pending) {
      pending = reserve()
        .then((granted) => {
          if (this.left.size >= MAX_SLOTS) this.left.clear();
          this.left.set(slot, (this.left.get(slot) ?? 0) + granted);
          return granted;
        })
        .finally(() => this.reserving.delete(slot));
      this.reserving.set(slot, pending);
    }
    return pending;
  }

  /** Adds up to `block` to the period's shared count, never past `max`; answers how many it added. */
  private async reserve(id: string, period: string, block: number, max: number): Promise<number> {
    // The period's first fetches race to insert its row: a loser finds it on the next pass.
    for (let pass = 0; pass < 3; pass++) {
      const { granted, held } = await this.add(id, period, block, max);
      if (granted !== null) return granted;
      if (held) return 0;
      const first = await this.insert(id, period, Math.min(block, max));
      if (first !== undefined) return first;
    }
    return 0;
  }

  /**
   * Adds up to `block` to the period's row, never past `max`. In one statement, so that "no row
   * yet" (`held` false: insert it) is told apart from "a row at the maximum" (`held` true) as of
   * the same moment: a row another process inserts meanwhile is found on the next pass.
   */
  private async add(
    id: string,
    period: string,
    block: number,
    max: number,
  ): Promise<{ granted: number | null; held: boolean }> {
    const { rows } = await sql<{ granted: number | null; held: boolean }>`
      with before as (select used from consent.use where consent_id = ${id} and period = ${period} for update),
      added as (
        update consent.use u set used = least(before.used + ${block}, ${max}) from before
         where u.consent_id = ${id} and u.period = ${period} and before.used < ${max}
        returning u.used - before.used as granted)
      select (select granted from added) as granted, exists (select 1 from before) as held`.execute(this.db);
    return { granted: rows[0]?.granted ?? null, held: rows[0]?.held ?? false };
  }

  private async insert(id: string, period: string, first: number): Promise<number | undefined> {
    const { rows } = await sql<{ granted: number }>`
      insert into consent.use (consent_id, period, used) values (${id}, ${period}, ${first})
      on conflict (consent_id, period) do nothing
      returning used as granted`.execute(this.db);
    return rows[0]?.granted;
  }
}
