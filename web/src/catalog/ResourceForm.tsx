import { Alert, Button, Card, Form, Input, Select, Space, type FormInstance } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, client, ok, useQuery, useSubmit, type Problem } from '../api';
import { ProblemAlert } from '../ui/problem-alert';
import { LevelTag, LEVELS } from '../labels';
import type { DataElement, FieldInput, ResourceInput } from './types';
import { FieldRows } from './FieldRows';
import { useSuggestion } from './suggestion';

const FREQUENCIES = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular'];
const options = (t: (k: string) => string, prefix: string, values: string[]) =>
  values.map((v) => ({ value: v, label: t(`${prefix}.${v}`) }));

export const EMPTY: Partial<ResourceInput> = {
  summary: '',
  category: 'department',
  shareType: 'conditional',
  openType: 'closed',
  level: 'general',
  updateFrequency: 'irregular',
  format: 'table',
  keywords: [],
  mount: { kind: 'records' },
  fields: [{ name: '', label: '', type: 'string', required: true, sensitivity: 1 }],
};

/** What the form holds, as the API takes it: no empty optional values. */
function toInput(v: ResourceInput): ResourceInput {
  const field = (f: FieldInput): FieldInput => ({
    name: f.name,
    label: f.label.trim(),
    type: f.type,
    required: !!f.required,
    sensitivity: f.sensitivity ?? 1,
    ...(f.element ? { element: f.element } : {}),
    ...(f.maxLength ? { maxLength: f.maxLength } : {}),
    ...(f.codeList?.length ? { codeList: f.codeList } : {}),
  });
  return {
    name: v.name.trim(),
    summary: v.summary ?? '',
    category: v.category,
    shareType: v.shareType,
    ...(v.shareType !== 'unconditional' ? { shareCondition: v.shareCondition?.trim() ?? '' } : {}),
    openType: v.openType,
    level: v.level,
    ...(v.levelReason?.trim() ? { levelReason: v.levelReason.trim() } : {}),
    updateFrequency: v.updateFrequency,
    format: v.format,
    keywords: v.keywords ?? [],
    mount:
      v.mount?.kind && v.mount.kind !== 'records'
        ? { kind: v.mount.kind, target: v.mount.target }
        : { kind: 'records' },
    keyField: v.keyField,
    fields: v.fields.map(field),
  };
}

/** Puts each reason of a 422 under its input: "body/fields/0/name" → ['fields', 0, 'name']. */
function showReasons(form: FormInstance, problem: Problem) {
  form.setFields(
    (problem.errors ?? []).map((err) => ({
      name: err.field
        .replace(/^\/?(body\/)?/, '')
        .split(/[/.]/)
        .map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
      errors: [err.reason],
    })),
  );
}

interface Props {
  initial: Partial<ResourceInput>;
  submitLabel: string;
  /** Saves; throws an ApiError on refusal. */
  onSave: (input: ResourceInput) => Promise<void>;
  /** Shown when the save was refused because someone changed the resource meanwhile (409). */
  onConflict?: () => ReactNode;
}

/** The registration form (new and edit): every ResourceInput field, data elements and the live grading suggestion. */
export function ResourceForm({ initial, submitLabel, onSave, onConflict }: Props) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ResourceInput>();
  // Without the list (not readable), fields are typed in without a data element to pick.
  const elements: DataElement[] =
    useQuery(async () => (await ok(client.GET('/api/v1/catalog/data-elements'))).items, []).data ?? [];
  const suggestion = useSuggestion(form);
  const level = Form.useWatch('level', form) as string | undefined;
  const shareType = Form.useWatch('shareType', form) as string | undefined;
  const mountKind = Form.useWatch(['mount', 'kind'], form) as string | undefined;
  const fieldNames = ((Form.useWatch('fields', form) ?? []) as Array<Partial<FieldInput> | undefined>)
    .map((f) => f?.name)
    .filter((n): n is string => !!n);
  const below = !!suggestion && !!level && LEVELS.indexOf(level) < LEVELS.indexOf(suggestion.level);
  const showReason = below || !!initial.levelReason;
  const save = useSubmit(async (values: ResourceInput) => {
    try {
      await onSave(toInput(values));
    } catch (e) {
      if (e instanceof ApiError) showReasons(form, e.problem);
      throw e;
    }
  });
  const { problem, busy } = save;
  const conflict = problem && (problem.status === 409 || problem.code === 'CAT_VERSION_CONFLICT');
  return (
    <Form form={form} layout="vertical" onFinish={save.run} initialValues={initial} scrollToFirstError>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        {conflict && onConflict?.()}
        {problem && !conflict && <ProblemAlert problem={problem} testId="form-problem" />}
        <Card title={t('basics')}>
          <Form.Item name="name" label={t('name')} rules={[{ required: true, min: 2, max: 200 }]}>
            <Input data-testid="reg-name" />
          </Form.Item>
          <Form.Item name="summary" label={t('summary')} rules={[{ max: 2000 }]}>
            <Input.TextArea rows={2} data-testid="reg-summary" />
          </Form.Item>
          <Space wrap size="large" align="start">
            <Form.Item name="category" label={t('category')}>
              <Select
                style={{ width: 160 }}
                options={options(t, 'category', ['base', 'theme', 'topic', 'department'])}
                data-testid="reg-category"
              />
            </Form.Item>
            <Form.Item name="updateFrequency" label={t('updateFrequency')}>
              <Select
                style={{ width: 160 }}
                options={options(t, 'freq', FREQUENCIES)}
                data-testid="reg-updateFrequency"
              />
            </Form.Item>
            <Form.Item name="format" label={t('format')}>
              <Select
                style={{ width: 160 }}
                options={options(t, 'format', ['table', 'file', 'api'])}
                data-testid="reg-format"
              />
            </Form.Item>
            <Form.Item name={['mount', 'kind']} label={t('mount')}>
              <Select
                style={{ width: 180 }}
                options={options(t, 'mount', ['records', 'table', 'service'])}
                data-testid="reg-mount-kind"
              />
            </Form.Item>
            {mountKind && mountKind !== 'records' && (
              <Form.Item
                name={['mount', 'target']}
                label={t('mountTarget')}
                rules={[{ required: true, whitespace: true }]}
              >
                <Input
                  style={{ width: 280 }}
                  placeholder={t(`mountTargetHint.${mountKind}`)}
                  data-testid="reg-mount-target"
                />
              </Form.Item>
            )}
          </Space>
          <Form.Item name="keywords" label={t('keywords')} rules={[{ type: 'array', max: 20 }]}>
            <Select
              mode="tags"
              open={false}
              suffixIcon={null}
              tokenSeparators={[',', '，', ' ']}
              placeholder={t('keywordsHint')}
              data-testid="reg-keywords"
            />
          </Form.Item>
        </Card>
        <Card title={t('sharingAndGrading')}>
          <Space wrap size="large" align="start">
            <Form.Item name="shareType" label={t('shareType')}>
              <Select
                style={{ width: 160 }}
                options={options(t, 'share', ['unconditional', 'conditional', 'none'])}
                data-testid="reg-shareType"
              />
            </Form.Item>
            <Form.Item name="openType" label={t('openType')}>
              <Select
                style={{ width: 160 }}
                options={options(t, 'open', ['open', 'conditional', 'closed'])}
                data-testid="reg-openType"
              />
            </Form.Item>
            <Form.Item name="level" label={t('level')}>
              <Select style={{ width: 160 }} options={options(t, 'level', LEVELS)} data-testid="reg-level" />
            </Form.Item>
          </Space>
          {shareType && shareType !== 'unconditional' && (
            <Form.Item
              name="shareCondition"
              label={t(shareType === 'none' ? 'shareBasis' : 'shareCondition')}
              rules={[{ required: true, whitespace: true, max: 500 }]}
            >
              <Input.TextArea rows={2} data-testid="reg-shareCondition" />
            </Form.Item>
          )}
          {suggestion && (
            <Alert
              type={below ? 'warning' : 'info'}
              showIcon
              style={{ marginBottom: 16 }}
              data-testid="level-suggestion"
              title={
                <Space>
                  {t('suggestedLevel')}
                  <LevelTag value={suggestion.level} />
                </Space>
              }
              description={below ? t('levelBelowSuggestion') : undefined}
            />
          )}
          {showReason && (
            <Form.Item
              name="levelReason"
              label={t('levelReason')}
              rules={[{ required: below, whitespace: true, message: t('levelReasonRequired') }, { max: 500 }]}
            >
              <Input.TextArea rows={2} data-testid="level-reason" />
            </Form.Item>
          )}
        </Card>
        <Card title={t('fields')}>
          <FieldRows
            form={form}
            elements={elements}
            suggested={Object.fromEntries((suggestion?.fields ?? []).map((f) => [f.name, f.sensitivity]))}
          />
          <Form.Item name="keyField" label={t('keyField')} rules={[{ required: true }]} style={{ marginTop: 16 }}>
            <Select
              showSearch
              style={{ width: 240 }}
              options={fieldNames.map((n) => ({ value: n, label: n }))}
              data-testid="reg-keyField"
            />
          </Form.Item>
        </Card>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="reg-submit">
          {submitLabel}
        </Button>
      </Space>
    </Form>
  );
}
