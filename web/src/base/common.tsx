import { Segmented, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';
import { can, useSession } from '../session';

import type { ConflictState, Origin } from './types';

export type { Accuracy, BaseKind, Conflict, ConflictState, Origin, Overview, SubjectView, Tally } from './types';

export const percent = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

const STATE_COLOR: Record<ConflictState, string> = {
  open: 'orange',
  resolved: 'green',
  dismissed: 'default',
  superseded: 'blue',
};

export function ConflictStateTag({ state }: { state: ConflictState }) {
  const { t } = useTranslation();
  return <Tag color={STATE_COLOR[state]}>{t(`base.state.${state}`)}</Tag>;
}

/** Where a value came from: the provider, its resource and the row of the load. */
export function OriginText({ origin, names }: { origin: Origin; names: Record<string, string> }) {
  const { t } = useTranslation();
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
      {names[origin.provider] ?? origin.provider} · {origin.resource} · {t('base.row', { row: origin.row })}
    </Typography.Text>
  );
}

export const show = (v: unknown) => (v === null || v === undefined ? '—' : String(v));

/** The three base pages, one menu entry: overview, conflicts, subject lookup (operators and auditors). */
export function BaseNav() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const { user } = useSession();
  if (!can(user, 'base:read')) return null;
  return (
    <Segmented
      data-testid="base-nav"
      value={pathname}
      onChange={(v) => navigate(String(v))}
      options={[
        { value: '/base', label: t('base.overview') },
        { value: '/base/conflicts', label: t('base.conflicts') },
        { value: '/base/subject', label: t('base.lookup') },
      ]}
    />
  );
}
