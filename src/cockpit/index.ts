export { cockpitMigrations } from './migrations.js';
export { Cockpit, type IndicatorValue, type QueryResult, type QueryScope, type QuerySource } from './service.js';
export {
  IndicatorRegistry,
  DRILL_LIMIT,
  SNAPSHOT,
  SO_FAR,
  type Counts,
  type DrillRows,
  type Figure,
  type IndicatorDef,
  type Target,
  type Unit,
  type Words,
} from './registry.js';
export {
  coreIndicators,
  type CockpitSources,
  type DrillKind,
  type OrgCounts,
  type Overdue,
} from './core-indicators.js';
export {
  CHART_TYPES,
  DashboardSchema,
  NAMED_QUERIES,
  PERIODS,
  type DashboardDoc,
  type NamedQuery,
  type Panel,
  type Period,
  type QueryParams,
} from './dashboards.js';
export { SEEDED_DASHBOARDS, HOME_DASHBOARD } from './seed-dashboards.js';
export { RANKING_WEIGHTS, rankingOf, type Ranking, type RankingFlag, type RankingRow } from './ranking.js';
export type { CockpitTables } from './tables.js';
