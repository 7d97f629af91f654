import { Alert, Button, Card, Form, Input, List, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useQuery } from '../api';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { problemOf, type Problem } from '../api/http';
import { ProblemAlert } from '../ui/problem-alert';
import * as dev from './developer-api';
import { OpenLayout, dateOf } from './Layout';

type Values = { need: string; purpose: string; provider?: string };
const STATE_COLOR = { waiting: 'gold', answered: 'green', refused: 'default' } as const;

/**
 * 数据需求 (/open/requests, docs/open.md): a signed-in developer asks for data the portal lacks;
 * the request goes to the operators, who route it to a department. Anyone sees the answered ones.
 */
export default function OpenRequestsPage() {
  const { t } = useTranslation();
  const [answered, setAnswered] = useState<dev.DatasetRequest[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    dev.answeredRequests().then(setAnswered, (e: unknown) => setProblem(problemOf(e)));
  }, []);
  return (
    <OpenLayout title={t('open.request.title')}>
      <Link to="/open">← {t('open.back')}</Link>
      <Typography.Title level={3} style={{ marginTop: 8 }} data-testid="open-request-title">
        {t('open.request.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('open.request.intro')}</Typography.Paragraph>
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <RequestForm />
        <Card size="small" title={t('open.request.answered')}>
          {problem && <ProblemAlert problem={problem} style={{ marginBottom: 8 }} />}
          <RequestList items={answered} empty={t('open.request.noneAnswered')} testId="open-request-answered" />
        </Card>
      </Space>
    </OpenLayout>
  );
}

function RequestForm() {
  const { t } = useTranslation();
  const [done, setDone] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [form] = Form.useForm<Values>();
  if (dev.developerToken() === null)
    return (
      <Card size="small">
        <Link to="/open/developer">{t('open.request.signIn')}</Link>
      </Card>
    );
  const submit = async (v: Values) => {
    try {
      await dev.requestDataset(v);
      setProblem(null);
      setDone(true);
      form.resetFields();
    } catch (e) {
      setProblem(problemOf(e));
    }
  };
  return (
    <Card size="small" title={t('open.request.new')} data-testid="open-request-form">
      {done && (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 8 }}
          data-testid="open-request-done"
          title={t('open.request.done')}
          description={<Link to="/open/developer">{t('open.request.seeAnswer')}</Link>}
        />
      )}
      {problem && <ProblemAlert problem={problem} style={{ marginBottom: 8 }} />}
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="need" label={t('open.request.need')} rules={[{ required: true, max: 2000 }]}>
          <Input.TextArea rows={3} data-testid="open-request-need" />
        </Form.Item>
        <Form.Item name="purpose" label={t('open.request.purpose')} rules={[{ required: true, max: 2000 }]}>
          <Input.TextArea rows={2} data-testid="open-request-purpose" />
        </Form.Item>
        <Form.Item name="provider" label={t('open.request.provider')} rules={[{ max: 100 }]}>
          <Input data-testid="open-request-provider" />
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="open-request-submit">
          {t('open.request.submit')}
        </Button>
      </Form>
    </Card>
  );
}

function RequestList({ items, empty, testId }: { items: dev.DatasetRequest[]; empty: string; testId: string }) {
  const { t } = useTranslation();
  return (
    <List
      dataSource={items}
      locale={{ emptyText: empty }}
      data-testid={testId}
      renderItem={(r) => (
        <List.Item>
          <Space orientation="vertical" size={2} style={{ width: '100%', minWidth: 0 }}>
            <Space wrap size={4}>
              <Tag color={STATE_COLOR[r.state]}>{t(`open.request.state.${r.state}`)}</Tag>
              <Typography.Text type="secondary">{dateOf(r.createdAt)}</Typography.Text>
            </Space>
            <Typography.Text strong style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {r.need}
            </Typography.Text>
            {r.provider && (
              <Typography.Text type="secondary">{t('open.request.routed', { name: r.provider.name })}</Typography.Text>
            )}
            {r.state === 'answered' &&
              (r.dataset ? (
                <Typography.Text>
                  {t('open.request.answer')}
                  <Link to={`/open/datasets/${r.dataset.name}`}>{r.dataset.title}</Link>
                </Typography.Text>
              ) : (
                <Typography.Text>{t('open.request.answerNotOpen')}</Typography.Text>
              ))}
            {r.reason && <Typography.Text>{t('open.request.refusedFor', { reason: r.reason })}</Typography.Text>}
          </Space>
        </List.Item>
      )}
    />
  );
}

/** 我的数据需求 in the developer centre: each request's state and answer, and a link to ask for more. */
export function MyRequests() {
  const { t } = useTranslation();
  const { data: items = [], problem } = useQuery(() => dev.datasetRequests(), []);
  return (
    <Card
      size="small"
      title={t('open.request.mine')}
      extra={<Link to="/open/requests">{t('open.request.new')}</Link>}
      data-testid="open-dev-requests"
    >
      {problem && <ProblemAlert problem={problem} style={{ marginBottom: 8 }} />}
      <RequestList items={items} empty={t('open.request.none')} testId="open-dev-request-list" />
    </Card>
  );
}
