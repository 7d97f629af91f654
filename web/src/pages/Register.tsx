import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api } from '../api';
import { Page } from '../App';
import type { Resource } from '../types';
import { EMPTY, ResourceForm } from './catalog/ResourceForm';

/** A data officer registers a resource of their organization; it starts as a draft. */
export default function RegisterPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  return (
    <Page title={t('register')}>
      <ResourceForm
        initial={EMPTY}
        submitLabel={t('saveDraft')}
        onSave={async (input) => {
          const created = await api<Resource>('/api/v1/catalog/resources', { method: 'POST', json: input });
          void message.success(t('registered', { code: created.code }));
          navigate(`/catalog/${created.code}`);
        }}
      />
    </Page>
  );
}
