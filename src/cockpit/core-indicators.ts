import { CATALOG_RATES, type CatalogRate, type IndicatorCounts } from '../catalog/index.js';
import {
  SNAPSHOT,
  SO_FAR,
  type Counts,
  type DrillRows,
  type IndicatorDef,
  type Target,
  type Unit,
  type Words,
} from './registry.js';

/** Counts per organization code: numerator and denominator (null for a count). */
export type OrgCounts = Map<string, { n: number; d: number | null }>;

/**
 * What the cockpit reads from the modules (wired in src/hub/cockpit-sources.ts): each a grouped
 * count over a module's own tables or counters, never a scan of another module's rows per figure.
 */
export interface CockpitSources {
  /** The departments, with the GB/T 2260 division they belong to. */
  departments(): Promise<Array<{ code: string; name: string; division: string }>>;
  /** The catalog's counts per provider (src/catalog/indicators.ts, the one definition of its rates). */
  catalog(now: Date): Promise<Map<string, IndicatorCounts>>;
  /** Published resources mounted as records: with rows loaded (n) of all (d), per provider. */
  aggregation(): Promise<OrgCounts>;
  /** Rows loaded (n) of rows read (d) by finished loads, per provider. */
  ingestPass(): Promise<OrgCounts>;
  /** Accurate base values (n) of all base values (d): the base databases' field accuracy. */
  accuracy(): Promise<{ n: number; d: number }>;
  /** Corrections fixed (n) of reported − rejected (d), per provider. */
  corrections(): Promise<OrgCounts>;
  /** Working days from filing to the fix summed (n) over fixed corrections (d), per provider. */
  fixDays(): Promise<OrgCounts>;
  /** Working days from filing to the step summed (n) over demands that took it (d), per providing department. */
  demandDays(step: 'confirm' | 'publish'): Promise<OrgCounts>;
  /** Calls and errors of the data services, per provider of the service's resource. */
  usage(): Promise<Map<string, { calls: number; errors: number }>>;
  /** Consents in force (active), per requesting organization. */
  consents(): Promise<OrgCounts>;
  /** Licence presentations (亮证), per issuing department. */
  licencesPresented(): Promise<OrgCounts>;
  /** Subjects of a base per county now (the base's own tally, a row per county). */
  subjectsByCounty(kind: 'person' | 'legal_entity'): Promise<Map<string, number>>;
  /** Attestations answered, per department answering for the item. */
  attestAnswered(): Promise<OrgCounts>;
  /**
   * Per providing department: demands with a step past its deadline now (of all its demands) and
   * corrections open past their due date (src/share's and src/quality's own overdue tests).
   */
  overdue(now: Date): Promise<Map<string, Overdue>>;
  drill: Record<DrillKind, (org: string | null, limit: number, now: Date) => Promise<DrillRows>>;
}

export interface Overdue {
  /** Demands with a step past its deadline now. */
  demands: number;
  /** Demands with a step done after its deadline or past it now. */
  demandsLate: number;
  demandsTotal: number;
  corrections: number;
}

export type DrillKind =
  'resources' | 'jobs' | 'accuracy' | 'corrections' | 'demands' | 'services' | 'consents' | 'licences' | 'attestations';

const pct = (op: Target['op'], value: number): Target => ({ op, value });

function fromCatalog(counts: Map<string, IndicatorCounts>, rate: CatalogRate): Counts {
  const { numerator, denominator } = CATALOG_RATES[rate];
  return { byOrg: new Map([...counts].map(([org, c]) => [org, { n: c[numerator], d: c[denominator] }])) };
}

/**
 * The hub's own indicators (docs/cockpit.md lists each definition). The catalog rates are
 * CATALOG_RATES' numerators and denominators, the same as the catalog's own page.
 */
export function coreIndicators(s: CockpitSources): IndicatorDef[] {
  const catalogRate = (
    code: CatalogRate,
    name: Words,
    target: Target,
    numerator: Words,
    denominator: Words,
  ): IndicatorDef => ({
    code,
    module: 'catalog',
    name,
    unit: 'percent',
    target,
    definition: { numerator, denominator, period: SNAPSHOT },
    perDepartment: true,
    counts: async (now) => fromCatalog(await s.catalog(now), code),
    drill: s.drill.resources,
  });
  const of = (
    code: string,
    module: string,
    name: Words,
    unit: Unit,
    target: Target | null,
    definition: IndicatorDef['definition'],
    counts: () => Promise<OrgCounts>,
    drill: DrillKind,
  ): IndicatorDef => ({
    code,
    module,
    name,
    unit,
    target,
    definition,
    perDepartment: true,
    counts: async () => ({ byOrg: await counts() }),
    drill: s.drill[drill],
  });
  return [
    catalogRate(
      'catalogRate',
      { zh: '编目率', en: 'Cataloguing rate' },
      pct('>=', 100),
      { zh: '已发布的资源', en: 'published resources' },
      { zh: '登记的全部资源', en: 'resources registered, any status' },
    ),
    of(
      'aggregationRate',
      'catalog',
      { zh: '归集率', en: 'Aggregation rate' },
      'percent',
      pct('>=', 100),
      {
        numerator: { zh: '已归集数据（已装载记录）的资源', en: 'of those, resources with rows loaded into the hub' },
        denominator: {
          zh: '已发布且以记录方式挂接的资源',
          en: 'published resources mounted as records in the hub',
        },
        period: SNAPSHOT,
      },
      () => s.aggregation(),
      'resources',
    ),
    catalogRate(
      'sharingRate',
      { zh: '可共享率', en: 'Sharing rate' },
      pct('>', 99),
      { zh: '共享类型不是“不予共享”的已发布资源', en: 'published resources whose share type is not “none”' },
      { zh: '已发布的资源', en: 'published resources' },
    ),
    catalogRate(
      'mountRate',
      { zh: '挂接率', en: 'Mount rate' },
      pct('>=', 100),
      {
        zh: '挂接了真实数据（已装载记录，或登记了库表、接口）的已发布资源',
        en: 'published resources that mount real data (rows loaded, or a declared table or service)',
      },
      { zh: '已发布的资源', en: 'published resources' },
    ),
    of(
      'qualityPassRate',
      'ingest',
      { zh: '数据质量合格率', en: 'Quality pass rate' },
      'percent',
      pct('>=', 95),
      {
        numerator: { zh: '通过校验装载的行', en: 'rows loaded after validation' },
        denominator: { zh: '已完成的装载读到的行', en: 'rows read by finished loads' },
        period: SO_FAR,
      },
      () => s.ingestPass(),
      'jobs',
    ),
    {
      code: 'fieldAccuracy',
      module: 'base',
      name: { zh: '字段准确率', en: 'Field accuracy' },
      unit: 'percent',
      target: pct('>=', 90),
      definition: {
        numerator: {
          zh: '通过校验、与权威来源一致且无未决冲突的基础库字段值',
          en: 'base values that pass their validator, agree with the source of record and are not disputed',
        },
        denominator: { zh: '基础库的全部字段值', en: 'all values of the base databases' },
        period: SNAPSHOT,
      },
      // A base value is the city's, merged from several providers: no department row.
      perDepartment: false,
      counts: async () => ({ byOrg: new Map(), city: await s.accuracy() }),
      drill: s.drill.accuracy,
    },
    of(
      'fixRate',
      'quality',
      { zh: '问题数据整改率', en: 'Problem-data fix rate' },
      'percent',
      pct('>=', 80),
      {
        numerator: { zh: '已整改的纠错', en: 'corrections fixed (accepted)' },
        denominator: { zh: '上报的纠错减去被驳回的', en: 'corrections reported, less those rejected' },
        period: SO_FAR,
      },
      () => s.corrections(),
      'corrections',
    ),
    of(
      'fixDays',
      'quality',
      { zh: '平均整改用时', en: 'Average fix time' },
      'days',
      pct('<=', 2),
      {
        numerator: {
          zh: '每条已整改纠错从上报到整改的工作日数之和',
          en: 'working days from filing to the fix, summed over fixed corrections',
        },
        denominator: { zh: '已整改的纠错', en: 'corrections fixed' },
        period: SO_FAR,
      },
      () => s.fixDays(),
      'corrections',
    ),
    of(
      'demandConfirmDays',
      'share',
      { zh: '需求平均确认用时', en: 'Average demand confirmation time' },
      'days',
      pct('<=', 5),
      {
        numerator: {
          zh: '每条已确认需求从提出到确认的工作日数之和',
          en: 'working days from filing to confirmation, summed over confirmed demands',
        },
        denominator: { zh: '已确认的需求', en: 'demands confirmed' },
        period: SO_FAR,
      },
      () => s.demandDays('confirm'),
      'demands',
    ),
    of(
      'demandPublishDays',
      'share',
      { zh: '需求平均发布用时', en: 'Average demand publication time' },
      'days',
      pct('<=', 10),
      {
        numerator: {
          zh: '每条已发布需求从提出到发布服务的工作日数之和',
          en: 'working days from filing to the service’s publication, summed over published demands',
        },
        denominator: { zh: '已发布服务的需求', en: 'demands published' },
        period: SO_FAR,
      },
      () => s.demandDays('publish'),
      'demands',
    ),
    of(
      'serviceCalls',
      'share',
      { zh: '数据服务调用量', en: 'Data service calls' },
      'count',
      null,
      {
        numerator: { zh: '数据服务被调用的次数', en: 'calls of the data services' },
        denominator: null,
        period: SO_FAR,
      },
      async () => new Map([...(await s.usage())].map(([org, u]) => [org, { n: u.calls, d: null }])),
      'services',
    ),
    of(
      'serviceErrorRate',
      'share',
      { zh: '数据服务调用出错率', en: 'Data service error rate' },
      'percent',
      null,
      {
        numerator: { zh: '出错的调用', en: 'calls that failed' },
        denominator: { zh: '全部调用', en: 'all calls' },
        period: SO_FAR,
      },
      async () => new Map([...(await s.usage())].map(([org, u]) => [org, { n: u.errors, d: u.calls }])),
      'services',
    ),
    of(
      'consentsActive',
      'consent',
      { zh: '生效中的授权', en: 'Consents in force' },
      'count',
      null,
      {
        numerator: {
          zh: '状态为生效的授权（按申请机构）',
          en: 'consents that are active (by requesting organization)',
        },
        denominator: null,
        period: SNAPSHOT,
      },
      () => s.consents(),
      'consents',
    ),
    of(
      'licencesPresented',
      'licence',
      { zh: '电子证照亮证次数', en: 'E-licence presentations' },
      'count',
      null,
      {
        numerator: { zh: '亮证次数（按签发部门）', en: 'presentations (by issuing department)' },
        denominator: null,
        period: SO_FAR,
      },
      () => s.licencesPresented(),
      'licences',
    ),
    of(
      'attestationsAnswered',
      'attest',
      { zh: '无证明核验次数', en: 'Attestations answered' },
      'count',
      null,
      {
        numerator: {
          zh: '已答复的核验（按负责事项的部门）',
          en: 'attestations answered (by the department answering for the item)',
        },
        denominator: null,
        period: SO_FAR,
      },
      () => s.attestAnswered(),
      'attestations',
    ),
  ];
}
