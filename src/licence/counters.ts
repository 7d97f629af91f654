import { sql, type Kysely } from '../db/index.js';
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

/** Counts of licence events per China-time day, type and issuer: one upsert per event. */
export class Counters {
  constructor(
    private readonly db: Kysely<LicenceTables>,
    private readonly now: () => Date,
  ) {}

  async add(type: string, issuer: string, event: LicenceEvent): Promise<void> {
    const day = new Date(this.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    await this.db
      .insertInto('licence.event_count')
      .values({ day, type_code: type, issuer_org: issuer, event, count: 1 })
      .onConflict((oc) =>
        oc
          .columns(['day', 'type_code', 'issuer_org', 'event'])
          .doUpdateSet({ count: sql`licence.event_count.count + 1` }),
      )
      .execute();
  }

  /** Totals since `from` (a YYYY-MM-DD China day; all time without it), by type and issuer. */
  async stats(from?: string): Promise<LicenceStats[]> {
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
