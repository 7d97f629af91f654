import type { NodeStatus, PushReceiver } from '../cascade/index.js';
import { SNAPSHOT, SO_FAR, type DrillRows, type IndicatorDef } from '../cockpit/index.js';
import { countiesOf, type Division } from '../kernel/index.js';

/** A district node counts as in sync when its last sync is this recent. */
const IN_SYNC_MS = 24 * 3_600_000;

export interface CascadeFigures {
  nodes(): Promise<NodeStatus[]>;
  pushes: Pick<PushReceiver, 'totals'>;
  /** This node's division (the city's), whose districts and counties the cascade should reach. */
  division: string;
}

/**
 * The cascade's figures in the cockpit (#20 in #19): the city's districts with a node, those in
 * sync, and the rows they pushed up — each a figure of the city, whose rows are the districts one
 * by one (their node's state, last sync, rows pushed, ledger alerts). Districts are not
 * departments: the department views and the ranking leave them out.
 */
export function cascadeIndicators(figures: CascadeFigures): IndicatorDef[] {
  const statutory = (): Division[] => countiesOf(figures.division).filter((d) => !d.functional);
  const children = async () => (await figures.nodes()).filter((n) => n.relation === 'child');
  const inSync = (n: NodeStatus, now: Date) =>
    n.status === 'active' && n.lastSync !== null && now.getTime() - Date.parse(n.lastSync) <= IN_SYNC_MS;

  /** The districts one by one (the figures are the city's only: no department's rows). */
  const drill = async (limit: number, now: Date): Promise<DrillRows> => {
    const [nodes, totals] = await Promise.all([children(), figures.pushes.totals()]);
    const rows = statutory().map((d) => {
      const node = nodes.find((n) => n.division === d.code);
      return {
        district: d.name,
        state: node ? (inSync(node, now) ? 'in_sync' : node.status) : 'not_enrolled',
        lastSync: node?.lastSync ?? null,
        rowsPushed: (node && totals.get(node.nodeId)?.rowsLoaded) ?? 0,
        alerts: node?.alerts ?? 0,
      };
    });
    return {
      columns: [
        { key: 'district', name: { zh: '区县', en: 'District' } },
        {
          key: 'state',
          name: { zh: '节点状态', en: 'Node' },
          values: {
            in_sync: { zh: '已同步', en: 'in sync' },
            active: { zh: '超过一天未同步', en: 'not synced for a day' },
            never_synced: { zh: '尚未同步', en: 'never synced' },
            failing: { zh: '同步失败', en: 'failing' },
            suspended: { zh: '已停用', en: 'suspended' },
            not_enrolled: { zh: '未接入', en: 'not enrolled' },
          },
        },
        { key: 'lastSync', name: { zh: '最近同步', en: 'Last sync' } },
        { key: 'rowsPushed', name: { zh: '归集行数', en: 'Rows pushed up' } },
        { key: 'alerts', name: { zh: '账本告警', en: 'Ledger alerts' } },
      ],
      rows: rows.slice(0, limit),
      truncated: rows.length > limit,
    };
  };

  return [
    {
      code: 'cascadeCoverage',
      module: 'cascade',
      name: { zh: '区县节点接入率', en: 'Districts with a node' },
      unit: 'percent',
      target: { op: '>=', value: 100 },
      definition: {
        numerator: { zh: '已注册接入市级节点的区县节点', en: 'district nodes enrolled with the city node' },
        denominator: {
          zh: '本市所辖区县（不含功能区）',
          en: 'the city’s districts and counties (not development zones)',
        },
        period: SNAPSHOT,
      },
      perDepartment: false,
      counts: async () => {
        const enrolled = new Set((await children()).map((n) => n.division));
        const all = statutory();
        return {
          byOrg: new Map(),
          city: { n: all.filter((d) => enrolled.has(d.code)).length, d: all.length },
          byDistrict: new Map(all.map((d) => [d.code, { n: enrolled.has(d.code) ? 1 : 0, d: 1 }])),
        };
      },
      drill: (_org, limit, now) => drill(limit, now),
    },
    {
      code: 'cascadeInSync',
      module: 'cascade',
      name: { zh: '区县节点同步率', en: 'District nodes in sync' },
      unit: 'percent',
      target: { op: '>=', value: 100 },
      definition: {
        numerator: {
          zh: '一天内完成同步且无失败的区县节点',
          en: 'district nodes synced within a day, without a failure since',
        },
        denominator: { zh: '已接入的区县节点', en: 'enrolled district nodes' },
        period: SNAPSHOT,
      },
      perDepartment: false,
      counts: async (now) => {
        const nodes = await children();
        return {
          byOrg: new Map(),
          city: { n: nodes.filter((n) => inSync(n, now)).length, d: nodes.length },
          byDistrict: new Map(nodes.map((n) => [n.division, { n: inSync(n, now) ? 1 : 0, d: 1 }])),
        };
      },
      drill: (_org, limit, now) => drill(limit, now),
    },
    {
      code: 'cascadeRowsPushed',
      module: 'cascade',
      name: { zh: '区县归集数据量', en: 'Rows pushed up by districts' },
      unit: 'count',
      target: null,
      definition: {
        numerator: {
          zh: '区县节点归集到市级副本、通过质量校验入库的行数',
          en: 'rows district nodes pushed into the city’s copies that passed the quality rules',
        },
        denominator: null,
        period: SO_FAR,
      },
      perDepartment: false,
      counts: async () => {
        const [nodes, totals] = await Promise.all([children(), figures.pushes.totals()]);
        const rows = nodes.map((node) => [node.division, totals.get(node.nodeId)?.rowsLoaded ?? 0] as const);
        return {
          byOrg: new Map(),
          city: { n: rows.reduce((sum, [, n]) => sum + n, 0), d: null },
          byDistrict: new Map(rows.map(([division, n]) => [division, { n, d: null }])),
        };
      },
      drill: (_org, limit, now) => drill(limit, now),
    },
  ];
}
