import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Col, DatePicker, Form, InputNumber, Popconfirm, Row, Select, Space, Table } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { client, ok, useAction, useQuery } from '../api';
import { Page } from '../ui/page';
import { ResourceName } from '../labels';
import { PurposeSelect, PurposeTags } from '../purposes';
import { can, useSession } from '../session';
import type { Field } from '../catalog/types';
import type { Grant, GrantState } from './types';
import { FieldTags, GrantStateTag, localDate } from './common';
import { FormModal } from '../ui/form-modal';
import { OrgName, useFieldLabels } from '../ui/names';
import { ProblemAlert } from '../ui/problem-alert';

type GrantAction = 'suspend' | 'resume' | 'revoke';
const STATES: GrantState[] = ['active', 'suspended', 'revoked'];

export default function GrantsPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const [creating, setCreating] = useState(false);
  const manages = can(user, 'grant:manage');
  const grants = useQuery(() => ok(client.GET('/api/v1/grants/')), []);
  // Fields by their labels (公民身份号码), the field name only on hover.
  const labels = useFieldLabels((grants.data ?? []).map((g) => g.resource.code));
  const { run: change } = useAction(
    (g: Grant, action: GrantAction) =>
      ok(client.POST(`/api/v1/grants/{id}/${action}`, { params: { path: { id: g.id } } })),
    { success: (_, g, action) => t(`grantDone.${action}`, { id: g.id }), then: grants.refetch },
  );
  const actions = (g: Grant) => {
    if (g.state === 'revoked') return null;
    return (
      <Space>
        {g.state === 'active' ? (
          <Button size="small" onClick={() => change(g, 'suspend')} data-testid={`grant-suspend-${g.id}`}>
            {t('grantAction.suspend')}
          </Button>
        ) : (
          <Button size="small" type="primary" onClick={() => change(g, 'resume')} data-testid={`grant-resume-${g.id}`}>
            {t('grantAction.resume')}
          </Button>
        )}
        <Popconfirm
          title={t('revokeConfirm', { consumer: g.consumer.name })}
          okButtonProps={{ danger: true }}
          onConfirm={() => change(g, 'revoke')}
        >
          <Button danger size="small" data-testid={`grant-revoke-${g.id}`}>
            {t('revoke')}
          </Button>
        </Popconfirm>
      </Space>
    );
  };
  return (
    <Page
      title={t('grants')}
      extra={
        manages && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="grant-new">
            {t('newGrant')}
          </Button>
        )
      }
    >
      {manages && (
        <NewGrant
          open={creating}
          onClose={() => setCreating(false)}
          onCreated={() => (setCreating(false), void grants.refetch())}
        />
      )}
      {grants.problem && <ProblemAlert problem={grants.problem} />}
      <Table<Grant>
        rowKey="id"
        loading={grants.loading}
        dataSource={grants.data}
        data-testid="grants-table"
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: '#', dataIndex: 'id', width: 56 },
          {
            title: t('consumer'),
            render: (_, g) => (
              <div style={{ minWidth: 84 }}>
                <OrgName code={g.consumer.code} name={g.consumer.name} />
              </div>
            ),
          },
          {
            title: t('resource'),
            render: (_, g) => (
              <div style={{ minWidth: 120 }}>
                <ResourceName code={g.resource.code} name={g.resource.name} testId={`grant-${g.id}`} />
              </div>
            ),
          },
          {
            title: t('fields'),
            render: (_, g) => <FieldTags fields={g.fields} masked={g.masked} labels={labels[g.resource.code]} />,
          },
          {
            title: t('purpose'),
            render: (_, g) => (
              <>
                <PurposeTags purposes={g.purposes} />
                {g.demandId && (
                  <div>
                    <Link to={`/demands?id=${g.demandId}`}>{t('fromDemand', { id: g.demandId })}</Link>
                  </div>
                )}
              </>
            ),
          },
          {
            title: <span style={{ whiteSpace: 'nowrap' }}>{t('dailyQuota')}</span>,
            dataIndex: 'dailyQuota',
            align: 'right',
            render: (v: number | null) => (
              <span style={{ whiteSpace: 'nowrap' }}>{v === null ? t('unlimited') : v.toLocaleString()}</span>
            ),
          },
          {
            title: <span style={{ whiteSpace: 'nowrap' }}>{t('ratePerSecond')}</span>,
            dataIndex: 'ratePerSecond',
            align: 'right',
            render: (v: number | null) => (v === null ? t('unlimited') : `${v}/s`),
          },
          {
            title: <span style={{ whiteSpace: 'nowrap' }}>{t('expiresAt')}</span>,
            dataIndex: 'expiresAt',
            render: (v: string | null) => (
              <span style={{ whiteSpace: 'nowrap' }}>{v ? localDate(v) : t('noExpiry')}</span>
            ),
          },
          {
            title: <span style={{ whiteSpace: 'nowrap' }}>{t('state')}</span>,
            dataIndex: 'state',
            filters: STATES.map((s) => ({ text: t(`state.${s}`), value: s })),
            onFilter: (v, g) => g.state === v,
            render: (s: GrantState) => <GrantStateTag value={s} />,
          },
          ...(manages ? [{ title: '', key: 'actions', render: (_: unknown, g: Grant) => actions(g) }] : []),
        ]}
      />
    </Page>
  );
}

interface GrantValues {
  consumer: string;
  resource: string;
  fields: string[];
  masked?: string[];
  purposes: string[];
  dailyQuota?: number | null;
  ratePerSecond?: number | null;
  expiresAt?: Dayjs | null;
}

function NewGrant({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<GrantValues>();
  const [fields, setFields] = useState<Field[]>([]);
  const chosen = Form.useWatch('fields', form) ?? [];
  const orgs = useQuery(() => ok(client.GET('/api/v1/orgs')), []).data ?? [];
  const resources =
    useQuery(
      () =>
        ok(
          client.GET('/api/v1/catalog/resources', {
            params: { query: { status: 'published', page: 1, pageSize: 200 } },
          }),
        ),
      [],
    ).data?.items ?? [];
  const pickResource = async (code: string) => {
    const r = await ok(client.GET('/api/v1/catalog/resources/{code}', { params: { path: { code } } }));
    setFields(r.fields);
    form.setFieldsValue({ fields: [], masked: [] });
  };
  const label = (f: Field) => f.label;
  const submit = (v: GrantValues) =>
    ok(
      client.POST('/api/v1/grants/', {
        body: {
          ...v,
          masked: (v.masked ?? []).filter((m) => v.fields.includes(m)),
          dailyQuota: v.dailyQuota ?? null,
          ratePerSecond: v.ratePerSecond ?? null,
          expiresAt: v.expiresAt ? v.expiresAt.endOf('day').toISOString() : null,
        },
      }),
    );
  const created = () => {
    void message.success(t('grantCreated'));
    setFields([]);
    onCreated();
  };
  return (
    <FormModal
      open={open}
      width={820}
      title={t('newGrant')}
      form={form}
      onSubmit={submit}
      onDone={created}
      onCancel={onClose}
      okTestId="grant-submit"
    >
      <Row gutter={16}>
        <Col xs={24} sm={8}>
          <Form.Item name="consumer" label={t('consumer')} rules={[{ required: true }]}>
            <Select
              showSearch
              optionFilterProp="label"
              data-testid="grant-consumer"
              options={orgs.map((o) => ({ value: o.code, label: o.name }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <Form.Item name="resource" label={t('resource')} rules={[{ required: true }]}>
            <Select
              showSearch
              optionFilterProp="label"
              onChange={pickResource}
              data-testid="grant-resource"
              options={resources.map((r) => ({ value: r.code, label: `${r.name} (${r.code})` }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <Form.Item name="purposes" label={t('purpose')} rules={[{ required: true }]}>
            <PurposeSelect multiple testId="grant-purposes" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="fields" label={t('fields')} rules={[{ required: true }]}>
            <Select
              mode="multiple"
              disabled={fields.length === 0}
              placeholder={fields.length === 0 ? t('pickResourceFirst') : undefined}
              data-testid="grant-fields"
              options={fields.map((f) => ({ value: f.name, label: label(f) }))}
              onChange={(v: string[]) =>
                form.setFieldValue(
                  'masked',
                  (form.getFieldValue('masked') as string[] | undefined)?.filter((m) => v.includes(m)) ?? [],
                )
              }
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="masked" label={t('maskedFields')} extra={t('maskedFieldsHint')}>
            <Select
              mode="multiple"
              disabled={chosen.length === 0}
              data-testid="grant-masked"
              options={fields.filter((f) => chosen.includes(f.name)).map((f) => ({ value: f.name, label: label(f) }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <Form.Item name="dailyQuota" label={t('dailyQuota')} extra={t('emptyIsUnlimited')}>
            <InputNumber min={1} precision={0} style={{ width: '100%' }} suffix={t('callsPerDay')} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <Form.Item name="ratePerSecond" label={t('ratePerSecond')} extra={t('emptyIsUnlimited')}>
            <InputNumber min={1} max={100000} precision={0} style={{ width: '100%' }} suffix={t('callsPerSecond')} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={8}>
          <Form.Item name="expiresAt" label={t('expiresAt')} extra={t('emptyIsNoExpiry')}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
    </FormModal>
  );
}
