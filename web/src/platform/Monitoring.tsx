import { CheckOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Row,
  Segmented,
  Select,
  Space,
  Statistic,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { EChartsOption } from 'echarts';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useAction, useQuery } from '../api';
import { Page } from '../ui/page';
import { Chart } from '../chart';
import type { MonitoringAlert, Thresholds, UsagePoint } from './types';
import { namesOf, useOrgs } from '../catalog/orgs';
import { ProblemAlert } from '../ui/problem-alert';

type Span = 'day' | 'hour';
type GroupBy = 'service' | 'consumer';
type Metric = 'calls' | 'rows' | 'errors' | 'avgLatencyMs';
const METRICS: Metric[] = ['calls', 'rows', 'errors', 'avgLatencyMs'];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ALERT_COLOR: Record<string, string> = { 'night-bulk': 'volcano', 'volume-spike': 'orange' };

/** The window's buckets, oldest first: the last 24 hours by hour, or the last hour by minute. */
function bucketsOf(span: Span, now: number): number[] {
  const step = span === 'day' ? HOUR : MINUTE;
  const last = Math.floor(now / step) * step;
  const count = span === 'day' ? 24 : 60;
  return Array.from({ length: count + 1 }, (_, i) => last - (count - i) * step);
}

interface Series {
  name: string;
  /** Per bucket; latency is null where there were no calls. */
  data: Record<Metric, Array<number | null>>;
}

/** Sums the points per bucket and per service (or consumer); latency is averaged over the calls. */
function seriesOf(points: UsagePoint[], buckets: number[], groupBy: GroupBy, nameOf: (p: UsagePoint) => string) {
  const index = new Map(buckets.map((b, i) => [b, i]));
  const groups = new Map<string, { calls: number[]; rows: number[]; errors: number[]; latency: number[] }>();
  for (const p of points) {
    const i = index.get(Date.parse(p.at));
    if (i === undefined) continue;
    const name = groupBy === 'service' ? p.service : nameOf(p);
    let g = groups.get(name);
    if (!g) {
      const zeros = () => buckets.map(() => 0);
      g = { calls: zeros(), rows: zeros(), errors: zeros(), latency: zeros() };
      groups.set(name, g);
    }
    g.calls[i]! += p.calls;
    g.rows[i]! += p.rows;
    g.errors[i]! += p.errors;
    g.latency[i]! += p.avgLatencyMs * p.calls;
  }
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b, 'zh-CN'))
    .map(([name, g]): Series => ({
      name,
      data: {
        calls: g.calls,
        rows: g.rows,
        errors: g.errors,
        avgLatencyMs: g.latency.map((l, i) => (g.calls[i] ? Math.round((l / g.calls[i]!) * 10) / 10 : null)),
      },
    }));
}

function chartOf(metric: Metric, series: Series[], labels: string[], unit: string): EChartsOption {
  const line = metric === 'avgLatencyMs';
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '—' : `${String(v)}${unit}`) },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', minInterval: line ? 0 : 1, axisLabel: { formatter: `{value}${unit}` } },
    series: series.map((s) =>
      line
        ? { name: s.name, type: 'line', symbolSize: 6, showAllSymbol: true, connectNulls: false, data: s.data[metric] }
        : { name: s.name, type: 'bar', stack: metric, barMaxWidth: 24, data: s.data[metric] },
    ),
  };
}

/** The window's usage (with the time it was asked at, which its buckets count back from) and the alerts. */
async function loadWindow(span: Span, onlyOpen: boolean) {
  const now = Date.now();
  const window =
    span === 'day'
      ? { bucket: 'hour' as const }
      : { bucket: 'minute' as const, from: new Date(now - HOUR - MINUTE).toISOString() };
  const [usage, alerts] = await Promise.all([
    ok(client.GET('/api/v1/monitoring/usage', { params: { query: window } })),
    ok(client.GET('/api/v1/monitoring/alerts', { params: { query: { open: onlyOpen || undefined } } })),
  ]);
  return { usage: { ...usage, now }, alerts: alerts.items };
}

/** 监控: calls, rows, errors and latency of the data services, and the anomalies found in them. */
export default function MonitoringPage() {
  const { t } = useTranslation();
  const orgs = namesOf(useOrgs());
  const [span, setSpan] = useState<Span>('day');
  const [groupBy, setGroupBy] = useState<GroupBy>('service');
  const [consumer, setConsumer] = useState<string | undefined>();
  const [onlyOpen, setOnlyOpen] = useState(false);
  const answer = useQuery(() => loadWindow(span, onlyOpen), [span, onlyOpen]);
  const { problem, loading, refetch: load } = answer;
  const usage = answer.data?.usage ?? null;
  const alerts = answer.data?.alerts ?? [];

  const acknowledge = useAction(
    (a: MonitoringAlert) =>
      ok(client.POST('/api/v1/monitoring/alerts/{id}/acknowledge', { params: { path: { id: a.id } } })),
    { success: () => t('acknowledged'), then: load },
  );

  const orgName = useCallback((code: string) => orgs[code] ?? code, [orgs]);
  const consumers = useMemo(() => [...new Set(usage?.points.map((p) => p.consumer) ?? [])], [usage]);
  const view = useMemo(() => {
    if (!usage) return null;
    const points = usage.points.filter((p) => !consumer || p.consumer === consumer);
    const buckets = bucketsOf(span, usage.now);
    const labels = buckets.map((b) => {
      const d = new Date(b);
      const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
      return span === 'day' && d.getHours() === 0 ? `${d.getMonth() + 1}/${d.getDate()} ${hm}` : hm;
    });
    const series = seriesOf(points, buckets, groupBy, (p) => orgName(p.consumer));
    const total = points.reduce(
      (s, p) => ({
        calls: s.calls + p.calls,
        rows: s.rows + p.rows,
        errors: s.errors + p.errors,
        latency: s.latency + p.avgLatencyMs * p.calls,
      }),
      { calls: 0, rows: 0, errors: 0, latency: 0 },
    );
    const units: Record<Metric, string> = { calls: '', rows: '', errors: '', avgLatencyMs: ' ms' };
    const options = Object.fromEntries(METRICS.map((m) => [m, chartOf(m, series, labels, units[m])])) as Record<
      Metric,
      EChartsOption
    >;
    return { total, options, empty: series.length === 0 };
  }, [usage, consumer, span, groupBy, orgName]);

  return (
    <Page
      title={t('monitoring')}
      extra={
        <Space wrap>
          <Segmented
            value={span}
            onChange={(v) => setSpan(v as Span)}
            options={[
              { value: 'day', label: t('last24h') },
              { value: 'hour', label: t('lastHour') },
            ]}
            data-testid="monitoring-span"
          />
          <Select
            allowClear
            placeholder={t('allConsumers')}
            value={consumer}
            onChange={setConsumer}
            style={{ width: 220 }}
            data-testid="monitoring-consumer"
            options={consumers.map((c) => ({ value: c, label: orgName(c) }))}
          />
          <Button icon={<ReloadOutlined />} onClick={() => void load()} loading={loading} aria-label={t('refresh')} />
        </Space>
      }
    >
      {problem && <ProblemAlert problem={problem} />}
      {view && (
        <Row gutter={[16, 16]}>
          <Col xs={12} md={6}>
            <Card size="small" data-testid="monitoring-calls">
              <Statistic title={t('metric.calls')} value={view.total.calls} />
            </Card>
          </Col>
          <Col xs={12} md={6}>
            <Card size="small">
              <Statistic title={t('metric.rows')} value={view.total.rows} />
            </Card>
          </Col>
          <Col xs={12} md={6}>
            <Card size="small">
              <Statistic
                title={t('metric.errors')}
                value={view.total.errors}
                suffix={
                  view.total.calls > 0 && (
                    <Typography.Text type="secondary" style={{ fontSize: 14 }}>
                      ({((view.total.errors / view.total.calls) * 100).toFixed(1)}%)
                    </Typography.Text>
                  )
                }
                styles={{ content: { color: view.total.errors ? '#cf1322' : undefined } }}
              />
            </Card>
          </Col>
          <Col xs={12} md={6}>
            <Card size="small">
              <Statistic
                title={t('metric.avgLatencyMs')}
                value={view.total.calls ? view.total.latency / view.total.calls : 0}
                precision={1}
                suffix="ms"
              />
            </Card>
          </Col>
        </Row>
      )}
      {view && (
        <Card
          title={span === 'day' ? t('usageByHour') : t('usageByMinute')}
          extra={
            <Segmented
              size="small"
              value={groupBy}
              onChange={(v) => setGroupBy(v as GroupBy)}
              options={[
                { value: 'service', label: t('perService') },
                { value: 'consumer', label: t('perConsumer') },
              ]}
              data-testid="monitoring-group"
            />
          }
        >
          {view.empty ? (
            <Empty description={t('noUsage')} />
          ) : (
            <Row gutter={[24, 24]} data-testid="monitoring-charts">
              {METRICS.map((m) => (
                <Col xs={24} md={12} key={m}>
                  <Typography.Text strong>{t(`metric.${m}`)}</Typography.Text>
                  <Chart option={view.options[m]} height={240} testId={`chart-${m}`} />
                </Col>
              ))}
            </Row>
          )}
        </Card>
      )}
      <Card
        title={t('alerts')}
        extra={
          <Space>
            <Typography.Text type="secondary">{t('onlyOpen')}</Typography.Text>
            <Switch size="small" checked={onlyOpen} onChange={setOnlyOpen} data-testid="alerts-open" />
          </Space>
        }
      >
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          {usage && <ThresholdsView thresholds={usage.thresholds} />}
          <Table<MonitoringAlert>
            rowKey="id"
            size="small"
            dataSource={alerts}
            data-testid="alerts-table"
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            locale={{ emptyText: t('noAlerts') }}
            columns={[
              { title: '#', dataIndex: 'id', width: 56 },
              {
                title: t('type'),
                dataIndex: 'kind',
                render: (k: string) => (
                  <Tag color={ALERT_COLOR[k] ?? 'red'}>{t(`alertKind.${k}`, { defaultValue: k })}</Tag>
                ),
              },
              { title: t('consumer'), dataIndex: 'consumer', render: (c: string) => orgName(c) },
              { title: t('service'), dataIndex: 'service', render: (s: string | null) => s ?? '—' },
              {
                title: t('detail'),
                key: 'detail',
                render: (_, a) => <AlertDetail alert={a} thresholds={usage?.thresholds} />,
              },
              {
                title: t('at'),
                dataIndex: 'at',
                render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{new Date(v).toLocaleString()}</span>,
              },
              {
                title: t('state'),
                key: 'state',
                render: (_, a) =>
                  a.acknowledgedBy ? (
                    <Tag icon={<CheckOutlined />} color="default">
                      {t('acknowledgedBy', { who: a.acknowledgedBy })}
                    </Tag>
                  ) : (
                    <Button size="small" onClick={() => void acknowledge.run(a)} data-testid={`ack-${a.id}`}>
                      {t('acknowledge')}
                    </Button>
                  ),
              },
            ]}
          />
        </Space>
      </Card>
    </Page>
  );
}

function ThresholdsView({ thresholds }: { thresholds: Thresholds }) {
  const { t } = useTranslation();
  return (
    <Descriptions
      size="small"
      column={{ xs: 1, md: 2 }}
      bordered
      data-testid="thresholds"
      items={[
        {
          key: 'night',
          label: <Tag color={ALERT_COLOR['night-bulk']}>{t('alertKind.night-bulk')}</Tag>,
          children: t('thresholdNight', { rows: thresholds.nightRows }),
        },
        {
          key: 'spike',
          label: <Tag color={ALERT_COLOR['volume-spike']}>{t('alertKind.volume-spike')}</Tag>,
          children: t('thresholdSpike', { factor: thresholds.spikeFactor, floor: thresholds.spikeFloor }),
        },
      ]}
    />
  );
}

function AlertDetail({ alert, thresholds }: { alert: MonitoringAlert; thresholds?: Thresholds }) {
  const { t } = useTranslation();
  const d = (alert.detail ?? {}) as Record<string, unknown>;
  if (alert.kind === 'night-bulk' && typeof d.rows === 'number') {
    return (
      <span>
        {t('alertDetail.night-bulk', {
          rows: d.rows,
          minute: typeof d.minute === 'string' ? new Date(d.minute).toLocaleTimeString() : '',
          threshold: thresholds?.nightRows ?? '',
        })}
      </span>
    );
  }
  if (alert.kind === 'volume-spike' && typeof d.lastHour === 'number') {
    return (
      <span>
        {t('alertDetail.volume-spike', {
          lastHour: d.lastHour,
          average: d.hourlyAverage ?? 0,
          factor: thresholds?.spikeFactor ?? '',
        })}
      </span>
    );
  }
  return <Typography.Text code>{JSON.stringify(alert.detail)}</Typography.Text>;
}
