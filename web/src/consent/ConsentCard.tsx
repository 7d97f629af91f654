import { Card, Descriptions, Empty, Space, Tag, Typography } from 'antd';
import type { Problem } from '../api';
import { ProblemAlert } from '../ui/problem-alert';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Consent, ConsentStatus } from './types';

const COLOR: Record<ConsentStatus, string> = {
  pending: 'gold',
  active: 'green',
  paused: 'blue',
  revoked: 'default',
  rejected: 'red',
  expired: 'default',
};

export function ConsentStatusTag({ status }: { status: ConsentStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={COLOR[status]} data-testid="consent-status">
      {t(`consent.state.${status}`)}
    </Tag>
  );
}

/**
 * One consent as a card that reads on a phone: who asks, for what, which data by name, for how
 * long and how often; `actions` below. The terms shown are those in force (narrowed on approval).
 */
export function ConsentCard({ consent, title, actions }: { consent: Consent; title: ReactNode; actions?: ReactNode }) {
  const { t } = useTranslation();
  const { terms } = consent;
  const fieldLabel = (code: string, name: string) =>
    consent.resources.find((r) => r.code === code)?.fields.find((f) => f.name === name)?.label ?? name;
  const resourceName = (code: string) => consent.resources.find((r) => r.code === code)?.name ?? code;
  return (
    <Card
      size="small"
      data-testid="consent-card"
      data-consent={consent.id}
      title={
        <Space wrap>
          {title}
          <ConsentStatusTag status={consent.status} />
        </Space>
      }
    >
      <Descriptions size="small" column={1} colon={false} styles={{ label: { minWidth: 84 } }}>
        <Descriptions.Item label={t('consent.purpose')}>{consent.purpose.name}</Descriptions.Item>
        <Descriptions.Item label={t('consent.data')}>
          <Space orientation="vertical" size={2}>
            {terms.data.map((d) => (
              <span key={d.resource}>
                <Typography.Text strong>{resourceName(d.resource)}</Typography.Text>
                {'：'}
                {d.fields.map((f) => fieldLabel(d.resource, f)).join('、')}
              </span>
            ))}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('consent.until')}>{new Date(terms.expiresAt).toLocaleString()}</Descriptions.Item>
        <Descriptions.Item label={t('consent.frequency')}>
          {terms.frequency ? t(`consent.per.${terms.frequency.unit}`, { max: terms.frequency.max }) : t('consent.once')}
        </Descriptions.Item>
        <Descriptions.Item label={t('consent.dataLife')}>
          {t('consent.days', { days: terms.dataLifeDays })}
        </Descriptions.Item>
        <Descriptions.Item label={t('consent.range')}>
          {terms.range ? `${terms.range.from} — ${terms.range.to}` : t('consent.anyPeriod')}
        </Descriptions.Item>
      </Descriptions>
      {actions && (
        <Space wrap style={{ marginTop: 8 }}>
          {actions}
        </Space>
      )}
    </Card>
  );
}

/** A list of consents as cards, with its problem or the empty state: the subject's page and the requester's. */
export function ConsentCards(props: {
  list: { data?: { items: Consent[] } | null | undefined; loading: boolean; problem?: Problem | null | undefined };
  title: (c: Consent) => ReactNode;
  actions: (c: Consent) => ReactNode;
}) {
  const { t } = useTranslation();
  const items = props.list.data?.items ?? [];
  return (
    <>
      {props.list.problem && <ProblemAlert problem={props.list.problem} />}
      {!props.list.loading && items.length === 0 && <Empty description={t('consent.none')} />}
      <Space orientation="vertical" style={{ width: '100%' }} data-testid="consent-list">
        {items.map((c) => (
          <ConsentCard key={c.id} consent={c} title={props.title(c)} actions={props.actions(c)} />
        ))}
      </Space>
    </>
  );
}
