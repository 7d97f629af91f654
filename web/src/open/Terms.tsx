import { Card, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useParams } from 'react-router-dom';
import { OpenLayout } from './Layout';

/**
 * 开放许可 (/open/terms): the page every open dataset's `license_url` names (docs/open.md,
 * "Licence"). Which licence the city adopts is a policy decision; this states the one the hub
 * publishes with (src/open/vocab.ts), attribution.
 */
export default function OpenTermsPage() {
  const { t } = useTranslation();
  return (
    <OpenLayout>
      <Link to="/open">← {t('open.back')}</Link>
      <Card style={{ marginTop: 8, maxWidth: 800 }} data-testid="open-terms">
        <Typography.Title level={3}>{t('open.terms.title')}</Typography.Title>
        <Typography.Paragraph>{t('open.terms.grant')}</Typography.Paragraph>
        <Typography.Paragraph>{t('open.terms.attribution')}</Typography.Paragraph>
        <Typography.Paragraph>{t('open.terms.noWarranty')}</Typography.Paragraph>
        <Typography.Paragraph>{t('open.terms.lawful')}</Typography.Paragraph>
      </Card>
    </OpenLayout>
  );
}

/** /open/organizations/<name> (an organization's `url` in the CKAN answers): the search of its datasets. */
export function OpenOrganizationPage() {
  const { name = '' } = useParams();
  return <Navigate to={`/open?organization=${encodeURIComponent(name)}`} replace />;
}
