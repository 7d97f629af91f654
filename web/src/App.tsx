import { MenuOutlined } from '@ant-design/icons';
import { App as AntApp, Button, ConfigProvider, Drawer, Grid, Layout, Menu, Spin, Tag, Typography } from 'antd';
import { reducedMotion } from './ui/motion';
import { AccessibleProvider, AccessibleSwitch, useAccessible, useAccessibleState } from './a11y/mode';
import { themeOf } from './a11y/theme';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { client, getToken, ok, onTokenChange, setToken, useQuery, type User } from './api';
import { LANG_KEY } from './i18n';
import { can, SessionContext, useSession } from './session';
import { LoginPage } from './auth/Login';

const HomePage = lazy(() => import('./home/Home'));
const CatalogPage = lazy(() => import('./catalog/Catalog'));
const ResourcePage = lazy(() => import('./catalog/Resource'));
const RegisterPage = lazy(() => import('./catalog/Register'));
const EditResourcePage = lazy(() => import('./catalog/EditResource'));
const ReviewPage = lazy(() => import('./catalog/Review'));
const TasksPage = lazy(() => import('./catalog/Tasks'));
const AssetMapPage = lazy(() => import('./catalog/AssetMap'));
const IndicatorsPage = lazy(() => import('./catalog/Indicators'));
const GrantsPage = lazy(() => import('./share/Grants'));
const LedgerPage = lazy(() => import('./ledger/Ledger'));
const MyDataPage = lazy(() => import('./ledger/MyData'));
const MyEnterprisesPage = lazy(() => import('./enterprise/MyEnterprises'));
const DemandsPage = lazy(() => import('./share/Demands'));
const ServicesPage = lazy(() => import('./share/Services'));
const ServicePage = lazy(() => import('./share/Service'));
const MonitoringPage = lazy(() => import('./platform/Monitoring'));
const WatermarkPage = lazy(() => import('./platform/Watermark'));
const BaseOverviewPage = lazy(() => import('./base/BaseOverview'));
const BaseConflictsPage = lazy(() => import('./base/Conflicts'));
const BaseSubjectPage = lazy(() => import('./base/Subject'));
const IngestJobsPage = lazy(() => import('./ingest/Jobs'));
const IngestSchedulesPage = lazy(() => import('./ingest/Schedules'));
const IngestQualityPage = lazy(() => import('./ingest/Quality'));
const CorrectionsPage = lazy(() => import('./quality/Corrections'));
const QualityRulesPage = lazy(() => import('./quality/Rules'));
const NotFoundPage = lazy(() => import('./ui/not-found'));
const UsersPage = lazy(() => import('./platform/Users'));
const OrganizationsPage = lazy(() => import('./platform/Organizations'));
const ChangePasswordPage = lazy(() => import('./auth/ChangePassword'));
const MyConsentsPage = lazy(() => import('./consent/MyConsents'));
const ConsentRequestsPage = lazy(() => import('./consent/Requests'));
const AttestAskPage = lazy(() => import('./attest/Ask'));
const AttestItemsPage = lazy(() => import('./attest/Items'));
const MyLicencesPage = lazy(() => import('./licence/MyLicences'));
const IssueLicencesPage = lazy(() => import('./licence/Issue'));
const VerifyPage = lazy(() => import('./licence/Verify'));
const CockpitPage = lazy(() => import('./cockpit/Cockpit'));
const CascadePage = lazy(() => import('./cascade/Nodes'));
const OpenSearchPage = lazy(() => import('./open/Search'));
const OpenDatasetPage = lazy(() => import('./open/Dataset'));
const OpenTermsPage = lazy(() => import('./open/Terms'));
const OpenDeveloperPage = lazy(() => import('./open/Developer'));
const OpenApplicationsPage = lazy(() => import('./open/Applications'));
const OpenModerationPage = lazy(() => import('./open/Moderation'));
const OpenRequestsPage = lazy(() => import('./open/Requests'));
const OpenOrganizationPage = lazy(() => import('./open/Terms').then((m) => ({ default: m.OpenOrganizationPage })));

export function App() {
  const { i18n } = useTranslation();
  // The large text mode (长辈模式): remembered like the language, applied at once through the theme.
  const mode = useAccessibleState();
  const theme = useMemo(() => themeOf(mode.accessible, !reducedMotion), [mode.accessible]);
  // Who the kept token belongs to; a token the server no longer accepts is dropped.
  const me = useQuery(async () => {
    if (!getToken()) return null;
    try {
      return await ok(client.GET('/api/v1/auth/me'));
    } catch {
      setToken(null);
      return null;
    }
  }, []);
  // Logging in or out after that replaces what the token said.
  const [changed, setUser] = useState<User | null>();
  const user = changed === undefined ? (me.data ?? null) : changed;
  // Tabs of one browser share the session (localStorage): a logout in one logs the others out,
  // a login as someone else in one reloads the others as that user.
  useEffect(
    () =>
      onTokenChange((token) => {
        if (token === null) setUser(null);
        else window.location.reload();
      }),
    [],
  );
  const ready = !me.loading || !getToken();
  if (!ready) return <Spin fullscreen />;
  return (
    <ConfigProvider locale={i18n.language === 'en' ? enUS : zhCN} theme={theme}>
      <AntApp>
        <AccessibleProvider value={mode}>
          <SessionContext.Provider value={{ user, setUser }}>
            <BrowserRouter>
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                {/* 核验: public, the page a presentation's QR code opens, with or without a login. */}
                <Route
                  path="/verify"
                  element={
                    <Suspense fallback={<Spin />}>
                      <VerifyPage />
                    </Suspense>
                  }
                />
                {/* 开放数据 (#18): the public open-data portal, no login, as harvesters and citizens find it. */}
                <Route
                  path="/open"
                  element={
                    <Suspense fallback={<Spin />}>
                      <OpenSearchPage />
                    </Suspense>
                  }
                />
                <Route
                  path="/open/datasets/:name"
                  element={
                    <Suspense fallback={<Spin />}>
                      <OpenDatasetPage />
                    </Suspense>
                  }
                />
                <Route
                  path="/open/developer"
                  element={
                    <Suspense fallback={<Spin />}>
                      <OpenDeveloperPage />
                    </Suspense>
                  }
                />
                <Route
                  path="/open/requests"
                  element={
                    <Suspense fallback={<Spin />}>
                      <OpenRequestsPage />
                    </Suspense>
                  }
                />
                <Route
                  path="/open/terms"
                  element={
                    <Suspense fallback={<Spin />}>
                      <OpenTermsPage />
                    </Suspense>
                  }
                />
                <Route
                  path="/open/organizations/:name"
                  element={
                    <Suspense fallback={<Spin />}>
                      <OpenOrganizationPage />
                    </Suspense>
                  }
                />
                <Route path="/*" element={user ? <Shell /> : <Navigate to="/login" replace />} />
              </Routes>
            </BrowserRouter>
          </SessionContext.Provider>
        </AccessibleProvider>
      </AntApp>
    </ConfigProvider>
  );
}

/**
 * The menu: each entry shows when the user may take its action (src/access/policy.ts, via useCan),
 * or when `show` says so. Add a page here and its <Route> in Shell below.
 */
const MENU: Array<{ key: string; label: string; can?: string[]; show?: (user: User) => boolean }> = [
  { key: '/', label: 'home' },
  // A citizen's home lists their own records; the departments' internal catalog is not for them.
  { key: '/catalog', label: 'catalog', can: ['catalog:read'], show: (u) => !onlyCitizen(u) },
  { key: '/register', label: 'register', can: ['catalog:register'] },
  { key: '/review', label: 'review', can: ['catalog:review'] },
  // 有条件开放 (#18): the providing departments answer developers' applications.
  { key: '/open-applications', label: 'open.apps.title', can: ['catalog:publish'] },
  // 评论审核: the platform's operators review developers' comments before they are shown.
  { key: '/open-comments', label: 'open.moderation.title', can: ['open:moderate'] },
  { key: '/tasks', label: 'tasks', can: ['tasks:read'] },
  { key: '/ingest/jobs', label: 'ingestJobs', can: ['ingest:read'] },
  { key: '/ingest/schedules', label: 'ingestSchedules', can: ['ingest:schedule'] },
  { key: '/ingest/quality', label: 'ingestQuality', can: ['ingest:read'] },
  { key: '/asset-map', label: 'assetMap', can: ['catalog:read'], show: (u) => !onlyCitizen(u) },
  { key: '/indicators', label: 'indicators', can: ['catalog:indicators'] },
  { key: '/cockpit', label: 'cockpit.menu', can: ['cockpit:read'] },
  { key: '/demands', label: 'demands', can: ['demand:file', 'demand:list-all'] },
  // Every grant for those who list them all; otherwise those the caller's organization gives or holds —
  // the organizations that may file demands, which is how a grant comes to them.
  { key: '/grants', label: 'grants', can: ['grant:list-all', 'demand:file'] },
  {
    key: '/corrections',
    label: 'corrections',
    can: ['quality:read-all-corrections', 'quality:decide', 'quality:report-granted'],
  },
  { key: '/services', label: 'services', can: ['service:list'] },
  { key: '/base', label: 'base.menu', can: ['base:read'] },
  { key: '/monitoring', label: 'monitoring', can: ['monitoring:read'] },
  { key: '/watermark', label: 'watermark.menu', can: ['monitoring:read'] },
  { key: '/ledger', label: 'ledger', can: ['ledger:read-entries'] },
  { key: '/mydata', label: 'mydata', can: ['ledger:read-own-entries'] },
  { key: '/consents', label: 'consent.menu', can: ['consent:decide'] },
  { key: '/consent-requests', label: 'consent.requestsMenu', can: ['consent:request'] },
  // 无证明核验 (#17): the window asks; operators and departments keep the items' rules.
  { key: '/attest', label: 'attest.askMenu', can: ['attest:ask'] },
  { key: '/attest/items', label: 'attest.itemsMenu', can: ['attest:manage'] },
  { key: '/licences', label: 'licence.menu', can: ['licence:hold'] },
  { key: '/licence-issuing', label: 'licence.issueMenu', can: ['licence:issue'] },
  // The enterprises a citizen represents or is an agent for (#16).
  { key: '/enterprises', label: 'enterprise.menu', can: ['enterprise:read-own'] },
  { key: '/admin/users', label: 'admin.users', can: ['user:list'] },
  { key: '/admin/orgs', label: 'admin.orgs', can: ['org:manage'] },
  // 级联 (#20): the nodes of the city–district cascade, their syncs and the ledger alerts.
  { key: '/cascade', label: 'cascade.menu', can: ['cascade:read'] },
  { key: '/password', label: 'admin.changePassword' },
];

const onlyCitizen = (user: User) => user.roles.every((r) => r === 'citizen');

/** The menu entries `user` sees: any of an entry's actions permitted, and its `show` holding. */
export function menuOf(user: User) {
  return MENU.filter((m) => (!m.can || m.can.some((a) => can(user, a))) && (!m.show || m.show(user)));
}

function Shell() {
  const { t } = useTranslation();
  const { user } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  // Phones (below antd's md, 768 px) get the menu in a drawer opened from the header.
  const phone = !Grid.useBreakpoint().md;
  const [drawer, setDrawer] = useState(false);
  const items = menuOf(user!);
  const selected = items.filter((i) => i.key !== '/' && location.pathname.startsWith(i.key)).map((i) => i.key);
  const menu = (
    <Menu
      mode="inline"
      selectedKeys={selected.length ? selected : location.pathname === '/' ? ['/'] : []}
      items={items.map((i) => ({
        key: i.key,
        label: <span data-testid={`menu-${i.key.slice(1) || 'home'}`}>{t(i.label)}</span>,
      }))}
      onClick={(e) => {
        setDrawer(false);
        navigate(e.key);
      }}
      style={{ height: '100%', borderInlineEnd: 'none' }}
    />
  );
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <ShellHeader phone={phone} onMenu={() => setDrawer(true)} />
      <Layout>
        {phone ? (
          <Drawer
            open={drawer}
            onClose={() => setDrawer(false)}
            placement="left"
            size={240}
            title={t('app')}
            styles={{ body: { padding: 0 } }}
            rootClassName="qdh-nav-drawer"
            data-testid="nav-drawer"
          >
            {menu}
          </Drawer>
        ) : (
          <Layout.Sider width={200} theme="light">
            {menu}
          </Layout.Sider>
        )}
        <Layout.Content className="qdh-content">
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
              <Route
                path="/open-applications"
                element={
                  <Suspense fallback={<Spin />}>
                    <OpenApplicationsPage />
                  </Suspense>
                }
              />
              <Route
                path="/open-comments"
                element={
                  <Suspense fallback={<Spin />}>
                    <OpenModerationPage />
                  </Suspense>
                }
              />
              <Route path="/tasks" element={<TasksPage />} />
              <Route path="/ingest/jobs" element={<IngestJobsPage />} />
              <Route path="/ingest/schedules" element={<IngestSchedulesPage />} />
              <Route path="/ingest/quality" element={<IngestQualityPage />} />
              <Route path="/asset-map" element={<AssetMapPage />} />
              <Route path="/indicators" element={<IndicatorsPage />} />
              <Route path="/cockpit" element={<CockpitPage />} />
              <Route path="/cascade" element={<CascadePage />} />
              <Route path="/grants" element={<GrantsPage />} />
              <Route path="/demands" element={<DemandsPage />} />
              <Route path="/services" element={<ServicesPage />} />
              <Route path="/services/:code" element={<ServicePage />} />
              <Route path="/monitoring" element={<MonitoringPage />} />
              <Route path="/watermark" element={<WatermarkPage />} />
              <Route path="/base" element={<BaseOverviewPage />} />
              <Route path="/base/conflicts" element={<BaseConflictsPage />} />
              <Route path="/base/subject" element={<BaseSubjectPage />} />
              <Route path="/ledger" element={<LedgerPage />} />
              <Route path="/mydata" element={<MyDataPage />} />
              <Route path="/consents" element={<MyConsentsPage />} />
              <Route path="/consent-requests" element={<ConsentRequestsPage />} />
              <Route path="/attest" element={<AttestAskPage />} />
              <Route path="/attest/items" element={<AttestItemsPage />} />
              <Route path="/licences" element={<MyLicencesPage />} />
              <Route path="/licence-issuing" element={<IssueLicencesPage />} />
              <Route path="/enterprises" element={<MyEnterprisesPage />} />
              <Route path="/admin/users" element={<UsersPage />} />
              <Route path="/admin/orgs" element={<OrganizationsPage />} />
              <Route path="/password" element={<ChangePasswordPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Routes>
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

/**
 * The header: on a phone the menu button, the name, then the language switch, the large text mode
 * switch and 退出 — on a second line when they do not fit beside the name (shell.css).
 */
function ShellHeader({ phone, onMenu }: { phone: boolean; onMenu: () => void }) {
  const { t, i18n } = useTranslation();
  const { user, setUser } = useSession();
  // Bigger buttons in the large text mode: a finger finds them.
  const size = useAccessible().accessible ? 'middle' : 'small';
  const navigate = useNavigate();
  const switchLanguage = () => {
    const next = i18n.language === 'en' ? 'zh-CN' : 'en';
    localStorage.setItem(LANG_KEY, next);
    void i18n.changeLanguage(next);
  };
  const logout = () => {
    // Revoked on the server too, so a copy of the token left behind stops working; leaving never waits for it.
    void client.POST('/api/v1/auth/logout').catch(() => {});
    setToken(null);
    setUser(null);
    navigate('/login');
  };
  return (
    <Layout.Header className="qdh-header">
      {phone && (
        <Button
          type="text"
          icon={<MenuOutlined />}
          onClick={onMenu}
          aria-label={t('shell.openMenu')}
          data-testid="open-menu"
          style={{ color: '#fff' }}
        />
      )}
      <Typography.Title level={4} className="qdh-header-title" data-testid="app-title">
        {t('app')}
      </Typography.Title>
      <span className="qdh-header-subtitle">{t('subtitle')}</span>
      <span className="qdh-header-user" data-testid="current-user">
        {user!.displayName}
        {!phone && user!.org && <span style={{ color: '#a9bdd6' }}> · {user!.org.name}</span>}
      </span>
      {!phone &&
        user!.roles.map((r) => (
          <Tag key={r} color="gold" style={{ marginInlineEnd: 0 }}>
            {t(`role.${r}`)}
          </Tag>
        ))}
      <span className="qdh-header-actions">
        {/* 开放数据: the public portal, a click away for staff showing it (on a phone, from the login page). */}
        {!phone && (
          <Button size={size} type="link" href="/open" style={{ color: '#fff' }} data-testid="header-open-data">
            {t('open.menu')}
          </Button>
        )}
        <Button size={size} onClick={switchLanguage} data-testid="language-switch">
          {t('language')}
        </Button>
        <AccessibleSwitch size={size} />
        <Button size={size} onClick={logout} data-testid="logout">
          {t('logout')}
        </Button>
      </span>
    </Layout.Header>
  );
}
