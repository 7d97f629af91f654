import { ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Form, Input, Modal, Row, Space, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api, problemOf, query, type Problem, type User } from '../../api';
import { Page } from '../../App';
import { ResourceName } from '../../labels';
import { hasRole, useSession } from '../../session';
import { localDate, ProblemAlert, ReasonModal } from '../share/common';
import { CorrectionDue, CorrectionStateTag, ReportedValues } from './common';
import type { Correction, CorrectionIndicators, CorrectionPage } from './types';

const TABS = ['open', 'overdue', 'accepted', 'rejected'] as const;
type TabKey = (typeof TABS)[number];

/** Only the provider's data officers answer a correction, and only while it is open. */
const mayDecide = (user: User | null, c: Correction) =>
  c.state === 'open' && hasRole(user, 'officer') && user?.org?.code === c.resource.provider.code;

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
  const [data, setData] = useState<CorrectionPage | null>(null);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [accepting, setAccepting] = useState<Correction | null>(null);
  const [rejecting, setRejecting] = useState<Correction | null>(null);

  const load = useCallback(() => {
    setLoading(true);
    return api<CorrectionPage>(`/api/v1/corrections?${query({ state: tab, page })}`)
      .then((r) => (setData(r), setProblem(null)))
      .catch((e) => setProblem(problemOf(e)))
      .finally(() => setLoading(false));
  }, [tab, page]);
  useEffect(() => void load(), [load]);

  const decide = async (c: Correction, action: 'accept' | 'reject', body: object) => {
    await api<Correction>(`/api/v1/corrections/${c.id}/${action}`, { method: 'POST', json: body });
    void message.success(t(`correctionDone.${action}`, { id: c.id }));
    setAccepting(null);
    setRejecting(null);
    await load();
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
      render: (k: string) => (
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
          {c.reporter.org && <Typography.Text type="secondary"> · {c.reporter.org}</Typography.Text>}
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
      {hasRole(user, 'operator', 'officer', 'auditor', 'consumer') && <IndicatorCards />}
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
      <AcceptModal
        correction={accepting}
        onCancel={() => setAccepting(null)}
        onOk={(c, body) => decide(c, 'accept', body)}
      />
      <ReasonModal
        open={!!rejecting}
        title={rejecting ? `${t('correctionAction.reject')} #${rejecting.id}` : ''}
        okText={t('correctionAction.reject')}
        hint={t('correctionReasonHint')}
        testId="correction-reason"
        onCancel={() => setRejecting(null)}
        onOk={(reason) => decide(rejecting!, 'reject', { reason })}
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
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const ok = async () => {
    const { value } = await form.validateFields();
    setBusy(true);
    setProblem(null);
    try {
      await onOk(c!, value === undefined || value === '' ? {} : { value });
      form.resetFields();
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  };
  const proposed = c?.proposedValue ?? null;
  return (
    <Modal
      open={!!c}
      title={c ? `${t('correctionAction.accept')} #${c.id} · ${c.field.label}` : ''}
      onCancel={onCancel}
      onOk={ok}
      okText={t('correctionAction.accept')}
      okButtonProps={{ loading: busy, 'data-testid': 'correction-accept-ok' } as ButtonProps}
      destroyOnHidden
    >
      {problem && <ProblemAlert problem={problem} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical">
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
      </Form>
    </Modal>
  );
}

/** Fix rate, fix time and timeliness: the caller's organization as a provider when it is one, else the city. */
function IndicatorCards() {
  const { t } = useTranslation();
  const { user } = useSession();
  const [figures, setFigures] = useState<CorrectionIndicators | null>(null);
  useEffect(() => {
    void api<{ cityWide: CorrectionIndicators; byProvider: Array<CorrectionIndicators & { org: { code: string } }> }>(
      '/api/v1/quality/indicators',
    )
      .then((r) => setFigures(r.byProvider.find((p) => p.org.code === user?.org?.code) ?? r.cityWide))
      .catch(() => setFigures(null));
  }, [user]);
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
    <Row gutter={16} data-testid="correction-indicators">
      {cards.map(([key, value]) => (
        <Col key={key} span={4}>
          <Card size="small">
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
