import { sql, type Kysely } from '../db/index.js';
import type { QualityTables } from './tables.js';

/**
 * How the providers answer reported errors. Rates are percentages with one decimal, null when
 * their denominator is zero:
 *  - fixRate      = fixed / (reported − rejected): of the reports that are (or may be) real
 *                   problems, the share fixed — open ones count against it until answered;
 *  - onTimeRate   = answered on or before the due date / answered (fixed + rejected);
 *  - medianFixHours: median of (accepted at − filed at) over fixed ones, in calendar hours.
 * `overdue` counts the open ones past their due date now.
 */
export interface CorrectionIndicators {
  reported: number;
  fixed: number;
  rejected: number;
  open: number;
  overdue: number;
  fixRate: number | null;
  medianFixHours: number | null;
  onTimeRate: number | null;
}

export interface QualityIndicators {
  cityWide: CorrectionIndicators;
  byProvider: Array<CorrectionIndicators & { org: { code: string; name: string } }>;
}

interface Counts {
  provider_org: string | null;
  /** 1 on the row of the empty grouping set: the whole city. */
  city: number;
  reported: number;
  fixed: number;
  rejected: number;
  open: number;
  overdue: number;
  on_time: number;
  median_hours: number | null;
}

/** One pass over the corrections: each provider and, by the empty grouping set, the whole city. */
export async function correctionIndicators(
  db: Kysely<QualityTables>,
  today: string,
  orgName: (code: string) => Promise<string | undefined>,
): Promise<QualityIndicators> {
  // Answered "on time" compares the answer's calendar day in China (UTC+8, no daylight saving)
  // with the due date; a fixed offset keeps to SQL every engine has, without time zone data.
  const { rows } = await sql<Counts>`
    select provider_org, grouping(provider_org)::int as city,
      count(*)::int as reported,
      count(*) filter (where state = 'accepted')::int as fixed,
      count(*) filter (where state = 'rejected')::int as rejected,
      count(*) filter (where state = 'open')::int as open,
      count(*) filter (where state = 'open' and due_date < ${today}::date)::int as overdue,
      count(*) filter (where state <> 'open'
        and ((decided_at at time zone 'UTC') + interval '8 hours')::date <= due_date)::int as on_time,
      percentile_cont(0.5) within group (order by extract(epoch from decided_at - filed_at) / 3600)
        filter (where state = 'accepted') as median_hours
    from quality.correction
    group by grouping sets ((provider_org), ())
    order by provider_org nulls first`.execute(db);
  const city = rows.find((r) => Number(r.city) === 1);
  const byProvider = [];
  for (const r of rows.filter((x) => Number(x.city) === 0)) {
    const code = r.provider_org!;
    byProvider.push({ org: { code, name: (await orgName(code)) ?? code }, ...figures(r) });
  }
  return { cityWide: city ? figures(city) : figures(), byProvider };
}

function figures(r?: Counts): CorrectionIndicators {
  const c = r ?? {
    provider_org: null,
    city: 1,
    reported: 0,
    fixed: 0,
    rejected: 0,
    open: 0,
    overdue: 0,
    on_time: 0,
    median_hours: null,
  };
  const answered = c.fixed + c.rejected;
  return {
    reported: c.reported,
    fixed: c.fixed,
    rejected: c.rejected,
    open: c.open,
    overdue: c.overdue,
    fixRate: percent(c.fixed, c.reported - c.rejected),
    medianFixHours: c.median_hours === null ? null : Math.round(Number(c.median_hours) * 10) / 10,
    onTimeRate: percent(c.on_time, answered),
  };
}

export function percent(part: number, whole: number): number | null {
  return whole <= 0 ? null : Math.round((1000 * part) / whole) / 10;
}
