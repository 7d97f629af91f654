import { Alert, Button, Card, DatePicker, Form, Input, Select, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type Problem } from '../api';
import { Page } from '../App';
import { hasRole, useSession } from '../session';
import type { Grant, Resource, ResourceSummary } from '../types';

export default function GrantsPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const [grants, setGrants] = useState<Grant[]>([]);
  const load = useCallback(() => api<Grant[]>('/api/v1/grants').then(setGrants), []);
  useEffect(() => void load(), [load]);
  const revoke = async (id: number) => {
    await api(`/api/v1/grants/${id}/revoke`, { method: 'POST' });
    await load();
  };
  return (
    <Page title={t('grants')}>
      {hasRole(user, 'operator') && <NewGrant onCreated={load} />}
      <Table
        rowKey="id"
        dataSource={grants}
        data-testid="grants-table"
        columns={[
          { title: '#', dataIndex: 'id' },
          { title: t('consumer'), render: (_, g) => g.consumer.name },
          { title: t('resource'), render: (_, g) => `${g.resource.name} (${g.resource.code})` },
          { title: t('fields'), render: (_, g) => g.fields.map((f) => <Tag key={f}>{f}</Tag>) },
          { title: t('purpose'), dataIndex: 'purpose' },
          { title: t('expiresAt'), dataIndex: 'expiresAt', render: (v: string | null) => v?.slice(0, 10) ?? '—' },
          {
            title: t('state'),
            dataIndex: 'state',
            render: (s: string) => <Tag color={s === 'active' ? 'green' : 'default'}>{t(`state.${s}`)}</Tag>,
          },
          hasRole(user, 'operator')
            ? {
                title: '',
                render: (_: unknown, g: Grant) =>
                  g.state === 'active' && (
                    <Button danger size="small" onClick={() => revoke(g.id)}>
                      {t('revoke')}
                    </Button>
                  ),
              }
            : {},
        ]}
      />
    </Page>
  );
}

function NewGrant({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [orgs, setOrgs] = useState<Array<{ code: string; name: string }>>([]);
  const [resources, setResources] = useState<ResourceSummary[]>([]);
  const [fields, setFields] = useState<string[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    void api<Array<{ code: string; name: string }>>('/api/v1/orgs').then(setOrgs);
    void api<{ items: ResourceSummary[] }>('/api/v1/catalog/resources?pageSize=200').then((r) => setResources(r.items));
  }, []);
  const pickResource = async (code: string) => {
    const r = await api<Resource>(`/api/v1/catalog/resources/${code}`);
    setFields(r.fields.map((f) => f.name));
    form.setFieldValue('fields', []);
  };
  const submit = async (v: {
    consumer: string;
    resource: string;
    fields: string[];
    purpose: string;
    expiresAt?: { toISOString(): string };
  }) => {
    setProblem(null);
    try {
      await api('/api/v1/grants', { method: 'POST', json: { ...v, expiresAt: v.expiresAt?.toISOString() } });
      form.resetFields();
      onCreated();
    } catch (e) {
      if (e instanceof ApiError) setProblem(e.problem);
    }
  };
  return (
    <Card title={t('create')}>
      {problem && (
        <Alert type="error" message={problem.title} description={problem.detail} style={{ marginBottom: 16 }} />
      )}
      <Form form={form} layout="inline" onFinish={submit}>
        <Form.Item name="consumer" label={t('consumer')} rules={[{ required: true }]}>
          <Select
            showSearch
            optionFilterProp="label"
            style={{ width: 220 }}
            options={orgs.map((o) => ({ value: o.code, label: o.name }))}
          />
        </Form.Item>
        <Form.Item name="resource" label={t('resource')} rules={[{ required: true }]}>
          <Select
            style={{ width: 220 }}
            onChange={pickResource}
            options={resources.map((r) => ({ value: r.code, label: r.name }))}
          />
        </Form.Item>
        <Form.Item name="fields" label={t('fields')} rules={[{ required: true }]}>
          <Select mode="multiple" style={{ minWidth: 220 }} options={fields.map((f) => ({ value: f, label: f }))} />
        </Form.Item>
        <Form.Item name="purpose" label={t('purpose')} rules={[{ required: true, min: 2 }]}>
          <Input style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="expiresAt" label={t('expiresAt')}>
          <DatePicker />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('submit')}
        </Button>
      </Form>
    </Card>
  );
}
