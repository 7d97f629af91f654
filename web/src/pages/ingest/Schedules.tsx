import { PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Modal, Popconfirm, Space, Switch, Table, Typography } from 'antd';
import { Cron } from 'croner';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, problemOf, type Problem } from '../../api';
import { Page } from '../../App';
import { ProblemAlert } from '../share/common';
import { JobStateTag, type JobState } from './Jobs';
import { SourceFields, specOf, type SourceSpec, type SourceValues } from './SourceForm';

const TIMEZONE = 'Asia/Shanghai';

interface Schedule {
  id: number;
  resource: string;
  spec: SourceSpec;
  source: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  maxAttempts: number;
  nextRunAt: string | null;
  nextRuns: string[];
  lastJob: { id: string; state: JobState; finishedAt: string | null } | null;
  createdAt: string;
}

/** A time as the schedule's zone shows it (China time), whatever the browser's zone. */
const inZone = (iso: string | Date, timeZone = TIMEZONE) =>
  new Date(iso).toLocaleString(undefined, {
    timeZone,
    hour12: false,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });

/**
 * The next runs of a cron expression, computed in the browser with the same library as the hub,
 * so that the person typing it sees what it means; null with the reason when it is not valid.
 */
function preview(cron: string): { runs: Date[] } | { error: string } {
  try {
    const runs = new Cron(cron.trim(), { timezone: TIMEZONE, mode: '5-or-6-parts' }).nextRuns(3);
    if (runs.length > 1 && runs[1]!.getTime() - runs[0]!.getTime() < 60_000)
      return { error: 'more than once a minute' };
    return { runs };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function CronHint({ cron }: { cron?: string }) {
  const { t } = useTranslation();
  if (!cron?.trim()) return <span>{t('cronHint')}</span>;
  const p = preview(cron);
  if ('error' in p) return <Typography.Text type="danger">{t('cronInvalid', { reason: p.error })}</Typography.Text>;
  return (
    <span data-testid="cron-preview">
      {t('nextRuns')}: {p.runs.map((d) => inZone(d)).join('；')}
    </span>
  );
}

/** 定时归集: schedules that queue a source's job each time their cron fires. */
export default function SchedulesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [items, setItems] = useState<Schedule[]>([]);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [creating, setCreating] = useState(false);

  const load = useCallback(() => {
    setLoading(true);
    return api<{ items: Schedule[] }>('/api/v1/ingest/schedules')
      .then((r) => (setItems(r.items), setProblem(null)))
      .catch((e) => setProblem(problemOf(e)))
      .finally(() => setLoading(false));
  }, []);
  useEffect(() => void load(), [load]);

  const act = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      void message.success(done);
    } catch (e) {
      void message.error(problemOf(e).detail ?? problemOf(e).title);
    }
    await load();
  };
  const toggle = (s: Schedule, enabled: boolean) =>
    act(
      () => api(`/api/v1/ingest/schedules/${s.id}`, { method: 'PATCH', json: { enabled } }),
      t(enabled ? 'scheduleEnabled' : 'scheduleDisabled'),
    );
  const runNow = (s: Schedule) =>
    act(() => api(`/api/v1/ingest/schedules/${s.id}/run`, { method: 'POST' }), t('jobQueued'));
  const remove = (s: Schedule) =>
    act(() => api(`/api/v1/ingest/schedules/${s.id}`, { method: 'DELETE' }), t('scheduleRemoved'));

  return (
    <Page
      title={t('ingestSchedules')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-schedule">
          {t('newSchedule')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('schedulesHint')}</Typography.Paragraph>
      {problem && <ProblemAlert problem={problem} />}
      <Table<Schedule>
        rowKey="id"
        loading={loading}
        dataSource={items}
        data-testid="schedules-table"
        columns={[
          { title: '#', dataIndex: 'id', width: 60 },
          { title: t('resource'), dataIndex: 'resource', render: (c: string) => <Link to={`/catalog/${c}`}>{c}</Link> },
          {
            title: t('jobSource'),
            dataIndex: 'source',
            render: (s: string) => <Typography.Text code>{s}</Typography.Text>,
          },
          {
            title: t('cron'),
            dataIndex: 'cron',
            render: (c: string, s) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text code>{c}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {s.nextRuns.length ? s.nextRuns.map((r) => inZone(r, s.timezone)).join('；') : '—'}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('enabled'),
            dataIndex: 'enabled',
            render: (on: boolean, s) => (
              <Switch checked={on} onChange={(v) => void toggle(s, v)} data-testid={`schedule-enabled-${s.id}`} />
            ),
          },
          {
            title: t('lastJob'),
            dataIndex: 'lastJob',
            render: (j: Schedule['lastJob'], s) =>
              j ? (
                <Link to={`/ingest/jobs?resource=${s.resource}`}>
                  <JobStateTag state={j.state} />
                </Link>
              ) : (
                '—'
              ),
          },
          {
            title: '',
            key: 'actions',
            render: (_, s) => (
              <Space>
                <Button
                  size="small"
                  icon={<PlayCircleOutlined />}
                  onClick={() => void runNow(s)}
                  data-testid={`schedule-run-${s.id}`}
                >
                  {t('runNow')}
                </Button>
                <Popconfirm title={t('removeScheduleConfirm')} onConfirm={() => void remove(s)}>
                  <Button size="small" danger>
                    {t('remove')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <NewScheduleModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setCreating(false);
          void load();
        }}
      />
    </Page>
  );
}

function NewScheduleModal(props: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<SourceValues & { cron: string }>();
  const cron = Form.useWatch('cron', form);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: SourceValues & { cron: string }) => {
    setBusy(true);
    try {
      await api('/api/v1/ingest/schedules', {
        method: 'POST',
        json: { resource: v.resource, source: specOf(v), cron: v.cron.trim(), maxAttempts: v.maxAttempts },
      });
      void message.success(t('scheduleCreated'));
      form.resetFields();
      setProblem(null);
      props.onCreated();
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={props.open}
      title={t('newSchedule')}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={t('submit')}
      confirmLoading={busy}
      width={640}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          name="cron"
          label={t('cron')}
          extra={<CronHint cron={cron} />}
          rules={[
            { required: true },
            {
              validator: async (_, v?: string) =>
                v && 'error' in preview(v) ? Promise.reject(new Error(t('cronInvalid', { reason: '' }))) : undefined,
            },
          ]}
        >
          <Input placeholder="0 2 * * *" style={{ fontFamily: 'monospace' }} data-testid="schedule-cron" />
        </Form.Item>
        <SourceFields />
      </Form>
      {problem && <ProblemAlert problem={problem} testId="schedule-problem" />}
    </Modal>
  );
}
