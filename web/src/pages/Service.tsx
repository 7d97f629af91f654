import { ApiOutlined, ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, problemOf, type Problem } from '../api';
import { Page } from '../App';
import type { DataService, Field, Resource } from '../types';
import { FieldTags, ProblemAlert } from './share/common';
import { OpenApiViewer } from './share/OpenApiViewer';
import { ServiceConsole } from './share/ServiceConsole';

/** One data service: what the caller sees of it, a console to try it, and its OpenAPI document. */
export default function ServicePage() {
  const { t } = useTranslation();
  const { code } = useParams();
  const [service, setService] = useState<DataService | null>(null);
  const [fields, setFields] = useState<Field[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [openApi, setOpenApi] = useState(false);
  useEffect(() => {
    setLoaded(false);
    api<DataService[]>('/api/v1/services')
      .then(async (all) => {
        const s = all.find((x) => x.code === code) ?? null;
        setService(s);
        if (s) {
          // Labels and types of the fields; the codes alone if the catalog entry is not readable.
          const r = await api<Resource>(`/api/v1/catalog/resources/${s.resource.code}`).catch(() => null);
          setFields(r?.fields ?? []);
        }
      })
      .catch((e) => setProblem(problemOf(e)))
      .finally(() => setLoaded(true));
  }, [code]);
  if (problem) return <ProblemAlert problem={problem} />;
  if (!loaded) return null;
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
          column={3}
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
