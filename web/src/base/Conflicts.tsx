import { App, Button, Form, Input, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery } from '../api';
import { FormModal } from '../ui/form-modal';
import { Page } from '../ui/page';
import { can, useSession } from '../session';
import { namesOf, useOrgs } from '../catalog/orgs';
import { ProblemAlert } from '../ui/problem-alert';
import {
  BaseNav,
  ConflictStateTag,
  OriginText,
  show,
  type BaseKind,
  type Conflict,
  type ConflictState,
} from './common';

type Decision = { keep: 'authoritative' | 'other' } | { dismiss: true };
const PAGE_SIZE = 20;

/** 冲突审核: two providers' values side by side with their origins; operators keep one or dismiss. */
export default function ConflictsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { user } = useSession();
  const canReview = can(user, 'base:review');
  const orgs = namesOf(useOrgs());
  const [state, setState] = useState<ConflictState>('open');
  const [kind, setKind] = useState<BaseKind | undefined>();
  const [page, setPage] = useState(1);
  const [deciding, setDeciding] = useState<{ conflict: Conflict; decision: Decision } | null>(null);
  const conflicts = useQuery(
    () => ok(client.GET('/api/v1/base/conflicts', { params: { query: { state, kind, page, pageSize: PAGE_SIZE } } })),
    [state, kind, page],
  );
  const { data, problem, loading } = conflicts;

  const decide = async ({ note }: { note: string }) => {
    if (!deciding) return;
    const { conflict, decision } = deciding;
    const params = { path: { id: conflict.id } };
    await ok(
      'dismiss' in decision
        ? client.POST('/api/v1/base/conflicts/{id}/dismiss', { params, body: { note } })
        : client.POST('/api/v1/base/conflicts/{id}/resolve', { params, body: { keep: decision.keep, note } }),
    );
  };
  const decided = () => {
    void message.success(t('base.decided'));
    setDeciding(null);
    void conflicts.refetch();
  };

  const value = (v: { value: unknown; origin: Conflict['other']['origin'] }) => (
    <Space orientation="vertical" size={0}>
      <Typography.Text>{show(v.value)}</Typography.Text>
      <OriginText origin={v.origin} names={orgs} />
    </Space>
  );
  return (
    <Page title={t('base.conflicts')} extra={<BaseNav />}>
      <Typography.Paragraph type="secondary">{t('base.conflictsHelp')}</Typography.Paragraph>
      <Space wrap>
        <Select<ConflictState>
          value={state}
          style={{ width: 140 }}
          data-testid="conflict-state"
          onChange={(s) => (setState(s), setPage(1))}
          options={(['open', 'resolved', 'dismissed', 'superseded'] as const).map((s) => ({
            value: s,
            label: t(`base.state.${s}`),
          }))}
        />
        <Select<BaseKind>
          allowClear
          placeholder={t('base.base')}
          value={kind}
          style={{ width: 160 }}
          onChange={(k) => (setKind(k), setPage(1))}
          options={(['person', 'legal_entity'] as const).map((k) => ({ value: k, label: t(`base.kind.${k}`) }))}
        />
      </Space>
      {problem && <ProblemAlert problem={problem} />}
      <Table<Conflict>
        rowKey="id"
        loading={loading}
        dataSource={data?.items ?? []}
        data-testid="conflicts-table"
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
        }}
        columns={[
          {
            title: t('base.subject'),
            render: (_, c) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text code>{c.subject}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t(`base.kind.${c.kind}`)}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t('base.element'), dataIndex: 'elementName' },
          { title: t('base.authoritativeValue'), render: (_, c) => value(c.authoritative) },
          { title: t('base.otherValue'), render: (_, c) => value(c.other) },
          {
            title: t('state'),
            render: (_, c) => (
              <Space orientation="vertical" size={0}>
                <ConflictStateTag state={c.state} />
                {c.kept && <Typography.Text>{t(`base.kept.${c.kept}`)}</Typography.Text>}
                {c.note && <Typography.Text type="secondary">{c.note}</Typography.Text>}
              </Space>
            ),
          },
          {
            title: '',
            render: (_, c) =>
              canReview &&
              c.state === 'open' && (
                <Space orientation="vertical" size={4}>
                  <Button
                    size="small"
                    onClick={() => setDeciding({ conflict: c, decision: { keep: 'authoritative' } })}
                  >
                    {t('base.keepAuthoritative')}
                  </Button>
                  <Button
                    size="small"
                    type="primary"
                    data-testid={`keep-other-${c.id}`}
                    onClick={() => setDeciding({ conflict: c, decision: { keep: 'other' } })}
                  >
                    {t('base.keepOther')}
                  </Button>
                  <Button
                    size="small"
                    type="link"
                    onClick={() => setDeciding({ conflict: c, decision: { dismiss: true } })}
                  >
                    {t('base.dismiss')}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      <DecisionModal open={!!deciding} onCancel={() => setDeciding(null)} onDecide={decide} onDone={decided} />
    </Page>
  );
}

/** Every decision says why: the note stays with the conflict and the decision goes on the ledger. */
function DecisionModal({
  open,
  onCancel,
  onDecide,
  onDone,
}: {
  open: boolean;
  onCancel: () => void;
  onDecide: (values: { note: string }) => Promise<void>;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ note: string }>();
  // A note left by a cancelled decision must not carry over to the next conflict.
  const cancel = () => {
    form.resetFields();
    onCancel();
  };
  return (
    <FormModal
      open={open}
      title={t('base.decide')}
      form={form}
      onSubmit={onDecide}
      onDone={onDone}
      onCancel={cancel}
      okTestId="decision-submit"
    >
      <Form.Item
        name="note"
        label={t('base.note')}
        rules={[{ required: true, whitespace: true, message: t('base.noteRequired') }]}
      >
        <Input.TextArea rows={3} maxLength={500} data-testid="decision-note" />
      </Form.Item>
    </FormModal>
  );
}
