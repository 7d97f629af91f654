import { Segmented, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';
import { hasRole, useSession } from '../../session';

/** The shapes of /api/v1/base, as the pages use them. */
export type BaseKind = 'person' | 'legal_entity';
export type ConflictState = 'open' | 'resolved' | 'dismissed' | 'superseded';

export interface Origin {
  provider: string;
  resource: string;
  job: string;
  row: number;
}

export interface Conflict {
  id: number;
  kind: BaseKind;
  subject: string;
  element: string;
  elementName: string;
  authoritative: { value: unknown; origin: Origin };
  other: { value: unknown; origin: Origin };
  state: ConflictState;
  kept: 'authoritative' | 'other' | null;
  note: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  createdAt: string;
}

export interface Tally {
  values: number;
  accurate: number;
  rate: number | null;
}

export interface Accuracy {
  target: number;
  overall: Tally;
  bases: Array<Tally & { kind: BaseKind }>;
  elements: Array<
    Tally & {
      kind: BaseKind;
      element: string;
      name: string;
      invalid: number;
      unconfirmed: number;
      disputed: number;
      confirmed: number;
    }
  >;
  providers: Array<{ kind: BaseKind; provider: string; observations: number; agreeing: number; rate: number | null }>;
}

export interface Overview {
  bases: Array<{ kind: BaseKind; name: string; subjects: number; values: number; observations: number }>;
  labels: Array<{ code: string; name: string; kind: BaseKind; members: number }>;
  conflicts: Record<ConflictState, number>;
  absorptions: Array<{
    job: string;
    resource: string;
    kind: BaseKind;
    subjects: number;
    values: number;
    conflicts: number;
    at: string;
  }>;
}

export interface SubjectView {
  kind: BaseKind;
  key: string;
  elements: Array<{
    element: string;
    name: string;
    value: unknown;
    masked: boolean;
    origin: Origin;
    providerName: string;
    authoritative: boolean;
    valid: boolean;
    invalidReason: string | null;
    confirmations: number;
    keptByConflict: number | null;
    openConflicts: Array<{ id: number; value: unknown; origin: Origin }>;
  }>;
  labels: Array<{ code: string; name: string }>;
}

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
  if (!hasRole(user, 'operator', 'auditor')) return null;
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
