import { App, Button, Checkbox, DatePicker, Form, InputNumber, Popconfirm, Result, Segmented, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTaskBack } from '../a11y/back';
import { useAccessible } from '../a11y/mode';
import { client, ok, useAction, useQuery } from '../api';
import { FormModal } from '../ui/form-modal';
import { Page } from '../ui/page';
import { useCan } from '../session';
import { ConsentCards } from './ConsentCard';
import type { Consent } from './types';

type Filter = 'pending' | 'active' | 'all';
type Decision = 'reject' | 'pause' | 'resume' | 'revoke';

/** 我的数据授权: the consents third parties asked of the signed-in person, decided one card at a time. */
export default function MyConsentsPage() {
  const { t } = useTranslation();
  if (!useCan('consent:decide')) {
    return (
      <Page title={t('consent.title')}>
        <Result status="info" title={t('shell.notCitizen')} />
      </Page>
    );
  }
  return <MyConsents />;
}

function MyConsents() {
  const { t } = useTranslation();
  // The large text mode says the same in plainer words, with the way back to the tasks.
  const simple = useAccessible().accessible;
  const back = useTaskBack();
  const [filter, setFilter] = useState<Filter>('pending');
  const [approving, setApproving] = useState<Consent>();
  const list = useQuery(
    () =>
      ok(
        client.GET('/api/v1/consents/', {
          params: { query: { role: 'subject', limit: 100, ...(filter === 'all' ? {} : { status: filter }) } },
        }),
      ),
    [filter],
  );
  const decide = useAction(
    (c: Consent, decision: Decision) =>
      ok(client.POST(`/api/v1/consents/{id}/${decision}`, { params: { path: { id: c.id } }, body: {} })),
    { success: (_, __, decision) => t(`consent.done.${decision}`), then: list.refetch },
  );
  const actions = (c: Consent) => {
    const button = (decision: Decision, danger = false) => (
      <Button
        key={decision}
        danger={danger}
        loading={decide.busy}
        onClick={() => void decide.run(c, decision)}
        data-testid={`consent-${decision}`}
      >
        {t(`consent.${decision}`)}
      </Button>
    );
    const revoke = (
      <Popconfirm key="revoke" title={t('consent.revokeConfirm')} onConfirm={() => void decide.run(c, 'revoke')}>
        <Button danger data-testid="consent-revoke">
          {t('consent.revoke')}
        </Button>
      </Popconfirm>
    );
    if (c.status === 'pending')
      return [
        <Button key="approve" type="primary" onClick={() => setApproving(c)} data-testid="consent-approve">
          {t('consent.approve')}
        </Button>,
        button('reject', true),
      ];
    if (c.status === 'active') return [button('pause'), revoke];
    if (c.status === 'paused') return [button('resume'), revoke];
    return null;
  };
  return (
    <Page title={t('consent.title')} extra={back}>
      <Typography.Paragraph type={simple ? undefined : 'secondary'} data-testid="consent-intro">
        {t(simple ? 'a11y.consentsIntro' : 'consent.intro')}
      </Typography.Paragraph>
      <Segmented<Filter>
        value={filter}
        onChange={setFilter}
        options={(['pending', 'active', 'all'] as const).map((f) => ({ value: f, label: t(`consent.filter.${f}`) }))}
        data-testid="consent-filter"
      />
      <ConsentCards
        list={list}
        title={(c) =>
          c.subject.kind === 'legal_entity'
            ? t('consent.forEnterprise', { requester: c.requester.name, name: c.subject.name ?? c.subject.id })
            : c.requester.name
        }
        actions={actions}
      />
      {approving && <ApproveModal consent={approving} onClose={() => setApproving(undefined)} onDone={list.refetch} />}
    </Page>
  );
}

interface Narrowed {
  fields: Record<string, string[]>;
  expiresAt: Dayjs;
  max?: number;
  dataLifeDays: number;
}

/** Approval, narrowed where the person wants: each field, the expiry, the frequency, the time kept. */
function ApproveModal({ consent, onClose, onDone }: { consent: Consent; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Narrowed>();
  const { message } = App.useApp();
  const asked = consent.requested;
  const frequency = asked.frequency;
  const initial: Narrowed = {
    fields: Object.fromEntries(asked.data.map((d) => [d.resource, d.fields])),
    expiresAt: dayjs(asked.expiresAt),
    max: frequency?.max,
    dataLifeDays: asked.dataLifeDays,
  };
  const submit = async (v: Narrowed) => {
    const data = asked.data
      .map((d) => ({ resource: d.resource, fields: v.fields[d.resource] ?? [] }))
      .filter((d) => d.fields.length > 0);
    const body = {
      data,
      expiresAt: v.expiresAt.toISOString(),
      dataLifeDays: v.dataLifeDays,
      ...(frequency && v.max ? { frequency: { unit: frequency.unit, max: v.max } } : {}),
    };
    return ok(client.POST('/api/v1/consents/{id}/approve', { params: { path: { id: consent.id } }, body }));
  };
  return (
    <FormModal<Narrowed>
      open
      title={t('consent.approveTitle')}
      form={form}
      onSubmit={submit}
      onDone={() => {
        void message.success(t('consent.done.approve'));
        onClose();
        onDone();
      }}
      onCancel={onClose}
      okText={t('consent.approve')}
      okTestId="consent-approve-ok"
    >
      <Form form={form} layout="vertical" initialValues={initial}>
        <Typography.Paragraph type="secondary">{t('consent.approveHelp')}</Typography.Paragraph>
        {consent.resources.map((r) => (
          <Form.Item
            key={r.code}
            name={['fields', r.code]}
            label={t('consent.fieldsOf', { resource: r.name })}
            rules={[{ type: 'array', min: 1, message: t('consent.atLeastOneField') }]}
          >
            <Checkbox.Group
              options={r.fields.map((f) => ({ value: f.name, label: f.label }))}
              data-testid={`consent-fields-${r.code}`}
            />
          </Form.Item>
        ))}
        <Form.Item name="expiresAt" label={t('consent.expiresAt')} rules={[{ required: true }]}>
          <DatePicker
            showTime
            style={{ width: '100%' }}
            disabledDate={(d) => d.isAfter(dayjs(asked.expiresAt)) || d.isBefore(dayjs(), 'day')}
          />
        </Form.Item>
        {frequency && (
          <Form.Item name="max" label={t('consent.maxFetches', { unit: t(`consent.unit.${frequency.unit}`) })}>
            <InputNumber min={1} max={frequency.max} style={{ width: '100%' }} data-testid="consent-max" />
          </Form.Item>
        )}
        <Form.Item name="dataLifeDays" label={t('consent.dataLife')}>
          <InputNumber min={0} max={asked.dataLifeDays} style={{ width: '100%' }} addonAfter={t('consent.unit.day')} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
