import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';

/** An address the app has no page for: said so, with the way home, rather than a silent redirect. */
export default function NotFoundPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  return (
    <Result
      status="404"
      title={t('shell.notFound')}
      subTitle={
        <>
          {t('shell.notFoundDetail')} <code data-testid="not-found-path">{pathname}</code>
        </>
      }
      extra={
        <Button type="primary" onClick={() => navigate('/')} data-testid="not-found-home">
          {t('shell.backHome')}
        </Button>
      }
      data-testid="not-found"
    />
  );
}
