import { Alert, App, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { client, ok } from '../api';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { useResource } from './use-resource';
import type { Resource, ResourceInput } from './types';
import { ResourceForm } from './ResourceForm';

const inputOf = (r: Resource): ResourceInput => ({
  name: r.name,
  summary: r.summary,
  category: r.category,
  shareType: r.shareType,
  shareCondition: r.shareCondition,
  openType: r.openType,
  level: r.level,
  levelReason: r.levelReason,
  updateFrequency: r.updateFrequency as ResourceInput['updateFrequency'],
  format: r.format as ResourceInput['format'],
  keywords: r.keywords,
  mount: r.mount,
  keyField: r.keyField,
  fields: r.fields,
});

/** Edits a resource on the version it was read at; if someone changed it meanwhile, offers the latest. */
export default function EditResourcePage() {
  const { t } = useTranslation();
  const { code } = useParams();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const query = useResource(code ?? '');
  const resource = query.data;
  if (query.problem) return <ProblemAlert problem={query.problem} />;
  if (!resource) return null;
  return (
    <Page title={`${t('edit')} · ${resource.name} (${resource.code} v${resource.version})`}>
      {resource.status === 'published' && <Alert type="info" showIcon title={t('editPublishedNote')} />}
      <ResourceForm
        // A reload starts the form again from the latest version (a conflict means the version moved).
        key={resource.version}
        initial={inputOf(resource)}
        submitLabel={t('save')}
        onSave={async (input) => {
          await ok(
            client.PUT('/api/v1/catalog/resources/{code}', {
              params: { path: { code: resource.code } },
              body: { ...input, baseVersion: resource.version },
            }),
          );
          void message.success(t('saved'));
          navigate(`/catalog/${resource.code}`);
        }}
        onConflict={() => (
          <Alert
            type="warning"
            showIcon
            title={t('conflictTitle')}
            description={t('conflictText')}
            data-testid="version-conflict"
            action={
              <Button onClick={() => void query.refetch()} data-testid="conflict-reload">
                {t('reloadLatest')}
              </Button>
            }
          />
        )}
      />
    </Page>
  );
}
