import { App, Button, DatePicker, Form, Input, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useAction, useQuery } from '../api';
import { FormModal } from '../ui/form-modal';
import { Page } from '../ui/page';
import { validity } from './MyLicences';
import { STATUS_COLOR, type Licence, type LicenceType } from './types';

interface IssueValues {
  type: string;
  holderId: string;
  resource?: string;
  fields?: Record<string, string>;
  validFrom?: Dayjs;
  validUntil?: Dayjs;
}

/** 证照签发: an issuer department's officer issues, corrects (a new version) and revokes its licences. */
export default function IssueLicencesPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const types = useQuery(() => ok(client.GET('/api/v1/licences/types')), []);
  const issued = useQuery(() => ok(client.GET('/api/v1/licences/issued', { params: { query: { limit: 100 } } })), []);
  const [issuing, setIssuing] = useState(false);
  const [revising, setRevising] = useState<Licence>();
  const [form] = Form.useForm<IssueValues>();
  const [reviseForm] = Form.useForm<{ fields: Record<string, string> }>();
  const [reason, setReason] = useState('');
  const typeCode = Form.useWatch('type', form);
  const typeOf = (code: string | undefined): LicenceType | undefined => types.data?.items.find((x) => x.code === code);
  const label = (f: LicenceType['fields'][number]) => (i18n.language === 'en' ? f.labelEn : f.label);
  const revoke = useAction(
    (l: Licence) =>
      ok(client.POST('/api/v1/licences/{id}/revoke', { params: { path: { id: l.id } }, body: { reason } })),
    { success: () => t('licence.done.revoke'), then: issued.refetch },
  );
  const submitIssue = (v: IssueValues) => {
    const type = typeOf(v.type)!;
    const fields = Object.fromEntries(Object.entries(v.fields ?? {}).filter(([, x]) => x?.trim()));
    return ok(
      client.POST('/api/v1/licences', {
        body: {
          type: v.type,
          holder: { kind: type.holderKind, id: v.holderId.trim() },
          fields,
          ...(v.resource?.trim() ? { resource: v.resource.trim() } : {}),
          ...(v.validFrom ? { validFrom: v.validFrom.toISOString() } : {}),
          ...(v.validUntil ? { validUntil: v.validUntil.toISOString() } : {}),
        },
      }),
    );
  };
  const chosen = typeOf(typeCode);
  return (
    <Page
      title={t('licence.issueTitle')}
      extra={
        <Button type="primary" onClick={() => setIssuing(true)} data-testid="licence-issue">
          {t('licence.issue')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('licence.issueIntro')}</Typography.Paragraph>
      <Typography.Title level={5}>{t('licence.issued')}</Typography.Title>
      <Table<Licence>
        rowKey="id"
        size="small"
        loading={issued.loading}
        dataSource={issued.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20 }}
        columns={[
          {
            title: t('licence.type'),
            render: (_, l) => `${l.type.name}（${t('licence.version', { version: l.version })}）`,
          },
          { title: t('licence.holder'), render: (_, l) => l.holder.name ?? l.holder.id },
          {
            title: t('licence.validity'),
            render: (_, l) => (
              <Space size={4} wrap>
                <Tag color={STATUS_COLOR[l.status]}>{t(`licence.status.${l.status}`)}</Tag>
                {validity(t, l.validFrom, l.validUntil)}
              </Space>
            ),
          },
          {
            title: '',
            render: (_, l) =>
              l.status === 'superseded' || l.status === 'revoked' ? null : (
                <Space wrap>
                  <Button size="small" onClick={() => setRevising(l)}>
                    {t('licence.revise')}
                  </Button>
                  <Popconfirm
                    title={
                      <Input
                        placeholder={t('licence.revokeReason')}
                        value={reason}
                        onChange={(e) => setReason(e.target.value)}
                      />
                    }
                    onConfirm={() => void revoke.run(l)}
                  >
                    <Button size="small" danger loading={revoke.busy}>
                      {t('licence.revoke')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
      <FormModal<IssueValues>
        open={issuing}
        title={t('licence.issue')}
        form={form}
        onSubmit={submitIssue}
        onDone={() => {
          void message.success(t('licence.done.issue'));
          setIssuing(false);
          void issued.refetch();
        }}
        onCancel={() => setIssuing(false)}
        okTestId="licence-issue-ok"
      >
        <Form form={form} layout="vertical">
          <Form.Item name="type" label={t('licence.type')} rules={[{ required: true }]}>
            <Select
              options={(types.data?.items ?? []).map((x) => ({
                value: x.code,
                label: `${i18n.language === 'en' ? x.nameEn : x.name}（${t(`licence.holderKind.${x.holderKind}`)}）`,
              }))}
            />
          </Form.Item>
          <Form.Item name="holderId" label={t('licence.holderId')} rules={[{ required: true, min: 15, max: 18 }]}>
            <Input maxLength={18} />
          </Form.Item>
          <Form.Item name="resource" label={t('licence.fromResource')}>
            <Input placeholder="JNGAJ-0001" />
          </Form.Item>
          {chosen?.fields.map((f) => (
            <Form.Item key={f.name} name={['fields', f.name]} label={label(f)}>
              <Input />
            </Form.Item>
          ))}
          <Space wrap>
            <Form.Item name="validFrom" label={t('licence.validFrom')}>
              <DatePicker showTime />
            </Form.Item>
            <Form.Item name="validUntil" label={t('licence.validUntil')}>
              <DatePicker showTime />
            </Form.Item>
          </Space>
        </Form>
      </FormModal>
      {revising && (
        <FormModal<{ fields: Record<string, string> }>
          open
          title={t('licence.reviseTitle')}
          form={reviseForm}
          onSubmit={(v) =>
            ok(
              client.POST('/api/v1/licences/{id}/revise', {
                params: { path: { id: revising.id } },
                body: { fields: Object.fromEntries(Object.entries(v.fields ?? {}).filter(([, x]) => x?.trim())) },
              }),
            )
          }
          onDone={() => {
            void message.success(t('licence.done.revise'));
            setRevising(undefined);
            void issued.refetch();
          }}
          onCancel={() => setRevising(undefined)}
        >
          <Form form={reviseForm} layout="vertical">
            {typeOf(revising.type.code)?.fields.map((f) => (
              <Form.Item key={f.name} name={['fields', f.name]} label={label(f)}>
                <Input />
              </Form.Item>
            ))}
          </Form>
        </FormModal>
      )}
    </Page>
  );
}
