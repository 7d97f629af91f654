import { Value } from 'typebox/value';
import { authorize, type Actor } from '../access/index.js';
import { sql, type Database, type Kysely } from '../db/index.js';
import { HubError, JINAN, chinaDate, countiesOf, digestJson, excel, msg, type Language } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import { indicatorRow } from '../catalog/index.js';
import { coreIndicators, type CockpitSources } from './core-indicators.js';
import {
  DISTRICT_QUERIES,
  DashboardSchema,
  periodStart,
  type DashboardDoc,
  type NamedQuery,
  type Panel,
  type Period,
  type QueryParams,
} from './dashboards.js';
import {
  DRILL_LIMIT,
  IndicatorRegistry,
  cityCounts,
  figureOf,
  meets,
  words,
  type DrillRows,
  type Figure,
  type IndicatorDef,
} from './registry.js';
import { rankingOf, type Ranking } from './ranking.js';
import { monthlyReport } from './report.js';
import type { CockpitTables } from './tables.js';

export interface IndicatorValue {
  code: string;
  name: string;
  module: string;
  value: number | null;
  target: number | null;
  targetOp: '>=' | '>' | '<=' | null;
  unit: string;
  period: string;
  met: boolean | null;
  numerator: number;
  denominator: number | null;
  definition: { numerator: string; denominator: string | null };
  /** Each department's figure (city-wide reads only; empty for a city-only indicator). */
  departments?: Array<{ code: string; name: string; value: number | null; met: boolean | null }>;
}

export interface QueryResult {
  /** `code`: the district's GB/T 2260 code, on the points of a query by district (a map joins on it). */
  points: Array<{ label: string; value: number; code?: string }>;
}

/** What a named query reads, besides its parameters: the filters the page chose. */
export interface QueryScope {
  /** Organizations of this GB/T 2260 division only. */
  district?: string;
  since: Date | null;
}

export interface QuerySource {
  run(
    name: Exclude<NamedQuery, 'indicatorByDepartment' | 'indicatorByDistrict' | 'subjectsByDistrict'>,
    params: QueryParams,
    scope: QueryScope & { orgs: string[] | null },
    language: Language,
  ): Promise<QueryResult>;
}

/** How long computed counts are reused: a wall screen refreshing every minute costs one computation. */
const COUNTS_TTL_MS = 15_000;

/**
 * 驾驶舱 (#19): the indicators of every module against the plan's targets, per department and
 * for the city, with the rows behind each; the department evaluation index; the topic
 * dashboards as versioned documents. Every read checks the policy first.
 */
export class Cockpit {
  readonly registry = new IndicatorRegistry();
  private readonly db: Kysely<CockpitTables>;
  private cache = new Map<string, { at: number; value: Promise<Awaited<ReturnType<IndicatorDef['counts']>>> }>();
  /** The city whose districts the maps show (GB/T 2260), as the node is configured; Jinan by default. */
  private city = JINAN;

  constructor(
    database: Database,
    private readonly sources: CockpitSources & { queries: QuerySource },
    private readonly ledger: Pick<Ledger, 'append' | 'suite'>,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.db = database.kysely.withTables<CockpitTables>();
    this.registry.register(...coreIndicators(sources));
  }

  private counts(def: IndicatorDef) {
    const at = Date.now();
    const hit = this.cache.get(def.code);
    if (hit && at - hit.at < COUNTS_TTL_MS) return hit.value;
    const value = def.counts(this.now());
    value.catch(() => this.cache.delete(def.code));
    this.cache.set(def.code, { at, value });
    return value;
  }

  /** The city this node serves (its cascade identity's division), whose districts the maps draw. */
  useCity(division: string): void {
    this.city = division;
  }

  /** Forgets cached counts (tests change the state and read again at once). */
  refresh(): void {
    this.cache.clear();
  }

  /**
   * Every indicator for the city, or for one department (`org`): officers read the city's and
   * their own department's, operators and auditors any department's.
   */
  async indicators(
    actor: Actor | null,
    opts: { org?: string | undefined; language: Language; departments?: boolean },
  ): Promise<IndicatorValue[]> {
    authorize(actor, 'cockpit:read');
    if (opts.org) await this.checkDepartment(actor, opts.org);
    const depts = await this.sources.departments();
    const today = chinaDate(this.now());
    return Promise.all(
      this.registry.list().map(async (def) => {
        const counts = await this.counts(def);
        const fig: Figure = opts.org
          ? def.perDepartment
            ? figureOf(def.unit, counts.byOrg.get(opts.org) ?? (def.unit === 'count' ? { n: 0, d: null } : undefined))
            : { value: null, numerator: 0, denominator: def.unit === 'count' ? null : 0 }
          : figureOf(def.unit, cityCounts(counts, def.unit));
        const value: IndicatorValue = {
          code: def.code,
          name: words(def.name, opts.language),
          module: def.module,
          value: fig.value,
          target: def.target?.value ?? null,
          targetOp: def.target?.op ?? null,
          unit: def.unit,
          period: `${words(def.definition.period, opts.language)} (${today})`,
          met: meets(def.target, fig.value),
          numerator: fig.numerator,
          denominator: fig.denominator,
          definition: {
            numerator: words(def.definition.numerator, opts.language),
            denominator: def.definition.denominator && words(def.definition.denominator, opts.language),
          },
        };
        if (opts.departments && !opts.org && def.perDepartment) {
          value.departments = depts.map((d) => {
            const f = figureOf(
              def.unit,
              counts.byOrg.get(d.code) ?? (def.unit === 'count' ? { n: 0, d: null } : undefined),
            );
            return { code: d.code, name: d.name, value: f.value, met: meets(def.target, f.value) };
          });
        }
        return value;
      }),
    );
  }

  /** The rows that make one indicator's figure, of a department or (operators, auditors) the city. */
  async drill(actor: Actor | null, code: string, org: string | undefined): Promise<DrillRows> {
    authorize(actor, 'cockpit:read');
    const def = this.registry.get(code);
    if (!def) throw new HubError('CKP_INDICATOR_NOT_FOUND', msg('cockpit.noIndicator', { code }));
    if (org) await this.checkDepartment(actor, org);
    else authorize(actor, 'cockpit:read-department', {});
    return def.drill(org ?? null, DRILL_LIMIT, this.now());
  }

  private async checkDepartment(actor: Actor, org: string): Promise<void> {
    const depts = await this.sources.departments();
    if (!depts.some((d) => d.code === org))
      throw new HubError('CKP_NO_DEPARTMENT', msg('cockpit.noDepartment', { org }));
    authorize(actor, 'cockpit:read-department', { ownerOrg: org });
  }

  /** 考核指数: the departments ranked this month, beside last month's scores (docs/cockpit.md). A read only. */
  async ranking(actor: Actor | null, language: Language): Promise<Ranking> {
    authorize(actor, 'cockpit:read');
    return this.rank(language);
  }

  /**
   * Keeps this month's scores for next month's comparison: one upsert of ~20 rows, run by the
   * serving hub every few minutes (src/hub), so that a month is kept whether or not anyone looked.
   */
  async keepScores(): Promise<number> {
    const ranking = await this.rank('zh-CN');
    if (ranking.rows.length === 0) return 0;
    await this.db
      .insertInto('cockpit.score')
      .values(
        ranking.rows.map((r) => ({
          month: ranking.month,
          org: r.org.code,
          score: r.score,
          parts: JSON.stringify(r.parts),
        })),
      )
      .onConflict((oc) =>
        oc.columns(['month', 'org']).doUpdateSet({
          score: sql`excluded.score`,
          parts: sql`excluded.parts`,
          at: sql`now()`,
        }),
      )
      .execute();
    return ranking.rows.length;
  }

  private async rank(language: Language): Promise<Ranking> {
    const now = this.now();
    const month = chinaDate(now).slice(0, 7);
    const [y, m] = month.split('-').map(Number) as [number, number];
    const previousMonth = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
    const [departments, catalog, corrections, overdue, previous] = await Promise.all([
      this.sources.departments(),
      this.sources.catalog(now),
      this.sources.corrections(),
      this.sources.overdue(now),
      this.db.selectFrom('cockpit.score').select(['org', 'score']).where('month', '=', previousMonth).execute(),
    ]);
    return rankingOf({
      month,
      previousMonth,
      departments,
      catalogIndex: (org) => indicatorRow(catalog.get(org) ?? emptyCatalog()).index,
      fix: (org) => corrections.get(org),
      overdue: (org) => overdue.get(org),
      previous: new Map(previous.map((p) => [p.org, Number(p.score)])),
      language,
    });
  }

  /** 月度报告: this month's city indicators and ranking as a printable PDF. */
  async report(actor: Actor | null, language: Language): Promise<Buffer> {
    const ranking = await this.ranking(actor, language);
    const indicators = await this.indicators(actor, { language });
    return monthlyReport({ month: ranking.month, indicators, ranking, language, now: this.now() });
  }

  async listDashboards(actor: Actor | null, language: Language) {
    authorize(actor, 'cockpit:read');
    const rows = await this.db
      .selectFrom('cockpit.dashboard')
      .select(['id', 'version', 'doc', 'updated_by', 'updated_at'])
      .orderBy('id')
      .execute();
    return rows.map((r) => {
      const doc = r.doc as DashboardDoc;
      return {
        id: r.id,
        version: r.version,
        title: words(doc.title, language),
        theme: words(doc.theme, language),
        panels: doc.panels.length,
        updatedBy: r.updated_by,
        updatedAt: r.updated_at.toISOString(),
      };
    });
  }

  async dashboard(actor: Actor | null, id: string) {
    authorize(actor, 'cockpit:read');
    const row = await this.db
      .selectFrom('cockpit.dashboard')
      .select(['id', 'version', 'doc', 'updated_by', 'updated_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new HubError('CKP_DASHBOARD_NOT_FOUND', msg('cockpit.noDashboard', { id }));
    return {
      version: row.version,
      updatedBy: row.updated_by,
      updatedAt: row.updated_at.toISOString(),
      doc: row.doc as DashboardDoc,
    };
  }

  /** Checks a dashboard document: its schema, and that every indicator it names exists. */
  validate(doc: unknown): asserts doc is DashboardDoc {
    if (!Value.Check(DashboardSchema, doc)) {
      const first = [...Value.Errors(DashboardSchema, doc)][0];
      throw new HubError(
        'CKP_BAD_DASHBOARD',
        msg('cockpit.badDocument', { path: first?.instancePath || '/', reason: first?.message ?? '' }),
      );
    }
    const ids = new Set<string>();
    for (const p of doc.panels) {
      if (ids.has(p.id)) throw new HubError('CKP_BAD_DASHBOARD', msg('cockpit.duplicatePanel', { panel: p.id }));
      ids.add(p.id);
      const code = 'indicator' in p.source ? p.source.indicator : p.source.params?.indicator;
      const query = 'query' in p.source ? p.source.query : null;
      if ((query === 'indicatorByDepartment' || query === 'indicatorByDistrict') && !code) {
        throw new HubError('CKP_BAD_DASHBOARD', msg('cockpit.panelNeedsIndicator', { panel: p.id }));
      }
      if (p.chart === 'map' && !(query && DISTRICT_QUERIES.includes(query))) {
        throw new HubError('CKP_BAD_DASHBOARD', msg('cockpit.mapNeedsDistricts', { panel: p.id }));
      }
      if (code && !this.registry.get(code)) {
        throw new HubError('CKP_BAD_DASHBOARD', msg('cockpit.noIndicator', { code }));
      }
    }
  }

  /**
   * An operator's edit: a new version, if the caller edited the version that is current; on the
   * ledger with the document's digest, so the version kept can be checked against what was saved.
   */
  async saveDashboard(actor: Actor | null, id: string, doc: unknown, baseVersion: number) {
    authorize(actor, 'cockpit:edit-dashboards');
    this.validate(doc);
    if (doc.id !== id) throw new HubError('CKP_BAD_DASHBOARD', msg('cockpit.idMismatch', { id }));
    const saved = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('cockpit.dashboard')
        .select('version')
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw new HubError('CKP_DASHBOARD_NOT_FOUND', msg('cockpit.noDashboard', { id }));
      if (row.version !== baseVersion) {
        throw new HubError('CKP_VERSION_CONFLICT', msg('cockpit.versionConflict', { version: row.version }));
      }
      const version = row.version + 1;
      const json = JSON.stringify(doc);
      await trx
        .updateTable('cockpit.dashboard')
        .set({ version, doc: json, updated_by: actor.username, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
      await trx
        .insertInto('cockpit.dashboard_version')
        .values({ id, version, doc: json, by: actor.username })
        .execute();
      return { version };
    });
    await this.ledger.append({
      kind: 'cockpit.dashboard.changed',
      dashboard: id,
      version: saved.version,
      digest: digestJson(this.ledger.suite, doc),
      actor: actor.username,
      org: actor.org?.code ?? null,
      at: this.now().toISOString(),
    });
    return saved;
  }

  /** Every panel's data of one dashboard, under the page's filters. */
  async dashboardData(
    actor: Actor | null,
    id: string,
    opts: { district?: string | undefined; period: Period; language: Language },
  ) {
    const { doc } = await this.dashboard(actor, id);
    const indicators = await this.indicators(actor, { language: opts.language, departments: true });
    const byCode = new Map(indicators.map((i) => [i.code, i]));
    const since = periodStart(opts.period, this.now());
    const departments = await this.sources.departments();
    const orgs = opts.district ? departments.filter((d) => d.division === opts.district).map((d) => d.code) : null;
    return {
      id,
      panels: await Promise.all(doc.panels.map((p) => this.panelData(p, byCode, { since, orgs, ...opts }))),
    };
  }

  /** A dashboard's data as a workbook: a sheet per panel, as the page shows it under the same filters. */
  async dashboardXlsx(
    actor: Actor | null,
    id: string,
    opts: { district?: string | undefined; period: Period; language: Language },
  ): Promise<Buffer> {
    const { doc } = await this.dashboard(actor, id);
    const data = await this.dashboardData(actor, id, opts);
    const en = opts.language === 'en';
    const wb = new (await excel()).Workbook();
    doc.panels.forEach((panel, n) => {
      const d = data.panels[n]!;
      const ws = wb.addWorksheet(`${n + 1} ${panel.id}`.slice(0, 31));
      ws.addRow([en ? panel.title.en : panel.title.zh]);
      if (d.indicator) {
        const i = d.indicator;
        ws.addRow(en ? ['Indicator', 'Value', 'Target', 'Unit', 'Period'] : ['指标', '数值', '目标', '单位', '统计期']);
        ws.addRow([i.name, i.value, i.target === null ? '' : `${i.targetOp} ${i.target}`, i.unit, i.period]);
      } else {
        ws.addRow(en ? ['Name', 'Value'] : ['名称', '数值']);
        for (const p of d.points) ws.addRow([p.label, p.value]);
      }
      ws.getColumn(1).width = 36;
    });
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  private async panelData(
    p: Panel,
    indicators: Map<string, IndicatorValue>,
    scope: QueryScope & { orgs: string[] | null; language: Language },
  ) {
    if ('indicator' in p.source) {
      const ind = indicators.get(p.source.indicator);
      if (!ind) throw new HubError('CKP_INDICATOR_NOT_FOUND', msg('cockpit.noIndicator', { code: p.source.indicator }));
      const { departments: _, ...figure } = ind;
      return { id: p.id, indicator: figure, points: [] };
    }
    const params = p.source.params ?? {};
    if (p.source.query === 'indicatorByDepartment') {
      const ind = indicators.get(params.indicator!);
      const wanted = params.departments && new Set(params.departments);
      const points = (ind?.departments ?? [])
        .filter((d) => (!wanted || wanted.has(d.code)) && (!scope.orgs || scope.orgs.includes(d.code)))
        .filter((d) => d.value !== null)
        .map((d) => ({ label: d.name, value: d.value! }))
        .sort((a, b) => b.value - a.value)
        .slice(0, params.top ?? 30);
      return { id: p.id, indicator: null, points };
    }
    if (p.source.query === 'indicatorByDistrict' || p.source.query === 'subjectsByDistrict') {
      const figures =
        p.source.query === 'indicatorByDistrict'
          ? await this.districtFigures(params.indicator!)
          : await this.sources.subjectsByCounty(params.base ?? 'person');
      const points = this.districts(scope.district)
        .filter((d) => figures.get(d.code) != null)
        .map((d) => ({ label: d.name, value: figures.get(d.code)!, code: d.code }));
      return { id: p.id, indicator: null, points };
    }
    const result = await this.sources.queries.run(p.source.query, params, scope, scope.language);
    return { id: p.id, indicator: null, points: result.points };
  }

  /** The city's districts and counties (not development zones), or the one the page chose. */
  private districts(only: string | undefined) {
    return countiesOf(this.city).filter((d) => !d.functional && (!only || d.code === only));
  }

  /**
   * An indicator's value in each county: the indicator's own figures by district where it keeps
   * them, else the counts of the departments of that county summed (numerators over denominators,
   * as the city's are). A county without either has no value.
   */
  private async districtFigures(code: string): Promise<Map<string, number | null>> {
    const def = this.registry.get(code);
    if (!def) throw new HubError('CKP_INDICATOR_NOT_FOUND', msg('cockpit.noIndicator', { code }));
    const counts = await this.counts(def);
    const byDistrict = counts.byDistrict ?? new Map<string, { n: number; d: number | null }>();
    if (!counts.byDistrict && def.perDepartment) {
      for (const dept of await this.sources.departments()) {
        // As a department's own figure: a count it has no row for is 0; a rate without one has no value.
        const c = counts.byOrg.get(dept.code) ?? (def.unit === 'count' ? { n: 0, d: null } : undefined);
        if (!c) continue;
        const sum = byDistrict.get(dept.division) ?? { n: 0, d: def.unit === 'count' ? null : 0 };
        sum.n += c.n;
        if (sum.d !== null && c.d !== null) sum.d += c.d;
        byDistrict.set(dept.division, sum);
      }
    }
    return new Map([...byDistrict].map(([division, c]) => [division, figureOf(def.unit, c).value]));
  }
}

function emptyCatalog() {
  return { resources: 0, published: 0, mounted: 0, shareable: 0, openable: 0, decided: 0, onTime: 0 };
}
