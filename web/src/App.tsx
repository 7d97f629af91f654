import { App as AntApp, Button, ConfigProvider, Layout, Menu, Space, Spin, Tag, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { api, getToken, setToken, type User } from './api';
import { LANG_KEY } from './i18n';
import { hasRole, SessionContext, useSession } from './session';
import { LoginPage } from './pages/Login';

const HomePage = lazy(() => import('./pages/Home'));
const CatalogPage = lazy(() => import('./pages/Catalog'));
const ResourcePage = lazy(() => import('./pages/Resource'));
const RegisterPage = lazy(() => import('./pages/Register'));
const EditResourcePage = lazy(() => import('./pages/EditResource'));
const ReviewPage = lazy(() => import('./pages/Review'));
const TasksPage = lazy(() => import('./pages/Tasks'));
const AssetMapPage = lazy(() => import('./pages/AssetMap'));
const IndicatorsPage = lazy(() => import('./pages/Indicators'));
const GrantsPage = lazy(() => import('./pages/Grants'));
const LedgerPage = lazy(() => import('./pages/Ledger'));
const MyDataPage = lazy(() => import('./pages/MyData'));
const DemandsPage = lazy(() => import('./pages/Demands'));
const ServicesPage = lazy(() => import('./pages/Services'));
const ServicePage = lazy(() => import('./pages/Service'));
const MonitoringPage = lazy(() => import('./pages/Monitoring'));
const BaseOverviewPage = lazy(() => import('./pages/base/BaseOverview'));
const BaseConflictsPage = lazy(() => import('./pages/base/Conflicts'));
const BaseSubjectPage = lazy(() => import('./pages/base/Subject'));
const IngestJobsPage = lazy(() => import('./pages/ingest/Jobs'));
const IngestSchedulesPage = lazy(() => import('./pages/ingest/Schedules'));
const IngestQualityPage = lazy(() => import('./pages/ingest/Quality'));
const CorrectionsPage = lazy(() => import('./pages/quality/Corrections'));
const QualityRulesPage = lazy(() => import('./pages/quality/Rules'));

export function App() {
  const { i18n } = useTranslation();
  const [user, setUser] = useState<User | null>(null);
  const [ready, setReady] = useState(!getToken());
  useEffect(() => {
    if (!getToken()) return;
    api<User>('/api/v1/auth/me')
      .then(setUser)
      .catch(() => setToken(null))
      .finally(() => setReady(true));
  }, []);
  if (!ready) return <Spin fullscreen />;
  return (
    <ConfigProvider
      locale={i18n.language === 'en' ? enUS : zhCN}
      theme={{ token: { colorPrimary: '#1d4e89', borderRadius: 6 } }}
    >
      <AntApp>
        <SessionContext.Provider value={{ user, setUser }}>
          <BrowserRouter>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route path="/*" element={user ? <Shell /> : <Navigate to="/login" replace />} />
            </Routes>
          </BrowserRouter>
        </SessionContext.Provider>
      </AntApp>
    </ConfigProvider>
  );
}

function Shell() {
  const { t, i18n } = useTranslation();
  const { user, setUser } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const notOnlyCitizen = user!.roles.some((r) => r !== 'citizen');
  const items = [
    { key: '/', label: t('home') },
    { key: '/catalog', label: t('catalog') },
    hasRole(user, 'officer') && { key: '/register', label: t('register') },
    hasRole(user, 'operator') && { key: '/review', label: t('review') },
    hasRole(user, 'officer', 'operator') && { key: '/tasks', label: t('tasks') },
    hasRole(user, 'officer', 'operator') && { key: '/ingest/jobs', label: t('ingestJobs') },
    hasRole(user, 'officer', 'operator') && { key: '/ingest/schedules', label: t('ingestSchedules') },
    hasRole(user, 'officer', 'operator') && { key: '/ingest/quality', label: t('ingestQuality') },
    notOnlyCitizen && { key: '/asset-map', label: t('assetMap') },
    notOnlyCitizen && { key: '/indicators', label: t('indicators') },
    hasRole(user, 'operator', 'officer', 'consumer') && { key: '/demands', label: t('demands') },
    hasRole(user, 'operator', 'officer', 'consumer', 'auditor') && { key: '/grants', label: t('grants') },
    hasRole(user, 'operator', 'officer', 'consumer', 'auditor') && { key: '/corrections', label: t('corrections') },
    hasRole(user, 'operator', 'officer', 'consumer', 'third_party', 'auditor') && {
      key: '/services',
      label: t('services'),
    },
    hasRole(user, 'operator', 'auditor') && { key: '/base', label: t('base.menu') },
    hasRole(user, 'operator', 'auditor') && { key: '/monitoring', label: t('monitoring') },
    hasRole(user, 'operator', 'auditor') && { key: '/ledger', label: t('ledger') },
    hasRole(user, 'citizen') && { key: '/mydata', label: t('mydata') },
  ].filter(Boolean) as Array<{ key: string; label: string }>;
  const selected = items.filter((i) => i.key !== '/' && location.pathname.startsWith(i.key)).map((i) => i.key);
  const switchLanguage = () => {
    const next = i18n.language === 'en' ? 'zh-CN' : 'en';
    localStorage.setItem(LANG_KEY, next);
    void i18n.changeLanguage(next);
  };
  const logout = () => {
    // Revoked on the server too, so a copy of the token left behind stops working; leaving never waits for it.
    void api('/api/v1/auth/logout', { method: 'POST' }).catch(() => {});
    setToken(null);
    setUser(null);
    navigate('/login');
  };
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 24, background: '#10325a' }}>
        <Typography.Title level={4} style={{ color: '#fff', margin: 0, whiteSpace: 'nowrap' }} data-testid="app-title">
          {t('app')}
        </Typography.Title>
        <span style={{ color: '#a9bdd6', flex: 1 }}>{t('subtitle')}</span>
        <Space>
          <span style={{ color: '#fff' }} data-testid="current-user">
            {user!.displayName}
            {user!.org && <span style={{ color: '#a9bdd6' }}> · {user!.org.name}</span>}
          </span>
          {user!.roles.map((r) => (
            <Tag key={r} color="gold">
              {t(`role.${r}`)}
            </Tag>
          ))}
          <Button size="small" onClick={switchLanguage} data-testid="language-switch">
            {t('language')}
          </Button>
          <Button size="small" onClick={logout} data-testid="logout">
            {t('logout')}
          </Button>
        </Space>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={200} theme="light">
          <Menu
            mode="inline"
            selectedKeys={selected.length ? selected : ['/']}
            items={items.map((i) => ({
              ...i,
              label: <span data-testid={`menu-${i.key.slice(1) || 'home'}`}>{i.label}</span>,
            }))}
            onClick={(e) => navigate(e.key)}
            style={{ height: '100%' }}
          />
        </Layout.Sider>
        <Layout.Content style={{ padding: 24 }}>
          <Suspense fallback={<Spin />}>
            <Routes>
              <Route path="/" element={<HomePage />} />
              <Route path="/catalog" element={<CatalogPage />} />
              <Route path="/catalog/:code" element={<ResourcePage />} />
              <Route path="/catalog/:code/edit" element={<EditResourcePage />} />
              <Route path="/catalog/:code/quality" element={<QualityRulesPage />} />
              <Route path="/corrections" element={<CorrectionsPage />} />
              <Route path="/register" element={<RegisterPage />} />
              <Route path="/review" element={<ReviewPage />} />
              <Route path="/tasks" element={<TasksPage />} />
              <Route path="/ingest/jobs" element={<IngestJobsPage />} />
              <Route path="/ingest/schedules" element={<IngestSchedulesPage />} />
              <Route path="/ingest/quality" element={<IngestQualityPage />} />
              <Route path="/asset-map" element={<AssetMapPage />} />
              <Route path="/indicators" element={<IndicatorsPage />} />
              <Route path="/grants" element={<GrantsPage />} />
              <Route path="/demands" element={<DemandsPage />} />
              <Route path="/services" element={<ServicesPage />} />
              <Route path="/services/:code" element={<ServicePage />} />
              <Route path="/monitoring" element={<MonitoringPage />} />
              <Route path="/base" element={<BaseOverviewPage />} />
              <Route path="/base/conflicts" element={<BaseConflictsPage />} />
              <Route path="/base/subject" element={<BaseSubjectPage />} />
              <Route path="/ledger" element={<LedgerPage />} />
              <Route path="/mydata" element={<MyDataPage />} />
              <Route path="*" element={<Navigate to="/" replace />} />
            </Routes>
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

export function Page({ title, extra, children }: { title: ReactNode; extra?: ReactNode; children: ReactNode }) {
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {extra}
      </Space>
      {children}
    </Space>
  );
}
