import { sql, type Kysely } from '../db/index.js';
import { workingDaysBetween } from '../kernel/index.js';
import type { QualityTables } from './tables.js';

/** Working days a correction took, filed to accepted (China's calendar; never below 0). */
export function fixDaysOf(filedAt: Date, decidedAt: Date): number {
  return Math.max(0, workingDaysBetween(filedAt, decidedAt));
}

/** Accepted corrections without their working days, healed per statement. */
const HEAL_BATCH = 5_000;

/**
 * 整改时长 per providing department: the working days of its accepted corrections summed, and how
 * many. Read from `quality.fix_tally` (migration 004), which triggers keep as corrections are
 * accepted or reopened, so the cockpit reads a row per department however many corrections there
 * are. The working days are counted in the process (the holiday calendar is the kernel's) when a
 * correction is accepted; an accepted row without them — decided before the migration, or written
 * by hand — is counted here first, and from then on by the tally.
 */
export async function fixDaysByProvider(
  db: Kysely<QualityTables>,
): Promise<Map<string, { days: number; fixes: number }>> {
  for (;;) {
    const missing = await db
      .selectFrom('quality.correction')
      .select(['id', 'filed_at', 'decided_at'])
      .where('state', '=', 'accepted')
      .where('fix_days', 'is', null)
      .where('decided_at', 'is not', null)
      .limit(HEAL_BATCH)
      .execute();
    if (missing.length === 0) break;
    const ids = missing.map((m) => m.id);
    const days = missing.map((m) => fixDaysOf(m.filed_at, m.decided_at!));
    await sql`update quality.correction c set fix_days = v.days
      from unnest(cast(${ids} as int[]), cast(${days} as int[])) as v(id, days)
      where c.id = v.id and c.fix_days is null`.execute(db);
  }
  const rows = await db.selectFrom('quality.fix_tally').selectAll().execute();
  return new Map(rows.map((r) => [r.provider_org, { days: Number(r.days), fixes: Number(r.fixes) }]));
}
