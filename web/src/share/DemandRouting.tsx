import { Alert, App, Checkbox, Col, Form, Row, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { client, ok, useQuery } from '../api';
import { useOrgs } from '../catalog/orgs';
import { SensitivityTag } from '../labels';
import { FormModal } from '../ui/form-modal';
import type { Demand } from './types';

/** Who can provide data a demand asks for: departments (the platform, too) and districts, not enterprises or third parties. */
const PROVIDERS = new Set(['platform', 'department', 'district']);

/**
 * 分派: the operators give a demand for data not yet in the catalog to the department that should
 * provide it, picked by name; it lands in that department's tasks with a working-day deadline.
 */
export function AssignModal({ demand, onClose }: { demand: Demand | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ org: string }>();
  const orgs = useOrgs().filter((o) => o.code !== demand?.consumer.code && PROVIDERS.has(o.kind));
  return (
    <FormModal
      open={!!demand}
      title={demand ? `${t('share.assign')} #${demand.id}` : ''}
      form={form}
      okText={t('share.assign')}
      okTestId="assign-ok"
      problemTestId="assign-error"
      onSubmit={async ({ org }) => {
        const d = await ok(
          client.POST('/api/v1/demands/{id}/assign', { params: { path: { id: demand!.id } }, body: { org } }),
        );
        void message.success(t('share.assignDone', { id: d.id, org: d.assignedTo?.name ?? org }));
      }}
      onDone={onClose}
      onCancel={onClose}
    >
      {demand && (
        <Typography.Paragraph type="secondary" ellipsis={{ rows: 3, tooltip: demand.need }}>
          {t('share.assignHint', { consumer: demand.consumer.name, need: demand.need })}
        </Typography.Paragraph>
      )}
      <Form.Item
        name="org"
        label={t('share.assignTo')}
        initialValue={demand?.assignedTo?.code}
        rules={[{ required: true, message: t('share.assignToRequired') }]}
      >
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('share.assignToHint')}
          options={orgs.map((o) => ({ value: o.code, label: o.name }))}
          data-testid="assign-org"
        />
      </Form.Item>
    </FormModal>
  );
}

/**
 * The assigned department answers a demand for data not yet in the catalog with a resource of
 * its own it registered (and had published) for it, and the fields the consumer gets.
 */
export function FulfilModal({ demand, onClose }: { demand: Demand | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ resource: string; fields: string[] }>();
  const [code, setCode] = useState<string>();
  const provider = demand?.assignedTo?.code;
  const own = useQuery(
    async () =>
      provider
        ? (
            await ok(
              client.GET('/api/v1/catalog/resources', {
                params: { query: { provider, status: 'published', sort: 'updated', page: 1, pageSize: 100 } },
              }),
            )
          ).items
        : [],
    [provider],
  );
  const chosen = useQuery(
    async () => (code ? ok(client.GET('/api/v1/catalog/resources/{code}', { params: { path: { code } } })) : null),
    [code],
  ).data;
  const close = () => {
    setCode(undefined);
    onClose();
  };
  return (
    <FormModal
      open={!!demand}
      width={720}
      title={demand ? `${t('share.fulfil')} #${demand.id}` : ''}
      form={form}
      okText={t('share.fulfil')}
      okTestId="fulfil-ok"
      problemTestId="fulfil-error"
      onSubmit={async (v) => {
        await ok(client.POST('/api/v1/demands/{id}/fulfil', { params: { path: { id: demand!.id } }, body: v }));
        void message.success(t('demandDone.confirm', { id: demand!.id }));
      }}
      onDone={close}
      onCancel={close}
    >
      {demand && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('share.fulfilNeed', { consumer: demand.consumer.name, need: demand.need })}
          description={
            <span>
              {t('share.fulfilHint')} <Link to="/register">{t('share.registerForDemand')}</Link>
            </span>
          }
        />
      )}
      <Form.Item name="resource" label={t('share.fulfilResource')} rules={[{ required: true }]}>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          loading={own.loading}
          options={(own.data ?? []).map((r) => ({ value: r.code, label: r.name }))}
          onChange={(v: string) => {
            setCode(v);
            form.setFieldValue('fields', []);
          }}
          notFoundContent={t('share.fulfilNoResource')}
          data-testid="fulfil-resource"
        />
      </Form.Item>
      {chosen && (
        <Form.Item
          name="fields"
          label={t('pickFields')}
          rules={[{ required: true, type: 'array', min: 1, message: t('pickFieldsRequired') }]}
        >
          <Checkbox.Group style={{ width: '100%' }}>
            <Row gutter={[8, 8]} style={{ width: '100%' }}>
              {chosen.fields.map((f) => (
                <Col xs={24} sm={12} key={f.name}>
                  <Checkbox value={f.name} data-testid={`fulfil-field-${f.name}`}>
                    {f.label} <SensitivityTag value={f.sensitivity} />
                  </Checkbox>
                </Col>
              ))}
            </Row>
          </Checkbox.Group>
        </Form.Item>
      )}
    </FormModal>
  );
}
