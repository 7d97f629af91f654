import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DownloadOutlined,
  FilePdfOutlined,
  PictureOutlined,
} from '@ant-design/icons';
import {
  Button,
  Card,
  Col,
  ConfigProvider,
  Descriptions,
  Modal,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Tooltip,
  Typography,
  theme,
} from 'antd';
import type { EChartsOption } from 'echarts';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { client, download, ok, useQuery, type Answer, type Item } from '../api';
import { Chart } from '../chart';
import { useSession } from '../session';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { DistrictMap } from './DistrictMap';
import { DashboardEditor } from './Editor';

type Indicator = Item<Answer<'/api/v1/cockpit/indicators'>>;
type PanelData = Item<Answer<'/api/v1/cockpit/dashboards/{id}/data'>['panels']>;
export type DashboardDef = Answer<'/api/v1/cockpit/dashboards/{id}'>;
type Panel = DashboardDef['doc']['panels'][number];
type RankingRow = Item<Answer<'/api/v1/cockpit/ranking'>['rows']>;
type Period = 'month' | 'quarter' | 'year' | 'all';

const GREEN = '#389e0d';
const RED = '#cf1322';
const HOME = 'data-sharing';
/** How often the wall screen reads everything again. */
const REFRESH_MS = 60_000;

const colorOf = (met: boolean | null) => (met === true ? GREEN : met === false ? RED : undefined);

/** The value with its unit, as people read it: 96.0%, 1.5 个工作日, 1 234 次. */
function useFormat() {
  const { t } = useTranslation();
  return (i: Pick<Indicator, 'unit' | 'value'>, v: number | null = i.value) => {
    if (v === null) return t('cockpit.noData');
    if (i.unit === 'percent') return `${v.toFixed(1)}%`;
    if (i.unit === 'days') return `${v.toFixed(1)} ${t('cockpit.unit.days')}`;
    return `${v.toLocaleString()} ${t('cockpit.unit.count')}`.trim();
  };
}

function targetText(i: Indicator, format: ReturnType<typeof useFormat>, t: (k: string) => string) {
  if (i.target === null || i.targetOp === null) return t('cockpit.noTarget');
  const op = { '>=': '≥', '>': '>', '<=': '≤' }[i.targetOp];
  return `${t('cockpit.target')} ${op} ${format(i, i.target)}`;
}

/** One indicator against its target: green when met, red when not; click for the rows behind it. */
function IndicatorCard({ i, onDrill, dark }: { i: Indicator; onDrill?: (i: Indicator) => void; dark: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const terms =
    i.denominator === null ? null : t('cockpit.terms', { n: i.numerator.toLocaleString(), d: i.denominator });
  return (
    <Card
      size="small"
      hoverable={Boolean(onDrill)}
      onClick={onDrill && (() => onDrill(i))}
      data-testid={`cockpit-indicator-${i.code}`}
      style={{ height: '100%', borderTop: `3px solid ${colorOf(i.met) ?? (dark ? '#3a4b6a' : '#d9d9d9')}` }}
    >
      <Tooltip
        title={
          <>
            <div>
              {t('cockpit.numerator')}：{i.definition.numerator}
            </div>
            {i.definition.denominator && (
              <div>
                {t('cockpit.denominator')}：{i.definition.denominator}
              </div>
            )}
            <div>
              {t('cockpit.period')}：{i.period}
            </div>
          </>
        }
      >
        <Statistic title={i.name} value={format(i)} styles={{ content: { color: colorOf(i.met), fontSize: 24 } }} />
      </Tooltip>
      <Space size={6} wrap>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {targetText(i, format, t)}
        </Typography.Text>
        {i.met !== null && (
          <Tag color={i.met ? 'success' : 'error'} style={{ marginInlineEnd: 0 }}>
            {i.met ? t('cockpit.met') : t('cockpit.notMet')}
          </Tag>
        )}
        {terms && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {terms}
          </Typography.Text>
        )}
      </Space>
    </Card>
  );
}

/** The rows that make a figure, in a dialog: the city's for operators and auditors, else the department's. */
function Drill({ indicator, org, onClose }: { indicator: Indicator | null; org?: string; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const rows = useQuery(
    async () =>
      indicator
        ? ok(
            client.GET('/api/v1/cockpit/indicators/{code}/rows', {
              params: { path: { code: indicator.code }, query: org ? { org } : {} },
            }),
          )
        : undefined,
    [indicator, org],
  );
  return (
    <Modal
      open={indicator !== null}
      onCancel={onClose}
      footer={null}
      width={960}
      title={indicator && t('cockpit.drillTitle', { name: indicator.name })}
      data-testid="cockpit-drill"
    >
      {rows.problem && <ProblemAlert problem={rows.problem} />}
      {rows.data && (
        <>
          <Table
            size="small"
            rowKey={(_, n) => String(n)}
            dataSource={rows.data.rows}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: 'max-content' }}
            columns={rows.data.columns.map((c) => ({
              key: c.key,
              dataIndex: c.key,
              title: en ? c.name.en : c.name.zh,
              render: (v: string | number | null) => {
                const words = typeof v === 'string' ? c.values?.[v] : undefined;
                if (words) return en ? words.en : words.zh;
                return typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)
                  ? new Date(v).toLocaleString(en ? 'en' : 'zh-CN', { hour12: false })
                  : (v ?? '—');
              },
            }))}
          />
          {rows.data.truncated && (
            <Typography.Text type="secondary">{t('cockpit.truncated', { n: 200 })}</Typography.Text>
          )}
        </>
      )}
    </Modal>
  );
}

/** An ECharts option for a query panel's points. */
function optionOf(chart: Panel['chart'], points: PanelData['points'], dark: boolean): EChartsOption {
  const text = dark ? '#cfe3ff' : '#595959';
  const labelWidth = Math.min(160, Math.round(window.innerWidth / 3));
  const common = { textStyle: { color: text }, tooltip: { trigger: chart === 'pie' ? 'item' : 'axis' } } as const;
  if (chart === 'pie') {
    return {
      ...common,
      series: [
        {
          type: 'pie',
          radius: ['35%', '65%'],
          data: points.map((p) => ({ name: p.label, value: p.value })),
          label: { color: text, overflow: 'truncate', width: 90 },
        },
      ],
    };
  }
  if (chart === 'line') {
    return {
      ...common,
      grid: { left: 48, right: 16, top: 16, bottom: 32 },
      xAxis: { type: 'category', data: points.map((p) => p.label), axisLabel: { color: text } },
      yAxis: { type: 'value', axisLabel: { color: text } },
      series: [{ type: 'line', smooth: true, areaStyle: { opacity: 0.15 }, data: points.map((p) => p.value) }],
    };
  }
  const sorted = [...points].reverse();
  return {
    ...common,
    grid: { left: labelWidth + 8, right: 40, top: 8, bottom: 24 },
    xAxis: { type: 'value', axisLabel: { color: text } },
    yAxis: {
      type: 'category',
      data: sorted.map((p) => p.label),
      axisLabel: { color: text, width: labelWidth, overflow: 'truncate' },
    },
    series: [{ type: 'bar', data: sorted.map((p) => p.value), label: { show: true, position: 'right', color: text } }],
  };
}

function gaugeOf(i: Indicator, dark: boolean): EChartsOption {
  return {
    series: [
      {
        type: 'gauge',
        min: 0,
        max: 100,
        progress: { show: true, itemStyle: { color: colorOf(i.met) ?? '#1677ff' } },
        detail: { formatter: '{value}%', color: dark ? '#cfe3ff' : undefined, fontSize: 20 },
        axisLabel: { show: false },
        data: [{ value: i.value ?? 0 }],
      },
    ],
  };
}

/** One panel: an indicator card or gauge, or a named query's chart, with its PNG export. */
function PanelView({
  panel,
  data,
  indicators,
  dark,
  onDrill,
}: {
  panel: Panel;
  data: PanelData | undefined;
  indicators: Map<string, Indicator>;
  dark: boolean;
  onDrill: (i: Indicator) => void;
}) {
  const { t, i18n } = useTranslation();
  const png = useRef<((background: string) => string) | null>(null);
  const title = i18n.language.startsWith('en') ? panel.title.en : panel.title.zh;
  const indicator = 'indicator' in panel.source ? indicators.get(panel.source.indicator) : undefined;
  const option = useMemo(
    () =>
      indicator && panel.chart === 'gauge' && indicator.unit === 'percent'
        ? gaugeOf(indicator, dark)
        : data && !indicator && panel.chart !== 'table' && panel.chart !== 'card' && panel.chart !== 'map'
          ? optionOf(panel.chart, data.points, dark)
          : null,
    [indicator, panel.chart, data, dark],
  );
  if (indicator && !option) {
    return (
      <Col xs={12} md={8} xl={6}>
        <IndicatorCard i={indicator} onDrill={onDrill} dark={dark} />
      </Col>
    );
  }
  const exportPng = () => {
    const url = png.current?.(dark ? '#0b1a33' : '#ffffff');
    if (!url) return;
    const a = document.createElement('a');
    a.href = url;
    a.download = `${panel.id}.png`;
    a.click();
  };
  const points = data?.points ?? [];
  const map = panel.chart === 'map' && !indicator;
  return (
    <Col xs={24} md={12} xl={8}>
      <Card
        size="small"
        title={indicator ? indicator.name : title}
        data-testid={`cockpit-panel-${panel.id}`}
        extra={
          (option || map) && (
            <Tooltip title={t('cockpit.png')}>
              <Button
                size="small"
                type="text"
                icon={<PictureOutlined />}
                aria-label={t('cockpit.png')}
                onClick={exportPng}
              />
            </Tooltip>
          )
        }
      >
        {map ? (
          <DistrictMap points={points} dark={dark} height={280} pngRef={png} />
        ) : option ? (
          points.length === 0 && !indicator ? (
            <Typography.Text type="secondary">{t('cockpit.noData')}</Typography.Text>
          ) : (
            <Chart option={option} height={240} pngRef={png} />
          )
        ) : (
          <Table
            size="small"
            rowKey="label"
            pagination={false}
            dataSource={points}
            scroll={{ y: 220 }}
            columns={[
              { title: t('cockpit.label'), dataIndex: 'label' },
              { title: t('cockpit.value'), dataIndex: 'value', align: 'right' },
            ]}
          />
        )}
      </Card>
    </Col>
  );
}

/** 部门考核指数: rank, score, month over month, red flags. */
function RankingTable({ dark }: { dark: boolean }) {
  const { t } = useTranslation();
  const ranking = useRefreshing(() => ok(client.GET('/api/v1/cockpit/ranking')), [], dark);
  if (ranking.problem) return <ProblemAlert problem={ranking.problem} />;
  const data = ranking.data;
  return (
    <Card title={t('cockpit.ranking')} size="small" data-testid="cockpit-ranking">
      {data && (
        <>
          <Table<RankingRow>
            size="small"
            rowKey={(r) => r.org.code}
            pagination={false}
            dataSource={data.rows}
            scroll={{ x: 'max-content', ...(dark ? { y: 860 } : {}) }}
            columns={[
              { title: t('cockpit.rank'), dataIndex: 'rank', width: 56 },
              { title: t('cockpit.department'), render: (_, r) => r.org.name },
              {
                title: t('cockpit.score'),
                dataIndex: 'score',
                align: 'right',
                render: (v: number) => <b>{v.toFixed(1)}</b>,
              },
              {
                title: t('cockpit.change'),
                dataIndex: 'change',
                align: 'right',
                render: (v: number | null) =>
                  v === null ? (
                    '—'
                  ) : (
                    <span style={{ color: v < 0 ? RED : v > 0 ? GREEN : undefined }}>
                      {v < 0 ? <ArrowDownOutlined /> : v > 0 ? <ArrowUpOutlined /> : null} {Math.abs(v).toFixed(1)}
                    </span>
                  ),
              },
              {
                title: t('cockpit.flags'),
                render: (_, r) => (
                  <Space size={4} wrap>
                    {r.flags.map((f) => (
                      <Tag key={f} color="error" style={{ marginInlineEnd: 0 }}>
                        {t(`cockpit.flag.${f}`, {
                          n: f === 'overdue_demands' ? r.overdue.demands : r.overdue.corrections,
                        })}
                      </Tag>
                    ))}
                  </Space>
                ),
              },
            ]}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
            {t('cockpit.formula')}：{data.formula}
          </Typography.Paragraph>
        </>
      )}
    </Card>
  );
}

/** useQuery that, on the wall screen, reads again every minute. */
function useRefreshing<T>(load: () => Promise<T>, deps: unknown[], refresh: boolean) {
  const query = useQuery(load, deps);
  const { refetch } = query;
  useEffect(() => {
    if (!refresh) return;
    const timer = setInterval(() => void refetch(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh, refetch]);
  return query;
}

/**
 * 驾驶舱 (#19): the indicators against the plan's targets, a topic dashboard picked from the list
 * under a district and period, and the department ranking. `?screen=big` is the wall screen:
 * 1920×1080, dark, read again every minute.
 */
export default function CockpitPage() {
  const { t, i18n } = useTranslation();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const big = params.get('screen') === 'big';
  const dashboardId = params.get('dashboard') ?? HOME;
  const [district, setDistrict] = useState('');
  const [period, setPeriod] = useState<Period>('all');
  const [drill, setDrill] = useState<Indicator | null>(null);
  const [editing, setEditing] = useState(false);
  const lang = i18n.language;
  // Operators and auditors read any department's rows (and the city's); an officer its own.
  const cityRows = user?.scopes?.['cockpit:read-department']?.includes('any') ?? false;
  const drillOrg = cityRows ? undefined : user?.org?.code;
  const mayEdit = user?.scopes?.['cockpit:edit-dashboards']?.includes('any') ?? false;

  const indicators = useRefreshing(() => ok(client.GET('/api/v1/cockpit/indicators')), [lang], big);
  const dashboards = useQuery(() => ok(client.GET('/api/v1/cockpit/dashboards')), [lang]);
  const definition = useQuery(
    () => ok(client.GET('/api/v1/cockpit/dashboards/{id}', { params: { path: { id: dashboardId } } })),
    [dashboardId],
  );
  const data = useRefreshing(
    () =>
      ok(
        client.GET('/api/v1/cockpit/dashboards/{id}/data', {
          params: { path: { id: dashboardId }, query: { period, ...(district ? { district } : {}) } },
        }),
      ),
    [dashboardId, district, period, lang],
    big,
  );
  const orgs = useQuery(() => ok(client.GET('/api/v1/orgs')), []);
  const districts = useMemo(
    () =>
      (orgs.data ?? [])
        .filter((o) => o.kind === 'district')
        .map((o) => ({ value: o.division, label: o.name.replace(/大数据中心$/, '') })),
    [orgs.data],
  );
  const byCode = useMemo(() => new Map((indicators.data ?? []).map((i) => [i.code, i])), [indicators.data]);
  const panelData = useMemo(() => new Map((data.data?.panels ?? []).map((p) => [p.id, p])), [data.data]);
  const problem = indicators.problem ?? dashboards.problem ?? definition.problem ?? data.problem;

  const exportXlsx = () =>
    download(
      `/api/v1/cockpit/dashboards/${encodeURIComponent(dashboardId)}/data.xlsx?period=${period}${district ? `&district=${district}` : ''}`,
      `${dashboardId}.xlsx`,
    );

  const controls = (
    <Space wrap>
      <Select
        showSearch={{ optionFilterProp: 'label' }}
        style={{ width: 200 }}
        value={dashboardId}
        aria-label={t('cockpit.dashboard')}
        data-testid="cockpit-dashboard-picker"
        onChange={(id: string) => setParams((p) => (p.set('dashboard', id), p))}
        options={(dashboards.data ?? []).map((d) => ({ value: d.id, label: `${d.theme} · ${d.title}` }))}
      />
      <Select
        style={{ width: 120 }}
        value={district}
        aria-label={t('cockpit.district')}
        onChange={setDistrict}
        options={[{ value: '', label: t('cockpit.cityWide') }, ...districts]}
      />
      <Select
        style={{ width: 100 }}
        value={period}
        aria-label={t('cockpit.period')}
        onChange={setPeriod}
        options={(['month', 'quarter', 'year', 'all'] as const).map((p) => ({
          value: p,
          label: t(`cockpit.period.${p}`),
        }))}
      />
      <Button icon={<DownloadOutlined />} onClick={() => void exportXlsx()}>
        {t('cockpit.xlsx')}
      </Button>
      {!big && (
        <Button
          icon={<FilePdfOutlined />}
          onClick={() => void download('/api/v1/cockpit/report.pdf', 'cockpit-report.pdf')}
        >
          {t('cockpit.report')}
        </Button>
      )}
      {mayEdit && !big && definition.data && <Button onClick={() => setEditing(true)}>{t('cockpit.edit')}</Button>}
      <Button
        data-testid="cockpit-big-screen"
        onClick={() => setParams((p) => (big ? p.delete('screen') : p.set('screen', 'big'), p))}
      >
        {big ? t('cockpit.leaveBigScreen') : t('cockpit.bigScreen')}
      </Button>
    </Space>
  );

  const main = (
    <>
      {problem && <ProblemAlert problem={problem} />}
      <Card size="small" title={t('cockpit.indicators')}>
        <Row gutter={[12, 12]}>
          {(indicators.data ?? []).map((i) => (
            <Col key={i.code} xs={12} sm={8} lg={6} xl={4}>
              <IndicatorCard i={i} onDrill={setDrill} dark={big} />
            </Col>
          ))}
        </Row>
      </Card>
      {definition.data && (
        <Card
          size="small"
          title={(lang.startsWith('en') ? definition.data.doc.title.en : definition.data.doc.title.zh) ?? ''}
          data-testid="cockpit-dashboard"
        >
          <Row gutter={[12, 12]}>
            {definition.data.doc.panels.map((p) => (
              <PanelView
                key={p.id}
                panel={p}
                data={panelData.get(p.id)}
                indicators={byCode}
                dark={big}
                onDrill={setDrill}
              />
            ))}
          </Row>
        </Card>
      )}
    </>
  );
  const rest = (
    <>
      <Drill indicator={drill} org={drillOrg} onClose={() => setDrill(null)} />
      {editing && definition.data && (
        <DashboardEditor
          definition={definition.data}
          indicators={indicators.data ?? []}
          onClose={() => setEditing(false)}
          onSaved={() => void definition.refetch()}
        />
      )}
    </>
  );

  if (big) {
    return (
      <ConfigProvider theme={{ algorithm: theme.darkAlgorithm, token: { colorBgContainer: '#10244a' } }}>
        <div className="qdh-cockpit-big" data-testid="cockpit-big">
          <div className="qdh-cockpit-big-head">
            <Typography.Title level={2} style={{ margin: 0, color: '#e6f0ff' }}>
              {t('cockpit.title')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('cockpit.updated')}</Typography.Text>
            {controls}
          </div>
          <Row gutter={16} wrap={false}>
            <Col flex="auto" style={{ minWidth: 0 }}>
              <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
                {main}
              </Space>
            </Col>
            <Col flex="520px">
              <RankingTable dark />
            </Col>
          </Row>
          {rest}
        </div>
      </ConfigProvider>
    );
  }
  return (
    <Page title={t('cockpit.title')} extra={controls}>
      <Descriptions
        size="small"
        items={[
          {
            key: 'n',
            label: t('cockpit.dashboard'),
            children: t('cockpit.dashboards', { n: dashboards.data?.length ?? 0 }),
          },
        ]}
      />
      {main}
      <RankingTable dark={false} />
      {rest}
    </Page>
  );
}
