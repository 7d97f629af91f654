import { QuestionCircleOutlined } from '@ant-design/icons';
import { Card, Col, Descriptions, Row, Statistic, Table, Tooltip, Typography } from 'antd';
import type { EChartsOption } from 'echarts';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery } from '../api';
import { ProblemAlert } from '../ui/problem-alert';
import { Page } from '../ui/page';
import { Chart } from '../chart';
import type { IndicatorRow } from './types';

const RATES = ['catalogRate', 'mountRate', 'timeliness', 'sharingRate', 'openRate'] as const;
type Rate = (typeof RATES)[number];
type Counts = IndicatorRow['counts'];
/** The counts each rate divides, as src/catalog/indicators.ts (CATALOG_RATES) and docs/indicators.md define it. */
const TERMS: Record<Rate, [keyof Counts, keyof Counts]> = {
  catalogRate: ['published', 'resources'],
  mountRate: ['mounted', 'published'],
  timeliness: ['onTime', 'decided'],
  sharingRate: ['shareable', 'published'],
  openRate: ['openable', 'published'],
};
const percent = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const indexColor = (v: number) => (v >= 80 ? '#389e0d' : v >= 60 ? '#d48806' : '#cf1322');
/** Sorts numbers ascending with nulls (nothing to divide) first. */
const byRate = (k: (typeof RATES)[number] | 'index') => (a: IndicatorRow, b: IndicatorRow) =>
  (a[k] ?? -1) - (b[k] ?? -1);

function chartOf(rows: IndicatorRow[], city: number, cityLabel: string): EChartsOption {
  const sorted = [...rows].sort((a, b) => a.index - b.index);
  // Department names take at most a third of a phone's width, so that the bars keep the rest.
  const labelWidth = Math.min(190, Math.round(window.innerWidth / 3));
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: labelWidth + 10, right: 48, top: 32, bottom: 24 },
    xAxis: { type: 'value', min: 0, max: 100 },
    yAxis: {
      type: 'category',
      data: sorted.map((r) => r.name),
      axisLabel: { width: labelWidth, overflow: 'truncate' },
    },
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

/** A rate's name with its definition (numerator ÷ denominator, period) on hover. */
function RateTitle({ rate }: { rate: Rate }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={`${t(`rateHelp.${rate}`)}；${t('share.period')}：${t('share.indicatorPeriod')}`}>
      <span data-testid={`rate-help-${rate}`}>
        {t(`rate.${rate}`)} <QuestionCircleOutlined style={{ color: '#8c8c8c' }} />
      </span>
    </Tooltip>
  );
}

/** Every indicator's one definition, as docs/indicators.md gives it. */
function Definitions() {
  const { t } = useTranslation();
  return (
    <Card title={t('share.indicatorDefinition')} size="small" data-testid="indicator-definitions">
      <Descriptions
        size="small"
        column={1}
        items={[
          ...RATES.map((k) => ({ key: k, label: t(`rate.${k}`), children: t(`rateHelp.${k}`) })),
          { key: 'index', label: t('evaluationIndex'), children: t('share.indexDefinition') },
          { key: 'period', label: t('share.period'), children: t('share.indicatorPeriod') },
          { key: 'city', label: t('cityWide'), children: t('share.cityIsSum') },
        ]}
      />
    </Card>
  );
}

/** 数据共享开放评估: the city's figures, and the evaluation index and rates of every department. */
export default function IndicatorsPage() {
  const { t } = useTranslation();
  const { data, problem } = useQuery(() => ok(client.GET('/api/v1/catalog/indicators')), []);
  const option = useMemo(
    () => data && chartOf(data.organizations, data.city.index, t('cityWide')),
    [data, t], // the language changes t
  );
  if (problem) return <ProblemAlert problem={problem} />;
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
        <Col xs={24} sm={12} lg={6}>
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
          <Col key={k} xs={12} sm={12} lg={6}>
            <Card data-testid={`indicator-${k}`} style={{ height: '100%' }}>
              <Statistic title={t(k)} value={v} />
            </Card>
          </Col>
        ))}
        {RATES.map((k) => (
          <Col key={k} xs={12} sm={8} lg={{ flex: '1 1 0' }}>
            <Card size="small" data-testid={`indicator-${k}`}>
              <Statistic title={<RateTitle rate={k} />} value={percent(city[k])} />
              <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`indicator-${k}-terms`}>
                {city[k] === null ? t('rateNull') : `${city.counts[TERMS[k][0]]} / ${city.counts[TERMS[k][1]]}`}
              </Typography.Text>
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
              title: <RateTitle rate={k} />,
              dataIndex: k,
              align: 'right' as const,
              sorter: byRate(k),
              render: (v: number | null, r: IndicatorRow) => (
                <Tooltip title={`${r.counts[TERMS[k][0]]} / ${r.counts[TERMS[k][1]]}`}>{percent(v)}</Tooltip>
              ),
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
          scroll={{ x: 'max-content' }}
        />
      </Card>
      <Definitions />
    </Page>
  );
}
