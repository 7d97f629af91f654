import { Alert, Card, Col, Row, Statistic, Table, Tooltip } from 'antd';
import type { EChartsOption } from 'echarts';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, problemOf, type Problem } from '../api';
import { Page } from '../App';
import { Chart } from '../chart';
import type { IndicatorRow, Indicators } from '../types';

const RATES = ['catalogRate', 'mountRate', 'timeliness', 'sharingRate', 'openRate'] as const;
const percent = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const indexColor = (v: number) => (v >= 80 ? '#389e0d' : v >= 60 ? '#d48806' : '#cf1322');
/** Sorts numbers ascending with nulls (nothing to divide) first. */
const byRate = (k: (typeof RATES)[number] | 'index') => (a: IndicatorRow, b: IndicatorRow) =>
  (a[k] ?? -1) - (b[k] ?? -1);

function chartOf(rows: IndicatorRow[], city: number, cityLabel: string): EChartsOption {
  const sorted = [...rows].sort((a, b) => a.index - b.index);
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 200, right: 48, top: 32, bottom: 24 },
    xAxis: { type: 'value', min: 0, max: 100 },
    yAxis: { type: 'category', data: sorted.map((r) => r.name), axisLabel: { width: 190, overflow: 'truncate' } },
    series: [
      {
        type: 'bar',
        data: sorted.map((r) => ({ value: Number(r.index.toFixed(1)), itemStyle: { color: indexColor(r.index) } })),
        label: { show: true, position: 'right' },
        markLine: {
          symbol: 'none',
          data: [{ xAxis: Number(city.toFixed(1)), name: cityLabel }],
          label: { formatter: `${cityLabel} {c}` },
          lineStyle: { color: '#1d4e89', type: 'dashed' },
        },
      },
    ],
  };
}

/** 数据共享开放评估: the city's figures, and the evaluation index and rates of every department. */
export default function IndicatorsPage() {
  const { t } = useTranslation();
  const [data, setData] = useState<Indicators | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    api<Indicators>('/api/v1/catalog/indicators')
      .then(setData)
      .catch((e) => setProblem(problemOf(e)));
  }, []);
  const option = useMemo(
    () => data && chartOf(data.organizations, data.city.index, t('cityWide')),
    [data, t], // the language changes t
  );
  if (problem) return <Alert type="error" title={problem.title} description={problem.detail} />;
  if (!data) return null;
  const { city } = data;
  const counts: Array<[string, number]> = [
    ['departments', city.departments],
    ['resources', city.resources],
    ['published', city.published],
  ];
  return (
    <Page title={t('indicators')}>
      <Row gutter={[16, 16]}>
        <Col span={6}>
          <Card data-testid="indicator-index" style={{ height: '100%' }}>
            <Statistic
              title={t('evaluationIndex')}
              value={city.index}
              precision={1}
              suffix="/ 100"
              styles={{ content: { color: indexColor(city.index), fontSize: 32 } }}
            />
          </Card>
        </Col>
        {counts.map(([k, v]) => (
          <Col key={k} span={6}>
            <Card data-testid={`indicator-${k}`} style={{ height: '100%' }}>
              <Statistic title={t(k)} value={v} />
            </Card>
          </Col>
        ))}
        {RATES.map((k) => (
          <Col key={k} flex="1 1 0">
            <Card size="small" data-testid={`indicator-${k}`}>
              <Tooltip title={city[k] === null ? t('rateNull') : t(`rateHelp.${k}`)}>
                <Statistic title={t(`rate.${k}`)} value={percent(city[k])} />
              </Tooltip>
            </Card>
          </Col>
        ))}
      </Row>
      <Card title={t('indexByDepartment')}>
        {option && (
          <Chart
            option={option}
            height={Math.max(240, data.organizations.length * 26 + 40)}
            testId="indicators-chart"
          />
        )}
      </Card>
      <Card title={t('ratesByDepartment')}>
        <Table<IndicatorRow>
          rowKey="code"
          size="small"
          pagination={false}
          dataSource={data.organizations}
          data-testid="indicators-table"
          columns={[
            { title: t('org'), dataIndex: 'name', sorter: (a, b) => a.name.localeCompare(b.name, 'zh-CN') },
            {
              title: t('resources'),
              dataIndex: 'resources',
              align: 'right',
              sorter: (a, b) => a.resources - b.resources,
            },
            {
              title: t('published'),
              dataIndex: 'published',
              align: 'right',
              sorter: (a, b) => a.published - b.published,
            },
            ...RATES.map((k) => ({
              title: t(`rate.${k}`),
              dataIndex: k,
              align: 'right' as const,
              sorter: byRate(k),
              render: (v: number | null) => percent(v),
            })),
            {
              title: t('evaluationIndex'),
              dataIndex: 'index',
              align: 'right',
              defaultSortOrder: 'descend',
              sorter: byRate('index'),
              render: (v: number) => <b style={{ color: indexColor(v) }}>{v.toFixed(1)}</b>,
            },
          ]}
        />
      </Card>
    </Page>
  );
}
