import { ApiOutlined } from '@ant-design/icons';
import { Alert, Empty, Table, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { client, ok, useQuery } from '../api';
import { Page } from '../ui/page';
import { ResourceName } from '../labels';
import { PurposeTags } from '../purposes';
import type { DataService } from './types';
import { FieldTags } from './common';
import { ProblemAlert } from '../ui/problem-alert';

/** 数据服务: the services the caller may call, with what it sees of each. */
export default function ServicesPage() {
  const { t } = useTranslation();
  const services = useQuery(() => ok(client.GET('/api/v1/services/')), []);
  return (
    <Page title={t('services')}>
      <Alert type="info" showIcon icon={<ApiOutlined />} title={t('servicesHint')} />
      {services.problem && <ProblemAlert problem={services.problem} />}
      <Table<DataService>
        rowKey="code"
        loading={services.loading}
        dataSource={services.data}
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
