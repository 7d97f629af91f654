import { PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Popconfirm, Space, Switch, Table, Typography } from 'antd';
import { Cron } from 'croner';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { client, ok, useAction, useQuery, type Answer, type Item } from '../api';
import { ResourceName } from '../labels';
import { Page } from '../ui/page';
import { FormModal } from '../ui/form-modal';
import { ProblemAlert } from '../ui/problem-alert';
import { JobOutcomeTag } from './Outcome';
import { SourceFields, specOf, type SourceValues } from './SourceForm';

const TIMEZONE = 'Asia/Shanghai';

type Schedule = Item<Answer<'/api/v1/ingest/schedules'>['items']>;

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
 * so that the person typing it sees what it means; otherwise why it is not valid: too often, or
 * the library's reason (in English).
 */
function preview(cron: string): { runs: Date[] } | { error: 'tooOften' | { library: string } } {
  try {
    const runs = new Cron(cron.trim(), { timezone: TIMEZONE, mode: '5-or-6-parts' }).nextRuns(3);
    if (runs.length > 1 && runs[1]!.getTime() - runs[0]!.getTime() < 60_000) return { error: 'tooOften' };
    return { runs };
  } catch (e) {
    return { error: { library: (e as Error).message } };
  }
}

function CronHint({ cron }: { cron?: string }) {
  const { t, i18n } = useTranslation();
  if (!cron?.trim()) return <span>{t('cronHint')}</span>;
  const p = preview(cron);
  if ('error' in p) {
    // The library words its reasons in English: an English page shows them, a Chinese one does not.
    const reason = p.error === 'tooOften' ? t('cronTooOften') : i18n.language === 'en' ? `(${p.error.library})` : '';
    return <Typography.Text type="danger">{t('cronInvalid', { reason })}</Typography.Text>;
  }
  return (
    <span data-testid="cron-preview">
      {t('nextRuns')}: {p.runs.map((d) => inZone(d)).join('；')}
    </span>
  );
}

type Change = 'enable' | 'disable' | 'run' | 'remove';
const DONE: Record<Change, string> = {
  enable: 'scheduleEnabled',
  disable: 'scheduleDisabled',
  run: 'jobQueued',
  remove: 'scheduleRemoved',
};

function changeSchedule(s: Schedule, change: Change): Promise<unknown> {
  const path = { params: { path: { id: s.id } } };
  if (change === 'run') return ok(client.POST('/api/v1/ingest/schedules/{id}/run', path));
  if (change === 'remove') return ok(client.DELETE('/api/v1/ingest/schedules/{id}', path));
  return ok(client.PATCH('/api/v1/ingest/schedules/{id}', { ...path, body: { enabled: change === 'enable' } }));
}

/** 定时归集: schedules that queue a source's job each time their cron fires. */
export default function SchedulesPage() {
  const { t } = useTranslation();
  const [creating, setCreating] = useState(false);
  const schedules = useQuery(() => ok(client.GET('/api/v1/ingest/schedules')), []);

  const change = useAction(changeSchedule, { success: (_, _s, c) => t(DONE[c]), then: schedules.refetch });
  const toggle = (s: Schedule, enabled: boolean) => change.run(s, enabled ? 'enable' : 'disable');
  const runNow = (s: Schedule) => change.run(s, 'run');
  const remove = (s: Schedule) => change.run(s, 'remove');

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
      {schedules.problem && <ProblemAlert problem={schedules.problem} />}
      <Table<Schedule>
        rowKey="id"
        loading={schedules.loading}
        dataSource={schedules.data?.items}
        data-testid="schedules-table"
        columns={[
          { title: '#', dataIndex: 'id', width: 60 },
          {
            title: t('resource'),
            dataIndex: 'resource',
            render: (c: string, s) =>
              s.resourceName ? (
                <ResourceName code={c} name={s.resourceName} testId={`schedule-resource-${s.id}`} />
              ) : (
                <Link to={`/catalog/${c}`}>{c}</Link>
              ),
          },
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
                  <JobOutcomeTag outcome={j.outcome} />
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
          void schedules.refetch();
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
  const submit = (v: SourceValues & { cron: string }) =>
    ok(
      client.POST('/api/v1/ingest/schedules', {
        body: { resource: v.resource, source: specOf(v), cron: v.cron.trim(), maxAttempts: v.maxAttempts },
      }),
    );
  const created = () => {
    void message.success(t('scheduleCreated'));
    props.onCreated();
  };
  return (
    <FormModal
      open={props.open}
      title={t('newSchedule')}
      form={form}
      onSubmit={submit}
      onDone={created}
      onCancel={props.onClose}
      width={640}
      problemTestId="schedule-problem"
    >
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
    </FormModal>
  );
}
