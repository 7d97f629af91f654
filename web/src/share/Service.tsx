import { ApiOutlined, ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { client, ok, useQuery } from '../api';
import { Page } from '../ui/page';
import type { DataService } from './types';
import { FieldTags } from './common';
import { ProblemAlert } from '../ui/problem-alert';
import { OpenApiViewer } from './OpenApiViewer';
import { ServiceConsole } from './ServiceConsole';

/** The service of `code` among those the caller may call, with its resource's fields. */
async function load(code: string | undefined) {
  const all = await ok(client.GET('/api/v1/services/'));
  const service: DataService | null = all.find((x) => x.code === code) ?? null;
  if (!service) return { service, fields: [] };
  // Labels and types of the fields; the codes alone if the catalog entry is not readable.
  const resource = await ok(
    client.GET('/api/v1/catalog/resources/{code}', { params: { path: { code: service.resource.code } } }),
  ).catch(() => null);
  return { service, fields: resource?.fields ?? [] };
}

/** One data service: what the caller sees of it, a console to try it, and its OpenAPI document. */
export default function ServicePage() {
  const { t } = useTranslation();
  const { code } = useParams();
  const [openApi, setOpenApi] = useState(false);
  const answer = useQuery(() => load(code), [code]);
  if (answer.problem) return <ProblemAlert problem={answer.problem} />;
  if (answer.loading) return null;
  const { service, fields } = answer.data ?? { service: null, fields: [] };
  if (!service) return <Alert type="warning" showIcon title={t('serviceNotFound', { code })} />;
  const labels = Object.fromEntries(fields.map((f) => [f.name, f.label]));
  const endpoint = `/api/v1/services/${service.code}/records`;
  return (
    <Page
      title={
        <Space>
          {service.resource.name}
          <Typography.Text type="secondary" style={{ fontSize: 16, fontWeight: 'normal' }}>
            {service.code}
          </Typography.Text>
        </Space>
      }
      extra={
        <Space>
          <Link to="/services">
            <Button icon={<ArrowLeftOutlined />}>{t('services')}</Button>
          </Link>
          <Button
            icon={<ApiOutlined />}
            onClick={() => setOpenApi(true)}
            disabled={service.fields.length === 0}
            data-testid="openapi-open"
          >
            {t('openApiDoc')}
          </Button>
        </Space>
      }
    >
      <Card>
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 3 }}
          data-testid="service-meta"
          items={[
            { key: 'code', label: t('serviceCode'), children: service.code },
            {
              key: 'resource',
              label: t('resource'),
              children: <Link to={`/catalog/${service.resource.code}`}>{service.resource.code}</Link>,
            },
            { key: 'provider', label: t('provider'), children: service.resource.provider.name },
            { key: 'keyField', label: t('keyField'), children: labels[service.keyField] ?? service.keyField },
            {
              key: 'publishedAt',
              label: t('publishedAt'),
              children: new Date(service.publishedAt).toLocaleString(),
            },
            {
              key: 'endpoint',
              label: t('endpoint'),
              children: (
                <Typography.Text code copyable>
                  {endpoint}
                </Typography.Text>
              ),
            },
            {
              key: 'fields',
              label: t('visibleFields'),
              span: 3,
              children: <FieldTags fields={service.fields} masked={service.masked} labels={labels} />,
            },
          ]}
        />
      </Card>
      {service.fields.length === 0 ? (
        <Alert type="info" showIcon title={t('noGrantHelp')} />
      ) : (
        <ServiceConsole service={service} fields={fields} />
      )}
      <OpenApiViewer code={service.code} open={openApi} onClose={() => setOpenApi(false)} />
    </Page>
  );
}
