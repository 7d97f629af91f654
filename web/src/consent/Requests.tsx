import {
  Button,
  Checkbox,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Result,
  Select,
  Space,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useAction, useQuery } from '../api';
import { PurposeSelect } from '../purposes';
import { useCan } from '../session';
import { FormModal } from '../ui/form-modal';
import { Page } from '../ui/page';
import { displayValue } from '../ui/value';
import { ConsentCards } from './ConsentCard';
import type { Consent, Fetched } from './types';

/** 授权申请: a third party's console — file requests (one subject or many), follow them, fetch. */
export default function ConsentRequestsPage() {
  const { t } = useTranslation();
  const may = useCan('consent:request');
  const [filing, setFiling] = useState(false);
  const [fetched, setFetched] = useState<{ consent: Consent; data: Fetched }>();
  const list = useQuery(
    async () =>
      may ? ok(client.GET('/api/v1/consents/', { params: { query: { role: 'requester', limit: 100 } } })) : null,
    [may],
  );
  const fetchData = useAction(
    async (c: Consent) => {
      const data = await ok(client.GET('/api/v1/consents/{id}/data', { params: { path: { id: c.id } } }));
      setFetched({ consent: c, data });
      return data;
    },
    { success: () => t('consent.fetched') },
  );
  if (!may)
    return (
      <Page title={t('consent.requestsTitle')}>
        <Result status="info" title={t('consent.none')} />
      </Page>
    );
  return (
    <Page
      title={t('consent.requestsTitle')}
      extra={
        <Button type="primary" onClick={() => setFiling(true)} data-testid="consent-new">
          {t('consent.new')}
        </Button>
      }
    >
      <ConsentCards
        list={list}
        title={(c) => `${t(`consent.subjectKind.${c.subject.kind}`)} ${c.subject.name ?? c.subject.id}`}
        actions={(c) =>
          c.status === 'active' && (
            <Button loading={fetchData.busy} onClick={() => void fetchData.run(c)} data-testid="consent-fetch">
              {t('consent.fetch')}
            </Button>
          )
        }
      />
      <NewRequest open={filing} onClose={() => setFiling(false)} onDone={list.refetch} />
      {fetched && <FetchedModal {...fetched} onClose={() => setFetched(undefined)} />}
    </Page>
  );
}

interface RequestForm {
  kind: 'person' | 'legal_entity';
  subjects: string;
  purpose: string;
  resource: string;
  fields: string[];
  fetchType: 'once' | 'periodic';
  unit: 'day' | 'month' | 'year';
  max: number;
  expiresAt: Dayjs;
  dataLifeDays: number;
  range?: [Dayjs, Dayjs] | null;
}

/** The request form: whose data (one ID a line), for what, which fields of which resource, on which terms. */
function NewRequest({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RequestForm>();
  const [search, setSearch] = useState('');
  const [done, setDone] = useState<string>();
  const resources = useQuery(
    () =>
      ok(
        client.GET('/api/v1/catalog/resources', {
          params: { query: { q: search || undefined, status: 'published', page: 1, pageSize: 20 } },
        }),
      ),
    [search],
  );
  const code = Form.useWatch('resource', form);
  const resource = useQuery(
    async () => (code ? ok(client.GET('/api/v1/catalog/resources/{code}', { params: { path: { code } } })) : null),
    [code],
  );
  const periodic = Form.useWatch('fetchType', form) === 'periodic';
  const submit = async (v: RequestForm) => {
    const subjects = v.subjects
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => ({ kind: v.kind, id }));
    const request = {
      purpose: v.purpose,
      data: [{ resource: v.resource, fields: v.fields }],
      expiresAt: v.expiresAt.toISOString(),
      fetchType: v.fetchType,
      ...(v.fetchType === 'periodic' ? { frequency: { unit: v.unit, max: v.max } } : {}),
      dataLifeDays: v.dataLifeDays,
      range: v.range ? { from: v.range[0].format('YYYY-MM-DD'), to: v.range[1].format('YYYY-MM-DD') } : null,
    };
    const answer = await ok(client.POST('/api/v1/consents/bulk', { body: { subjects, request } }));
    const failed = answer.items.filter((i) => i.error !== null).length;
    const filed = answer.items.length - failed;
    setDone(failed ? t('consent.filedWithErrors', { ok: filed, failed }) : t('consent.filed', { ok: filed }));
    onDone();
  };
  return (
    <FormModal<RequestForm>
      open={open}
      title={t('consent.new')}
      form={form}
      onSubmit={submit}
      onDone={() => undefined}
      onCancel={() => {
        setDone(undefined);
        onClose();
      }}
      done={done && <Result status="success" title={done} data-testid="consent-filed" />}
      okText={t('consent.submit')}
      okTestId="consent-submit"
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          kind: 'person',
          fetchType: 'periodic',
          unit: 'month',
          max: 4,
          dataLifeDays: 30,
          expiresAt: dayjs().add(90, 'day'),
          range: [dayjs().subtract(1, 'year'), dayjs()],
        }}
      >
        <Form.Item name="kind" label={t('consent.subject')}>
          <Radio.Group
            options={(['person', 'legal_entity'] as const).map((k) => ({
              value: k,
              label: t(`consent.subjectKind.${k}`),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="subjects"
          label={t('consent.subjects')}
          extra={t('consent.subjectsHelp')}
          rules={[{ required: true }]}
        >
          <Input.TextArea rows={3} data-testid="consent-subjects" />
        </Form.Item>
        <Form.Item name="purpose" label={t('consent.purpose')} rules={[{ required: true }]}>
          <PurposeSelect testId="consent-purpose" />
        </Form.Item>
        <Form.Item name="resource" label={t('consent.resource')} rules={[{ required: true }]}>
          <Select
            showSearch={{ filterOption: false, onSearch: setSearch }}
            placeholder={t('consent.resourcePlaceholder')}
            options={(resources.data?.items ?? []).map((r) => ({ value: r.code, label: r.name }))}
            onChange={() => form.setFieldValue('fields', [])}
            data-testid="consent-resource"
          />
        </Form.Item>
        <Form.Item name="fields" label={t('consent.fields')} rules={[{ required: true, type: 'array', min: 1 }]}>
          <Checkbox.Group
            options={(resource.data?.fields ?? []).map((f) => ({ value: f.name, label: f.label }))}
            data-testid="consent-request-fields"
          />
        </Form.Item>
        <Form.Item name="fetchType" label={t('consent.fetchType')}>
          <Radio.Group
            options={(['once', 'periodic'] as const).map((k) => ({ value: k, label: t(`consent.fetchType.${k}`) }))}
          />
        </Form.Item>
        {periodic && (
          <Space wrap>
            <Form.Item name="unit" label={t('consent.frequency')}>
              <Select
                style={{ width: 100 }}
                options={(['day', 'month', 'year'] as const).map((u) => ({ value: u, label: t(`consent.unit.${u}`) }))}
              />
            </Form.Item>
            <Form.Item name="max" label=" ">
              <InputNumber min={1} max={1000} />
            </Form.Item>
          </Space>
        )}
        <Form.Item name="expiresAt" label={t('consent.expiresAt')} rules={[{ required: true }]}>
          <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isBefore(dayjs(), 'day')} />
        </Form.Item>
        <Form.Item name="dataLifeDays" label={t('consent.dataLife')}>
          <InputNumber min={0} max={3650} style={{ width: '100%' }} addonAfter={t('consent.unit.day')} />
        </Form.Item>
        <Form.Item name="range" label={t('consent.range')}>
          <DatePicker.RangePicker style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

/** What a fetch returned: each resource's consented fields by label, or why there is no record. */
function FetchedModal({ consent, data, onClose }: { consent: Consent; data: Fetched; onClose: () => void }) {
  const { t } = useTranslation();
  const resource = (code: string) => consent.resources.find((r) => r.code === code);
  return (
    <Modal open title={t('consent.fetched')} onCancel={onClose} footer={null} data-testid="consent-fetched">
      <Typography.Paragraph type="secondary">
        {t('consent.keepUntil', { date: new Date(data.keepUntil).toLocaleDateString() })}
      </Typography.Paragraph>
      {data.items.map((item) => (
        <Descriptions
          key={item.resource}
          title={resource(item.resource)?.name ?? item.resource}
          size="small"
          column={1}
          bordered
        >
          {item.record ? (
            item.fields.map((f) => (
              <Descriptions.Item key={f} label={resource(item.resource)?.fields.find((x) => x.name === f)?.label ?? f}>
                {displayValue(t, item.record?.[f])}
              </Descriptions.Item>
            ))
          ) : (
            <Descriptions.Item label={t('consent.data')}>
              {t(`consent.missing.${item.missing ?? 'not_found'}`)}
            </Descriptions.Item>
          )}
        </Descriptions>
      ))}
    </Modal>
  );
}
