import { Form, Input, InputNumber, Radio, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery, type Body } from '../api';
import { ResourcePicker } from './ResourcePicker';

/** A database or HTTP source as the hub stores it: never with a password (named connections hold those). */
export type SourceSpec = Body<'/api/v1/ingest/jobs'>['source'];

export interface SourceValues {
  resource: string;
  kind: 'database' | 'http';
  connection?: string;
  url?: string;
  query?: string;
  pageSize?: number;
  itemsPath?: string;
  maxAttempts?: number;
}

/** The form's values as the API's `source`: empty inputs left out, so that the hub's defaults apply. */
export function specOf(v: SourceValues): SourceSpec {
  const given = <T,>(x: T | undefined | null | '') => (x === undefined || x === null || x === '' ? undefined : x);
  const common = { connection: given(v.connection), url: given(v.url?.trim()) };
  const spec =
    v.kind === 'database'
      ? { kind: 'database' as const, ...common, query: v.query ?? '' }
      : { kind: 'http' as const, ...common, pageSize: given(v.pageSize), itemsPath: given(v.itemsPath?.trim()) };
  return JSON.parse(JSON.stringify(spec)) as SourceSpec;
}

/** Resource, source (a named connection or a URL; a query or paging) and attempts: the fields a job and a schedule share. */
export function SourceFields() {
  const { t } = useTranslation();
  const kind = Form.useWatch<'database' | 'http'>('kind');
  const connection = Form.useWatch<string | undefined>('connection');
  // None to offer when they cannot be listed: a URL still works.
  const connections = useQuery(() => ok(client.GET('/api/v1/ingest/connections')), []).data?.items ?? [];
  return (
    <>
      <Form.Item name="resource" label={t('resource')} rules={[{ required: true }]}>
        <ResourcePicker testId="source-resource" />
      </Form.Item>
      <Form.Item name="kind" label={t('sourceKind')} initialValue="http">
        <Radio.Group
          optionType="button"
          options={(['http', 'database'] as const).map((k) => ({ value: k, label: t(`sourceKindOf.${k}`) }))}
          data-testid="source-kind"
        />
      </Form.Item>
      <Form.Item name="connection" label={t('sourceConnection')} extra={t('sourceConnectionHint')}>
        <Select
          allowClear
          options={connections.filter((c) => c.kind === kind).map((c) => ({ value: c.name, label: c.name }))}
          data-testid="source-connection"
        />
      </Form.Item>
      <Form.Item
        name="url"
        label={connection && kind === 'http' ? t('sourcePath') : t('sourceUrl')}
        extra={t('sourceUrlHint')}
        rules={[{ required: !connection, message: t('sourceUrlRequired') }]}
        hidden={!!connection && kind === 'database'}
      >
        <Input
          placeholder={kind === 'database' ? 'postgres://reader@db.example/census' : 'https://data.example/api/people'}
          data-testid="source-url"
        />
      </Form.Item>
      {kind === 'database' ? (
        <Form.Item name="query" label={t('sqlQuery')} extra={t('sqlQueryHint')} rules={[{ required: true }]}>
          <Input.TextArea rows={4} style={{ fontFamily: 'monospace' }} data-testid="source-query" />
        </Form.Item>
      ) : (
        <>
          <Form.Item name="pageSize" label={t('pageSize')}>
            <InputNumber min={1} max={10000} />
          </Form.Item>
          <Form.Item name="itemsPath" label={t('itemsPath')} extra={t('itemsPathHint')}>
            <Input placeholder="data.list" data-testid="source-items-path" />
          </Form.Item>
        </>
      )}
      <Form.Item name="maxAttempts" label={t('maxAttempts')} initialValue={3} extra={t('maxAttemptsHint')}>
        <InputNumber min={1} max={10} />
      </Form.Item>
      <Typography.Paragraph type="secondary">{t('sourceSecretsHint')}</Typography.Paragraph>
    </>
  );
}
