import { Alert, Button, Card, Form, Input, List, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useQuery } from '../api';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { problemOf, type Problem } from '../api/http';
import { ProblemAlert } from '../ui/problem-alert';
import * as dev from './developer-api';
import { dateOf } from './Layout';

type Values = { key: string; field: string; wrong: string; correct?: string; note?: string };

/**
 * 纠错 on a dataset page (docs/open.md): a signed-in developer reports a wrong value of one record's
 * field; it goes to the provider as a correction with a deadline, and the answer shows in the
 * developer centre. Only the fields the page shows can be chosen.
 */
export function ReportError({ name, fields }: { name: string; fields: Array<{ name: string; label: string }> }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<dev.ErrorReport | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [form] = Form.useForm<Values>();
  const signedIn = dev.developerToken() !== null;
  const submit = async (v: Values) => {
    try {
      setDone(await dev.reportError({ dataset: name, ...v }));
      setProblem(null);
      form.resetFields();
      setOpen(false);
    } catch (e) {
      setProblem(problemOf(e));
    }
  };
  return (
    <Card size="small" title={t('open.report.title')} style={{ marginTop: 16 }} data-testid="open-report">
      <Typography.Paragraph type="secondary">{t('open.report.intro')}</Typography.Paragraph>
      {done && (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 8 }}
          data-testid="open-report-done"
          title={t('open.report.done', { due: done.dueDate })}
          description={<Link to="/open/developer">{t('open.report.seeAnswer')}</Link>}
        />
      )}
      {problem && <ProblemAlert problem={problem} style={{ marginBottom: 8 }} />}
      {!signedIn ? (
        <Link to="/open/developer">{t('open.report.signIn')}</Link>
      ) : !open ? (
        <Button onClick={() => setOpen(true)} data-testid="open-report-open">
          {t('open.report.start')}
        </Button>
      ) : (
        <Form form={form} layout="vertical" onFinish={submit}>
          <Form.Item name="field" label={t('open.report.field')} rules={[{ required: true }]}>
            <Select
              data-testid="open-report-field"
              options={fields.map((f) => ({ value: f.name, label: `${f.label}（${f.name}）` }))}
            />
          </Form.Item>
          <Form.Item name="key" label={t('open.report.key')} extra={t('open.report.keyHelp')} rules={[{ max: 100 }]}>
            <Input data-testid="open-report-key" />
          </Form.Item>
          <Form.Item name="wrong" label={t('open.report.wrong')} rules={[{ required: true, max: 2000 }]}>
            <Input data-testid="open-report-wrong" />
          </Form.Item>
          <Form.Item name="correct" label={t('open.report.correct')} rules={[{ max: 2000 }]}>
            <Input data-testid="open-report-correct" />
          </Form.Item>
          <Form.Item name="note" label={t('open.report.note')} rules={[{ max: 2000 }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Space wrap>
            <Button type="primary" htmlType="submit" data-testid="open-report-submit">
              {t('open.report.submit')}
            </Button>
            <Button onClick={() => setOpen(false)}>{t('open.report.cancel')}</Button>
          </Space>
        </Form>
      )}
    </Card>
  );
}

const REPORT_COLOR = { open: 'gold', accepted: 'green', rejected: 'default' } as const;

/** 我的纠错 in the developer centre: each report's state and the provider's answer. */
export function MyReports() {
  const { t } = useTranslation();
  const { data: items = [], problem } = useQuery(() => dev.errorReports(), []);
  return (
    <Card size="small" title={t('open.report.mine')} data-testid="open-dev-reports">
      {problem && <ProblemAlert problem={problem} style={{ marginBottom: 8 }} />}
      <List
        dataSource={items}
        locale={{ emptyText: t('open.report.none') }}
        renderItem={(r) => (
          <List.Item data-testid={`open-dev-report-${r.id}`}>
            <Space orientation="vertical" size={2} style={{ width: '100%', minWidth: 0 }}>
              <Space wrap size={4}>
                <Link to={`/open/datasets/${r.dataset}`}>{r.title}</Link>
                <Typography.Text>
                  · {r.key ? t('open.report.record', { key: r.key }) : t('open.report.allRecords')} · {r.field.label}
                </Typography.Text>
                <Tag color={REPORT_COLOR[r.state]}>{t(`open.report.state.${r.state}`)}</Tag>
              </Space>
              <Typography.Text type="secondary">
                {r.state === 'open'
                  ? t('open.report.due', { date: dateOf(r.createdAt), due: r.dueDate })
                  : t('open.report.decided', { date: dateOf(r.decidedAt!) })}
              </Typography.Text>
              {r.reason && (
                <Typography.Text data-testid="open-dev-report-reason">
                  {t('open.report.reason', { reason: r.reason })}
                </Typography.Text>
              )}
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}
