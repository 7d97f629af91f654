import { Alert, Button, Card, Form, Input, List, Rate, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useQuery } from '../api';
import { problemOf, type Problem } from '../api/http';
import { ProblemAlert } from '../ui/problem-alert';
import * as dev from './developer-api';
import { dateOf } from './Layout';

export const COMMENT_COLOR: Record<dev.OwnRating['state'], string> = {
  pending: 'gold',
  published: 'green',
  rejected: 'red',
};

/** 我的评价 in the developer centre: each rating with its comment's review state, and why one was not published. */
export function MyRatings() {
  const { t } = useTranslation();
  const { data: items = [], problem } = useQuery(() => dev.myRatings(), []);
  return (
    <Card size="small" title={t('open.rate.mine')} data-testid="open-dev-ratings">
      {problem && <ProblemAlert problem={problem} style={{ marginBottom: 8 }} />}
      <List
        dataSource={items}
        locale={{ emptyText: t('open.rate.mineNone') }}
        renderItem={(r) => (
          <List.Item data-testid={`open-dev-rating-${r.id}`}>
            <Space orientation="vertical" size={2} style={{ width: '100%', minWidth: 0 }}>
              <Space wrap size={4}>
                <Link to={`/open/datasets/${r.dataset}`}>{r.title}</Link>
                <Tag>{t('open.rate.stars', { n: r.rating })}</Tag>
                {r.comment && <Tag color={COMMENT_COLOR[r.state]}>{t(`open.rate.state.${r.state}`)}</Tag>}
                <Typography.Text type="secondary">{dateOf(r.createdAt)}</Typography.Text>
              </Space>
              {r.comment && <Typography.Text>{r.comment}</Typography.Text>}
              {r.reason && (
                <Typography.Text type="danger" data-testid="open-dev-rating-reason">
                  {t('open.rate.rejectedFor', { reason: r.reason })}
                </Typography.Text>
              )}
              {r.answer && r.state === 'published' && (
                <Typography.Text type="secondary">{t('open.rate.answer', { answer: r.answer })}</Typography.Text>
              )}
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}

/**
 * 好差评 on a dataset page: the average, each comment with the provider's answer under it, and —
 * for a signed-in developer — the form to rate (docs/open.md).
 */
export function Ratings({ name }: { name: string }) {
  const { t } = useTranslation();
  const [data, setData] = useState<dev.DatasetRatings | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [underReview, setUnderReview] = useState(false);
  const [form] = Form.useForm<{ rating: number; comment: string }>();
  const signedIn = dev.developerToken() !== null;
  const load = useCallback(async () => {
    try {
      setData(await dev.ratingsOf(name));
    } catch (e) {
      setProblem(problemOf(e));
    }
  }, [name]);
  useEffect(() => {
    void load();
  }, [load]);
  const submit = async (v: { rating: number; comment: string }) => {
    try {
      await dev.rate({ dataset: name, rating: v.rating, comment: v.comment ?? '' });
      setProblem(null);
      // A comment is shown once reviewed (先审后发): say so, rather than let it seem lost.
      setUnderReview((v.comment ?? '').trim() !== '');
      form.resetFields();
      await load();
    } catch (e) {
      setProblem(problemOf(e));
    }
  };
  return (
    <Card size="small" title={t('open.rate.title')} style={{ marginTop: 16 }} data-testid="open-ratings">
      {data && data.count > 0 ? (
        <Space wrap style={{ marginBottom: 8 }}>
          <Rate disabled allowHalf value={data.average ?? 0} />
          <span data-testid="open-rating-average">
            {t('open.rate.average', { average: data.average, n: data.count })}
          </span>
        </Space>
      ) : (
        <Typography.Paragraph type="secondary">{t('open.rate.none')}</Typography.Paragraph>
      )}
      {problem && <ProblemAlert problem={problem} style={{ marginBottom: 8 }} />}
      {underReview && (
        <Alert
          type="info"
          showIcon
          title={t('open.rate.pendingNote')}
          style={{ marginBottom: 8 }}
          data-testid="open-rating-pending"
        />
      )}
      <List
        dataSource={data?.items ?? []}
        locale={{ emptyText: ' ' }}
        renderItem={(r) => (
          <List.Item>
            <Space orientation="vertical" size={2} style={{ width: '100%', minWidth: 0 }}>
              <Space wrap size={4}>
                <Rate disabled value={r.rating} style={{ fontSize: 14 }} />
                <Typography.Text strong>{r.author}</Typography.Text>
                <Typography.Text type="secondary">{dateOf(r.createdAt)}</Typography.Text>
              </Space>
              {r.comment && <Typography.Text>{r.comment}</Typography.Text>}
              {r.answer && (
                <Typography.Text type="secondary" data-testid="open-rating-answer">
                  {t('open.rate.answer', { answer: r.answer })}
                </Typography.Text>
              )}
            </Space>
          </List.Item>
        )}
      />
      {signedIn ? (
        <Form form={form} layout="vertical" onFinish={submit} style={{ marginTop: 8 }}>
          <Form.Item name="rating" label={t('open.rate.yours')} rules={[{ required: true }]}>
            <Rate />
          </Form.Item>
          <Form.Item name="comment" rules={[{ max: 2000 }]}>
            <Input.TextArea rows={2} placeholder={t('open.rate.comment')} data-testid="open-rating-comment" />
          </Form.Item>
          <Button htmlType="submit" data-testid="open-rating-submit">
            {t('open.rate.submit')}
          </Button>
        </Form>
      ) : (
        <Link to="/open/developer">{t('open.rate.signIn')}</Link>
      )}
    </Card>
  );
}
