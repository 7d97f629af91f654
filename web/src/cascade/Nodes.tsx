import { KeyOutlined, ReloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Empty,
  Grid,
  InputNumber,
  List,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useAction, useQuery, type Answer } from '../api';
import { useCan } from '../session';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { DistrictWork } from './District';

type NodeStatus = Answer<'/api/v1/cascade/nodes', 'get'>[number];
type NodeAlert = Answer<'/api/v1/cascade/alerts', 'get'>[number];

const STATUS_COLOR: Record<string, string> = {
  active: 'green',
  never_synced: 'default',
  failing: 'red',
  suspended: 'orange',
};

const when = (v: string | null, never: string) => (v ? new Date(v).toLocaleString() : never);

/** 级联节点: the nodes this node knows, how their syncs go, the ledger alerts, and enrolment tokens. */
export default function CascadePage() {
  const { t } = useTranslation();
  const phone = !Grid.useBreakpoint().md;
  const manage = useCan('cascade:manage');
  const answer = useQuery(async () => {
    const [card, nodes, alerts] = await Promise.all([
      ok(client.GET('/api/v1/cascade/node')),
      ok(client.GET('/api/v1/cascade/nodes')),
      ok(client.GET('/api/v1/cascade/alerts')),
    ]);
    return { card, nodes, alerts };
  }, []);
  const { data, problem, loading, refetch } = answer;
  const [token, setToken] = useState<string | null>(null);
  const [tokenFor, setTokenFor] = useState<string | undefined>();
  const [hours, setHours] = useState(24);
  const [tokenOpen, setTokenOpen] = useState(false);

  const witness = useAction(() => ok(client.POST('/api/v1/cascade/witness')), {
    success: (outcomes) => t('cascade.witnessed', { n: outcomes.length }),
    then: refetch,
  });
  const sync = useAction(
    (n: NodeStatus) =>
      ok(client.POST('/api/v1/cascade/nodes/{nodeId}/sync', { params: { path: { nodeId: n.nodeId } } })),
    { success: (_, n) => t('cascade.retried', { name: n.divisionName }), then: refetch },
  );
  const makeToken = useAction(
    async () => {
      const made = await ok(
        client.POST('/api/v1/cascade/tokens', { body: { hours, ...(tokenFor ? { division: tokenFor } : {}) } }),
      );
      setToken(made.token);
      return made;
    },
    { success: () => t('cascade.tokenMade') },
  );

  const nameOf = (n: NodeStatus) => n.divisionName;
  const statusTag = (n: NodeStatus) => (
    <Tag color={STATUS_COLOR[n.status]} data-testid={`status-${n.division}`}>
      {t(`cascade.status.${n.status}`)}
    </Tag>
  );
  const lag = (n: NodeStatus) => (n.lag === null ? '—' : t('cascade.lagSeconds', { n: Math.round(n.lag / 1000) }));
  const alertsTag = (n: NodeStatus) => (n.alerts > 0 ? <Tag color="red">{n.alerts}</Tag> : <span>0</span>);

  const columns = [
    { title: t('cascade.division'), key: 'name', render: (_: unknown, n: NodeStatus) => <strong>{nameOf(n)}</strong> },
    { title: '', key: 'relation', render: (_: unknown, n: NodeStatus) => t(`cascade.relation.${n.relation}`) },
    { title: '', key: 'status', render: (_: unknown, n: NodeStatus) => statusTag(n) },
    {
      title: t('cascade.lastSeen'),
      key: 'seen',
      render: (_: unknown, n: NodeStatus) => when(n.lastSeen, t('cascade.never')),
    },
    {
      title: t('cascade.lastSync'),
      key: 'sync',
      render: (_: unknown, n: NodeStatus) => when(n.lastSync, t('cascade.never')),
    },
    { title: t('cascade.lag'), key: 'lag', render: (_: unknown, n: NodeStatus) => lag(n) },
    { title: t('cascade.alerts'), key: 'alerts', render: (_: unknown, n: NodeStatus) => alertsTag(n) },
    {
      title: t('cascade.lastError'),
      key: 'error',
      render: (_: unknown, n: NodeStatus) =>
        n.lastError ? <Typography.Text type="danger">{n.lastError}</Typography.Text> : '—',
    },
    ...(manage && data?.card.role === 'city'
      ? [
          {
            title: '',
            key: 'sync',
            render: (_: unknown, n: NodeStatus) => (
              <Button size="small" loading={sync.busy} onClick={() => void sync.run(n)}>
                {t('cascade.syncNow')}
              </Button>
            ),
          },
        ]
      : []),
  ];

  const alertColumns = [
    { title: t('cascade.alertAt'), key: 'at', render: (_: unknown, a: NodeAlert) => new Date(a.at).toLocaleString() },
    { title: t('cascade.alertNode'), key: 'node', render: (_: unknown, a: NodeAlert) => nodeName(data?.nodes, a.node) },
    {
      title: '',
      key: 'kind',
      render: (_: unknown, a: NodeAlert) => <Tag color="red">{t(`cascade.alert.${a.kind}`)}</Tag>,
    },
  ];

  const card = data?.card;
  return (
    <Page
      title={t('cascade.title')}
      extra={
        <Space wrap>
          <Button
            icon={<ReloadOutlined />}
            onClick={() => void refetch()}
            loading={loading}
            aria-label={t('refresh')}
          />
          {manage && (
            <Button icon={<SafetyCertificateOutlined />} loading={witness.busy} onClick={() => void witness.run()}>
              {t('cascade.witnessNow')}
            </Button>
          )}
          {manage && card?.role === 'city' && (
            <Button type="primary" icon={<KeyOutlined />} onClick={() => setTokenOpen(true)}>
              {t('cascade.token')}
            </Button>
          )}
        </Space>
      }
    >
      {problem && <ProblemAlert problem={problem} />}
      {card && (
        <Card size="small" title={t('cascade.thisNode')} style={{ marginBottom: 16 }}>
          <Descriptions size="small" column={phone ? 1 : 3}>
            <Descriptions.Item label={t('cascade.division')}>
              {card.divisionName} · {t(`cascade.role.${card.role}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('cascade.nodeId')}>
              <Typography.Text code copyable>
                {card.nodeId}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
        </Card>
      )}
      {data && data.nodes.length === 0 && <Empty description={t('cascade.noNodes')} />}
      {data && data.nodes.length > 0 && phone && (
        <List
          dataSource={data.nodes}
          renderItem={(n) => (
            <Card
              size="small"
              style={{ marginBottom: 8 }}
              title={nameOf(n)}
              extra={statusTag(n)}
              data-testid={`node-${n.division}`}
            >
              <Descriptions size="small" column={1}>
                <Descriptions.Item label={t('cascade.lastSync')}>
                  {when(n.lastSync, t('cascade.never'))}
                </Descriptions.Item>
                <Descriptions.Item label={t('cascade.lag')}>{lag(n)}</Descriptions.Item>
                <Descriptions.Item label={t('cascade.alerts')}>{alertsTag(n)}</Descriptions.Item>
                {n.lastError && (
                  <Descriptions.Item label={t('cascade.lastError')}>
                    <Typography.Text type="danger">{n.lastError}</Typography.Text>
                  </Descriptions.Item>
                )}
              </Descriptions>
              {manage && card?.role === 'city' && (
                <Button size="small" block loading={sync.busy} onClick={() => void sync.run(n)}>
                  {t('cascade.syncNow')}
                </Button>
              )}
            </Card>
          )}
        />
      )}
      {data && data.nodes.length > 0 && !phone && (
        <Table rowKey="nodeId" loading={loading} columns={columns} dataSource={data.nodes} pagination={false} />
      )}
      {card?.role === 'district' && <DistrictWork manage={manage} />}
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('cascade.alertList')}
      </Typography.Title>
      {data && data.alerts.length === 0 ? (
        <Alert type="success" showIcon message={t('cascade.noAlerts')} />
      ) : (
        <Table
          rowKey="id"
          size="small"
          columns={alertColumns}
          dataSource={data?.alerts ?? []}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          scroll={{ x: true }}
        />
      )}
      <Modal
        open={tokenOpen}
        title={t('cascade.token')}
        onCancel={() => {
          setTokenOpen(false);
          setToken(null);
        }}
        footer={null}
      >
        {token ? (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Text strong>{t('cascade.tokenMade')}</Typography.Text>
            <Typography.Paragraph code copyable data-testid="enrol-token">
              {token}
            </Typography.Paragraph>
            <Typography.Text type="secondary">{t('cascade.tokenHelp')}</Typography.Text>
          </Space>
        ) : (
          <Space direction="vertical" style={{ width: '100%' }}>
            <label>{t('cascade.tokenFor')}</label>
            <Select
              allowClear
              style={{ width: '100%' }}
              placeholder={t('cascade.anyDistrict')}
              value={tokenFor}
              onChange={setTokenFor}
              options={(card?.districts ?? []).map((d) => ({ value: d.division, label: d.name }))}
            />
            <label>{t('cascade.tokenHours')}</label>
            <InputNumber min={1} max={168} value={hours} onChange={(v) => setHours(v ?? 24)} />
            <Button type="primary" loading={makeToken.busy} onClick={() => void makeToken.run()}>
              {t('cascade.token')}
            </Button>
          </Space>
        )}
      </Modal>
    </Page>
  );
}

function nodeName(nodes: NodeStatus[] | undefined, id: string): string {
  return nodes?.find((n) => n.nodeId === id)?.divisionName ?? id;
}
