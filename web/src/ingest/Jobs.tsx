import { DownloadOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Descriptions,
  Drawer,
  Form,
  Input,
  Progress,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { client, download, ok, problemOf, problemText, query, useQuery, type Answer, type Item } from '../api';
import { ResourceName } from '../labels';
import { can, useSession } from '../session';
import { FormModal } from '../ui/form-modal';
import { Named, useFieldLabels } from '../ui/names';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { UploadJob } from './Mapping';
import { HeldActions, JobOutcomeTag, OutcomeSummary, ThresholdText } from './Outcome';
import { LoadQuality } from './Quality';
import { SourceFields, specOf, type SourceValues } from './SourceForm';

export type Job = Item<Answer<'/api/v1/ingest/jobs'>['items']>;
/** One job as its own route answers it: with its first quarantined rows. */
type JobDetail = Answer<'/api/v1/ingest/jobs/{id}'>;
/** What a job's state and progress are drawn from: a listed job and a job's own answer both have it. */
type JobFigures = Pick<
  JobDetail,
  | 'id'
  | 'state'
  | 'rowsRead'
  | 'rowsLoaded'
  | 'rowsRejected'
  | 'error'
  | 'errorCode'
  | 'attempts'
  | 'maxAttempts'
  | 'nextAttemptAt'
  | 'startedAt'
  | 'finishedAt'
  | 'spec'
  | 'outcome'
>;
export type JobState = Job['state'];
const STATES: JobState[] = ['queued', 'running', 'succeeded', 'failed', 'held', 'discarded'];
const STATE_COLOR: Record<JobState, string> = {
  queued: 'default',
  running: 'processing',
  succeeded: 'success',
  failed: 'error',
  held: 'purple',
  discarded: 'default',
};

export function JobStateTag({ state }: { state: JobState }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATE_COLOR[state]} data-testid="job-state">
      {t(`jobState.${state}`)}
    </Tag>
  );
}

/** Rows a second: while running, against now; once finished, over the run. */
const rowsPerSecond = (job: JobFigures) => {
  if (!job.startedAt) return null;
  const end = job.finishedAt ? Date.parse(job.finishedAt) : Date.now();
  const seconds = (end - Date.parse(job.startedAt)) / 1000;
  return seconds > 0 ? Math.round(job.rowsRead / seconds) : null;
};
const live = (job: JobFigures) => job.state === 'queued' || job.state === 'running';
const scoreColor = (s: number) => (s >= 95 ? '#3f8600' : s >= 80 ? '#d48806' : '#cf1322');

/** 归集任务: every ingest job of the caller's resources, live while any is queued or running. */
export default function JobsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const resource = params.get('resource') ?? undefined;
  const state = (params.get('state') as JobState | null) ?? undefined;
  const [page, setPage] = useState(1);
  // The open drawer is in the URL (`?job=`), so that a quality trend or a lineage can link to a job.
  const open = params.get('job');
  const setOpen = (job: string | null) => {
    const next = new URLSearchParams(params);
    if (job) next.set('job', job);
    else next.delete('job');
    setParams(next);
  };
  const [creating, setCreating] = useState(false);

  const jobs = useQuery(
    () => ok(client.GET('/api/v1/ingest/jobs', { params: { query: { resource, state, page, pageSize: 20 } } })),
    [resource, state, page],
  );
  const { problem, refetch: load } = jobs;
  const data = jobs.data ?? { items: [], total: 0 };
  // Polling reloads quietly: the table does not show a spinner every second.
  const [polling, setPolling] = useState(false);
  const anyLive = data.items.some(live);
  useEffect(() => {
    if (!anyLive) return;
    const timer = setInterval(() => {
      setPolling(true);
      void load().finally(() => setPolling(false));
    }, 1000);
    return () => clearInterval(timer);
  }, [anyLive, load]);

  const filter = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
    setPage(1);
  };
  const downloadRejects = (job: { id: string }) =>
    download(`/api/v1/ingest/jobs/${job.id}/rejects`, `rejects-${job.id}.csv`).catch((e) =>
      message.error(problemText(t, problemOf(e))),
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
        loading={jobs.loading && !polling}
        dataSource={data.items}
        data-testid="jobs-table"
        pagination={{ current: page, pageSize: 20, total: data.total, onChange: setPage, showSizeChanger: false }}
        columns={[
          { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => new Date(v).toLocaleString() },
          {
            title: t('resource'),
            dataIndex: 'resource',
            render: (_: string, job) => <JobResource job={job} />,
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
          {
            title: t('jobOutcomeTitle'),
            dataIndex: 'outcome',
            render: (_: Job['outcome'], job) => <JobStateCell job={job} />,
          },
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
                {job.mayDecide && <HeldActions job={job} size="small" onDecided={load} />}
              </Space>
            ),
          },
        ]}
      />
      <JobDrawer id={open} onClose={() => setOpen(null)} onDownload={downloadRejects} onChanged={load} />
      <NewJobModal
        open={creating}
        resource={resource}
        onClose={() => setCreating(false)}
        onQueued={(job) => {
          setCreating(false);
          void load();
          // An upload has finished: its outcome opens at once, with the figures of the new state.
          if (job) setOpen(job);
        }}
      />
    </Page>
  );
}

function JobStateCell({ job }: { job: JobFigures }) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size={0}>
      <Space size={4}>
        <JobOutcomeTag outcome={job.outcome} />
        {((job.attempts ?? 0) > 1 || (job.maxAttempts ?? 0) > 1) && job.spec && (
          <Typography.Text type="secondary">
            {job.attempts}/{job.maxAttempts}
          </Typography.Text>
        )}
      </Space>
      {job.state === 'queued' && job.nextAttemptAt && (job.attempts ?? 0) > 0 && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('nextAttempt', { time: new Date(job.nextAttemptAt).toLocaleTimeString() })}
        </Typography.Text>
      )}
      {job.error && (
        <Typography.Text
          type="danger"
          style={{ fontSize: 12, maxWidth: 260 }}
          ellipsis={{ tooltip: <JobErrorTip error={job.error} code={job.errorCode} /> }}
          data-testid="job-error"
          data-code={job.errorCode ?? undefined}
        >
          {job.error}
        </Typography.Text>
      )}
    </Space>
  );
}

/** Why a job failed, as the hub words it in the page's language, and the error's code beneath. */
function JobErrorTip({ error, code }: { error: string; code: string | null }) {
  const { t } = useTranslation();
  return (
    <>
      <div>{error}</div>
      {code && <div style={{ opacity: 0.7, fontSize: 12 }}>{t('technicalCode', { code })}</div>}
    </>
  );
}

/** A job's resource by its name, its code beneath; the code alone for a resource that is gone. */
function JobResource({ job }: { job: Pick<JobDetail, 'id' | 'resource' | 'resourceName'> }) {
  if (!job.resourceName) return <Link to={`/catalog/${job.resource}`}>{job.resource}</Link>;
  return <ResourceName code={job.resource} name={job.resourceName} testId={`job-resource-${job.id}`} />;
}

/** Rows so far and rows/s; a source has no known size, so a running bar moves rather than fills. */
function JobProgress({ job }: { job: JobFigures }) {
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
  onChanged,
}: {
  id: string | null;
  onClose: () => void;
  onDownload: (j: { id: string }) => void;
  /** The job changed here (released, discarded, or it finished): the list shows it too. */
  onChanged: () => unknown;
}) {
  const { t } = useTranslation();
  const answer = useQuery(
    async () => (id ? ok(client.GET('/api/v1/ingest/jobs/{id}', { params: { path: { id } } })) : null),
    [id],
  );
  const { problem, refetch } = answer;
  const job: JobDetail | null = answer.data ?? null;
  // The quarantine names fields by their labels, their names on hover.
  const labels = useFieldLabels(job ? [job.resource] : [])[job?.resource ?? ''] ?? {};
  // Again a second after each answer while the job may still change.
  const running = !!job && live(job);
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => void refetch(), 1000);
    return () => clearTimeout(timer);
  }, [running, job, refetch]);
  // A job that was running when the drawer opened and has now ended: the list takes its figures too.
  const [wasRunning, setWasRunning] = useState(false);
  if (running !== wasRunning) {
    setWasRunning(running);
    if (!running && wasRunning) void onChanged();
  }
  const decided = async () => {
    await refetch();
    await onChanged();
  };
  return (
    <Drawer open={!!id} onClose={onClose} size={720} title={t('ingestJob')} data-testid="job-drawer">
      {problem && <ProblemAlert problem={problem} />}
      {job && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <OutcomeSummary job={job} onDecided={decided} />
          <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered>
            <Descriptions.Item label={t('resource')}>
              <JobResource job={job} />
            </Descriptions.Item>
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
            <Descriptions.Item label={t('createdAt')}>
              {job.createdAt ? new Date(job.createdAt).toLocaleString() : '—'}
            </Descriptions.Item>
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
            <Descriptions.Item label={t('jobThreshold')} span={2}>
              <ThresholdText threshold={job.threshold} />
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
                        {
                          title: t('field'),
                          dataIndex: 'field',
                          width: 160,
                          render: (f: string) => <Named name={labels[f] ?? f} code={f} />,
                        },
                        { title: t('reason'), dataIndex: 'reason' },
                      ]}
                    />
                  </Space>
                ),
              },
              job.rowsRead > 0 &&
                !live(job) && {
                  key: 'quality',
                  label: <span data-testid="job-quality-tab">{t('qualityReport')}</span>,
                  // Keyed by outcome: a release or discard shows the report as it is now.
                  children: <LoadQuality key={job.outcome} jobId={job.id} />,
                },
            ].filter((i) => !!i)}
          />
        </Space>
      )}
    </Drawer>
  );
}

function NewJobModal(props: {
  open: boolean;
  resource?: string;
  onClose: () => void;
  /** A job was queued, or an upload ran (its id: the page opens it). */
  onQueued: (job?: string) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<SourceValues>();
  const { user } = useSession();
  // An upload is its own department's (ingest:upload); an operator only queues loads from sources.
  const mayUpload = can(user, 'ingest:upload');
  const [mode, setMode] = useState<'upload' | 'source'>(mayUpload ? 'upload' : 'source');
  // Each opening starts with no file chosen, and with the resource the page is filtered by; nothing
  // of the dialog is drawn (nor its lists fetched) before its first opening.
  const [opening, setOpening] = useState(props.open ? 1 : 0);
  const [wasOpen, setWasOpen] = useState(props.open);
  if (props.open !== wasOpen) {
    setWasOpen(props.open);
    if (props.open) setOpening((n) => n + 1);
  }
  useEffect(() => {
    if (props.open && props.resource) form.setFieldsValue({ resource: props.resource });
  }, [props.open, props.resource, form]);
  const submit = (v: SourceValues) =>
    ok(
      client.POST('/api/v1/ingest/jobs', {
        body: { resource: v.resource, source: specOf(v), maxAttempts: v.maxAttempts },
      }),
    );
  const queued = () => {
    void message.success(t('jobQueued'));
    props.onQueued();
  };
  // Upload or source: the tabs head whichever the dialog shows, once.
  const tabs = (
    <Tabs
      activeKey={mode}
      onChange={(k) => setMode(k as 'upload' | 'source')}
      items={[
        ...(mayUpload ? [{ key: 'upload', label: <span data-testid="new-job-upload">{t('newJobUpload')}</span> }] : []),
        { key: 'source', label: <span data-testid="new-job-source">{t('newJobSource')}</span> },
      ]}
    />
  );
  // An upload sends itself (UploadJob has its own button): the dialog shows it in place of the form.
  const upload = mode === 'upload' && opening > 0 && (
    <>
      {tabs}
      <UploadJob key={opening} resource={props.resource} onLoaded={(report) => props.onQueued(report.id)} />
    </>
  );
  return (
    <FormModal
      open={props.open}
      title={t('newJob')}
      form={form}
      onSubmit={submit}
      onDone={queued}
      onCancel={props.onClose}
      width={mode === 'upload' ? 880 : 640}
      problemTestId="job-problem"
      done={upload}
      doneFooter={[
        <Button key="close" onClick={props.onClose}>
          {t('close')}
        </Button>,
      ]}
    >
      {mode === 'source' && tabs}
      {opening > 0 && <SourceFields />}
    </FormModal>
  );
}
