import { sql, type Kysely } from '../db/index.js';
import { Tally } from '../kernel/index.js';
import type { LicenceTables } from './tables.js';

export type LicenceEvent = LicenceTables['licence.event_count']['event'];

/** Totals per licence type and issuer, for the cockpit. */
export interface LicenceStats {
  type: string;
  issuer: string;
  issued: number;
  revised: number;
  revoked: number;
  presented: number;
  verified: number;
}

interface Counted {
  day: string;
  type: string;
  issuer: string;
  event: LicenceEvent;
}

/**
 * Counts of licence events per China-time day, type and issuer, kept in memory and added a second
 * later (kernel's Tally): a verification — public and the most frequent — costs no write of its
 * own and does not wait on the one row every verification of a type would otherwise update.
 */
export class Counters {
  private readonly tally: Tally<Counted>;

  constructor(
    private readonly db: Kysely<LicenceTables>,
    private readonly now: () => Date,
  ) {
    this.tally = new Tally(async (counts) => {
      await db
        .insertInto('licence.event_count')
        .values(
          counts.map(({ key: c, n }) => ({
            day: c.day,
            type_code: c.type,
            issuer_org: c.issuer,
            event: c.event,
            count: n,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['day', 'type_code', 'issuer_org', 'event'])
            .doUpdateSet({ count: sql`licence.event_count.count + excluded.count` }),
        )
        .execute();
    });
  }

  add(type: string, issuer: string, event: LicenceEvent): void {
    const day = new Date(this.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    this.tally.add([day, type, issuer, event].join('|'), { day, type, issuer, event });
  }

  flush(): Promise<void> {
    return this.tally.flush();
  }

  /** Totals since `from` (a YYYY-MM-DD China day; all time without it), by type and issuer. */
  async stats(from?: string): Promise<LicenceStats[]> {
    await this.flush();
    let q = this.db
      .selectFrom('licence.event_count')
      .select(['type_code', 'issuer_org', 'event', (eb) => eb.fn.sum<string>('count').as('n')])
      .groupBy(['type_code', 'issuer_org', 'event']);
    if (from) q = q.where('day', '>=', from);
    const rows = await q.execute();
    const out = new Map<string, LicenceStats>();
    for (const r of rows) {
      const id = `${r.type_code}\u0000${r.issuer_org}`;
      const s = out.get(id) ?? {
        type: r.type_code,
        issuer: r.issuer_org,
        issued: 0,
        revised: 0,
        revoked: 0,
        presented: 0,
        verified: 0,
      };
      s[r.event] += Number(r.n);
      out.set(id, s);
    }
    return [...out.values()].sort((a, b) => a.type.localeCompare(b.type) || a.issuer.localeCompare(b.issuer));
  }
}
