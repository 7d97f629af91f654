import { DownloadOutlined } from '@ant-design/icons';
import { Button, Drawer, Space, Spin, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, download, ok, problemOf, useQuery, type Problem } from '../api';
import { ProblemAlert } from '../ui/problem-alert';

interface OpenApiDoc {
  info?: { title?: string; version?: string };
  paths?: Record<string, Record<string, { summary?: string }>>;
  components?: { schemas?: { Record?: { properties?: Record<string, { type?: string; description?: string }> } } };
}

const METHOD_COLOR: Record<string, string> = { get: 'blue', post: 'green' };

/**
 * The service's own OpenAPI document as the caller sees it: its operations and record fields,
 * then the raw JSON; fetched with the token, since a plain link could not send it.
 */
export function OpenApiViewer({ code, open, onClose }: { code: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  // Fetched the first time the drawer opens, then kept while it closes and opens again.
  const [asked, setAsked] = useState(false);
  if (open && !asked) setAsked(true);
  const answer = useQuery(
    // The route declares no response schema: the document's paths depend on the service.
    () =>
      asked
        ? ok<OpenApiDoc>(client.GET('/api/v1/services/{code}/openapi.json', { params: { path: { code } } }))
        : Promise.resolve(null),
    [asked, code],
  );
  const doc = answer.data ?? null;
  const [downloadProblem, setDownloadProblem] = useState<Problem | null>(null);
  const problem = answer.problem ?? downloadProblem;
  const operations = Object.entries(doc?.paths ?? {}).flatMap(([p, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ key: `${method} ${p}`, method, path: p, summary: op.summary ?? '' })),
  );
  const properties = Object.entries(doc?.components?.schemas?.Record?.properties ?? {});
  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={760}
      title={doc?.info?.title ?? t('openApiDoc')}
      extra={
        <Button
          icon={<DownloadOutlined />}
          onClick={() =>
            download(`/api/v1/services/${code}/openapi.json`, `${code}-openapi.json`).catch((e) =>
              setDownloadProblem(problemOf(e)),
            )
          }
          data-testid="openapi-download"
        >
          {t('download')}
        </Button>
      }
    >
      {problem && <ProblemAlert problem={problem} />}
      {!doc && !problem && <Spin />}
      {doc && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }} data-testid="openapi-doc">
          <Table
            size="small"
            pagination={false}
            dataSource={operations}
            columns={[
              {
                title: t('operation'),
                key: 'op',
                render: (_, o) => (
                  <Space style={{ whiteSpace: 'nowrap' }}>
                    <Tag color={METHOD_COLOR[o.method]}>{o.method.toUpperCase()}</Tag>
                    <Typography.Text code>{o.path}</Typography.Text>
                  </Space>
                ),
              },
              { title: t('summary'), dataIndex: 'summary' },
            ]}
          />
          {properties.length > 0 && (
            <Table
              size="small"
              pagination={false}
              rowKey={([name]) => name}
              dataSource={properties}
              columns={[
                {
                  title: t('name'),
                  key: 'name',
                  render: (_, [name]) => <Typography.Text code>{name}</Typography.Text>,
                },
                { title: t('type'), key: 'type', render: (_, [, p]) => <Tag>{p.type ?? ''}</Tag> },
                { title: t('label'), key: 'label', render: (_, [, p]) => p.description ?? '' },
              ]}
            />
          )}
          <div>
            <Typography.Title level={5}>{t('rawDocument')}</Typography.Title>
            <pre
              style={{ maxHeight: 420, overflow: 'auto', background: '#f6f8fa', padding: 12, borderRadius: 6 }}
              data-testid="openapi-raw"
            >
              {JSON.stringify(doc, null, 2)}
            </pre>
          </div>
        </Space>
      )}
    </Drawer>
  );
}
