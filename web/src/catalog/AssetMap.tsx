import { Card, Select, Space, Spin, Tag } from 'antd';
import type { EChartsOption } from 'echarts';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { client, ok, useQuery } from '../api';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { Chart, type ChartClick } from '../chart';
import { useSession } from '../session';
import type { AssetMap, NodeKind } from './types';
import { namesOf, useOrgs } from './orgs';

const KINDS: NodeKind[] = ['org', 'resource', 'field', 'element', 'consumer'];
const COLOR: Record<NodeKind, string> = {
  org: '#1d4e89',
  resource: '#fa8c16',
  field: '#52c41a',
  element: '#722ed1',
  consumer: '#eb2f96',
};
const SIZE: Record<NodeKind, number> = { org: 48, resource: 30, field: 10, element: 18, consumer: 34 };
const RESOURCE_CODE = /[A-Z0-9]{2,16}-\d{4,}/;

/** The graph: organization → resources → fields → data elements, and resources → consuming organizations. */
function optionOf(map: AssetMap, kindName: (k: NodeKind) => string, linkName: (kind: string) => string): EChartsOption {
  const consumers = new Set(map.nodes.filter((n) => n.kind === 'consumer').map((n) => n.id));
  const big = map.nodes.length > 80;
  return {
    tooltip: {
      formatter: (params) => {
        const p = Array.isArray(params) ? params[0]! : params;
        if (p.dataType === 'edge') return linkName(map.links[p.dataIndex]?.kind ?? '');
        const d = p.data as { name: string; kind: NodeKind };
        return `${kindName(d.kind)}<br/><b>${d.name}</b>`;
      },
    },
    legend: { data: KINDS.map(kindName), top: 0 },
    series: [
      {
        type: 'graph',
        layout: 'force',
        roam: true,
        draggable: true,
        top: 60,
        bottom: 20,
        categories: KINDS.map((k) => ({ name: kindName(k), itemStyle: { color: COLOR[k] } })),
        data: map.nodes.map((n) => ({
          id: n.id,
          name: n.label,
          kind: n.kind,
          category: KINDS.indexOf(n.kind),
          symbolSize: big && n.kind === 'resource' ? 12 : SIZE[n.kind],
          // A large map labels its hubs only; the rest are named on hover.
          label: { show: !big || !['resource', 'field'].includes(n.kind) },
        })),
        links: map.links.map((l) => ({
          source: l.source,
          target: l.target,
          lineStyle: consumers.has(l.target) ? { type: 'dashed', width: 2 } : undefined,
        })),
        force: {
          repulsion: big ? 120 : 260,
          edgeLength: big ? [30, 90] : [50, 140],
          gravity: big ? 0.2 : 0.06,
          friction: 0.2,
        },
        label: { position: 'right', fontSize: 12 },
        lineStyle: { color: 'source', curveness: 0.15, opacity: big ? 0.35 : 0.7 },
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 6,
        emphasis: { focus: 'adjacency', lineStyle: { width: 3 } },
      },
    ],
  };
}

/** 数据资产图谱: one provider's (or the whole city's) data assets as a graph to look at. */
export default function AssetMapPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const navigate = useNavigate();
  const orgs = useOrgs();
  // The providers are the search's provider facet; one page of one row is enough to get it.
  const listed = useQuery(async () => {
    const search = await ok(client.GET('/api/v1/catalog/resources', { params: { query: { page: 1, pageSize: 1 } } }));
    return Object.keys(search.facets.provider ?? {});
  }, []);
  const providers = listed.data ?? [];
  // Until the user picks (null: the whole city), a provider's own map comes first.
  const [picked, setPicked] = useState<string | null>();
  const own = user?.org && providers.includes(user.org.code) ? user.org.code : undefined;
  const provider = picked === undefined ? own : (picked ?? undefined);
  const drawn = useQuery(
    () => ok(client.GET('/api/v1/catalog/asset-map', { params: { query: { provider } } })),
    [provider],
  );
  // A spinner, not the last provider's graph, while another provider's map loads.
  const map = drawn.loading ? null : (drawn.data ?? null);
  const problem = listed.problem ?? drawn.problem;
  const names = namesOf(orgs);
  const kindName = (k: NodeKind) => t(`nodeKind.${k}`);
  const linkName = (k: string) => t(`linkKind.${k}`, { defaultValue: k });
  const option = useMemo(() => map && optionOf(map, kindName, linkName), [map, t]); // the language changes t
  const click = (p: ChartClick) => {
    const d = p.data as { id?: string; kind?: NodeKind } | undefined;
    const code = d?.kind === 'resource' ? RESOURCE_CODE.exec(d.id ?? '')?.[0] : undefined;
    if (code) navigate(`/catalog/${code}`);
  };
  return (
    <Page
      title={t('assetMap')}
      extra={
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          style={{ width: 280 }}
          placeholder={t('wholeCity')}
          value={provider}
          onChange={(v?: string) => setPicked(v ?? null)}
          options={providers.map((c) => ({ value: c, label: names[c] ?? c }))}
          data-testid="asset-map-provider"
        />
      }
    >
      {problem && <ProblemAlert problem={problem} />}
      <Card>
        {map && (
          <Space wrap style={{ marginBottom: 8 }} data-testid="asset-map-counts">
            {KINDS.map((k) => (
              <Tag key={k} color={COLOR[k]}>
                {kindName(k)} {map.nodes.filter((n) => n.kind === k).length}
              </Tag>
            ))}
            <span style={{ color: '#888' }}>{t('assetMapHint')}</span>
          </Space>
        )}
        {option ? <Chart option={option} height={640} onClick={click} testId="asset-map-chart" /> : <Spin />}
      </Card>
    </Page>
  );
}
