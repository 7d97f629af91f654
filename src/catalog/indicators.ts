import { sql, type Kysely } from '../db/index.js';
import { addWorkingDays, chinaDate } from '../kernel/index.js';
import { REVIEW_DAYS } from './service.js';
import type { CatalogTables } from './tables.js';

/** One organization's (or the city's) catalog figures; a rate is null when there is nothing to divide. */
export interface IndicatorRow {
  resources: number;
  published: number;
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

interface Counts {
  resources: number;
  published: number;
  mounted: number;
  shareable: number;
  openable: number;
  decided: number;
  onTime: number;
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

function row(c: Counts, catalogRate: number | null): IndicatorRow {
  const rates = {
    catalogRate,
    mountRate: ratio(c.mounted, c.published),
    timeliness: ratio(c.onTime, c.decided),
    sharingRate: ratio(c.shareable, c.published),
    openRate: ratio(c.openable, c.published),
  };
  const index =
    c.resources === 0
      ? 0
      : 100 * Object.entries(WEIGHTS).reduce((s, [k, w]) => s + w * (rates[k as keyof typeof WEIGHTS] ?? 1), 0);
  return { resources: c.resources, published: c.published, ...rates, index: Math.round(index * 10) / 10 };
}

/** The catalog's indicators for the cockpit, per department and city-wide, computed from the data. */
export async function catalogIndicators(
  db: Kysely<CatalogTables>,
  departments: Array<{ code: string; name: string }>,
  now = new Date(),
): Promise<Indicators> {
  const counts = new Map<string, Counts>(departments.map((d) => [d.code, emptyCounts()]));
  const totals = emptyCounts();
  const perOrg = await db
    .selectFrom('catalog.resource')
    .select([
      'provider_org',
      sql<number>`count(*)::int`.as('resources'),
      sql<number>`count(*) filter (where published_at is not null)::int`.as('published'),
      sql<number>`count(*) filter (where published_at is not null and (record_count > 0 or mount->>'kind' <> 'records'))::int`.as(
        'mounted',
      ),
      sql<number>`count(*) filter (where published_at is not null and share_type <> 'none')::int`.as('shareable'),
      sql<number>`count(*) filter (where published_at is not null and open_type <> 'closed')::int`.as('openable'),
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
  const organizations = departments.map((d) => {
    const c = counts.get(d.code)!;
    return { code: d.code, name: d.name, ...row(c, ratio(c.published, c.resources)) };
  });
  const catalogued = organizations.filter((o) => o.published > 0).length;
  return {
    city: { departments: departments.length, ...row(totals, ratio(catalogued, departments.length)) },
    organizations,
  };
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
