import { ApiOutlined } from '@ant-design/icons';
import { Alert, Empty, Table, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, problemOf, type Problem } from '../api';
import { Page } from '../App';
import { ResourceName } from '../labels';
import { PurposeTags } from '../purposes';
import type { DataService } from '../types';
import { FieldTags, ProblemAlert } from './share/common';

/** 数据服务: the services the caller may call, with what it sees of each. */
export default function ServicesPage() {
  const { t } = useTranslation();
  const [services, setServices] = useState<DataService[]>([]);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    api<DataService[]>('/api/v1/services')
      .then(setServices)
      .catch((e) => setProblem(problemOf(e)))
      .finally(() => setLoading(false));
  }, []);
  return (
    <Page title={t('services')}>
      <Alert type="info" showIcon icon={<ApiOutlined />} title={t('servicesHint')} />
      {problem && <ProblemAlert problem={problem} />}
      <Table<DataService>
        rowKey="code"
        loading={loading}
        dataSource={services}
        data-testid="services-table"
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{
          emptyText: (
            <Empty description={t('noServices')}>
              <Link to="/catalog">{t('catalog')}</Link>
            </Empty>
          ),
        }}
        columns={[
          {
            title: t('serviceCode'),
            dataIndex: 'code',
            render: (code: string) => (
              <Link to={`/services/${code}`} data-testid={`service-${code}`}>
                <Typography.Text strong style={{ color: 'inherit', whiteSpace: 'nowrap' }}>
                  {code}
                </Typography.Text>
              </Link>
            ),
          },
          {
            title: t('resource'),
            key: 'resource',
            render: (_, s) => (
              <ResourceName code={s.resource.code} name={s.resource.name} testId={`service-resource-${s.code}`} />
            ),
          },
          { title: t('provider'), key: 'provider', render: (_, s) => s.resource.provider.name },
          {
            title: t('visibleFields'),
            key: 'fields',
            render: (_, s) =>
              s.fields.length ? (
                <FieldTags fields={s.fields} masked={s.masked} />
              ) : (
                <Tooltip title={t('noGrantHelp')}>
                  <Typography.Text type="secondary">{t('noGrant')}</Typography.Text>
                </Tooltip>
              ),
          },
          {
            title: t('purpose'),
            key: 'purposes',
            render: (_, s) => <PurposeTags purposes={s.purposes} />,
          },
          {
            title: t('sampleKey'),
            dataIndex: 'sampleKey',
            render: (k?: string) =>
              k ? (
                <Typography.Text code copyable>
                  {k}
                </Typography.Text>
              ) : (
                '—'
              ),
          },
          {
            title: t('publishedAt'),
            dataIndex: 'publishedAt',
            render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{new Date(v).toLocaleDateString()}</span>,
          },
        ]}
      />
    </Page>
  );
}
