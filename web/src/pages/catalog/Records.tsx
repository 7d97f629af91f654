import { UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Space, Statistic, Table, Upload } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, getToken, problemOf, query, type Problem } from '../../api';
import { PurposeSelect } from '../../purposes';
import type { Resource } from '../../types';

type Row = Record<string, unknown>;
interface JobReport {
  state: string;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  rejects: Array<{ row: number; field: string; reason: string }>;
}

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
  const [data, setData] = useState<{ items: Row[]; total: number }>({ items: [], total: 0 });
  const load = useCallback(
    () =>
      api<{ items: Row[]; total: number }>(
        `/api/v1/catalog/resources/${resource.code}/records?${query({ page, pageSize: 10 })}`,
      ).then(setData),
    [resource.code, page],
  );
  useEffect(() => void load(), [load]);
  return (
    <Card title={`${t('records')} (${data.total})`}>
      <Table
        rowKey={(r) => String(r[resource.keyField])}
        size="small"
        scroll={{ x: true }}
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
  const [result, setResult] = useState<{ items: Row[]; fields: string[] } | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const submit = async (v: { key: string; purpose: string }) => {
    setProblem(null);
    setResult(null);
    try {
      setResult(await api(`/api/v1/catalog/resources/${resource.code}/records?${query(v)}`));
    } catch (e) {
      setProblem(problemOf(e));
    }
  };
  return (
    <Card title={t('lookup')}>
      <Form layout="inline" onFinish={submit}>
        <Form.Item name="key" label={t('key')} rules={[{ required: true }]}>
          <Input style={{ width: 240 }} data-testid="lookup-key" />
        </Form.Item>
        <Form.Item name="purpose" label={t('purpose')} rules={[{ required: true }]}>
          <PurposeSelect style={{ width: 240 }} testId="lookup-purpose" />
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="lookup-submit">
          {t('query')}
        </Button>
      </Form>
      {problem && (
        <Alert
          style={{ marginTop: 16 }}
          type="error"
          title={problem.title}
          description={problem.detail}
          data-testid="lookup-error"
        />
      )}
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
      {problem && <Alert style={{ marginTop: 16 }} type="error" title={problem.title} description={problem.detail} />}
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
