import { Card, Space, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { StatusTag } from '../labels';
import { can, useSession } from '../session';
import { useResource } from './use-resource';
import { FieldsTable, Metadata, Notices } from './Metadata';
import { Browse, Lookup, UploadCsv } from './Records';
import { Versions } from './Versions';
import { DemandButton } from '../share/DemandForm';
import { WorkflowButtons } from './Workflow';

export default function ResourcePage() {
  const { t } = useTranslation();
  const { code } = useParams();
  const { user } = useSession();
  const query = useResource(code ?? '');
  const resource = query.data;
  const load = () => void query.refetch();
  if (query.problem) return <ProblemAlert problem={query.problem} />;
  if (!resource) return null;
  const overview = (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card>
        <Metadata resource={resource} />
      </Card>
      <Card title={t('fields')}>
        <FieldsTable fields={resource.fields} testId="fields-table" />
      </Card>
      {/* Looking a subject up is for roles that may ever read records (not auditors, not citizens). */}
      {can(user, 'records:lookup') && <Lookup resource={resource} />}
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
          {(resource.canUpload || can(user, 'ingest:read', { ownerOrg: resource.provider.code })) && (
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
