import { Alert, Space, Typography } from 'antd';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../api';

/** Details that only list the field problems shown below them: the list alone says it. */
const LISTING = new Set(['kernel.problemList', 'kernel.fieldReason']);

/**
 * A problem as an alert: what went wrong, each bad input, and for a 429 when to try again. The
 * server writes detail and reasons in the language the call asked for (Accept-Language); the
 * title is the web's own text for the code, so that it reads the same on every page.
 */
export function ProblemAlert({ problem, testId, style }: { problem: Problem; testId?: string; style?: CSSProperties }) {
  const { t } = useTranslation();
  const limited = problem.status === 429;
  const errors = problem.errors ?? [];
  const showDetail = problem.detail && !(errors.length > 0 && LISTING.has(problem.detailCode ?? ''));
  return (
    <Alert
      type={limited ? 'warning' : 'error'}
      showIcon
      style={style}
      data-testid={testId}
      title={t(`problem.${problem.code ?? ''}`, { defaultValue: problem.title })}
      description={
        <Space orientation="vertical" size={2}>
          {showDetail && <span data-testid="problem-detail">{problem.detail}</span>}
          {errors.map((e, i) => (
            <span key={`${e.field}-${i}`} data-testid="problem-reason">
              {e.sheet !== undefined && e.row !== undefined && (
                <Typography.Text type="secondary">
                  {t('messages.cellAt', { sheet: e.sheet, row: e.row, column: e.column ?? '' })}{' '}
                </Typography.Text>
              )}
              {e.label ? (
                <Typography.Text strong>{e.label}</Typography.Text>
              ) : (
                <Typography.Text code>{e.field}</Typography.Text>
              )}
              {t('messages.reasonSeparator')}
              {e.reason}
            </span>
          ))}
          {problem.retryAfter !== undefined && (
            <Typography.Text strong data-testid="retry-after">
              {t('retryAfter', { seconds: problem.retryAfter, time: retryTime(problem.retryAfter) })}
            </Typography.Text>
          )}
        </Space>
      }
    />
  );
}

/** When a wait of `seconds` ends, as local time (with the date if it is not today). */
function retryTime(seconds: number): string {
  const at = new Date(Date.now() + seconds * 1000);
  return at.toDateString() === new Date().toDateString() ? at.toLocaleTimeString() : at.toLocaleString();
}
