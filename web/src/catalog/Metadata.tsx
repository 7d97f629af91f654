import { Alert, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { FieldTypeTag, LevelWithSuggestion, OpenTag, SensitivityTag, ShareTag, StatusTag } from '../labels';
import { ElementName } from '../ui/names';
import type { Field, Resource } from './types';

const when = (v: string | null | undefined) => (v ? new Date(v).toLocaleString() : '—');

/** The entry's metadata as the catalog contract names it. */
export function Metadata({ resource }: { resource: Resource }) {
  const { t } = useTranslation();
  const r = resource;
  const items = [
    { key: 'code', label: t('code'), children: r.code },
    {
      key: 'provider',
      label: t('provider'),
      children: (
        <Space size={4} wrap>
          {r.provider.name}
          {r.remote && <Tag color="purple">{t('remoteFrom', { district: r.remote.divisionName })}</Tag>}
        </Space>
      ),
    },
    ...(r.remote
      ? [
          {
            key: 'remote',
            label: t('remoteSource'),
            children: t('remoteNode', { node: r.remote.node, code: r.remote.code }),
          },
        ]
      : []),
    { key: 'category', label: t('category'), children: t(`category.${r.category}`) },
    { key: 'status', label: t('status'), children: <StatusTag value={r.status} /> },
    { key: 'version', label: t('version'), children: `v${r.version}` },
    { key: 'keyField', label: t('keyField'), children: r.keyField },
    { key: 'shareType', label: t('shareType'), children: <ShareTag value={r.shareType} /> },
    { key: 'openType', label: t('openType'), children: <OpenTag value={r.openType} /> },
    {
      key: 'level',
      label: t('level'),
      children: <LevelWithSuggestion level={r.level} suggested={r.suggestedLevel} />,
    },
    { key: 'shareCondition', label: t('shareCondition'), span: 3, children: r.shareCondition || '—' },
    ...(r.levelReason ? [{ key: 'levelReason', label: t('levelReason'), span: 3, children: r.levelReason }] : []),
    { key: 'updateFrequency', label: t('updateFrequency'), children: t(`freq.${r.updateFrequency}`) },
    { key: 'format', label: t('format'), children: t(`format.${r.format}`) },
    {
      key: 'mount',
      label: t('mount'),
      children: (
        <span data-testid="mount">
          {t(`mount.${r.mount.kind}`)}
          {r.mount.target && <Typography.Text code>{r.mount.target}</Typography.Text>}
        </span>
      ),
    },
    {
      key: 'keywords',
      label: t('keywords'),
      span: 3,
      children: r.keywords.length ? r.keywords.map((k) => <Tag key={k}>{k}</Tag>) : '—',
    },
    { key: 'recordCount', label: t('recordCount'), children: r.recordCount },
    { key: 'createdAt', label: t('createdAt'), children: when(r.createdAt) },
    { key: 'updatedAt', label: t('updatedAt'), children: when(r.updatedAt) },
    { key: 'publishedAt', label: t('publishedAt'), children: when(r.publishedAt) },
    { key: 'summary', label: t('summary'), span: 3, children: r.summary || '—' },
  ];
  return <Descriptions column={{ xs: 1, sm: 2, lg: 3 }} size="small" items={items} data-testid="metadata" />;
}

/** Why an operator should look twice: each flag with what it means, and the return reason if any. */
export function Notices({ resource }: { resource: Resource }) {
  const { t } = useTranslation();
  return (
    <>
      {resource.status === 'returned' && resource.returnReason ? (
        <Alert
          type="error"
          showIcon
          title={t('returnedWith')}
          description={resource.returnReason}
          data-testid="return-reason-shown"
        />
      ) : null}
      {resource.flags.length > 0 ? (
        <Alert
          type="warning"
          showIcon
          title={t('flagsFound')}
          data-testid="flags-explained"
          description={
            <Space orientation="vertical" size={2}>
              {resource.flags.map((f) => (
                <span key={f}>
                  <Tag color="warning">{t(`flag.${f}`, { defaultValue: f })}</Tag>
                  {t(`flagHelp.${f}`, { defaultValue: f })}
                </span>
              ))}
            </Space>
          }
        />
      ) : null}
    </>
  );
}

export function FieldsTable({ fields, testId }: { fields: Field[]; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Table
      rowKey="name"
      size="small"
      pagination={false}
      dataSource={fields}
      data-testid={testId}
      columns={[
        { title: t('name'), dataIndex: 'name' },
        { title: t('label'), dataIndex: 'label' },
        { title: t('element'), dataIndex: 'element', render: (v?: string) => (v ? <ElementName code={v} /> : '') },
        { title: t('type'), dataIndex: 'type', render: (v: string) => <FieldTypeTag value={v} /> },
        { title: t('required'), dataIndex: 'required', render: (v: boolean) => (v ? '✓' : '') },
        { title: t('sensitivity'), dataIndex: 'sensitivity', render: (v: number) => <SensitivityTag value={v} /> },
        { title: t('maxLength'), dataIndex: 'maxLength', render: (v?: number) => v ?? '' },
        {
          title: t('codeList'),
          dataIndex: 'codeList',
          render: (v?: string[]) => v?.map((c) => <Tag key={c}>{c}</Tag>),
        },
      ]}
    />
  );
}
