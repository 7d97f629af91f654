import { Button, Card, Form, Input, List, Rate, Space, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { problemOf, type Problem } from '../api/http';
import { ProblemAlert } from '../ui/problem-alert';
import * as dev from './developer-api';
import { dateOf } from './Layout';

/**
 * 好差评 on a dataset page: the average, each comment with the provider's answer under it, and —
 * for a signed-in developer — the form to rate (docs/open.md).
 */
export function Ratings({ name }: { name: string }) {
  const { t } = useTranslation();
  const [data, setData] = useState<dev.DatasetRatings | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
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
