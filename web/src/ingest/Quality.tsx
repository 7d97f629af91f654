import { Card, Col, Empty, Input, Progress, Row, Space, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import type { EChartsOption } from 'echarts';
import type { TFunction } from 'i18next';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { client, ok, query, useQuery, type Answer, type Item } from '../api';
import { Page } from '../ui/page';
import { Chart, type ChartClick } from '../chart';
import type { Severity } from '../quality/types';
import { ProblemAlert } from '../ui/problem-alert';
import { ruleName } from '../ui/rule-name';
import { JobOutcomeTag, ThresholdText } from './Outcome';
import { ResourcePicker } from './ResourcePicker';

/** The seeds' 质检合格率 target: a pass rate (or score) below it shows red. */
const TARGET = 95;
const RED = '#cf1322';
const GREEN = '#3f8600';
type Percent = number | null;
const pct = (v: Percent) => (v === null ? '—' : `${v} %`);
const colorOf = (v: Percent) => (v !== null && v < TARGET ? RED : GREEN);
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A load's quality: score = rows that went in, passRate = rows without any issue. */
export type QualityReport = Answer<'/api/v1/ingest/jobs/{id}/quality'>;
type TrendPoint = Item<Answer<'/api/v1/ingest/quality-trend'>>;
type Origin = Item<Answer<'/api/v1/ingest/lineage'>['fields']>['origin'];

/** Where a job is looked at: the jobs page, filtered to its resource, with its drawer open. */
export const jobLink = (resource: string, job: string) => `/ingest/jobs?${query({ resource, job })}`;

function fieldChart(report: QualityReport, t: TFunction): EChartsOption {
  const fields = [...report.fields].reverse(); // the first field on top
  return {
    tooltip: {
      formatter: (params) => {
        const f = fields[(Array.isArray(params) ? params[0]! : params).dataIndex]!;
        return `<b>${esc(f.label)}</b><br/>${t('passRate')} ${pct(f.passRate)}<br/>${t('rowsRejected')} ${f.rejected}<br/>${t('rowsWarned')} ${f.warned}`;
      },
    },
    grid: { left: 150, right: 64, top: 24, bottom: 24 },
    xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: fields.map((f) => f.label), axisLabel: { width: 140, overflow: 'truncate' } },
    series: [
      {
        type: 'bar',
        data: fields.map((f) => ({ value: f.passRate ?? '-', itemStyle: { color: colorOf(f.passRate) } })),
        label: { show: true, position: 'right', formatter: '{c}%' },
        markLine: {
          symbol: 'none',
          data: [{ xAxis: TARGET }],
          label: { formatter: `${t('qualityTarget')} {c}%` },
          lineStyle: { color: RED, type: 'dashed' },
        },
      },
    ],
  };
}

/** One figure of a load: the value, red below the target, and a bar. */
function Figure({ title, value, testId }: { title: string; value: Percent; testId: string }) {
  return (
    <Card size="small" data-testid={testId}>
      <Statistic title={title} value={pct(value)} styles={{ content: { color: colorOf(value) } }} />
      <Progress percent={value ?? 0} showInfo={false} strokeColor={colorOf(value)} size="small" />
    </Card>
  );
}

/** 质量报告 of one load: score and pass rate, pass rate per field (with the 95 % line), and rows per rule. */
export function LoadQuality({ jobId }: { jobId: string }) {
  const { t } = useTranslation();
  const { data: report, problem } = useQuery(
    () => ok(client.GET('/api/v1/ingest/jobs/{id}/quality', { params: { path: { id: jobId } } })),
    [jobId],
  );
  const option = useMemo(() => report && fieldChart(report, t), [report, t]);
  if (problem) return <ProblemAlert problem={problem} />;
  if (!report || !option) return null;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="load-quality">
      <Space wrap size={4} data-testid="load-outcome">
        <JobOutcomeTag outcome={report.outcome} />
        <Typography.Text type="secondary">
          {t('jobThreshold')}: <ThresholdText threshold={report.threshold} />
        </Typography.Text>
      </Space>
      <Typography.Text type="secondary">{t('qualityReportHint')}</Typography.Text>
      <Row gutter={12}>
        <Col xs={24} sm={8}>
          <Card size="small">
            <Statistic title={t('rowsRead')} value={report.rowsRead} />
          </Card>
        </Col>
        <Col xs={24} sm={8}>
          <Figure title={t('qualityScore')} value={report.score} testId="quality-score" />
        </Col>
        <Col xs={24} sm={8}>
          <Figure title={t('passRate')} value={report.passRate} testId="quality-pass-rate" />
        </Col>
      </Row>
      <Chart option={option} height={report.fields.length * 28 + 60} testId="quality-fields-chart" />
      <Table
        rowKey={(r) => `${r.rule}:${r.severity}`}
        size="small"
        pagination={false}
        dataSource={report.rules}
        data-testid="quality-rules"
        locale={{ emptyText: t('qualityNoIssues') }}
        columns={[
          {
            title: t('qualityRule'),
            dataIndex: 'rule',
            // The rule by what it checks; its id on hover.
            render: (r: string) => (
              <Tooltip title={r === 'validation' ? undefined : t('technicalCode', { code: r })}>
                <span data-testid="quality-rule-name">
                  {ruleName(
                    r,
                    (name) => report.fields.find((f) => f.field === name)?.label,
                    (key, options) => t(key, options ?? {}),
                  )}
                </span>
              </Tooltip>
            ),
          },
          {
            title: t('ruleSeverityTitle'),
            dataIndex: 'severity',
            render: (s: Severity) => <Tag color={s === 'reject' ? 'red' : 'gold'}>{t(`ruleSeverity.${s}`)}</Tag>,
          },
          { title: t('qualityRows'), dataIndex: 'rows', align: 'right' },
        ]}
      />
    </Space>
  );
}

function trendChart(points: TrendPoint[], t: TFunction): EChartsOption {
  const line = (name: string, value: (p: TrendPoint) => Percent) => ({
    type: 'line' as const,
    name,
    symbolSize: 8,
    data: points.map((p) => ({ name: p.jobId, value: value(p) ?? '-' })),
  });
  const passRate = line(t('passRate'), (p) => p.passRate);
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${String(v)} %` },
    legend: { top: 0 },
    grid: { left: 48, right: 48, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: points.map((p) => new Date(p.finishedAt).toLocaleString()) },
    yAxis: {
      type: 'value',
      max: 100,
      min: (v: { min: number }) => Math.min(TARGET - 5, Math.floor(v.min / 10) * 10),
      axisLabel: { formatter: '{value}%' },
    },
    series: [
      line(t('qualityScore'), (p) => p.score),
      {
        ...passRate,
        markLine: {
          symbol: 'none',
          data: [{ yAxis: TARGET }],
          label: { position: 'insideEndTop', formatter: `${t('qualityTarget')} {c}%` },
          lineStyle: { color: RED, type: 'dashed' },
        },
      },
    ],
  };
}

/** How a resource's quality moves: score and pass rate of its last loads; a point opens its job. */
export function QualityTrend({ resource }: { resource: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { data: points, problem } = useQuery(
    () => ok(client.GET('/api/v1/ingest/quality-trend', { params: { query: { resource, limit: 30 } } })),
    [resource],
  );
  const option = useMemo(() => points && trendChart(points, t), [points, t]);
  const open = (p: ChartClick) => {
    const job = (p.data as { name?: string } | undefined)?.name;
    if (job) navigate(jobLink(resource, job));
  };
  if (problem) return <ProblemAlert problem={problem} />;
  if (!points || !option) return null;
  if (points.length === 0) return <Empty description={t('qualityNoLoads')} />;
  return (
    <>
      <Typography.Text type="secondary">{t('qualityTrendHint')}</Typography.Text>
      <Chart option={option} height={280} onClick={open} testId="quality-trend-chart" />
    </>
  );
}

/** 数据血缘 of one record: for each field, the load (job, source, row) or the correction its value came from. */
export function Lineage({ resource }: { resource: string }) {
  const { t } = useTranslation();
  const [key, setKey] = useState<string | null>(null);
  const { data: lineage, problem } = useQuery(
    async () => (key ? ok(client.GET('/api/v1/ingest/lineage', { params: { query: { resource, key } } })) : null),
    [resource, key],
  );
  const { data: described } = useQuery(
    () => ok(client.GET('/api/v1/catalog/resources/{code}', { params: { path: { code: resource } } })),
    [resource],
  );
  const label = (field: string) => described?.fields.find((f) => f.name === field)?.label ?? field;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('lineageHint')}</Typography.Text>
      <Input.Search
        allowClear
        enterButton
        placeholder={t('key')}
        onSearch={(v) => setKey(v.trim() || null)}
        style={{ maxWidth: 420 }}
        data-testid="lineage-key"
      />
      {problem && <ProblemAlert problem={problem} />}
      {lineage && (
        <Table
          rowKey="field"
          size="small"
          pagination={false}
          dataSource={lineage.fields}
          data-testid="lineage-table"
          columns={[
            { title: t('field'), dataIndex: 'field', render: (f: string) => label(f) },
            {
              title: t('lineageOrigin'),
              key: 'origin',
              render: (_, { origin }) => <OriginCell resource={resource} origin={origin} />,
            },
            {
              title: t('lineageAt'),
              key: 'at',
              render: (_, { origin }) => new Date(origin.at).toLocaleString(),
            },
          ]}
        />
      )}
    </Space>
  );
}

function OriginCell({ resource, origin }: { resource: string; origin: Origin }) {
  const { t } = useTranslation();
  if (origin.kind === 'correction')
    return (
      <Space size={4}>
        <Tag color="purple">{t('lineageKind.correction')}</Tag>
        <Link to={`/corrections?${query({ state: 'accepted', id: origin.correction })}`}>
          {t('correctionNo', { id: origin.correction })}
        </Link>
      </Space>
    );
  return (
    <Space size={4} wrap>
      <Tag color="blue">{t('lineageKind.load')}</Tag>
      {origin.jobId ? <Link to={jobLink(resource, origin.jobId)}>{t('ingestJob')}</Link> : null}
      {origin.source && <Typography.Text code>{origin.source}</Typography.Text>}
      {origin.row !== null && <span>{t('rowNo', { row: origin.row })}</span>}
    </Space>
  );
}

/** 归集质量: a resource's quality trend over its loads, and the lineage of any of its records. */
export default function QualityPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const resource = params.get('resource') ?? undefined;
  return (
    <Page
      title={t('ingestQuality')}
      extra={
        resource && (
          <Link to={`/ingest/jobs?${query({ resource })}`} data-testid="quality-jobs-link">
            {t('ingestJobs')}
          </Link>
        )
      }
    >
      <ResourcePicker
        value={resource}
        onChange={(v) => setParams({ resource: v })}
        testId="quality-resource"
        width={360}
      />
      {resource ? (
        <>
          <Card title={t('qualityTrend')}>
            <QualityTrend key={resource} resource={resource} />
          </Card>
          <Card title={t('lineage')}>
            <Lineage key={resource} resource={resource} />
          </Card>
        </>
      ) : (
        <Empty description={t('qualityPickResource')} />
      )}
    </Page>
  );
}
