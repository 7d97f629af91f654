import { App, Button, Card, Empty, Form, Input, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery } from '../api';
import { useAction } from '../api/use-action';
import { FormModal } from '../ui/form-modal';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';

type Item = NonNullable<Awaited<ReturnType<typeof load>>>[number];
const load = () => ok(client.GET('/api/v1/open/comments'));
const decide = (id: number, body: { approve: true } | { approve: false; reason: string }) =>
  ok(client.POST('/api/v1/open/comments/{id}/moderation', { params: { path: { id } }, body }));

/**
 * 开放数据评论审核 (/open-comments): the platform's operators review developers' comments on open
 * datasets before they are shown (先审后发), oldest first — publish, or reject with a reason only
 * the author reads. Not the providing department's: it must not suppress criticism of its data.
 */
export default function OpenModerationPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = useQuery(load, []);
  const [rejecting, setRejecting] = useState<Item | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const publish = useAction((item: Item) => decide(item.id, { approve: true }), {
    success: () => t('open.moderation.done'),
    then: list.refetch,
  });

  return (
    <Page title={t('open.moderation.title')}>
      <Typography.Paragraph type="secondary">{t('open.moderation.intro')}</Typography.Paragraph>
      {list.problem && <ProblemAlert problem={list.problem} />}
      <List
        loading={list.loading}
        dataSource={list.data ?? []}
        locale={{ emptyText: <Empty description={t('open.moderation.none')} /> }}
        data-testid="open-moderation"
        renderItem={(c) => (
          <Card size="small" style={{ marginBottom: 12 }} data-testid={`open-comment-${c.id}`}>
            <Space orientation="vertical" size={4} style={{ width: '100%', minWidth: 0 }}>
              <Space wrap size={4}>
                <Typography.Text strong title={c.dataset}>
                  {c.title}
                </Typography.Text>
                <Tag>{t('open.rate.stars', { n: c.rating })}</Tag>
                <Typography.Text type="secondary">{t('open.moderation.author', { name: c.author })}</Typography.Text>
                <Typography.Text type="secondary">{new Date(c.createdAt).toLocaleString()}</Typography.Text>
              </Space>
              <Typography.Paragraph style={{ marginBottom: 0, overflowWrap: 'anywhere' }}>
                {c.comment}
              </Typography.Paragraph>
              <Space wrap>
                <Button
                  type="primary"
                  size="small"
                  disabled={publish.busy}
                  data-testid="open-comment-approve"
                  onClick={() => void publish.run(c)}
                >
                  {t('open.moderation.approve')}
                </Button>
                <Button size="small" danger data-testid="open-comment-reject" onClick={() => setRejecting(c)}>
                  {t('open.moderation.reject')}
                </Button>
              </Space>
            </Space>
          </Card>
        )}
      />
      <FormModal<{ reason: string }>
        open={rejecting !== null}
        title={t('open.moderation.reject')}
        form={form}
        onSubmit={(v) => decide(rejecting!.id, { approve: false, reason: v.reason })}
        onDone={() => {
          void message.success(t('open.moderation.done'));
          setRejecting(null);
          void list.refetch();
        }}
        onCancel={() => setRejecting(null)}
        okTestId="open-comment-reject-ok"
        danger
      >
        <Form form={form} layout="vertical">
          <Form.Item name="reason" label={t('open.moderation.reason')} rules={[{ required: true, max: 500 }]}>
            <Input.TextArea rows={3} data-testid="open-comment-reason" />
          </Form.Item>
        </Form>
      </FormModal>
    </Page>
  );
}
