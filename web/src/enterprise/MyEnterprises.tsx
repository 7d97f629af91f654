import { UserAddOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Form,
  Input,
  List,
  Popconfirm,
  Result,
  Space,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useTaskBack } from '../a11y/back';
import { useAccessible } from '../a11y/mode';
import { client, ok, useAction, useQuery, type Answer, type Item } from '../api';
import { PurposeSelect, PurposeTags } from '../purposes';
import { useCan } from '../session';
import { FormModal } from '../ui/form-modal';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';

type Enterprise = Item<Answer<'/api/v1/me/enterprises'>['items']>;
type Agent = Item<Answer<'/api/v1/enterprises/{creditCode}/agents'>['items']>;

const day = (iso: string) => new Date(iso).toLocaleDateString();

/**
 * 我的企业: the enterprises the citizen represents or is an agent for (GET /api/v1/me/enterprises),
 * and for a representative the agents, with appoint and revoke. Lines and cards, not tables, so
 * that it reads on a 360 px phone.
 */
export default function MyEnterprisesPage() {
  const { t } = useTranslation();
  // Only a citizen account acts for enterprises: anyone else is told so, not sent a refusal.
  const citizen = useCan('enterprise:read-own');
  if (!citizen) {
    return (
      <Page title={t('enterprise.title')}>
        <Result status="info" title={t('enterprise.none')} data-testid="enterprises-not-citizen" />
      </Page>
    );
  }
  return <MyEnterprises />;
}

function MyEnterprises() {
  const { t } = useTranslation();
  const mine = useQuery(() => ok(client.GET('/api/v1/me/enterprises')), []);
  const items = mine.data?.items ?? [];
  const simple = useAccessible().accessible;
  const back = useTaskBack();
  return (
    <Page title={t('enterprise.title')} extra={back}>
      {mine.problem && <ProblemAlert problem={mine.problem} />}
      {simple && items.length > 0 && (
        <Typography.Paragraph style={{ margin: 0 }} data-testid="task-intro">
          {t('a11y.enterprisesIntro')}
        </Typography.Paragraph>
      )}
      {items.length === 0 ? (
        <Card>
          <Empty description={mine.loading ? undefined : t('enterprise.none')} data-testid="enterprises-none" />
        </Card>
      ) : (
        items.map((e) => <EnterpriseCard key={e.creditCode} enterprise={e} />)
      )}
    </Page>
  );
}

function EnterpriseCard({ enterprise: e }: { enterprise: Enterprise }) {
  const { t } = useTranslation();
  return (
    <Card
      data-testid="my-enterprise"
      title={<span style={{ whiteSpace: 'normal' }}>{e.name}</span>}
      extra={
        <Tag color={e.as === 'representative' ? 'blue' : 'green'} style={{ marginInlineEnd: 0 }}>
          {t(`enterprise.as.${e.as}`)}
        </Tag>
      }
    >
      <Line label={t('enterprise.creditCode')}>
        <Typography.Text copyable style={{ wordBreak: 'break-all' }}>
          {e.creditCode}
        </Typography.Text>
      </Line>
      <Line label={t('enterprise.representative')}>{e.representative.displayName}</Line>
      {e.as === 'agent' && (
        <>
          <Line label={t('enterprise.purposes')}>
            {e.purposes ? <PurposeTags purposes={e.purposes} /> : t('enterprise.anyPurpose')}
          </Line>
          <Line label={t('enterprise.until')}>{e.until ? day(e.until) : t('enterprise.untilRevoked')}</Line>
        </>
      )}
      {e.as === 'representative' && <Agents creditCode={e.creditCode} />}
    </Card>
  );
}

/** A label and its value on one line that wraps below it when the screen is narrow. */
function Line({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Space size={[8, 0]} wrap style={{ display: 'flex', marginBottom: 4 }}>
      <Typography.Text type="secondary">{label}</Typography.Text>
      <span>{children}</span>
    </Space>
  );
}

/** The representative's agents: each with its purposes and end, revoke beside it; appoint above. */
function Agents({ creditCode }: { creditCode: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const agents = useQuery(
    () => ok(client.GET('/api/v1/enterprises/{creditCode}/agents', { params: { path: { creditCode } } })),
    [creditCode],
  );
  const revoke = useAction(
    (a: Agent) =>
      ok(
        client.POST('/api/v1/enterprises/{creditCode}/agents/{username}/revoke', {
          params: { path: { creditCode, username: a.agent.username } },
        }),
      ),
    { success: (_, a) => t('enterprise.revoked', { name: a.agent.displayName }), then: agents.refetch },
  );
  return (
    <div style={{ marginTop: 12 }} data-testid="enterprise-agents">
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('enterprise.agents')}
        </Typography.Title>
        <Button icon={<UserAddOutlined />} onClick={() => setOpen(true)} data-testid="agent-appoint-open">
          {t('enterprise.appoint')}
        </Button>
      </Space>
      {agents.problem && <ProblemAlert problem={agents.problem} />}
      <List<Agent>
        size="small"
        loading={agents.loading}
        dataSource={agents.data?.items ?? []}
        locale={{ emptyText: t('enterprise.noAgents') }}
        renderItem={(a) => (
          <List.Item data-testid="enterprise-agent" style={{ display: 'block' }}>
            <Space size={[8, 4]} wrap>
              <Typography.Text strong>{a.agent.displayName}</Typography.Text>
              <Typography.Text type="secondary">{a.agent.username}</Typography.Text>
              {a.expired && <Tag color="gold">{t('enterprise.expired')}</Tag>}
            </Space>
            <div style={{ margin: '4px 0' }}>
              {a.purposes ? <PurposeTags purposes={a.purposes} /> : <Tag>{t('enterprise.anyPurpose')}</Tag>}
            </div>
            <Space size={[8, 4]} wrap style={{ width: '100%', justifyContent: 'space-between' }}>
              <Typography.Text type="secondary" className="qdh-small">
                {t('enterprise.until')} {a.validUntil ? day(a.validUntil) : t('enterprise.untilRevoked')}
              </Typography.Text>
              <Popconfirm
                title={t('enterprise.revokeConfirm', { name: a.agent.displayName })}
                okButtonProps={{ danger: true }}
                onConfirm={() => revoke.run(a)}
              >
                <Button danger size="small" loading={revoke.busy} data-testid={`agent-revoke-${a.agent.username}`}>
                  {t('revoke')}
                </Button>
              </Popconfirm>
            </Space>
          </List.Item>
        )}
      />
      <AppointModal
        creditCode={creditCode}
        open={open}
        onClose={() => setOpen(false)}
        onDone={() => {
          setOpen(false);
          void agents.refetch();
        }}
      />
    </div>
  );
}

interface AppointValues {
  username: string;
  purposes?: string[];
  validUntil?: Dayjs | null;
}

function AppointModal(props: { creditCode: string; open: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<AppointValues>();
  const submit = async (v: AppointValues) => {
    const made = await ok(
      client.POST('/api/v1/enterprises/{creditCode}/agents', {
        params: { path: { creditCode: props.creditCode } },
        body: {
          username: v.username.trim(),
          purposes: v.purposes?.length ? v.purposes : null,
          // A day: the hub reads it as the end of that day, China time.
          validUntil: v.validUntil ? v.validUntil.format('YYYY-MM-DD') : null,
        },
      }),
    );
    void message.success(t('enterprise.appointed', { name: made.agent.displayName }));
  };
  return (
    <FormModal
      open={props.open}
      title={t('enterprise.appoint')}
      form={form}
      onSubmit={submit}
      onDone={props.onDone}
      onCancel={() => {
        form.resetFields();
        props.onClose();
      }}
      okTestId="agent-appoint-submit"
    >
      <Typography.Paragraph type="secondary">{t('enterprise.appointHelp')}</Typography.Paragraph>
      <Form form={form} layout="vertical">
        <Form.Item name="username" label={t('enterprise.agentUsername')} rules={[{ required: true, whitespace: true }]}>
          <Input autoComplete="off" data-testid="agent-username" />
        </Form.Item>
        <Form.Item name="purposes" label={t('enterprise.purposes')} extra={t('enterprise.purposesHelp')}>
          <PurposeSelect multiple testId="agent-purposes" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="validUntil" label={t('enterprise.until')} extra={t('enterprise.untilHelp')}>
          <DatePicker
            style={{ width: '100%' }}
            disabledDate={(d) => d.endOf('day').isBefore(new Date())}
            data-testid="agent-until"
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
