import { DownloadOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Progress,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, download, problemOf, query, type Problem } from '../../api';
import { Page } from '../../App';
import { ProblemAlert } from '../share/common';
import { UploadJob } from './Mapping';
import { LoadQuality } from './Quality';
import { SourceFields, specOf, type SourceSpec, type SourceValues } from './SourceForm';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';
const STATES: JobState[] = ['queued', 'running', 'succeeded', 'failed'];
const STATE_COLOR: Record<JobState, string> = {
  queued: 'default',
  running: 'processing',
  succeeded: 'success',
  failed: 'error',
};

export interface Job {
  id: string;
  resource: string;
  source: string;
  state: JobState;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  qualityScore: number | null;
  error: string | null;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  scheduleId: number | null;
  spec: SourceSpec | null;
  rejects?: Array<{ row: number; field: string; reason: string }>;
}

export function JobStateTag({ state }: { state: JobState }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATE_COLOR[state]} data-testid="job-state">
      {t(`jobState.${state}`)}
    </Tag>
  );
}

/** Rows a second: while running, against now; once finished, over the run. */
const rowsPerSecond = (job: Job) => {
  if (!job.startedAt) return null;
  const end = job.finishedAt ? Date.parse(job.finishedAt) : Date.now();
  const seconds = (end - Date.parse(job.startedAt)) / 1000;
  return seconds > 0 ? Math.round(job.rowsRead / seconds) : null;
};
const live = (job: Job) => job.state === 'queued' || job.state === 'running';
const scoreColor = (s: number) => (s >= 95 ? '#3f8600' : s >= 80 ? '#d48806' : '#cf1322');

/** 归集任务: every ingest job of the caller's resources, live while any is queued or running. */
export default function JobsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const resource = params.get('resource') ?? undefined;
  const state = (params.get('state') as JobState | null) ?? undefined;
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Job[]; total: number }>({ items: [], total: 0 });
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  // The open drawer is in the URL (`?job=`), so that a quality trend or a lineage can link to a job.
  const open = params.get('job');
  const setOpen = (job: string | null) => {
    const next = new URLSearchParams(params);
    if (job) next.set('job', job);
    else next.delete('job');
    setParams(next);
  };
  const [creating, setCreating] = useState(false);

  const load = useCallback(
    (quiet = false) => {
      if (!quiet) setLoading(true);
      return api<{ items: Job[]; total: number }>(
        `/api/v1/ingest/jobs?${query({ resource, state, page, pageSize: 20 })}`,
      )
        .then((r) => (setData(r), setProblem(null)))
        .catch((e) => setProblem(problemOf(e)))
        .finally(() => setLoading(false));
    },
    [resource, state, page],
  );
  useEffect(() => void load(), [load]);
  // Poll every second while a job on this page may still change.
  const anyLive = data.items.some(live);
  useEffect(() => {
    if (!anyLive) return;
    const timer = setInterval(() => void load(true), 1000);
    return () => clearInterval(timer);
  }, [anyLive, load]);

  const filter = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
    setPage(1);
  };
  const downloadRejects = (job: Job) =>
    download(`/api/v1/ingest/jobs/${job.id}/rejects`, `rejects-${job.id}.csv`).catch((e) =>
      message.error(problemOf(e).detail ?? problemOf(e).title),
    );

  return (
    <Page
      title={t('ingestJobs')}
      extra={
        <Space>
          <Link to={`/ingest/quality?${query({ resource })}`} data-testid="jobs-quality-link">
            {t('ingestQuality')}
          </Link>
          <Button icon={<ReloadOutlined />} onClick={() => void load()}>
            {t('refresh')}
          </Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-job">
            {t('newJob')}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('jobsHint')}</Typography.Paragraph>
      <Space wrap>
        <Input.Search
          allowClear
          placeholder={t('resource')}
          defaultValue={resource}
          onSearch={(v) => filter('resource', v.trim().toUpperCase() || undefined)}
          style={{ width: 220 }}
          data-testid="jobs-resource"
        />
        <Select
          allowClear
          placeholder={t('state')}
          value={state}
          onChange={(v?: string) => filter('state', v)}
          options={STATES.map((s) => ({ value: s, label: t(`jobState.${s}`) }))}
          style={{ width: 160 }}
        />
      </Space>
      {problem && <ProblemAlert problem={problem} />}
      <Table<Job>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={data.items}
        data-testid="jobs-table"
        pagination={{ current: page, pageSize: 20, total: data.total, onChange: setPage, showSizeChanger: false }}
        columns={[
          { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => new Date(v).toLocaleString() },
          {
            title: t('resource'),
            dataIndex: 'resource',
            render: (code: string) => <Link to={`/catalog/${code}`}>{code}</Link>,
          },
          {
            title: t('jobSource'),
            dataIndex: 'source',
            render: (s: string, job) => (
              <Space size={4}>
                <Typography.Text code>{s}</Typography.Text>
                {job.scheduleId !== null && <Tag>{t('scheduleNo', { id: job.scheduleId })}</Tag>}
              </Space>
            ),
          },
          { title: t('state'), dataIndex: 'state', render: (_: JobState, job) => <JobStateCell job={job} /> },
          { title: t('progress'), key: 'progress', width: 260, render: (_, job) => <JobProgress job={job} /> },
          {
            title: t('qualityScore'),
            dataIndex: 'qualityScore',
            render: (s: number | null) =>
              s === null ? '—' : <Typography.Text style={{ color: scoreColor(s) }}>{s} %</Typography.Text>,
          },
          {
            title: t('quarantine'),
            key: 'quarantine',
            render: (_, job) => (
              <Space>
                <Button size="small" onClick={() => setOpen(job.id)} data-testid={`job-detail-${job.id}`}>
                  {t('detail')}
                </Button>
                {job.rowsRejected > 0 && (
                  <Tooltip title={t('downloadRejects')}>
                    <Button size="small" icon={<DownloadOutlined />} onClick={() => void downloadRejects(job)} />
                  </Tooltip>
                )}
              </Space>
            ),
          },
        ]}
      />
      <JobDrawer id={open} onClose={() => setOpen(null)} onDownload={downloadRejects} />
      <NewJobModal
        open={creating}
        resource={resource}
        onClose={() => setCreating(false)}
        onQueued={() => {
          setCreating(false);
          void load();
        }}
      />
    </Page>
  );
}

function JobStateCell({ job }: { job: Job }) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size={0}>
      <Space size={4}>
        <JobStateTag state={job.state} />
        {(job.attempts > 1 || job.maxAttempts > 1) && job.spec && (
          <Typography.Text type="secondary">
            {job.attempts}/{job.maxAttempts}
          </Typography.Text>
        )}
      </Space>
      {job.state === 'queued' && job.nextAttemptAt && job.attempts > 0 && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('nextAttempt', { time: new Date(job.nextAttemptAt).toLocaleTimeString() })}
        </Typography.Text>
      )}
      {job.error && (
        <Typography.Text type="danger" style={{ fontSize: 12, maxWidth: 260 }} ellipsis={{ tooltip: job.error }}>
          {job.error}
        </Typography.Text>
      )}
    </Space>
  );
}

/** Rows so far and rows/s; a source has no known size, so a running bar moves rather than fills. */
function JobProgress({ job }: { job: Job }) {
  const { t } = useTranslation();
  const speed = rowsPerSecond(job);
  const failedShare = job.rowsRead ? Math.round((100 * job.rowsRejected) / job.rowsRead) : 0;
  return (
    <Space orientation="vertical" size={0} style={{ width: '100%' }} data-testid={`job-progress-${job.id}`}>
      {job.state === 'running' ? (
        <Progress percent={100} status="active" showInfo={false} size="small" />
      ) : job.state === 'succeeded' ? (
        <Progress percent={100} success={{ percent: 100 - failedShare }} showInfo={false} size="small" />
      ) : null}
      <Typography.Text style={{ fontSize: 12 }}>
        {t('rowsRead')} {job.rowsRead.toLocaleString()} · {t('rowsLoaded')} {job.rowsLoaded.toLocaleString()} ·{' '}
        {t('rowsRejected')} {job.rowsRejected.toLocaleString()}
        {speed !== null && job.rowsRead > 0 && ` · ${t('rowsPerSecond', { n: speed.toLocaleString() })}`}
      </Typography.Text>
    </Space>
  );
}

/** A job's details and its first quarantined rows, refreshed every second while it runs. */
function JobDrawer({
  id,
  onClose,
  onDownload,
}: {
  id: string | null;
  onClose: () => void;
  onDownload: (j: Job) => void;
}) {
  const { t } = useTranslation();
  const [job, setJob] = useState<Job | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    setJob(null);
    if (!id) return;
    let stop = false;
    const load = () =>
      api<Job>(`/api/v1/ingest/jobs/${id}`)
        .then((j) => {
          setJob(j);
          if (!stop && live(j)) setTimeout(load, 1000);
        })
        .catch((e) => setProblem(problemOf(e)));
    void load();
    return () => {
      stop = true;
    };
  }, [id]);
  return (
    <Drawer open={!!id} onClose={onClose} size={720} title={t('ingestJob')} data-testid="job-drawer">
      {problem && <ProblemAlert problem={problem} />}
      {job && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('resource')}>{job.resource}</Descriptions.Item>
            <Descriptions.Item label={t('state')}>
              <JobStateCell job={job} />
            </Descriptions.Item>
            <Descriptions.Item label={t('jobSource')} span={2}>
              <Typography.Text code>{job.source}</Typography.Text>
            </Descriptions.Item>
            {job.spec?.kind === 'database' && (
              <Descriptions.Item label={t('sqlQuery')} span={2}>
                <Typography.Text code style={{ whiteSpace: 'pre-wrap' }}>
                  {job.spec.query}
                </Typography.Text>
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('createdAt')}>{new Date(job.createdAt).toLocaleString()}</Descriptions.Item>
            <Descriptions.Item label={t('finishedAt')}>
              {job.finishedAt ? new Date(job.finishedAt).toLocaleString() : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('progress')} span={2}>
              <JobProgress job={job} />
            </Descriptions.Item>
            <Descriptions.Item label={t('qualityScore')}>
              {job.qualityScore === null ? '—' : `${job.qualityScore} %`}
            </Descriptions.Item>
            <Descriptions.Item label={t('attempts')}>
              {job.spec ? `${job.attempts}/${job.maxAttempts}` : '—'}
            </Descriptions.Item>
          </Descriptions>
          <Tabs
            items={[
              {
                key: 'quarantine',
                label: t('quarantine'),
                children: (
                  <Space orientation="vertical" style={{ width: '100%' }}>
                    <Space style={{ justifyContent: 'space-between', width: '100%' }}>
                      <Typography.Title level={5} style={{ margin: 0 }}>
                        {t('quarantineFirst', { count: job.rejects?.length ?? 0 })}
                      </Typography.Title>
                      <Button
                        icon={<DownloadOutlined />}
                        disabled={job.rowsRejected === 0}
                        onClick={() => onDownload(job)}
                        data-testid="download-rejects"
                      >
                        {t('downloadRejects')}
                      </Button>
                    </Space>
                    <Table
                      rowKey={(r) => `${r.row}:${r.field}`}
                      size="small"
                      dataSource={job.rejects ?? []}
                      pagination={{ pageSize: 50, showSizeChanger: false }}
                      data-testid="job-rejects"
                      columns={[
                        { title: t('row'), dataIndex: 'row', width: 80 },
                        { title: t('field'), dataIndex: 'field', width: 160 },
                        { title: t('reason'), dataIndex: 'reason' },
                      ]}
                    />
                  </Space>
                ),
              },
              job.state === 'succeeded' && {
                key: 'quality',
                label: <span data-testid="job-quality-tab">{t('qualityReport')}</span>,
                children: <LoadQuality jobId={job.id} />,
              },
            ].filter((i) => !!i)}
          />
        </Space>
      )}
    </Drawer>
  );
}

function NewJobModal(props: { open: boolean; resource?: string; onClose: () => void; onQueued: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<SourceValues>();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [mode, setMode] = useState<'upload' | 'source'>('upload');
  const submit = async (v: SourceValues) => {
    setBusy(true);
    try {
      await api<Job>('/api/v1/ingest/jobs', {
        method: 'POST',
        json: { resource: v.resource, source: specOf(v), maxAttempts: v.maxAttempts },
      });
      void message.success(t('jobQueued'));
      form.resetFields();
      setProblem(null);
      props.onQueued();
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={props.open}
      title={t('newJob')}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={t('submit')}
      confirmLoading={busy}
      width={mode === 'upload' ? 880 : 640}
      footer={mode === 'upload' ? null : undefined}
      destroyOnHidden
    >
      <Tabs
        activeKey={mode}
        onChange={(k) => setMode(k as 'upload' | 'source')}
        items={[
          {
            key: 'upload',
            label: <span data-testid="new-job-upload">{t('newJobUpload')}</span>,
            children: <UploadJob resource={props.resource} onLoaded={props.onQueued} />,
          },
          {
            key: 'source',
            label: <span data-testid="new-job-source">{t('newJobSource')}</span>,
            children: (
              <>
                <Form form={form} layout="vertical" onFinish={submit} initialValues={{ resource: props.resource }}>
                  <SourceFields />
                </Form>
                {problem && <ProblemAlert problem={problem} testId="job-problem" />}
              </>
            ),
          },
        ]}
      />
    </Modal>
  );
}
