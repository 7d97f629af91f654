import { Alert, Button, Popconfirm, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { client, ok, useAction, type Answer } from '../api';

/** What happened to a load, as the server says it (src/ingest/outcome.ts): one word, one colour. */
export type Outcome = Answer<'/api/v1/ingest/jobs/{id}'>['outcome'];
type Threshold = Answer<'/api/v1/ingest/jobs/{id}'>['threshold'];

/**
 * Green only for a clean load; orange for rejects or a load below the threshold; red for a
 * failure; purple for a held load that waits for a decision; blue while it runs.
 */
const COLOR: Record<Outcome, string> = {
  queued: 'default',
  running: 'processing',
  loaded: 'success',
  loaded_with_rejects: 'orange',
  below_threshold: 'orange',
  held: 'purple',
  discarded: 'default',
  failed: 'error',
};
const ALERT: Record<Outcome, 'success' | 'info' | 'warning' | 'error'> = {
  queued: 'info',
  running: 'info',
  loaded: 'success',
  loaded_with_rejects: 'warning',
  below_threshold: 'warning',
  held: 'info',
  discarded: 'info',
  failed: 'error',
};

export function JobOutcomeTag({ outcome }: { outcome: Outcome }) {
  const { t } = useTranslation();
  return (
    <Tag color={COLOR[outcome]} data-testid="job-outcome" data-outcome={outcome}>
      {t(`jobOutcome.${outcome}`)}
    </Tag>
  );
}

/** The threshold a load was judged by, in words. */
export function ThresholdText({ threshold }: { threshold: Threshold }) {
  const { t } = useTranslation();
  if (!threshold) return <>—</>;
  return (
    <>
      {t('jobThresholdValue', {
        min: threshold.minPassRate,
        action: t(`thresholdAction.${threshold.action}`),
      })}
    </>
  );
}

/** What the outcome of a job is told from, as the job's route answers it (a listed job has the same). */
type OutcomeJob = Pick<
  Answer<'/api/v1/ingest/jobs/{id}'>,
  | 'id'
  | 'outcome'
  | 'threshold'
  | 'rowsRead'
  | 'rowsLoaded'
  | 'rowsRejected'
  | 'qualityScore'
  | 'decidedBy'
  | 'decidedByName'
  | 'decidedAt'
  | 'mayDecide'
>;

/** The outcome of one job in words, with release and discard for whom may decide a held load. */
export function OutcomeSummary({ job, onDecided }: { job: OutcomeJob; onDecided: () => unknown }) {
  const { t } = useTranslation();
  const at = job.decidedAt ? new Date(job.decidedAt).toLocaleString() : '';
  const released = job.outcome === 'below_threshold' && job.decidedBy !== null;
  const hint = t(`jobOutcomeHint.${released ? 'below_threshold_released' : job.outcome}`, {
    read: job.rowsRead.toLocaleString(),
    loaded: job.rowsLoaded.toLocaleString(),
    rejected: job.rowsRejected.toLocaleString(),
    score: job.qualityScore ?? '—',
    min: job.threshold?.minPassRate ?? '—',
    // Who decided, by name: the login only for an account that is gone.
    by: job.decidedByName ?? job.decidedBy ?? '',
    at,
  });
  return (
    <Alert
      type={ALERT[job.outcome]}
      showIcon
      data-testid="job-outcome-summary"
      title={<JobOutcomeTag outcome={job.outcome} />}
      description={hint}
      action={job.outcome === 'held' && job.mayDecide ? <HeldActions job={job} onDecided={onDecided} /> : undefined}
    />
  );
}

/** 放行 / 丢弃 of a held load; the page reloads what it shows after either, whatever the answer. */
export function HeldActions({
  job,
  onDecided,
  size = 'middle',
}: {
  job: Pick<OutcomeJob, 'id' | 'rowsRead' | 'rowsRejected'>;
  onDecided: () => unknown;
  size?: 'small' | 'middle';
}) {
  const { t } = useTranslation();
  const decide = useAction(
    (decision: 'release' | 'discard') =>
      decision === 'release'
        ? ok(client.POST('/api/v1/ingest/jobs/{id}/release', { params: { path: { id: job.id } } }))
        : ok(client.POST('/api/v1/ingest/jobs/{id}/discard', { params: { path: { id: job.id } } })),
    {
      success: (_, decision) => t(decision === 'release' ? 'jobReleased' : 'jobDiscarded'),
      then: onDecided,
    },
  );
  return (
    <Space size={4} wrap>
      <Popconfirm
        title={t('jobReleaseConfirm', { rows: (job.rowsRead - job.rowsRejected).toLocaleString() })}
        onConfirm={() => decide.run('release')}
      >
        <Button size={size} type="primary" loading={decide.busy} data-testid={`job-release-${job.id}`}>
          {t('jobRelease')}
        </Button>
      </Popconfirm>
      <Popconfirm title={t('jobDiscardConfirm')} onConfirm={() => decide.run('discard')}>
        <Button size={size} danger loading={decide.busy} data-testid={`job-discard-${job.id}`}>
          {t('jobDiscard')}
        </Button>
      </Popconfirm>
    </Space>
  );
}
