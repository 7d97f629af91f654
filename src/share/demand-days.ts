import { sql, type Kysely } from '../db/index.js';
import { workingDaysBetween } from '../kernel/index.js';
import type { ShareTables } from './tables.js';

export type TimedStep = 'confirm' | 'publish';

/** Working days a demand took from filing to a step (China's calendar; never below 0). */
export function stepDaysOf(filedAt: Date, doneAt: Date): number {
  return Math.max(0, workingDaysBetween(filedAt, doneAt));
}

/** Timed demands without their working days, healed per statement. */
const HEAL_BATCH = 5_000;

/**
 * 需求响应时长 per providing department and step: the working days of its confirmed (or published)
 * demands summed, and how many. Read from `share.demand_days` (migration 007), kept by triggers as
 * demands are confirmed and published, so the cockpit reads a row per department and step however
 * many demands there are. The days are counted in the process when the step is taken (the holiday
 * calendar is the kernel's); a demand timed without them — before the migration, or written by
 * hand — is counted here first (its department from `providerOf`), and from then on by the tally.
 */
export async function stepDaysByProvider(
  db: Kysely<ShareTables>,
  step: TimedStep,
  providerOf: (resourceCode: string | null, assignedOrg: string | null) => Promise<string | null>,
): Promise<Map<string, { days: number; demands: number }>> {
  for (;;) {
    const missing = await db
      .selectFrom('share.demand')
      .select(['id', 'resource_code', 'assigned_org', 'days_org', 'filed_at', 'confirmed_at', 'published_at'])
      .where((eb) =>
        eb.or([
          eb.and([eb('confirmed_at', 'is not', null), eb('confirm_days', 'is', null)]),
          eb.and([eb('published_at', 'is not', null), eb('publish_days', 'is', null)]),
        ]),
      )
      .limit(HEAL_BATCH)
      .execute();
    if (missing.length === 0) break;
    // Once per resource (and assignment), not per demand: a first heal may hold thousands of one resource's.
    const asked = new Map<string, Promise<string | null>>();
    const orgOf = (code: string | null, assigned: string | null) => {
      const key = `${code ?? ''}\u0000${assigned ?? ''}`;
      if (!asked.has(key)) asked.set(key, providerOf(code, assigned));
      return asked.get(key)!;
    };
    const orgs = await Promise.all(missing.map((m) => m.days_org ?? orgOf(m.resource_code, m.assigned_org)));
    const days = (at: Date | null, filed: Date) => (at === null ? null : stepDaysOf(filed, at));
    await sql`update share.demand d set days_org = coalesce(d.days_org, v.org),
        confirm_days = coalesce(d.confirm_days, v.confirm_days), publish_days = coalesce(d.publish_days, v.publish_days)
      from unnest(cast(${missing.map((m) => m.id)} as int[]), cast(${orgs} as text[]),
                  cast(${missing.map((m) => days(m.confirmed_at, m.filed_at))} as int[]),
                  cast(${missing.map((m) => days(m.published_at, m.filed_at))} as int[]))
        as v(id, org, confirm_days, publish_days)
      where d.id = v.id`.execute(db);
  }
  const rows = await db.selectFrom('share.demand_days').selectAll().where('step', '=', step).execute();
  return new Map(rows.map((r) => [r.org, { days: Number(r.days), demands: Number(r.demands) }]));
}
