import { Alert, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, setToken, useSubmit } from '../api';
import { useSession } from '../session';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { NewPasswordFields, PasswordRules } from './password-fields';

interface Values {
  currentPassword: string;
  newPassword: string;
  newPasswordAgain: string;
}

/**
 * 修改密码 for every logged-in user. The server revokes every earlier token of the user and
 * answers with a new one, which replaces this browser's (so its other tabs keep working).
 */
export default function ChangePasswordPage() {
  const { t } = useTranslation();
  const { setUser } = useSession();
  const [form] = Form.useForm<Values>();
  const [done, setDone] = useState(false);
  const change = useSubmit(async ({ currentPassword, newPassword }: Values) => {
    const answer = await ok(client.POST('/api/v1/auth/password', { body: { currentPassword, newPassword } }));
    setToken(answer.token);
    setUser(answer.user);
    form.resetFields();
    setDone(true);
  });
  return (
    <Page title={t('admin.changePassword')}>
      <Card style={{ maxWidth: 480 }}>
        {done && (
          <Alert
            type="success"
            showIcon
            title={t('admin.passwordChanged')}
            style={{ marginBottom: 16 }}
            data-testid="password-changed"
          />
        )}
        {change.problem && (
          <ProblemAlert problem={change.problem} testId="password-error" style={{ marginBottom: 16 }} />
        )}
        <PasswordRules changing />
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) => {
            setDone(false);
            void change.run(v);
          }}
        >
          <Form.Item name="currentPassword" label={t('admin.currentPassword')} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" data-testid="current-password" />
          </Form.Item>
          <NewPasswordFields />
          <Button type="primary" htmlType="submit" loading={change.busy} data-testid="change-password-submit">
            {t('admin.changePassword')}
          </Button>
        </Form>
      </Card>
    </Page>
  );
}
