import { Alert, App, Button } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { api, problemOf, type Problem } from '../api';
import { Page } from '../App';
import type { Resource, ResourceInput } from '../types';
import { ResourceForm } from './catalog/ResourceForm';

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
  const [resource, setResource] = useState<Resource | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loads, setLoads] = useState(0);
  const load = useCallback(
    () =>
      api<Resource>(`/api/v1/catalog/resources/${code}`)
        .then((r) => (setResource(r), setLoads((n) => n + 1)))
        .catch((e) => setProblem(problemOf(e))),
    [code],
  );
  useEffect(() => void load(), [load]);
  if (problem) return <Alert type="error" title={problem.title} description={problem.detail} />;
  if (!resource) return null;
  return (
    <Page title={`${t('edit')} · ${resource.name} (${resource.code} v${resource.version})`}>
      {resource.status === 'published' && <Alert type="info" showIcon title={t('editPublishedNote')} />}
      <ResourceForm
        // A reload starts the form again from the latest version.
        key={loads}
        initial={inputOf(resource)}
        submitLabel={t('save')}
        onSave={async (input) => {
          await api<Resource>(`/api/v1/catalog/resources/${resource.code}`, {
            method: 'PUT',
            json: { ...input, baseVersion: resource.version },
          });
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
              <Button onClick={load} data-testid="conflict-reload">
                {t('reloadLatest')}
              </Button>
            }
          />
        )}
      />
    </Page>
  );
}
