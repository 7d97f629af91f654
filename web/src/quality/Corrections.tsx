import { ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Form, Input, Row, Space, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { client, ok, useQuery, type User } from '../api';
import { Page } from '../ui/page';
import { ResourceName } from '../labels';
import { can, useSession } from '../session';
import { localDate, ReasonModal } from '../share/common';
import { FormModal } from '../ui/form-modal';
import { ProblemAlert } from '../ui/problem-alert';
import { CorrectionDue, CorrectionStateTag, ReportedValues } from './common';
import type { Correction } from './types';
import { OrgName } from '../ui/names';

const TABS = ['open', 'overdue', 'accepted', 'rejected'] as const;
type TabKey = (typeof TABS)[number];

/** Only the provider's data officers answer a correction (quality:decide, own), and only while it is open. */
const mayDecide = (user: User | null, c: Correction) =>
  c.state === 'open' && can(user, 'quality:decide', { ownerOrg: c.resource.provider.code });

/** 纠错: reported wrong values, by state; the provider's officers accept (with a value) or reject (with a reason). */
export default function CorrectionsPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(params.get('state') ?? '')
    ? (params.get('state') as TabKey)
    : 'open';
  const page = Number(params.get('page')) || 1;
  const highlight = Number(params.get('id')) || undefined;
  const [accepting, setAccepting] = useState<Correction | null>(null);
  const [rejecting, setRejecting] = useState<Correction | null>(null);

  const {
    data,
    loading,
    problem,
    refetch: load,
  } = useQuery(() => ok(client.GET('/api/v1/corrections', { params: { query: { state: tab, page } } })), [tab, page]);

  const decided = async (c: Correction, action: 'accept' | 'reject') => {
    void message.success(t(`correctionDone.${action}`, { id: c.id }));
    setAccepting(null);
    setRejecting(null);
    await load();
  };
  const accept = async (c: Correction, body: { value?: string }) => {
    await ok(client.POST('/api/v1/corrections/{id}/accept', { params: { path: { id: c.id } }, body }));
    await decided(c, 'accept');
  };
  const reject = async (c: Correction, reason: string) => {
    await ok(client.POST('/api/v1/corrections/{id}/reject', { params: { path: { id: c.id } }, body: { reason } }));
    await decided(c, 'reject');
  };

  const columns: ColumnsType<Correction> = [
    { title: '#', dataIndex: 'id', width: 56 },
    {
      title: t('resource'),
      key: 'resource',
      render: (_, c) => (
        <div style={{ minWidth: 160, maxWidth: 240 }}>
          <ResourceName code={c.resource.code} name={c.resource.name} testId={`correction-resource-${c.id}`} />
          <div>
            <Tag>{c.field.label}</Tag>
          </div>
        </div>
      ),
    },
    {
      title: t('key'),
      dataIndex: 'key',
      // '' : a developer's report about the field across the dataset, naming no record.
      render: (k: string) =>
        k === '' ? (
          <Typography.Text type="secondary">{t('correctionNoRecord')}</Typography.Text>
        ) : (
          <Typography.Text code style={{ whiteSpace: 'nowrap' }}>
            {k}
          </Typography.Text>
        ),
    },
    { title: t('correctionValues'), key: 'values', render: (_, c) => <ReportedValues correction={c} /> },
    {
      title: t('correctionReporter'),
      key: 'reporter',
      render: (_, c) => (
        <span style={{ whiteSpace: 'nowrap' }}>
          {t(`reporterKind.${c.reporter.kind}`)}
          {c.reporter.org && (
            <Typography.Text type="secondary">
              {' · '}
              <OrgName code={c.reporter.org} />
            </Typography.Text>
          )}
        </span>
      ),
    },
    {
      title: t('state'),
      dataIndex: 'state',
      render: (_, c) => (
        <Space orientation="vertical" size={2}>
          <CorrectionStateTag value={c.state} />
          {c.overdue && <Tag color="red">{t('overdue')}</Tag>}
          {c.rejectReason && <Typography.Text type="secondary">{c.rejectReason}</Typography.Text>}
          {c.state === 'accepted' && c.newValue !== null && (
            <Typography.Text type="success">= {String(c.newValue)}</Typography.Text>
          )}
        </Space>
      ),
    },
    { title: t('due'), key: 'due', render: (_, c) => <CorrectionDue correction={c} /> },
    {
      title: t('filedAt'),
      dataIndex: 'filedAt',
      render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{localDate(v)}</span>,
    },
    {
      title: '',
      key: 'actions',
      render: (_, c) =>
        mayDecide(user, c) ? (
          <Space orientation="vertical" size={4}>
            <Button
              type="primary"
              size="small"
              onClick={() => setAccepting(c)}
              data-testid={`correction-accept-${c.id}`}
            >
              {t('correctionAction.accept')}
            </Button>
            <Button danger size="small" onClick={() => setRejecting(c)} data-testid={`correction-reject-${c.id}`}>
              {t('correctionAction.reject')}
            </Button>
          </Space>
        ) : null,
    },
  ];

  return (
    <Page
      title={t('corrections')}
      extra={<Button icon={<ReloadOutlined />} onClick={() => void load()} aria-label={t('refresh')} />}
    >
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('correctionsHint')}
      </Typography.Paragraph>
      {can(user, 'quality:indicators') && <IndicatorCards />}
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams({ state: k })}
        items={TABS.map((k) => ({
          key: k,
          label: <span data-testid={`correction-tab-${k}`}>{t(`correctionTab.${k}`)}</span>,
        }))}
        style={{ marginBottom: -24 }}
      />
      {problem && <ProblemAlert problem={problem} />}
      <Table<Correction>
        rowKey="id"
        loading={loading}
        dataSource={data?.items ?? []}
        columns={columns}
        data-testid="corrections-table"
        rowClassName={(c) => (c.id === highlight ? 'ant-table-row-selected' : '')}
        pagination={{
          current: page,
          pageSize: data?.pageSize ?? 50,
          total: data?.total ?? 0,
          hideOnSinglePage: true,
          onChange: (p) => setParams({ state: tab, page: String(p) }),
        }}
      />
      <AcceptModal correction={accepting} onCancel={() => setAccepting(null)} onOk={accept} />
      <ReasonModal
        open={!!rejecting}
        title={rejecting ? `${t('correctionAction.reject')} #${rejecting.id}` : ''}
        okText={t('correctionAction.reject')}
        hint={t('correctionReasonHint')}
        testId="correction-reason"
        onCancel={() => setRejecting(null)}
        onOk={(reason) => reject(rejecting!, reason)}
      />
    </Page>
  );
}

/** Accepting writes a value into the record: the proposed one unless the officer gives another. */
function AcceptModal({
  correction: c,
  onCancel,
  onOk,
}: {
  correction: Correction | null;
  onCancel: () => void;
  onOk: (c: Correction, body: { value?: string }) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ value?: string }>();
  const proposed = c?.proposedValue ?? null;
  return (
    <FormModal
      open={!!c}
      title={c ? `${t('correctionAction.accept')} #${c.id} · ${c.field.label}` : ''}
      form={form}
      okText={t('correctionAction.accept')}
      okTestId="correction-accept-ok"
      onCancel={onCancel}
      onSubmit={({ value }) => onOk(c!, value === undefined || value === '' ? {} : { value })}
      onDone={() => {}}
    >
      <Form.Item
        name="value"
        label={t('correctionNewValue')}
        extra={
          proposed === null
            ? t('correctionNoProposal')
            : t('correctionUseProposed', { value: proposed || t('emptyValue') })
        }
        rules={[{ required: proposed === null, message: t('correctionValueRequired') }]}
      >
        <Input maxLength={500} placeholder={proposed ?? ''} data-testid="correction-value" />
      </Form.Item>
    </FormModal>
  );
}

/** Fix rate, fix time and timeliness: the caller's organization as a provider when it is one, else the city. */
function IndicatorCards() {
  const { t } = useTranslation();
  const { user } = useSession();
  const { data } = useQuery(() => ok(client.GET('/api/v1/quality/indicators')), []);
  const own = data?.byProvider.find((p) => p.org.code === user?.org?.code);
  const figures = own ?? data?.cityWide;
  if (!figures) return null;
  const pct = (v: number | null) => (v === null ? '—' : `${v}%`);
  const cards: Array<[string, string | number]> = [
    ['correctionReported', figures.reported],
    ['correctionOpen', figures.open],
    ['correctionOverdue', figures.overdue],
    ['correctionFixRate', pct(figures.fixRate)],
    ['correctionOnTimeRate', pct(figures.onTimeRate)],
    ['correctionMedianHours', figures.medianFixHours ?? '—'],
  ];
  return (
    <Row gutter={[16, 16]} data-testid="correction-indicators">
      <Col span={24}>
        <Typography.Text type="secondary" data-testid="correction-indicators-scope">
          {own ? t('share.correctionScopeOrg', { org: own.org.name }) : t('share.correctionScopeCity')}
        </Typography.Text>
      </Col>
      {cards.map(([key, value]) => (
        <Col key={key} xs={12} sm={8} lg={4}>
          <Card size="small" data-testid={`correction-indicator-${key}`}>
            <Statistic
              title={t(key)}
              value={value}
              styles={
                key === 'correctionOverdue' && figures.overdue > 0 ? { content: { color: '#cf1322' } } : undefined
              }
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}
