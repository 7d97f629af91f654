import {
  Alert,
  Button,
  Card,
  Form,
  Input,
  List,
  Popconfirm,
  Progress,
  Select,
  Space,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { problemOf, type Problem } from '../api/http';
import { ProblemAlert } from '../ui/problem-alert';
import * as dev from './developer-api';
import { MyReports } from './ErrorReport';
import { MyRatings } from './Ratings';
import { OpenLayout, dateOf } from './Layout';
import { MyRequests } from './Requests';

/**
 * 开发者中心 (/open/developer, docs/open.md): anyone signs up for a developer account or signs
 * in, makes API keys (the secret shown once), revokes them, and sees each key's calls today
 * against its quota. Public: the account is the portal's, not the hub's.
 */
export default function OpenDeveloperPage() {
  const { t } = useTranslation();
  const [data, setData] = useState<dev.Me | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(async () => {
    if (!dev.developerToken()) {
      setData(null);
      setLoading(false);
      return;
    }
    try {
      setData(await dev.me());
      setProblem(null);
    } catch (e) {
      const p = problemOf(e);
      // An expired session: back to the sign-in form.
      if (p.status === 401) dev.setDeveloperToken(null);
      else setProblem(p);
      setData(null);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <OpenLayout title={t('open.dev.title')}>
      <Link to="/open">← {t('open.back')}</Link>
      <Typography.Title level={3} style={{ marginTop: 8 }} data-testid="open-dev-title">
        {t('open.dev.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('open.dev.intro')}</Typography.Paragraph>
      {problem && <ProblemAlert problem={problem} style={{ marginBottom: 16 }} />}
      {loading ? null : data ? <Account me={data} reload={load} /> : <SignIn signedIn={load} />}
    </OpenLayout>
  );
}

function SignIn({ signedIn }: { signedIn: () => Promise<void> }) {
  const { t } = useTranslation();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (run: () => Promise<{ token: string }>) => {
    setBusy(true);
    try {
      dev.setDeveloperToken((await run()).token);
      setProblem(null);
      await signedIn();
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  };
  const email = (
    <Form.Item name="email" label={t('open.dev.email')} rules={[{ required: true, type: 'email' }]}>
      <Input autoComplete="email" data-testid="open-dev-email" />
    </Form.Item>
  );
  return (
    <Card style={{ maxWidth: 480 }}>
      {problem && <ProblemAlert problem={problem} testId="open-dev-problem" style={{ marginBottom: 16 }} />}
      <Tabs
        data-testid="open-dev-tabs"
        items={[
          {
            key: 'signup',
            label: t('open.dev.signUp'),
            children: (
              <Form
                layout="vertical"
                onFinish={(v: { name: string; email: string; password: string }) => submit(() => dev.signUp(v))}
              >
                <Form.Item name="name" label={t('open.dev.name')} rules={[{ required: true, max: 100 }]}>
                  <Input autoComplete="name" data-testid="open-dev-name" />
                </Form.Item>
                {email}
                <Form.Item
                  name="password"
                  label={t('open.dev.password')}
                  extra={t('open.dev.passwordRule')}
                  rules={[{ required: true, min: 8 }]}
                >
                  <Input.Password autoComplete="new-password" data-testid="open-dev-password" />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={busy} data-testid="open-dev-signup">
                  {t('open.dev.signUp')}
                </Button>
              </Form>
            ),
          },
          {
            key: 'login',
            label: t('open.dev.signIn'),
            children: (
              <Form
                layout="vertical"
                onFinish={(v: { email: string; password: string }) => submit(() => dev.signIn(v))}
              >
                {email}
                <Form.Item name="password" label={t('open.dev.password')} rules={[{ required: true }]}>
                  <Input.Password autoComplete="current-password" data-testid="open-dev-password" />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={busy} data-testid="open-dev-signin">
                  {t('open.dev.signIn')}
                </Button>
              </Form>
            ),
          },
        ]}
      />
    </Card>
  );
}

function Account({ me, reload }: { me: dev.Me; reload: () => Promise<void> }) {
  const { t } = useTranslation();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [made, setMade] = useState<{ name: string; secret: string } | null>(null);
  const [form] = Form.useForm<{ name: string }>();
  const act = async (run: () => Promise<unknown>) => {
    try {
      await run();
      setProblem(null);
      await reload();
    } catch (e) {
      setProblem(problemOf(e));
    }
  };
  const live = me.keys.filter((k) => !k.revokedAt);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card size="small">
        <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
          <span data-testid="open-dev-who">
            {t('open.dev.hello', { name: me.developer.name, email: me.developer.email })}
          </span>
          <Button
            size="small"
            data-testid="open-dev-signout"
            onClick={() =>
              act(async () => {
                await dev.signOut().catch(() => undefined);
                dev.setDeveloperToken(null);
              })
            }
          >
            {t('open.dev.signOut')}
          </Button>
        </Space>
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {t('open.dev.limits', {
            perMinute: me.limits.key.perMinute,
            perDay: me.limits.key.perDay,
            anonMinute: me.limits.anonymous.perMinute,
            anonDay: me.limits.anonymous.perDay,
          })}
        </Typography.Paragraph>
      </Card>
      {problem && <ProblemAlert problem={problem} testId="open-dev-problem" />}
      <Card size="small" title={t('open.dev.newKey')}>
        <Form
          form={form}
          layout="inline"
          style={{ rowGap: 8 }}
          onFinish={({ name }) =>
            act(async () => {
              const answer = await dev.createKey(name);
              setMade({ name: answer.key.name, secret: answer.secret });
              form.resetFields();
            })
          }
        >
          <Form.Item name="name" rules={[{ required: true, max: 100 }]} style={{ flex: '1 1 160px' }}>
            <Input placeholder={t('open.dev.keyName')} data-testid="open-dev-key-name" />
          </Form.Item>
          <Button type="primary" htmlType="submit" data-testid="open-dev-key-create">
            {t('open.dev.create')}
          </Button>
        </Form>
        {made && (
          <Alert
            type="success"
            showIcon
            style={{ marginTop: 12 }}
            title={t('open.dev.secretOnce', { name: made.name })}
            description={
              <Space orientation="vertical" style={{ width: '100%' }}>
                <Typography.Text code copyable style={{ wordBreak: 'break-all' }} data-testid="open-dev-secret">
                  {made.secret}
                </Typography.Text>
                <Typography.Text type="secondary">{t('open.dev.howToUse')}</Typography.Text>
                <Typography.Text code style={{ wordBreak: 'break-all' }}>
                  {`curl -H "X-API-Key: ${made.secret}" "${location.origin}/api/3/action/datastore_search?resource_id=…"`}
                </Typography.Text>
              </Space>
            }
          />
        )}
      </Card>
      <Card size="small" title={t('open.dev.keys', { n: live.length })}>
        <List
          data-testid="open-dev-keys"
          locale={{ emptyText: t('open.dev.noKeys') }}
          dataSource={me.keys}
          renderItem={(k) => (
            <List.Item
              data-testid={`open-dev-key-${k.id}`}
              actions={
                k.revokedAt
                  ? []
                  : [
                      <Popconfirm
                        key="revoke"
                        title={t('open.dev.revokeConfirm')}
                        onConfirm={() => act(() => dev.revokeKey(k.id))}
                        okButtonProps={{ 'data-testid': 'open-dev-revoke-ok' } as Record<string, string>}
                      >
                        <Button size="small" danger data-testid="open-dev-revoke">
                          {t('open.dev.revoke')}
                        </Button>
                      </Popconfirm>,
                    ]
              }
            >
              <Space orientation="vertical" size={2} style={{ width: '100%', minWidth: 0 }}>
                <Space wrap size={4}>
                  <Typography.Text strong>{k.name}</Typography.Text>
                  <Typography.Text code>{k.prefix}…</Typography.Text>
                  {k.revokedAt ? (
                    <Tag>{t('open.dev.revoked', { date: dateOf(k.revokedAt) })}</Tag>
                  ) : (
                    <Tag color="green">{t('open.dev.live')}</Tag>
                  )}
                </Space>
                <Typography.Text type="secondary">
                  {t('open.dev.created', { date: dateOf(k.createdAt) })}
                </Typography.Text>
                {!k.revokedAt && (
                  <>
                    <span data-testid="open-dev-usage">
                      {t('open.dev.today', {
                        used: k.used.day,
                        quota: k.perDay,
                        minute: k.used.minute,
                        rate: k.perMinute,
                      })}
                    </span>
                    <Progress percent={Math.min(100, Math.round((k.used.day / k.perDay) * 100))} size="small" />
                  </>
                )}
              </Space>
            </List.Item>
          )}
        />
      </Card>
      <Applications />
      <MyRatings />
      <MyReports />
      <MyRequests />
    </Space>
  );
}

const STATE_COLOR = { pending: 'gold', approved: 'green', refused: 'red' } as const;

/** 有条件开放申请: apply for a conditional dataset, and the providers' answers to one's applications. */
function Applications() {
  const { t } = useTranslation();
  const [datasets, setDatasets] = useState<dev.ConditionalDataset[]>([]);
  const [mine, setMine] = useState<dev.Application[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [form] = Form.useForm<{ dataset: string; purpose: string; use: string; security: string }>();
  const reload = useCallback(async () => {
    try {
      const [d, m] = await Promise.all([dev.conditionalDatasets(), dev.applications()]);
      setDatasets(d);
      setMine(m);
    } catch (e) {
      setProblem(problemOf(e));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  const submit = async (v: { dataset: string; purpose: string; use: string; security: string }) => {
    try {
      await dev.apply(v);
      setProblem(null);
      form.resetFields();
      await reload();
    } catch (e) {
      setProblem(problemOf(e));
    }
  };
  const text = (name: 'purpose' | 'use' | 'security') => (
    <Form.Item name={name} label={t(`open.dev.app.${name}`)} rules={[{ required: true, max: 2000 }]}>
      <Input.TextArea rows={2} data-testid={`open-dev-app-${name}`} />
    </Form.Item>
  );
  return (
    <Card size="small" title={t('open.dev.app.title')} data-testid="open-dev-applications">
      <Typography.Paragraph type="secondary">{t('open.dev.app.intro')}</Typography.Paragraph>
      {problem && <ProblemAlert problem={problem} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="dataset" label={t('open.dev.app.dataset')} rules={[{ required: true }]}>
          <Select
            showSearch
            optionFilterProp="label"
            data-testid="open-dev-app-dataset"
            options={datasets.map((d) => ({ value: d.name, label: `${d.title}（${d.provider.name}）` }))}
          />
        </Form.Item>
        {text('purpose')}
        {text('use')}
        {text('security')}
        <Button type="primary" htmlType="submit" data-testid="open-dev-app-submit">
          {t('open.dev.app.submit')}
        </Button>
      </Form>
      <List
        style={{ marginTop: 12 }}
        dataSource={mine}
        locale={{ emptyText: t('open.dev.app.none') }}
        data-testid="open-dev-app-list"
        renderItem={(a) => (
          <List.Item>
            <Space orientation="vertical" size={2} style={{ width: '100%', minWidth: 0 }}>
              <Space wrap size={4}>
                <Typography.Text strong>
                  {datasets.find((d) => d.name === a.dataset.name)?.title ?? a.dataset.code}
                </Typography.Text>
                <Tag color={STATE_COLOR[a.state]}>{t(`open.apps.state.${a.state}`)}</Tag>
              </Space>
              {a.state === 'approved' && (
                <Typography.Text>
                  {t('open.apps.approvedUntil', { terms: a.terms, date: new Date(a.expiresAt!).toLocaleString() })}
                </Typography.Text>
              )}
              {a.state === 'refused' && (
                <Typography.Text>{t('open.apps.refusedFor', { reason: a.reason })}</Typography.Text>
              )}
              {a.state === 'approved' && (
                <Typography.Text type="secondary">
                  {t('open.dev.app.howToRead', { name: a.dataset.name })}
                </Typography.Text>
              )}
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}
