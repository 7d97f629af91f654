import { Alert, Card, Space, Tabs } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, problemOf, type Problem } from '../api';
import { Page } from '../App';
import { StatusTag } from '../labels';
import { hasRole, useSession } from '../session';
import type { Resource } from '../types';
import { FieldsTable, Metadata, Notices } from './catalog/Metadata';
import { Browse, Lookup, UploadCsv } from './catalog/Records';
import { Versions } from './catalog/Versions';
import { DemandButton } from './share/DemandForm';
import { WorkflowButtons } from './catalog/Workflow';

export default function ResourcePage() {
  const { t } = useTranslation();
  const { code } = useParams();
  const { user } = useSession();
  const [resource, setResource] = useState<Resource | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const load = useCallback(
    () =>
      api<Resource>(`/api/v1/catalog/resources/${code}`)
        .then(setResource)
        .catch((e) => setProblem(problemOf(e))),
    [code],
  );
  useEffect(() => void load(), [load]);
  if (problem) return <Alert type="error" title={problem.title} description={problem.detail} />;
  if (!resource) return null;
  const overview = (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card>
        <Metadata resource={resource} />
      </Card>
      <Card title={t('fields')}>
        <FieldsTable fields={resource.fields} testId="fields-table" />
      </Card>
      <Lookup resource={resource} />
      {resource.canUpload && <UploadCsv resource={resource} onLoaded={load} />}
      {resource.canBrowse && <Browse resource={resource} />}
    </Space>
  );
  return (
    <Page
      title={
        <Space>
          {resource.name}
          <StatusTag value={resource.status} />
        </Space>
      }
      extra={
        <Space>
          <WorkflowButtons resource={resource} onChanged={load} />
          <Link to={`/catalog/${resource.code}/quality`} data-testid="quality-rules-link">
            {t('qualityRules')}
          </Link>
          {(resource.canUpload || hasRole(user, 'operator')) && (
            <Link to={`/ingest/quality?resource=${resource.code}`} data-testid="ingest-quality-link">
              {t('ingestQuality')}
            </Link>
          )}
          <DemandButton resource={resource} />
        </Space>
      }
    >
      <Notices resource={resource} />
      <Tabs
        items={[
          { key: 'overview', label: t('overview'), children: overview },
          {
            key: 'versions',
            label: <span data-testid="tab-versions">{t('versions')}</span>,
            children: <Versions resource={resource} />,
          },
        ]}
      />
    </Page>
  );
}
