import { Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { ApiError, client, ok, setToken, useSubmit, type User } from '../api';
import { AccessibleSwitch } from '../a11y/mode';
import { ProblemAlert } from '../ui/problem-alert';
import { useSession } from '../session';
import { OidcButton, useOidcReturn } from './oidc-login';
import { NewPasswordFields, PasswordRules } from './password-fields';

interface Values {
  username: string;
  password: string;
  newPassword?: string;
  newPasswordAgain?: string;
}

export function LoginPage() {
  const { t } = useTranslation();
  const { setUser } = useSession();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  // An operator set the password: the next submit must carry the user's own new one.
  const [mustChange, setMustChange] = useState(false);
  // A refusal shows in zh by its code; a 429 also says when to try again (its Retry-After).
  const loggedIn = ({ token, user }: { token: string; user: User }) => {
    setToken(token);
    setUser(user);
    navigate('/');
  };
  // Back from the unified identity with a one-time code (or its refusal): oidc-login.tsx.
  const oidc = useOidcReturn(loggedIn);
  const login = useSubmit(async ({ username, password, newPassword }: Values) => {
    try {
      const body = { username, password, ...(mustChange && newPassword ? { newPassword } : {}) };
      loggedIn(await ok(client.POST('/api/v1/auth/login', { body })));
    } catch (e) {
      if (e instanceof ApiError && e.problem.code === 'ACC_PASSWORD_CHANGE_REQUIRED' && !mustChange) {
        setMustChange(true);
        return;
      }
      throw e;
    }
  });
  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'grid',
        placeItems: 'center',
        background: 'linear-gradient(135deg,#10325a,#1d4e89 60%,#3f7cbf)',
      }}
    >
      <Card style={{ width: 380, maxWidth: '92vw' }}>
        {/* The large text mode is offered before logging in: the form is the first thing to read. */}
        <div className="qdh-login-head">
          <Typography.Title level={3} style={{ margin: 0 }}>
            {mustChange ? t('admin.mustChangeTitle') : t('app')}
          </Typography.Title>
          <AccessibleSwitch testId="login-accessible-switch" />
        </div>
        <Typography.Paragraph type="secondary" data-testid={mustChange ? 'must-change' : undefined}>
          {mustChange ? t('admin.mustChangeHelp') : t('subtitle')}
        </Typography.Paragraph>
        {(login.problem ?? oidc.problem) && (
          <ProblemAlert problem={(login.problem ?? oidc.problem)!} testId="login-error" style={{ marginBottom: 16 }} />
        )}
        {oidc.busy && <Typography.Paragraph data-testid="oidc-returning">{t('oidc.returning')}</Typography.Paragraph>}
        <Form form={form} layout="vertical" onFinish={login.run}>
          <Form.Item name="username" label={t('username')} rules={[{ required: true }]} hidden={mustChange}>
            <Input autoComplete="username" data-testid="username" />
          </Form.Item>
          <Form.Item name="password" label={t('password')} rules={[{ required: true }]} hidden={mustChange}>
            <Input.Password autoComplete="current-password" data-testid="password" />
          </Form.Item>
          {mustChange && (
            <>
              <PasswordRules changing />
              <NewPasswordFields />
            </>
          )}
          <Button type="primary" htmlType="submit" block loading={login.busy} data-testid="login-submit">
            {mustChange ? t('admin.setAndLogin') : t('login')}
          </Button>
        </Form>
        {!mustChange && <OidcButton />}
        {/* 开放数据: the public portal needs no account; the login page is where a visitor lands. */}
        {!mustChange && (
          <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0, textAlign: 'center' }}>
            <Link to="/open" data-testid="login-open-data">
              {t('open.menu')}
            </Link>
          </Typography.Paragraph>
        )}
      </Card>
    </div>
  );
}
