import { Alert, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';

/** The rules the server enforces (src/access/password-rules.ts), in words, above the fields that must meet them. */
export function PasswordRules({ changing = false }: { changing?: boolean }) {
  const { t } = useTranslation();
  const rules = ['length', 'kinds', 'username', ...(changing ? ['same'] : [])];
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="password-rules"
      title={t('admin.passwordRules')}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 18 }}>
          {rules.map((r) => (
            <li key={r}>{t(`admin.rule.${r}`)}</li>
          ))}
        </ul>
      }
    />
  );
}

/** A new password and its repetition; the repetition must match before anything is sent. */
export function NewPasswordFields({
  name = 'newPassword',
  testId = 'new-password',
}: {
  name?: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name={name} label={t('admin.newPassword')} rules={[{ required: true }, { min: 8, max: 128 }]}>
        <Input.Password autoComplete="new-password" data-testid={testId} />
      </Form.Item>
      <Form.Item
        name={`${name}Again`}
        label={t('admin.confirmPassword')}
        dependencies={[name]}
        rules={[
          { required: true },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              !value || getFieldValue(name) === value
                ? Promise.resolve()
                : Promise.reject(new Error(t('admin.passwordMismatch'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid={`${testId}-again`} />
      </Form.Item>
    </>
  );
}
