import { FileAddOutlined, FileSearchOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, Col, Descriptions, Form, Input, Modal, Result, Row, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, problemOf, type Problem } from '../../api';
import { SensitivityTag, ShareTag } from '../../labels';
import { PurposeSelect } from '../../purposes';
import { hasRole, useSession } from '../../session';
import type { Demand, Resource } from '../../types';
import { DemandStateTag, DemandSteps, FieldTags, ProblemAlert } from './common';

interface DemandValues {
  fields?: string[];
  need?: string;
  purposes: string[];
  purpose: string;
  legalBasis?: string;
  volume?: string;
  frequency?: string;
}

/** Who may ask: staff of an organization (not its provider) on a resource in the catalog. */
export function mayDemand(user: ReturnType<typeof useSession>['user'], resource?: Resource): boolean {
  if (!user?.org || !hasRole(user, 'consumer', 'officer')) return false;
  return !resource || (resource.publishedAt !== null && resource.provider.code !== user.org.code);
}

/** 申请数据: the button on a resource's page, for consumers and officers of other organizations. */
export function DemandButton({ resource }: { resource: Resource }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const [open, setOpen] = useState(false);
  if (!mayDemand(user, resource)) return null;
  return (
    <>
      <Button type="primary" icon={<FileAddOutlined />} onClick={() => setOpen(true)} data-testid="demand-open">
        {t('demandData')}
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
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [created, setCreated] = useState<Demand | null>(null);
  const needsBasis = resource?.shareType === 'none';
  const close = () => {
    onClose();
    setCreated(null);
    setProblem(null);
    form.resetFields();
  };
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    setProblem(null);
    try {
      const demand = await api<Demand>('/api/v1/demands', {
        method: 'POST',
        json: {
          ...(resource ? { resource: resource.code } : {}),
          ...(v.need?.trim() ? { need: v.need.trim() } : {}),
          fields: v.fields ?? [],
          purposes: v.purposes,
          purpose: v.purpose.trim(),
          ...(v.legalBasis?.trim() ? { legalBasis: v.legalBasis.trim() } : {}),
          volume: v.volume?.trim() ?? '',
          frequency: v.frequency?.trim() ?? '',
        },
      });
      setCreated(demand);
      onFiled?.();
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  };
  const labels = Object.fromEntries((resource?.fields ?? []).map((f) => [f.name, f.label]));
  const footer = created
    ? [
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
      ]
    : [
        <Button key="cancel" onClick={close}>
          {t('cancel')}
        </Button>,
        <Button key="ok" type="primary" loading={busy} onClick={submit} data-testid="demand-submit">
          {t('submitDemand')}
        </Button>,
      ];
  return (
    <Modal
      open={open}
      width={760}
      title={resource ? `${t('demandData')} · ${resource.name}` : t('demandFreeText')}
      onCancel={close}
      footer={footer}
      destroyOnHidden
    >
      {created ? (
        <Result
          status="success"
          style={{ padding: '16px 0' }}
          title={t('demandFiled', { id: created.id })}
          subTitle={t(`demandNext.${created.state}`)}
          extra={
            <Descriptions
              column={1}
              size="small"
              bordered
              style={{ textAlign: 'left' }}
              data-testid="demand-created"
              items={[
                { key: 'state', label: t('state'), children: <DemandStateTag value={created.state} /> },
                ...(created.resource
                  ? [
                      {
                        key: 'fields',
                        label: t('fields'),
                        children: <FieldTags fields={created.fields} labels={labels} />,
                      },
                    ]
                  : [{ key: 'need', label: t('need'), children: created.need }]),
                { key: 'steps', label: t('deadlines'), children: <DemandSteps demand={created} /> },
              ]}
            />
          }
        />
      ) : (
        <>
          {resource ? (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 16 }}
              title={
                <span>
                  <ShareTag value={resource.shareType} /> {t(`demandFlow.${resource.shareType}`)}
                </span>
              }
              description={resource.shareCondition ? `${t('shareCondition')}：${resource.shareCondition}` : undefined}
            />
          ) : (
            <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('demandFlow.freeText')} />
          )}
          {problem && <ProblemAlert problem={problem} style={{ marginBottom: 16 }} testId="demand-error" />}
          <Form form={form} layout="vertical" requiredMark>
            {resource ? (
              <Form.Item
                name="fields"
                label={t('pickFields')}
                rules={[{ required: true, type: 'array', min: 1, message: t('pickFieldsRequired') }]}
              >
                <Checkbox.Group style={{ width: '100%' }} data-testid="demand-fields">
                  <Row gutter={[8, 8]} style={{ width: '100%' }}>
                    {resource.fields.map((f) => (
                      <Col span={12} key={f.name}>
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
              <Col span={12}>
                <Form.Item name="volume" label={t('volume')}>
                  <Input maxLength={200} placeholder={t('volumeHint')} data-testid="demand-volume" />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="frequency" label={t('frequency')}>
                  <Input maxLength={200} placeholder={t('frequencyHint')} data-testid="demand-frequency" />
                </Form.Item>
              </Col>
            </Row>
          </Form>
        </>
      )}
    </Modal>
  );
}
