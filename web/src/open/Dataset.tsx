import {
  Alert,
  Button,
  Card,
  Descriptions,
  Input,
  InputNumber,
  Result,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { EChartsOption } from 'echarts';
import type { TFunction } from 'i18next';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { useQuery } from '../api';
import { Chart } from '../chart';
import {
  actionUrl,
  callRaw,
  CkanError,
  datastoreSearch,
  downloads,
  extra,
  packageShow,
  type DatastoreField,
  type DatastoreResult,
} from './ckan';
import { dateOf, OpenLayout } from './Layout';
import { Ratings } from './Ratings';
import { ReportError } from './ErrorReport';
import { facetLabel } from './Search';

/** Records read for the preview table and the chart. */
const SAMPLE = 50;
const PREVIEW = 10;

/**
 * An open dataset's page (public, no login): what it is and who provides it, its fields, a preview
 * of the live records with a chart of a numeric or date column, the downloads, and the data API
 * with a console to try it.
 */
export default function OpenDatasetPage() {
  const { t } = useTranslation();
  const { name = '' } = useParams();
  // A dataset that is not open is answered as one that does not exist (404): said so, not as a failure.
  const pkg = useQuery(async () => {
    try {
      return await packageShow(name);
    } catch (e) {
      if (e instanceof CkanError && e.status === 404) return null;
      throw e;
    }
  }, [name]);
  const data = useQuery(() => datastoreSearch({ resource_id: name, limit: SAMPLE }), [name]);
  const missing = pkg.data === null;

  if (pkg.loading && !pkg.data)
    return (
      <OpenLayout>
        <Spin />
      </OpenLayout>
    );
  if (!pkg.data)
    return (
      <OpenLayout>
        <Result
          status={missing ? '404' : 'error'}
          title={missing ? t('open.notFound') : t('open.failed')}
          extra={<Link to="/open">{t('open.back')}</Link>}
          data-testid="open-dataset-missing"
        />
      </OpenLayout>
    );
  const p = pkg.data;
  const frequency = extra(p, 'update_frequency');
  const count = (key: string) => extra(p, key) ?? '0';
  const files = downloads(p.name);
  return (
    <OpenLayout title={p.title}>
      <Link to="/open">← {t('open.back')}</Link>
      <Typography.Title level={3} style={{ marginTop: 8 }} data-testid="open-dataset-title">
        {p.title}
      </Typography.Title>
      <Typography.Paragraph>{p.notes}</Typography.Paragraph>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} data-testid="open-dataset-facts">
          <Descriptions.Item label={t('open.provider')}>
            <Link to={`/open?organization=${p.organization.name}`}>{p.organization.title}</Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('open.topic')}>
            {p.groups.map((g) => facetLabel(t, 'groups', g)).join('、')}
          </Descriptions.Item>
          {frequency && <Descriptions.Item label={t('open.frequency')}>{t(`freq.${frequency}`)}</Descriptions.Item>}
          <Descriptions.Item label={t('open.records')}>{extra(p, 'record_count')}</Descriptions.Item>
          <Descriptions.Item label={t('open.published')}>{dateOf(p.metadata_created)}</Descriptions.Item>
          <Descriptions.Item label={t('open.modified')}>{dateOf(p.metadata_modified)}</Descriptions.Item>
          <Descriptions.Item label={t('open.licence')}>
            <Link to="/open/terms" data-testid="open-licence">
              {t('open.licenceName.other-at', { defaultValue: p.license_title })}
            </Link>
          </Descriptions.Item>
          {p.tags.length > 0 && (
            <Descriptions.Item label={t('open.keywords')}>
              <Space size={4} wrap>
                {p.tags.map((tag) => (
                  <Tag key={tag.name}>{tag.name}</Tag>
                ))}
              </Space>
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t('open.views')}>
            <span data-testid="open-views">{count('views')}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('open.downloads')}>
            <span data-testid="open-downloads">{count('downloads')}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('open.calls')}>{count('calls')}</Descriptions.Item>
        </Descriptions>
      </Card>

      <Card size="small" title={t('open.download')} style={{ marginBottom: 16 }}>
        <Space wrap>
          <Button type="primary" href={files.csv} download data-testid="open-download-csv">
            {t('open.downloadCsv')}
          </Button>
          <Button href={files.xlsx} download data-testid="open-download-xlsx">
            {t('open.downloadXlsx')}
          </Button>
          <Button href={files.json} download data-testid="open-download-json">
            {t('open.downloadJson')}
          </Button>
          <Button href={files.datapackage} target="_blank" data-testid="open-datapackage">
            {t('open.datapackage')}
          </Button>
        </Space>
      </Card>

      {data.problem && <Alert type="error" showIcon message={t('open.failed')} style={{ marginBottom: 16 }} />}
      {data.data && <Records data={data.data} />}
      <ApiSection name={p.name} />
      <Ratings name={p.name} />
      {data.data && (
        <ReportError
          name={p.name}
          fields={data.data.fields
            // The key names the record and is not itself corrected: the form asks for it apart.
            .filter((f) => f.id !== '_id' && !f.info?.primary_key)
            .map((f) => ({ name: f.id, label: f.info?.label ?? f.id }))}
        />
      )}
    </OpenLayout>
  );
}

/** The fields (without CKAN's `_id`), the preview table and the chart. */
function Records({ data }: { data: DatastoreResult }) {
  const { t } = useTranslation();
  const fields = data.fields.filter((f) => f.id !== '_id');
  const shown = data.records.slice(0, PREVIEW);
  const label = (f: DatastoreField) => f.info?.label ?? f.id;
  const chart = useMemo(() => chartOf(data, t), [data, t]);
  return (
    <>
      <Card size="small" title={t('open.fields')} style={{ marginBottom: 16 }}>
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={fields}
          scroll={{ x: 'max-content' }}
          data-testid="open-fields"
          columns={[
            { title: t('open.field.label'), render: (_, f) => label(f) },
            { title: t('open.field.name'), render: (_, f) => <code>{f.id}</code> },
            { title: t('open.field.type'), render: (_, f) => t(`open.type.${f.type}`, { defaultValue: f.type }) },
          ]}
        />
      </Card>
      <Card
        size="small"
        title={t('open.preview')}
        extra={
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('open.previewNote', { n: shown.length, total: data.total })}
          </Typography.Text>
        }
        style={{ marginBottom: 16 }}
      >
        <Table
          size="small"
          rowKey="_id"
          pagination={false}
          dataSource={shown}
          scroll={{ x: 'max-content' }}
          data-testid="open-preview"
          columns={fields.map((f) => ({
            title: label(f),
            dataIndex: f.id,
            render: (v: unknown) => (v === null || v === undefined ? '' : String(v)),
          }))}
        />
      </Card>
      {chart && (
        <Card size="small" title={`${t('open.chart')} · ${chart.title}`} style={{ marginBottom: 16 }}>
          <Chart option={chart.option} height={280} testId="open-chart" />
        </Card>
      )}
    </>
  );
}

/**
 * A chart of the sample: the first numeric column as bars, one per record named by its first text
 * column; else the records per month of the first date column.
 */
function chartOf(data: DatastoreResult, t: TFunction) {
  const fields = data.fields.filter((f) => f.id !== '_id');
  const label = (f: DatastoreField) => f.info?.label ?? f.id;
  const numeric = fields.find((f) => f.type === 'numeric' || f.type === 'int');
  const date = fields.find((f) => f.type === 'date' || f.type === 'timestamp');
  const grid = { left: 8, right: 16, top: 32, bottom: 8, containLabel: true };
  if (numeric) {
    // Bars named by the record's name where it has one (线路名称, 停车场名称), else its first text.
    const texts = fields.filter((f) => f.type === 'text');
    const name = texts.find((f) => /name/i.test(f.id)) ?? texts[0];
    const rows = data.records.filter((r) => r[numeric.id] !== null && r[numeric.id] !== undefined).slice(0, 20);
    if (rows.length === 0) return undefined;
    const option: EChartsOption = {
      tooltip: { trigger: 'axis' },
      grid,
      xAxis: {
        type: 'category',
        data: rows.map((r, i) => String(name ? (r[name.id] ?? i + 1) : i + 1)),
        axisLabel: { rotate: 40, width: 80, overflow: 'truncate' },
      },
      yAxis: { type: 'value', name: label(numeric) },
      series: [{ type: 'bar', name: label(numeric), data: rows.map((r) => Number(r[numeric.id])) }],
    };
    return { title: t('open.chartOf', { label: label(numeric), n: rows.length }), option };
  }
  if (date) {
    const months = new Map<string, number>();
    for (const r of data.records) {
      const v = r[date.id];
      if (typeof v !== 'string' || v.length < 7) continue;
      months.set(v.slice(0, 7), (months.get(v.slice(0, 7)) ?? 0) + 1);
    }
    if (months.size === 0) return undefined;
    const keys = [...months.keys()].sort();
    const option: EChartsOption = {
      tooltip: { trigger: 'axis' },
      grid,
      xAxis: { type: 'category', data: keys },
      yAxis: { type: 'value', name: t('open.count'), minInterval: 1 },
      series: [{ type: 'line', name: t('open.count'), data: keys.map((k) => months.get(k)!) }],
    };
    return { title: t('open.chartByMonth', { label: label(date) }), option };
  }
  return undefined;
}

/** The data API: the addresses to call, and a console that runs datastore_search and shows its answer. */
function ApiSection({ name }: { name: string }) {
  const { t } = useTranslation();
  const origin = window.location.origin;
  const [q, setQ] = useState('');
  const [filters, setFilters] = useState('');
  const [limit, setLimit] = useState<number | null>(5);
  const [answer, setAnswer] = useState<{ status: number; body: unknown }>();
  const [bad, setBad] = useState(false);
  const [busy, setBusy] = useState(false);
  const params = (): object | undefined => {
    let parsed: unknown;
    if (filters.trim()) {
      try {
        parsed = JSON.parse(filters);
      } catch {
        return undefined;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    }
    return { resource_id: name, q: q.trim() || undefined, filters: parsed, limit: limit ?? undefined };
  };
  const current = params();
  const run = async () => {
    const p = params();
    setBad(!p);
    if (!p) return;
    setBusy(true);
    try {
      setAnswer(await callRaw('datastore_search', p));
    } catch (e) {
      setAnswer({ status: e instanceof CkanError ? e.status : 0, body: String(e) });
    } finally {
      setBusy(false);
    }
  };
  const pre = { whiteSpace: 'pre-wrap', wordBreak: 'break-all', margin: 0 } as const;
  return (
    <Card size="small" title={t('open.api')} data-testid="open-api">
      <Typography.Paragraph>{t('open.apiIntro')}</Typography.Paragraph>
      <pre style={pre}>
        <code>{`${origin}${actionUrl('datastore_search', { resource_id: name, limit: 5 })}`}</code>
      </pre>
      <Typography.Paragraph style={{ marginTop: 8 }}>{t('open.apiShow')}</Typography.Paragraph>
      <pre style={pre}>
        <code>{`${origin}${actionUrl('package_show', { id: name })}`}</code>
      </pre>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('open.tryIt')}
      </Typography.Title>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Input addonBefore={t('open.tryQ')} value={q} onChange={(e) => setQ(e.target.value)} data-testid="open-try-q" />
        <Input
          addonBefore={t('open.tryFilters')}
          value={filters}
          placeholder='{"district": "历下区"}'
          onChange={(e) => setFilters(e.target.value)}
          status={bad ? 'error' : undefined}
          data-testid="open-try-filters"
        />
        {bad && <Typography.Text type="danger">{t('open.tryBadJson')}</Typography.Text>}
        <Space wrap>
          <InputNumber
            addonBefore={t('open.tryLimit')}
            min={0}
            max={1000}
            value={limit}
            onChange={setLimit}
            data-testid="open-try-limit"
          />
          <Button type="primary" loading={busy} onClick={() => void run()} data-testid="open-try-run">
            {t('open.tryRun')}
          </Button>
        </Space>
        {current && (
          <pre style={{ ...pre, fontSize: 12 }}>
            <code>GET {actionUrl('datastore_search', current)}</code>
          </pre>
        )}
        {answer && (
          <>
            <Typography.Text type={answer.status === 200 ? 'success' : 'danger'} data-testid="open-try-status">
              {t('open.tryStatus', { status: answer.status })}
            </Typography.Text>
            <pre
              style={{ ...pre, fontSize: 12, maxHeight: 360, overflow: 'auto', background: '#f5f5f5', padding: 8 }}
              data-testid="open-try-answer"
            >
              <code>{JSON.stringify(answer.body, null, 2)}</code>
            </pre>
          </>
        )}
      </Space>
    </Card>
  );
}
