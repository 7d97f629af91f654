import { App, Button, Card, DatePicker, Empty, Form, Input, List, Segmented, Space, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery } from '../api';
import { FormModal } from '../ui/form-modal';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';

type State = 'pending' | 'approved' | 'refused';
type Item = NonNullable<Awaited<ReturnType<typeof load>>>[number];
const load = (state: State | undefined) =>
  ok(client.GET('/api/v1/open/applications', { params: { query: state ? { state } : {} } }));

export const STATE_COLOR: Record<State, string> = { pending: 'gold', approved: 'green', refused: 'red' };

/**
 * 有条件开放申请 (/open-applications): the providing department's officers answer developers'
 * applications for their conditional open datasets — approve with terms and an expiry, or refuse
 * with a reason, which the applicant sees in the developer centre (docs/open.md).
 */
export default function OpenApplicationsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [state, setState] = useState<State | 'all'>('pending');
  const list = useQuery(() => load(state === 'all' ? undefined : state), [state]);
  const [answering, setAnswering] = useState<{ item: Item; approve: boolean } | null>(null);
  const [form] = Form.useForm<{ terms?: string; expiresAt?: Dayjs; reason?: string }>();

  const submit = async (v: { terms?: string; expiresAt?: Dayjs; reason?: string }) => {
    const item = answering!.item;
    const body = answering!.approve
      ? { resource: item.dataset.code, approve: true as const, terms: v.terms!, expiresAt: v.expiresAt!.toISOString() }
      : { resource: item.dataset.code, approve: false as const, reason: v.reason! };
    await ok(client.POST('/api/v1/open/applications/{id}/decision', { params: { path: { id: item.id } }, body }));
  };

  return (
    <Page title={t('open.apps.title')}>
      <Typography.Paragraph type="secondary">{t('open.apps.intro')}</Typography.Paragraph>
      <Segmented
        value={state}
        onChange={(v) => setState(v as State | 'all')}
        options={(['pending', 'approved', 'refused', 'all'] as const).map((s) => ({
          value: s,
          label: t(`open.apps.state.${s}`),
        }))}
        data-testid="open-apps-state"
      />
      {list.problem && <ProblemAlert problem={list.problem} />}
      <List
        loading={list.loading}
        dataSource={list.data ?? []}
        locale={{ emptyText: <Empty description={t('open.apps.none')} /> }}
        data-testid="open-apps"
        renderItem={(a) => (
          <Card size="small" style={{ marginBottom: 12 }} data-testid={`open-app-${a.id}`}>
            <Space orientation="vertical" size={4} style={{ width: '100%', minWidth: 0 }}>
              <Space wrap>
                <Typography.Text strong>{a.dataset.code}</Typography.Text>
                <Tag color={STATE_COLOR[a.state]}>{t(`open.apps.state.${a.state}`)}</Tag>
                <Typography.Text type="secondary">
                  {t('open.apps.applicant', { name: a.applicant.name, email: a.applicant.email })}
                </Typography.Text>
              </Space>
              <Typography.Text>
                {t('open.apps.purpose')}：{a.purpose}
              </Typography.Text>
              <Typography.Text>
                {t('open.apps.use')}：{a.use}
              </Typography.Text>
              <Typography.Text>
                {t('open.apps.security')}：{a.security}
              </Typography.Text>
              {a.state === 'approved' && (
                <Typography.Text type="secondary">
                  {t('open.apps.approvedUntil', { terms: a.terms, date: new Date(a.expiresAt!).toLocaleString() })}
                </Typography.Text>
              )}
              {a.state === 'refused' && (
                <Typography.Text type="secondary">{t('open.apps.refusedFor', { reason: a.reason })}</Typography.Text>
              )}
              {a.state === 'pending' && (
                <Space wrap>
                  <Button
                    type="primary"
                    size="small"
                    data-testid="open-app-approve"
                    onClick={() => setAnswering({ item: a, approve: true })}
                  >
                    {t('open.apps.approve')}
                  </Button>
                  <Button size="small" danger onClick={() => setAnswering({ item: a, approve: false })}>
                    {t('open.apps.refuse')}
                  </Button>
                </Space>
              )}
            </Space>
          </Card>
        )}
      />
      <FormModal<{ terms?: string; expiresAt?: Dayjs; reason?: string }>
        open={answering !== null}
        title={answering?.approve ? t('open.apps.approve') : t('open.apps.refuse')}
        form={form}
        onSubmit={submit}
        onDone={() => {
          void message.success(t('open.apps.answered'));
          setAnswering(null);
          void list.refetch();
        }}
        onCancel={() => setAnswering(null)}
        okTestId="open-app-answer-ok"
        danger={answering?.approve === false}
      >
        <Form form={form} layout="vertical">
          {answering?.approve ? (
            <>
              <Form.Item name="terms" label={t('open.apps.terms')} rules={[{ required: true, max: 2000 }]}>
                <Input.TextArea rows={3} data-testid="open-app-terms" />
              </Form.Item>
              <Form.Item name="expiresAt" label={t('open.apps.expiresAt')} rules={[{ required: true }]}>
                <DatePicker showTime data-testid="open-app-expiry" />
              </Form.Item>
            </>
          ) : (
            <Form.Item name="reason" label={t('open.apps.reason')} rules={[{ required: true, max: 2000 }]}>
              <Input.TextArea rows={3} data-testid="open-app-reason" />
            </Form.Item>
          )}
        </Form>
      </FormModal>
      <RatingAnswers />
    </Page>
  );
}

type RatingItem = NonNullable<Awaited<ReturnType<typeof loadRatings>>>[number];
const loadRatings = () => ok(client.GET('/api/v1/open/ratings'));

/** 好差评: the ratings of the department's open datasets, answered in public, unanswered first. */
function RatingAnswers() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const ratings = useQuery(loadRatings, []);
  const [answering, setAnswering] = useState<RatingItem | null>(null);
  const [form] = Form.useForm<{ answer: string }>();
  return (
    <Card size="small" title={t('open.apps.ratings')} data-testid="open-ratings-answers">
      {ratings.problem && <ProblemAlert problem={ratings.problem} />}
      <List
        loading={ratings.loading}
        dataSource={ratings.data ?? []}
        locale={{ emptyText: <Empty description={t('open.rate.none')} /> }}
        renderItem={(r) => (
          <List.Item
            actions={[
              <Button key="answer" size="small" onClick={() => setAnswering(r)}>
                {t('open.apps.answer')}
              </Button>,
            ]}
          >
            <Space orientation="vertical" size={2} style={{ width: '100%', minWidth: 0 }}>
              <Space wrap size={4}>
                <Typography.Text strong>{r.dataset}</Typography.Text>
                <Tag>{t('open.apps.stars', { n: r.rating })}</Tag>
                <Typography.Text type="secondary">{r.author}</Typography.Text>
              </Space>
              {r.comment && <Typography.Text>{r.comment}</Typography.Text>}
              {r.answer && (
                <Typography.Text type="secondary">{t('open.rate.answer', { answer: r.answer })}</Typography.Text>
              )}
            </Space>
          </List.Item>
        )}
      />
      <FormModal<{ answer: string }>
        open={answering !== null}
        title={t('open.apps.answer')}
        form={form}
        onSubmit={(v) =>
          ok(
            client.POST('/api/v1/open/ratings/{id}/answer', {
              params: { path: { id: answering!.id } },
              body: { resource: answering!.dataset, answer: v.answer },
            }),
          )
        }
        onDone={() => {
          void message.success(t('open.apps.answered'));
          setAnswering(null);
          void ratings.refetch();
        }}
        onCancel={() => setAnswering(null)}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="answer" label={t('open.apps.publicAnswer')} rules={[{ required: true, max: 2000 }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </FormModal>
    </Card>
  );
}
