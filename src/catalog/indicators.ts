import { sql, type Kysely } from '../db/index.js';
import { addWorkingDays, chinaDate } from '../kernel/index.js';
import { REVIEW_DAYS } from './service.js';
import type { CatalogTables } from './tables.js';

/**
 * The counts every rate is a quotient of, for one organization or, summed, the city: the city's
 * rates are never computed any other way than a department's (docs/indicators.md).
 */
export interface IndicatorCounts {
  /** Resources registered in the catalog, whatever their status. */
  resources: number;
  published: number;
  /** Published resources that mount real data: rows loaded, or a declared table or service. */
  mounted: number;
  /** Published resources whose share type is not `none`. */
  shareable: number;
  /** Published resources whose open type is not `closed`. */
  openable: number;
  /** Submissions decided (approved or returned), and open ones already past the review deadline. */
  decided: number;
  /** Submissions decided within REVIEW_DAYS working days. */
  onTime: number;
}

export type CatalogRate = 'catalogRate' | 'mountRate' | 'timeliness' | 'sharingRate' | 'openRate';

/**
 * The one definition of each catalog indicator: which count is divided by which. Every figure —
 * a department's row, the city's, the cockpit's — is `rateOf` over these; docs/indicators.md
 * says the same in words, with the period (a snapshot at the time of the request; timeliness
 * over every submission so far).
 */
export const CATALOG_RATES: Readonly<
  Record<CatalogRate, { numerator: keyof IndicatorCounts; denominator: keyof IndicatorCounts }>
> = {
  catalogRate: { numerator: 'published', denominator: 'resources' },
  mountRate: { numerator: 'mounted', denominator: 'published' },
  timeliness: { numerator: 'onTime', denominator: 'decided' },
  sharingRate: { numerator: 'shareable', denominator: 'published' },
  openRate: { numerator: 'openable', denominator: 'published' },
};

/** A rate of CATALOG_RATES over some counts, 0–1; null when there is nothing to divide. */
export function rateOf(rate: CatalogRate, c: IndicatorCounts): number | null {
  const { numerator, denominator } = CATALOG_RATES[rate];
  return c[denominator] === 0 ? null : c[numerator] / c[denominator];
}

/** One organization's (or the city's) catalog figures; a rate is null when there is nothing to divide. */
export interface IndicatorRow {
  resources: number;
  published: number;
  /** What the rates are quotients of, so that a reader can check them and add them up. */
  counts: IndicatorCounts;
  catalogRate: number | null;
  mountRate: number | null;
  timeliness: number | null;
  sharingRate: number | null;
  openRate: number | null;
  /** 数据共享开放评估指数, 0–100; the formula is in docs/catalog.md. */
  index: number;
}

export interface Indicators {
  city: IndicatorRow & { departments: number };
  organizations: Array<IndicatorRow & { code: string; name: string }>;
}

/** Weights of the evaluation index; docs/catalog.md states the same formula. */
const WEIGHTS = { catalogRate: 0.3, mountRate: 0.3, timeliness: 0.2, sharingRate: 0.1, openRate: 0.1 } as const;

type Counts = IndicatorCounts;

/** The figures of one organization or of the city, from its counts alone: the one function both use. */
export function indicatorRow(c: Counts): IndicatorRow {
  const rates = {
    catalogRate: rateOf('catalogRate', c),
    mountRate: rateOf('mountRate', c),
    timeliness: rateOf('timeliness', c),
    sharingRate: rateOf('sharingRate', c),
    openRate: rateOf('openRate', c),
  };
  const index =
    c.resources === 0
      ? 0
      : 100 * Object.entries(WEIGHTS).reduce((s, [k, w]) => s + w * (rates[k as keyof typeof WEIGHTS] ?? 1), 0);
  return {
    resources: c.resources,
    published: c.published,
    counts: { ...c },
    ...rates,
    index: Math.round(index * 10) / 10,
  };
}

/**
 * The catalog's indicators for the cockpit, per department and city-wide, computed from the
 * data: the city's row is `indicatorRow` over the departments' counts added up, so that its
 * rates are the aggregate of theirs (never a figure of another definition).
 */
export async function catalogIndicators(
  db: Kysely<CatalogTables>,
  departments: Array<{ code: string; name: string }>,
  now = new Date(),
): Promise<Indicators> {
  const counts = new Map<string, Counts>(departments.map((d) => [d.code, emptyCounts()]));
  const totals = emptyCounts();
  // The counts of catalog.resource_tally, kept per combination by a trigger: the same predicates
  // as over the resources themselves, read from a few hundred rows (migration 007).
  const perOrg = await db
    .selectFrom('catalog.resource_tally')
    .select([
      'provider_org',
      sql<number>`coalesce(sum(n), 0)::int`.as('resources'),
      sql<number>`coalesce(sum(n) filter (where published), 0)::int`.as('published'),
      sql<number>`coalesce(sum(n) filter (where published and (has_records or mount_kind <> 'records')), 0)::int`.as(
        'mounted',
      ),
      sql<number>`coalesce(sum(n) filter (where published and share_type <> 'none'), 0)::int`.as('shareable'),
      sql<number>`coalesce(sum(n) filter (where published and open_type <> 'closed'), 0)::int`.as('openable'),
    ])
    .groupBy('provider_org')
    .execute();
  for (const { provider_org, ...figures } of perOrg) {
    const c = counts.get(provider_org);
    if (c) Object.assign(c, figures);
  }
  for (const [org, decided, onTime] of await reviewTimeliness(db, now)) {
    const c = counts.get(org);
    if (c) Object.assign(c, { decided, onTime });
  }
  for (const c of counts.values()) for (const k of Object.keys(totals) as Array<keyof Counts>) totals[k] += c[k];
  const organizations = departments.map((d) => ({ code: d.code, name: d.name, ...indicatorRow(counts.get(d.code)!) }));
  return { city: { departments: departments.length, ...indicatorRow(totals) }, organizations };
}

function emptyCounts(): Counts {
  return { resources: 0, published: 0, mounted: 0, shareable: 0, openable: 0, decided: 0, onTime: 0 };
}

/**
 * Per provider: submissions that count (decided ones, and open ones already past the review
 * deadline) and those decided within REVIEW_DAYS working days of submission.
 */
async function reviewTimeliness(db: Kysely<CatalogTables>, now: Date): Promise<Array<[string, number, number]>> {
  const events = await db
    .selectFrom('catalog.resource_event as e')
    .innerJoin('catalog.resource as r', 'r.id', 'e.resource_id')
    .select(['e.resource_id', 'e.action', 'e.at', 'r.provider_org'])
    .where('e.action', 'in', ['submit', 'approve', 'return'])
    .orderBy('e.resource_id')
    .orderBy('e.id')
    .execute();
  const byOrg = new Map<string, [number, number]>();
  const count = (org: string, onTime: boolean) => {
    const c = byOrg.get(org) ?? [0, 0];
    c[0]++;
    if (onTime) c[1]++;
    byOrg.set(org, c);
  };
  const today = chinaDate(now);
  let open: { resource: number; org: string; due: string } | null = null;
  const closeOpen = () => {
    if (open && open.due < today) count(open.org, false);
    open = null;
  };
  for (const e of events) {
    if (open && open.resource !== e.resource_id) closeOpen();
    if (e.action === 'submit') {
      closeOpen();
      open = { resource: e.resource_id, org: e.provider_org, due: addWorkingDays(e.at, REVIEW_DAYS) };
    } else if (open) {
      count(open.org, chinaDate(e.at) <= open.due);
      open = null;
    }
  }
  closeOpen();
  return [...byOrg].map(([org, [decided, onTime]]) => [org, decided, onTime]);
}
