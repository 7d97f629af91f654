import { Button, Layout, Typography } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { LANG_KEY } from '../i18n';
import { useSession } from '../session';

/** The portal's own frame (public, no login): its name, the language switch and a way to the hub's login. */
export function OpenLayout({ children, title }: { children: ReactNode; title?: string }) {
  const { t, i18n } = useTranslation();
  // Someone logged in goes back to the hub; anyone else may log in.
  const { user } = useSession();
  // The tab's and a shared link's name: the dataset's, then the portal's.
  const name = [title, t('open.title')].filter(Boolean).join(' · ');
  useEffect(() => {
    const before = document.title;
    document.title = name;
    return () => {
      document.title = before;
    };
  }, [name]);
  const switchLanguage = () => {
    const next = i18n.language === 'en' ? 'zh-CN' : 'en';
    localStorage.setItem(LANG_KEY, next);
    void i18n.changeLanguage(next);
  };
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="qdh-header" style={{ flexWrap: 'wrap', height: 'auto', minHeight: 64 }}>
        <Link to="/open" data-testid="open-home" style={{ minWidth: 0 }}>
          <Typography.Title level={4} className="qdh-header-title" style={{ color: '#fff', margin: 0 }}>
            {t('open.title')}
          </Typography.Title>
        </Link>
        <span className="qdh-header-actions" style={{ marginInlineStart: 'auto' }}>
          <Link to="/open/developer">
            <Button size="small" data-testid="open-developer">
              {t('open.developer')}
            </Button>
          </Link>
          <Button size="small" onClick={switchLanguage} data-testid="language-switch">
            {t('language')}
          </Button>
          <Link to={user ? '/' : '/login'}>
            <Button size="small" data-testid="open-login">
              {user ? t('open.toHub') : t('open.login')}
            </Button>
          </Link>
        </span>
      </Layout.Header>
      <Layout.Content style={{ padding: 16, maxWidth: 1280, width: '100%', margin: '0 auto', minWidth: 0 }}>
        {children}
      </Layout.Content>
    </Layout>
  );
}

/** A date as the reader's locale writes it (no time: datasets change by the day). */
export const dateOf = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleDateString() : '');
