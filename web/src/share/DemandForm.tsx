import { FileAddOutlined, FileSearchOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, Col, Descriptions, Form, Input, Result, Row, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { client, ok } from '../api';
import { SensitivityTag, ShareTag } from '../labels';
import { PurposeSelect } from '../purposes';
import { can, useSession } from '../session';
import type { Resource } from '../catalog/types';
import type { Demand } from './types';
import { DemandStateTag, DemandSteps, FieldTags } from './common';
import { FormModal } from '../ui/form-modal';

interface DemandValues {
  fields?: string[];
  need?: string;
  purposes: string[];
  purpose: string;
  legalBasis?: string;
  volume?: string;
  frequency?: string;
}

/**
 * Who may ask, as the policy's `demand:file` says (consumers, officers, operators and third
 * parties, for their own organization), on a published resource of another organization.
 */
export function mayDemand(user: ReturnType<typeof useSession>['user'], resource?: Resource): boolean {
  if (!user?.org || !can(user, 'demand:file', { ownerOrg: user.org.code })) return false;
  return !resource || (resource.publishedAt !== null && resource.provider.code !== user.org.code);
}

/** 申请使用: the button on a resource's page, for whoever may file a demand and is not its provider. */
export function DemandButton({ resource }: { resource: Resource }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const [open, setOpen] = useState(false);
  if (!mayDemand(user, resource)) return null;
  return (
    <>
      <Button type="primary" icon={<FileAddOutlined />} onClick={() => setOpen(true)} data-testid="demand-open">
        {t('share.applyForUse')}
      </Button>
      <DemandModal open={open} onClose={() => setOpen(false)} resource={resource} />
    </>
  );
}

/** 目录中没有的数据: a free-text demand, which the operators route to a provider. */
export function FreeTextDemandButton({ onFiled }: { onFiled: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button icon={<FileSearchOutlined />} onClick={() => setOpen(true)} data-testid="demand-free-open">
        {t('demandFreeText')}
      </Button>
      <DemandModal open={open} onClose={() => setOpen(false)} onFiled={onFiled} />
    </>
  );
}

function DemandModal({
  open,
  onClose,
  onFiled,
  resource,
}: {
  open: boolean;
  onClose: () => void;
  onFiled?: () => void;
  resource?: Resource;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm<DemandValues>();
  const [created, setCreated] = useState<Demand | null>(null);
  const needsBasis = resource?.shareType === 'none';
  const close = () => {
    onClose();
    setCreated(null);
    form.resetFields();
  };
  const file = async (v: DemandValues) => {
    const demand = await ok(
      client.POST('/api/v1/demands', {
        body: {
          ...(resource ? { resource: resource.code } : {}),
          ...(v.need?.trim() ? { need: v.need.trim() } : {}),
          fields: v.fields ?? [],
          purposes: v.purposes,
          purpose: v.purpose.trim(),
          ...(v.legalBasis?.trim() ? { legalBasis: v.legalBasis.trim() } : {}),
          volume: v.volume?.trim() ?? '',
          frequency: v.frequency?.trim() ?? '',
        },
      }),
    );
    setCreated(demand);
    onFiled?.();
  };
  const labels = Object.fromEntries((resource?.fields ?? []).map((f) => [f.name, f.label]));
  return (
    <FormModal
      open={open}
      width={760}
      title={resource ? `${t('share.applyForUse')} · ${resource.name}` : t('demandFreeText')}
      form={form}
      onSubmit={file}
      onDone={() => {}}
      onCancel={close}
      okText={t('submitDemand')}
      okTestId="demand-submit"
      problemTestId="demand-error"
      done={created && <Filed demand={created} labels={labels} />}
      doneFooter={[
        <Button key="close" onClick={close}>
          {t('close')}
        </Button>,
        <Button
          key="list"
          type="primary"
          onClick={() => (close(), navigate('/demands?tab=mine'))}
          data-testid="demand-go-list"
        >
          {t('myDemands')}
        </Button>,
      ]}
    >
      {resource ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="demand-form-resource"
          title={
            <span>
              <ShareTag value={resource.shareType} /> {t(`demandFlow.${resource.shareType}`)}
            </span>
          }
          description={
            <>
              <div>
                {t('resource')}：{resource.name}（{resource.provider.name}）
              </div>
              {resource.shareCondition && (
                <div>
                  {t('shareCondition')}：{resource.shareCondition}
                </div>
              )}
            </>
          }
        />
      ) : (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('demandFlow.freeText')} />
      )}
      {resource ? (
        <Form.Item
          name="fields"
          label={t('pickFields')}
          rules={[{ required: true, type: 'array', min: 1, message: t('pickFieldsRequired') }]}
        >
          <Checkbox.Group style={{ width: '100%' }} data-testid="demand-fields">
            <Row gutter={[8, 8]} style={{ width: '100%' }}>
              {resource.fields.map((f) => (
                <Col xs={24} md={12} key={f.name}>
                  <Checkbox value={f.name} data-testid={`demand-field-${f.name}`}>
                    {f.label} <Typography.Text type="secondary">{f.name}</Typography.Text>{' '}
                    <SensitivityTag value={f.sensitivity} />
                  </Checkbox>
                </Col>
              ))}
            </Row>
          </Checkbox.Group>
        </Form.Item>
      ) : (
        <>
          <Form.Item
            name="need"
            label={t('need')}
            extra={t('needHint')}
            rules={[{ required: true, whitespace: true, min: 2, message: t('needRequired') }]}
          >
            <Input.TextArea rows={3} maxLength={2000} showCount data-testid="demand-need" />
          </Form.Item>
          <Form.Item name="fields" label={t('wantedFields')}>
            <Select mode="tags" open={false} placeholder={t('wantedFieldsHint')} suffixIcon={null} />
          </Form.Item>
        </>
      )}
      <Form.Item
        name="purposes"
        label={t('purposeKinds')}
        extra={t('purposeKindsHint')}
        rules={[{ required: true, message: t('purposeKindsRequired') }]}
      >
        <PurposeSelect multiple testId="demand-purposes" style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item
        name="purpose"
        label={t('purposeText')}
        rules={[{ required: true, whitespace: true, min: 2, message: t('purposeRequired') }]}
      >
        <Input.TextArea rows={2} maxLength={500} placeholder={t('purposeHint')} data-testid="demand-purpose" />
      </Form.Item>
      <Form.Item
        name="legalBasis"
        label={t('legalBasis')}
        extra={needsBasis ? t('legalBasisNeeded') : t('legalBasisHint')}
        rules={[{ required: needsBasis, whitespace: true, min: 2, message: t('legalBasisRequired') }]}
      >
        <Input.TextArea rows={2} maxLength={1000} data-testid="demand-basis" />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="volume" label={t('volume')}>
            <Input maxLength={200} placeholder={t('volumeHint')} data-testid="demand-volume" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="frequency" label={t('frequency')}>
            <Input maxLength={200} placeholder={t('frequencyHint')} data-testid="demand-frequency" />
          </Form.Item>
        </Col>
      </Row>
    </FormModal>
  );
}

/** The filed demand: its state, what it asks for, and its deadlines. */
function Filed({ demand, labels }: { demand: Demand; labels: Record<string, string> }) {
  const { t } = useTranslation();
  return (
    <Result
      status="success"
      style={{ padding: '16px 0' }}
      title={t('demandFiled', { id: demand.id })}
      subTitle={t(`demandNext.${demand.state}`)}
      extra={
        <Descriptions
          column={1}
          size="small"
          bordered
          style={{ textAlign: 'left' }}
          data-testid="demand-created"
          items={[
            { key: 'state', label: t('state'), children: <DemandStateTag value={demand.state} /> },
            ...(demand.resource
              ? [
                  {
                    key: 'fields',
                    label: t('fields'),
                    children: <FieldTags fields={demand.fields} labels={labels} />,
                  },
                ]
              : [{ key: 'need', label: t('need'), children: demand.need }]),
            { key: 'steps', label: t('deadlines'), children: <DemandSteps demand={demand} /> },
          ]}
        />
      }
    />
  );
}
