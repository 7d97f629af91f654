import { App, Button, Card, Collapse, Empty, Form, Input, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery, useSubmit } from '../api';
import { can, useCan, useSession } from '../session';
import { FormModal } from '../ui/form-modal';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { inLanguage } from './Ask';
import type { ProofItem, Texts } from './types';

/**
 * 证明事项管理 (operators, and a department's officers for its items): the items with their rule
 * in words, every version of a rule, and a JSON editor that checks a rule — its problems in
 * words — before it is saved as a new version.
 */
export default function ItemsPage() {
  const { t, i18n } = useTranslation();
  const items = useQuery(async () => (await ok(client.GET('/api/v1/attestations/items'))).items, []);
  const [editing, setEditing] = useState<ProofItem>();
  const [adding, setAdding] = useState(false);
  const mayAdd = useCan('attest:manage');
  const { user } = useSession();
  return (
    <Page
      title={t('attest.itemsTitle')}
      extra={
        mayAdd && (
          <Button type="primary" onClick={() => setAdding(true)} data-testid="attest-new">
            {t('attest.newItem')}
          </Button>
        )
      }
    >
      {items.problem && <ProblemAlert problem={items.problem} />}
      {items.data?.length === 0 && <Empty description={t('attest.none')} />}
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        {(items.data ?? []).map((item) => (
          <Card
            key={item.code}
            size="small"
            data-testid={`attest-item-${item.code}`}
            title={
              <Space wrap size={4}>
                <span>{inLanguage(item.name, i18n.language)}</span>
                <Tag>{t('attest.versionNo', { version: item.version })}</Tag>
              </Space>
            }
            extra={
              // A department's officer changes the rules of its own items only (attest:manage, own).
              can(user, 'attest:manage', { ownerOrg: item.provider.code }) && (
                <Button size="small" onClick={() => setEditing(item)} data-testid={`attest-edit-${item.code}`}>
                  {t('attest.edit')}
                </Button>
              )
            }
          >
            <Typography.Paragraph style={{ marginBottom: 4 }}>
              <Typography.Text type="secondary">{t('attest.department')}：</Typography.Text>
              {item.provider.name}
              {' · '}
              {t(`attest.subjectKind.${item.subjectKind}`)}
            </Typography.Paragraph>
            <Typography.Paragraph style={{ marginBottom: 4 }}>
              <Typography.Text type="secondary">{t('attest.condition')}：</Typography.Text>
              {inLanguage(item.description, i18n.language)}
            </Typography.Paragraph>
            <Versions code={item.code} />
          </Card>
        ))}
      </Space>
      {editing && <RuleEditor item={editing} onClose={() => setEditing(undefined)} />}
      <NewItem open={adding} onClose={() => setAdding(false)} />
    </Page>
  );
}

/** Every version of the item's rule, loaded when opened. */
function Versions({ code }: { code: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const detail = useQuery(
    async () =>
      open ? ok(client.GET('/api/v1/attestations/items/{code}', { params: { path: { code } } })) : undefined,
    [open, code],
  );
  return (
    <Collapse
      size="small"
      ghost
      onChange={(keys) => setOpen(keys.length > 0)}
      items={[
        {
          key: 'versions',
          label: t('attest.versions'),
          children: (
            <Space orientation="vertical" style={{ width: '100%' }}>
              {(detail.data?.versions ?? []).map((v) => (
                <div key={v.version} data-testid={`attest-version-${v.version}`}>
                  <Typography.Text strong>{t('attest.versionNo', { version: v.version })}</Typography.Text>{' '}
                  <Typography.Text type="secondary">
                    {t('attest.by', { user: v.createdBy, at: new Date(v.createdAt).toLocaleString() })}
                  </Typography.Text>
                  {v.note && <div>{v.note}</div>}
                  <WordsOf texts={v.description} />
                  <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12, margin: 0 }}>
                    {JSON.stringify(v.rule)}
                  </pre>
                </div>
              ))}
            </Space>
          ),
        },
      ]}
    />
  );
}

function WordsOf({ texts }: { texts: Texts }) {
  const { i18n } = useTranslation();
  return <Typography.Text>{inLanguage(texts, i18n.language)}</Typography.Text>;
}

/** The rule as JSON text, checked on the hub (its words, or its problems in words), then saved. */
function RuleEditor({ item, onClose }: { item: ProofItem; onClose: () => void }) {
  const { t } = useTranslation();
  const badJson = (reason: string) => t('attest.badJson', { reason });
  const { message } = App.useApp();
  const [form] = Form.useForm<{ rule: string; note?: string }>();
  const [words, setWords] = useState<Texts>();
  const check = useSubmit(async (text: string) => {
    setWords(undefined);
    const checked = await ok(
      client.POST('/api/v1/attestations/rules/check', {
        body: { subjectKind: item.subjectKind, rule: parse(text, badJson) },
      }),
    );
    setWords(checked.description);
  });
  return (
    <FormModal
      open
      title={`${t('attest.edit')} · ${item.code}`}
      form={form}
      width={720}
      okText={t('attest.save')}
      okTestId="attest-save"
      onCancel={onClose}
      onDone={onClose}
      onSubmit={async (v) => {
        const saved = await ok(
          client.PUT('/api/v1/attestations/items/{code}', {
            params: { path: { code: item.code } },
            body: { rule: parse(v.rule, badJson), note: v.note, baseVersion: item.version },
          }),
        );
        void message.success(t('attest.saved', { version: saved.version }));
      }}
    >
      <Form form={form} layout="vertical" initialValues={{ rule: JSON.stringify(item.rule, null, 2) }}>
        <Typography.Paragraph type="secondary">{t('attest.ruleHint')}</Typography.Paragraph>
        <Form.Item name="rule" label={t('attest.rule')} rules={[{ required: true }]}>
          <Input.TextArea
            autoSize={{ minRows: 6, maxRows: 20 }}
            style={{ fontFamily: 'monospace' }}
            data-testid="attest-rule"
            onChange={() => setWords(undefined)}
          />
        </Form.Item>
        <Form.Item name="note" label={t('attest.note')}>
          <Input maxLength={500} />
        </Form.Item>
        <Button
          onClick={() => void check.run(form.getFieldValue('rule') as string)}
          loading={check.busy}
          data-testid="attest-check"
        >
          {t('attest.check')}
        </Button>
        {check.problem && (
          <ProblemAlert problem={check.problem} testId="attest-rule-problem" style={{ marginTop: 12 }} />
        )}
        {words && (
          <Typography.Paragraph type="success" style={{ marginTop: 12 }} data-testid="attest-rule-words">
            {t('attest.checkedAs', { words: '' })}
            <WordsOf texts={words} />
          </Typography.Paragraph>
        )}
      </Form>
    </FormModal>
  );
}

/** The JSON of the editor, or a problem in words where it is not JSON. */
function parse(text: string, badJson: (reason: string) => string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(badJson(e instanceof Error ? e.message : String(e)), { cause: e });
  }
}

interface NewItemForm {
  code: string;
  nameZh: string;
  nameEn: string;
  provider: string;
  subjectKind: 'person' | 'legal_entity';
  rule: string;
}

/** A new item with its first rule version. */
function NewItem({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const badJson = (reason: string) => t('attest.badJson', { reason });
  const [form] = Form.useForm<NewItemForm>();
  const orgs = useQuery(async () => (open ? ok(client.GET('/api/v1/orgs')) : []), [open]);
  return (
    <FormModal
      open={open}
      title={t('attest.newItem')}
      form={form}
      width={720}
      okTestId="attest-create"
      onCancel={onClose}
      onDone={onClose}
      onSubmit={(v) =>
        ok(
          client.POST('/api/v1/attestations/items', {
            body: {
              code: v.code,
              name: { 'zh-CN': v.nameZh, en: v.nameEn },
              provider: v.provider,
              subjectKind: v.subjectKind,
              rule: parse(v.rule, badJson),
            },
          }),
        )
      }
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ subjectKind: 'person', rule: '{\n  "exists": { "base": "person" }\n}' }}
      >
        <Form.Item name="code" label={t('attest.code')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{1,39}$/ }]}>
          <Input data-testid="attest-code" />
        </Form.Item>
        <Form.Item name="nameZh" label={t('attest.nameZh')} rules={[{ required: true, max: 60 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="nameEn" label={t('attest.nameEn')} rules={[{ required: true, max: 120 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="provider" label={t('attest.department')} rules={[{ required: true }]}>
          <Select
            showSearch
            optionFilterProp="label"
            options={(orgs.data ?? [])
              .filter((o) => o.kind === 'department')
              .map((o) => ({ value: o.code, label: o.name }))}
          />
        </Form.Item>
        <Form.Item name="subjectKind" label={t('attest.subjectKind')}>
          <Select
            options={[
              { value: 'person', label: t('attest.subjectKind.person') },
              { value: 'legal_entity', label: t('attest.subjectKind.legal_entity') },
            ]}
          />
        </Form.Item>
        <Typography.Paragraph type="secondary">{t('attest.ruleHint')}</Typography.Paragraph>
        <Form.Item name="rule" label={t('attest.rule')} rules={[{ required: true }]}>
          <Input.TextArea autoSize={{ minRows: 4, maxRows: 16 }} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
