import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, InputNumber, Select, Space, Switch } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, ApiError, type Problem } from '../api';
import { Page } from '../App';

const TYPES = ['string', 'integer', 'number', 'date', 'boolean', 'citizen_id', 'credit_code', 'division', 'phone'];
const options = (t: (k: string) => string, prefix: string, values: string[]) =>
  values.map((v) => ({ value: v, label: t(`${prefix}.${v}`) }));

export default function RegisterPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm();
  const [problem, setProblem] = useState<Problem | null>(null);
  const submit = async (values: Record<string, unknown>) => {
    setProblem(null);
    try {
      const created = await api<{ code: string }>('/api/v1/catalog/resources', { method: 'POST', json: values });
      void message.success(created.code);
      navigate(`/catalog/${created.code}`);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setProblem(e.problem);
      // Put each reason under its field: "body/fields/0/name" → ['fields', 0, 'name'].
      form.setFields(
        (e.problem.errors ?? []).map((err) => ({
          name: err.field
            .replace(/^body\//, '')
            .split('/')
            .map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
          errors: [err.reason],
        })),
      );
    }
  };
  return (
    <Page title={t('register')}>
      {problem && <Alert type="error" message={problem.title} description={problem.detail} />}
      <Card>
        <Form
          form={form}
          layout="vertical"
          onFinish={submit}
          initialValues={{
            category: 'department',
            shareType: 'conditional',
            openType: 'closed',
            level: 'general',
            summary: '',
            fields: [{ type: 'string', required: true, sensitivity: 1 }],
          }}
        >
          <Form.Item name="name" label={t('name')} rules={[{ required: true, min: 2 }]}>
            <Input data-testid="reg-name" />
          </Form.Item>
          <Form.Item name="summary" label={t('summary')}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Space wrap size="large">
            <Form.Item name="category" label={t('category')}>
              <Select
                style={{ width: 160 }}
                options={options(t, 'category', ['base', 'theme', 'topic', 'department'])}
              />
            </Form.Item>
            <Form.Item name="shareType" label={t('shareType')}>
              <Select style={{ width: 160 }} options={options(t, 'share', ['unconditional', 'conditional', 'none'])} />
            </Form.Item>
            <Form.Item name="openType" label={t('openType')}>
              <Select style={{ width: 160 }} options={options(t, 'open', ['open', 'conditional', 'closed'])} />
            </Form.Item>
            <Form.Item name="level" label={t('level')}>
              <Select style={{ width: 160 }} options={options(t, 'level', ['general', 'important', 'core'])} />
            </Form.Item>
            <Form.Item name="keyField" label={t('keyField')} rules={[{ required: true }]}>
              <Input style={{ width: 160 }} placeholder="citizen_id" />
            </Form.Item>
          </Space>
          <Form.List name="fields">
            {(fields, { add, remove }) => (
              <>
                {fields.map(({ key, name }) => (
                  <Space key={key} align="baseline" wrap>
                    <Form.Item name={[name, 'name']} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]*$/ }]}>
                      <Input placeholder={t('name')} style={{ width: 150 }} />
                    </Form.Item>
                    <Form.Item name={[name, 'label']} rules={[{ required: true }]}>
                      <Input placeholder={t('label')} style={{ width: 160 }} />
                    </Form.Item>
                    <Form.Item name={[name, 'type']}>
                      <Select style={{ width: 130 }} options={TYPES.map((v) => ({ value: v, label: v }))} />
                    </Form.Item>
                    <Form.Item name={[name, 'sensitivity']} label={t('sensitivity')}>
                      <InputNumber min={1} max={4} />
                    </Form.Item>
                    <Form.Item name={[name, 'required']} label={t('required')} valuePropName="checked">
                      <Switch size="small" />
                    </Form.Item>
                    <MinusCircleOutlined onClick={() => remove(name)} />
                  </Space>
                ))}
                <Button
                  type="dashed"
                  onClick={() => add({ type: 'string', required: false, sensitivity: 1 })}
                  icon={<PlusOutlined />}
                >
                  {t('addField')}
                </Button>
              </>
            )}
          </Form.List>
          <div style={{ marginTop: 24 }}>
            <Button type="primary" htmlType="submit" data-testid="reg-submit">
              {t('submit')}
            </Button>
          </div>
        </Form>
      </Card>
    </Page>
  );
}
