import { SNAPSHOT, SO_FAR, type DrillRows, type IndicatorDef } from '../cockpit/index.js';
import { sql, type Database } from '../db/index.js';
import type { OpenDatasets } from '../open/index.js';

/**
 * The open-data portal's figures in the cockpit (#18 in #19): open datasets against the plan's
 * 3 000 — a target of the city, so a figure of the city only — and their downloads per providing
 * department. Both by the open module's own definition of an open dataset (published, open type
 * 无条件开放: OpenDatasets.search) and its own counters, never a second count of either.
 */
export function openIndicators(
  database: Database,
  open: OpenDatasets,
  orgNames: (codes: string[]) => Promise<Map<string, string>>,
): IndicatorDef[] {
  /** Per providing department: its open datasets (the search's facet) and their downloads. */
  const perProvider = async () => {
    await open.counters.flush();
    const datasets = (await open.search({ offset: 0, limit: 0 })).facets.provider;
    // A row per open dataset downloaded, joined to its catalog entry for the provider.
    const { rows } = await sql<{ org: string; n: string }>`
      select r.provider_org as org, sum(c.count) as n
        from open.dataset_count c join catalog.resource r on r.id = c.resource_id
       where c.event = 'download'
       group by r.provider_org`.execute(database.kysely);
    return { datasets, downloads: new Map(rows.map((r) => [r.org, Number(r.n)])) };
  };
  /** The open datasets of a department (or the city), with their views and downloads, most downloaded first. */
  const drill = async (org: string | null, limit: number): Promise<DrillRows> => {
    await open.counters.flush();
    const { items, total } = await open.search({ provider: org ?? undefined, offset: 0, limit });
    const counts = await open.counters.of(items.map((d) => d.entry));
    const names = await orgNames([...new Set(items.map((d) => d.resource.provider.code))]);
    const rows = items
      .map((d) => ({
        name: d.resource.name,
        provider: names.get(d.resource.provider.code) ?? d.resource.provider.code,
        records: d.resource.recordCount,
        views: counts.get(d.entry)?.views ?? 0,
        downloads: counts.get(d.entry)?.downloads ?? 0,
      }))
      .sort((a, b) => b.downloads - a.downloads || a.name.localeCompare(b.name, 'zh-CN'));
    return {
      columns: [
        { key: 'name', name: { zh: '数据集', en: 'Dataset' } },
        { key: 'provider', name: { zh: '提供部门', en: 'Provider' } },
        { key: 'records', name: { zh: '记录数', en: 'Records' } },
        { key: 'views', name: { zh: '浏览', en: 'Views' } },
        { key: 'downloads', name: { zh: '下载', en: 'Downloads' } },
      ],
      rows,
      truncated: total > items.length,
    };
  };
  return [
    {
      code: 'openDatasets',
      module: 'open',
      name: { zh: '开放数据集数量', en: 'Open datasets' },
      unit: 'count',
      target: { op: '>=', value: 3000 },
      definition: {
        numerator: {
          zh: '已发布且开放类型为无条件开放的数据资源',
          en: 'published resources whose open type is unconditional',
        },
        denominator: null,
        period: SNAPSHOT,
      },
      perDepartment: false,
      counts: async () => {
        const { datasets } = await perProvider();
        const byOrg = new Map(Object.entries(datasets).map(([org, n]) => [org, { n, d: null }]));
        const n = Object.values(datasets).reduce((a, b) => a + b, 0);
        return { byOrg, city: { n, d: null } };
      },
      drill: (org, limit) => drill(org, limit),
    },
    {
      code: 'openDownloads',
      module: 'open',
      name: { zh: '开放数据下载次数', en: 'Open data downloads' },
      unit: 'count',
      target: null,
      definition: {
        numerator: {
          zh: '开放数据集的下载次数（CSV、XLSX、JSON，按提供部门）',
          en: 'downloads of open datasets (CSV, XLSX, JSON; by providing department)',
        },
        denominator: null,
        period: SO_FAR,
      },
      perDepartment: true,
      counts: async () => {
        const { downloads } = await perProvider();
        return { byOrg: new Map([...downloads].map(([org, n]) => [org, { n, d: null }])) };
      },
      drill: (org, limit) => drill(org, limit),
    },
  ];
}
