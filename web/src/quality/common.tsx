import { ClockCircleOutlined } from '@ant-design/icons';
import { Result, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Correction, CorrectionState } from './types';

const STATE_COLOR: Record<CorrectionState, string> = { open: 'processing', accepted: 'success', rejected: 'default' };

export function CorrectionStateTag({ value }: { value: CorrectionState }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATE_COLOR[value]} data-testid="correction-state">
      {t(`correctionState.${value}`)}
    </Tag>
  );
}

/** The due date of an open correction: red once past it, with the working days left or late. */
export function CorrectionDue({ correction: c }: { correction: Correction }) {
  const { t } = useTranslation();
  if (c.state !== 'open') {
    return <Typography.Text type="secondary">{c.dueDate}</Typography.Text>;
  }
  const left = c.workingDaysLeft ?? 0;
  const note = c.overdue
    ? t('overdueBy', { count: -left })
    : left === 0
      ? t('dueToday')
      : t('daysLeft', { count: left });
  return (
    <div style={{ whiteSpace: 'nowrap', lineHeight: 1.4 }} data-testid={`correction-due-${c.id}`}>
      <ClockCircleOutlined style={{ color: c.overdue ? '#cf1322' : '#1d4e89', marginRight: 4 }} />
      <Typography.Text type={c.overdue ? 'danger' : undefined} strong={c.overdue}>
        {c.dueDate}
      </Typography.Text>
      <div style={{ paddingLeft: 18, fontSize: 12 }}>
        <Typography.Text type={c.overdue ? 'danger' : 'secondary'} data-testid={c.overdue ? 'overdue' : undefined}>
          {note}
        </Typography.Text>
      </div>
    </div>
  );
}

/** What was reported: the value seen and, when known, the one proposed. */
export function ReportedValues({ correction: c }: { correction: Correction }) {
  const { t } = useTranslation();
  return (
    <div style={{ maxWidth: 260 }}>
      <Typography.Text delete type="danger">
        {c.claimedValue || t('emptyValue')}
      </Typography.Text>
      {c.proposedValue !== null && (
        <>
          {' → '}
          <Typography.Text type="success">{c.proposedValue || t('emptyValue')}</Typography.Text>
        </>
      )}
      {c.note && (
        <div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {c.note}
          </Typography.Text>
        </div>
      )}
    </div>
  );
}

/** What a filed correction came to: its number, and which department answers it by when. */
export function CorrectionFiled({ filed, testId }: { filed: Correction; testId: string }) {
  const { t } = useTranslation();
  return (
    <Result
      status="success"
      title={t('correctionFiled', { id: filed.id })}
      subTitle={t('correctionFiledDue', { provider: filed.resource.provider.name, due: filed.dueDate })}
      data-testid={testId}
    />
  );
}
