import { UploadOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, Space, Statistic, Table, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, getToken, ok, useQuery, useSubmit, type Problem } from '../api';
import { ProblemAlert } from '../ui/problem-alert';
import { PurposeSelect } from '../purposes';
import type { JobReport, LookupResult, RecordRow, RecordsPage, Resource } from './types';

const records = (code: string, query: { key?: string; purpose?: string; page: number; pageSize: number }) =>
  client.GET('/api/v1/catalog/resources/{code}/records', { params: { path: { code }, query } });

function columnsOf(resource: Resource, keys?: string[]) {
  return resource.fields
    .filter((f) => !keys || keys.includes(f.name))
    .map((f) => ({
      title: f.label,
      dataIndex: f.name,
      key: f.name,
      render: (v: unknown) => (v === null || v === undefined ? '' : String(v)),
    }));
}

/** The provider's (and operator's) page through the loaded records. */
export function Browse({ resource }: { resource: Resource }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  // Without a key the route answers a page of records.
  const browse = useQuery(
    async () => (await ok(records(resource.code, { page, pageSize: 10 }))) as RecordsPage,
    [resource.code, page],
  );
  const data = browse.data ?? { items: [], total: 0 };
  return (
    <Card title={`${t('records')} (${data.total})`}>
      {browse.problem && <ProblemAlert problem={browse.problem} style={{ marginBottom: 16 }} />}
      <Table<RecordRow>
        rowKey={(r) => String(r[resource.keyField])}
        size="small"
        scroll={{ x: true }}
        loading={browse.loading}
        dataSource={data.items}
        columns={columnsOf(resource)}
        pagination={{ current: page, total: data.total, pageSize: 10, onChange: setPage, showSizeChanger: false }}
        data-testid="records-table"
      />
    </Card>
  );
}

/** One subject by key, for a purpose; a consumer sees the granted fields only. */
export function Lookup({ resource }: { resource: Resource }) {
  const { t } = useTranslation();
  const [result, setResult] = useState<LookupResult | null>(null);
  const lookup = useSubmit(async (v: { key: string; purpose: string }) => {
    setResult(null);
    // A page is required by the query's schema; a lookup by key ignores it.
    // With a key it answers that subject, with the fields the caller sees.
    setResult((await ok(records(resource.code, { ...v, page: 1, pageSize: 10 }))) as LookupResult);
  });
  return (
    <Card title={t('lookup')}>
      <Form layout="inline" onFinish={lookup.run}>
        <Form.Item name="key" label={t('key')} rules={[{ required: true }]}>
          <Input style={{ width: 240 }} data-testid="lookup-key" />
        </Form.Item>
        <Form.Item name="purpose" label={t('purpose')} rules={[{ required: true }]}>
          <PurposeSelect style={{ width: 240 }} testId="lookup-purpose" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={lookup.busy} data-testid="lookup-submit">
          {t('query')}
        </Button>
      </Form>
      {lookup.problem && <ProblemAlert problem={lookup.problem} testId="lookup-error" style={{ marginTop: 16 }} />}
      {result && (
        <Table
          style={{ marginTop: 16 }}
          rowKey={(_, i) => String(i)}
          size="small"
          pagination={false}
          dataSource={result.items}
          columns={columnsOf(resource, result.fields)}
          data-testid="lookup-result"
        />
      )}
    </Card>
  );
}

/** The provider loads a CSV; bad rows come back with row, field and reason. */
export function UploadCsv({ resource, onLoaded }: { resource: Resource; onLoaded?: () => void }) {
  const { t } = useTranslation();
  const [report, setReport] = useState<JobReport | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  // The upload is a multipart form that antd's Upload sends itself, so it is not a client call.
  return (
    <Card title={t('upload')}>
      <Upload
        name="file"
        accept=".csv,text/csv"
        action="/api/v1/ingest/jobs"
        data={{ resource: resource.code }}
        headers={{ authorization: `Bearer ${getToken() ?? ''}` }}
        showUploadList={false}
        onChange={(info) => {
          if (info.file.status === 'done') {
            setReport(info.file.response as JobReport);
            setProblem(null);
            onLoaded?.();
          }
          if (info.file.status === 'error') setProblem(info.file.response as Problem);
        }}
      >
        <Button icon={<UploadOutlined />} data-testid="upload-csv">
          {t('upload')}
        </Button>
      </Upload>
      {problem && <ProblemAlert problem={problem} style={{ marginTop: 16 }} />}
      {report && (
        <Space orientation="vertical" style={{ marginTop: 16, width: '100%' }}>
          <Space size="large">
            <Statistic title={t('rowsRead')} value={report.rowsRead} />
            <Statistic title={t('rowsLoaded')} value={report.rowsLoaded} styles={{ content: { color: '#3f8600' } }} />
            <Statistic
              title={t('rowsRejected')}
              value={report.rowsRejected}
              styles={{ content: { color: report.rowsRejected ? '#cf1322' : undefined } }}
            />
          </Space>
          {report.rejects.length > 0 && (
            <Table
              rowKey={(r) => `${r.row}:${r.field}`}
              size="small"
              dataSource={report.rejects}
              columns={[
                { title: t('row'), dataIndex: 'row' },
                { title: t('field'), dataIndex: 'field' },
                { title: t('reason'), dataIndex: 'reason' },
              ]}
            />
          )}
        </Space>
      )}
    </Card>
  );
}
