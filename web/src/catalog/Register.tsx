import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { client, ok } from '../api';
import { Page } from '../ui/page';
import { EMPTY, ResourceForm } from './ResourceForm';

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
          const created = await ok(client.POST('/api/v1/catalog/resources', { body: input }));
          void message.success(t('registered', { code: created.code }));
          navigate(`/catalog/${created.code}`);
        }}
      />
    </Page>
  );
}
