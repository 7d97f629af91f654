import { Type, type Static } from 'typebox';

const Words = Type.Object(
  { zh: Type.String({ minLength: 1, maxLength: 80 }), en: Type.String({ minLength: 1, maxLength: 120 }) },
  { additionalProperties: false },
);

/**
 * The named queries a panel may ask for: the one layer between a dashboard and the database. Each
 * is a fixed, parameterized query over the hub's own read models (src/hub/cockpit-sources.ts);
 * a dashboard names one and gives it parameters, never SQL.
 */
export const NAMED_QUERIES = [
  'resourcesByDepartment',
  'resourcesByCategory',
  'resourcesByShareType',
  'resourcesByOpenType',
  'recordsByResource',
  'demandsByState',
  'demandsByMonth',
  'callsByDay',
  'callsByService',
  'correctionsByState',
  'consentsByStatus',
  'licencesByType',
  'attestationsByItem',
  'indicatorByDepartment',
  'indicatorByDistrict',
  'subjectsByDistrict',
] as const;
export type NamedQuery = (typeof NAMED_QUERIES)[number];

export const CHART_TYPES = ['card', 'gauge', 'bar', 'line', 'pie', 'table', 'map'] as const;

/** The queries whose points are the city's districts (a code each): the ones a map can draw. */
export const DISTRICT_QUERIES: readonly NamedQuery[] = ['indicatorByDistrict', 'subjectsByDistrict'];

/** A department code, as the access module spells organization codes. */
const OrgCode = Type.String({ pattern: '^[A-Z0-9]{2,16}$' });

const QueryParams = Type.Object(
  {
    /** Only these providers' (or requesters') rows. */
    departments: Type.Optional(Type.Array(OrgCode, { maxItems: 30, uniqueItems: true })),
    /** Only resources whose name holds one of these words. */
    keywords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { maxItems: 20 })),
    /** For subjectsByDistrict: which base's subjects (default the population base). */
    base: Type.Optional(Type.Union([Type.Literal('person'), Type.Literal('legal_entity')])),
    /** For indicatorByDepartment and indicatorByDistrict: which indicator. */
    indicator: Type.Optional(Type.String({ pattern: '^[a-z][A-Za-z0-9]{1,40}$' })),
    /** Rows at most (top N), 1–50. */
    top: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  },
  { additionalProperties: false },
);
export type QueryParams = Static<typeof QueryParams>;

export const PanelSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9-]{1,40}$' }),
    title: Words,
    chart: Type.Enum(CHART_TYPES),
    source: Type.Union([
      Type.Object({ indicator: Type.String({ pattern: '^[a-z][A-Za-z0-9]{1,40}$' }) }, { additionalProperties: false }),
      Type.Object(
        { query: Type.Enum(NAMED_QUERIES), params: Type.Optional(QueryParams) },
        { additionalProperties: false },
      ),
    ]),
  },
  { additionalProperties: false },
);
export type Panel = Static<typeof PanelSchema>;

/**
 * A topic dashboard (数据专题) as a document (docs/cockpit.md, "Dashboards"): its panels, each an
 * indicator or a named query with a chart type, and which filters (district, period) it offers.
 * The server keeps its version; an edit stores a new one.
 */
export const DashboardSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9-]{2,40}$' }),
    title: Words,
    theme: Words,
    description: Type.Optional(Words),
    filters: Type.Object({ district: Type.Boolean(), period: Type.Boolean() }, { additionalProperties: false }),
    panels: Type.Array(PanelSchema, { minItems: 1, maxItems: 12 }),
  },
  { additionalProperties: false, $id: 'CockpitDashboard' },
);
export type DashboardDoc = Static<typeof DashboardSchema>;

export const PERIODS = ['month', 'quarter', 'year', 'all'] as const;
export type Period = (typeof PERIODS)[number];

/** The start of a period ending now (China time is close enough for a dashboard's filter). */
export function periodStart(period: Period, now: Date): Date | null {
  const days = { month: 30, quarter: 91, year: 365, all: null }[period];
  return days === null ? null : new Date(now.getTime() - days * 86_400_000);
}
