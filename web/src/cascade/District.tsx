import { CloudDownloadOutlined, CloudUploadOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { client, ok, useAction, useQuery, type Answer } from '../api';

type Push = Answer<'/api/v1/cascade/pushes', 'get'>[number];
type Slice = Answer<'/api/v1/cascade/return', 'get'>;

const RUN_COLOR: Record<string, string> = { running: 'processing', succeeded: 'green', failed: 'red' };
const when = (v: string | null | undefined, never: string) => (v ? new Date(v).toLocaleString() : never);

/** A district node's own work with its city: its pushes up (归集) and its data return (返还). */
export function DistrictWork({ manage }: { manage: boolean }) {
  const { t } = useTranslation();
  const answer = useQuery(async () => {
    const [pushes, slice] = await Promise.all([
      ok(client.GET('/api/v1/cascade/pushes')),
      ok(client.GET('/api/v1/cascade/return')),
    ]);
    const names = await resourceNames(pushes.map((p) => p.resource));
    return { pushes, slice, names };
  }, []);
  const run = useAction(
    (p: Push) => ok(client.POST('/api/v1/cascade/pushes/{id}/run', { params: { path: { id: p.id } } })),
    {
      success: (r) => t('cascade.pushRan', { rows: r.rowsLoaded }),
      then: answer.refetch,
    },
  );
  const pull = useAction(() => ok(client.POST('/api/v1/cascade/return/pull')), {
    success: () => t('cascade.pulled'),
    then: answer.refetch,
  });
  const data = answer.data;
  return (
    <Space direction="vertical" style={{ width: '100%', marginTop: 16 }} size="middle">
      <Card size="small" title={t('cascade.pushes')}>
        <List
          dataSource={data?.pushes ?? []}
          locale={{ emptyText: t('cascade.noPushes') }}
          renderItem={(p: Push) => (
            <List.Item
              data-testid={`push-${p.resource}`}
              actions={
                manage
                  ? [
                      <Button
                        key="run"
                        size="small"
                        icon={<CloudUploadOutlined />}
                        loading={run.busy}
                        onClick={() => void run.run(p)}
                      >
                        {t('cascade.pushNow')}
                      </Button>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <Space wrap>
                    <strong>{data?.names[p.resource] ?? p.resource}</strong>
                    {p.lastRun && <Tag color={RUN_COLOR[p.lastRun.state]}>{t(`cascade.run.${p.lastRun.state}`)}</Tag>}
                    {p.batchesInFlight > 0 && (
                      <Tag color="processing">{t('cascade.inFlight', { n: p.batchesInFlight })}</Tag>
                    )}
                  </Space>
                }
                description={
                  <Space direction="vertical" size={0}>
                    <span>{t('cascade.pushTarget', { code: p.target })}</span>
                    {p.lastRun && (
                      <span>
                        {t('cascade.runFigures', {
                          at: when(p.lastRun.finishedAt ?? p.lastRun.startedAt, ''),
                          sent: p.lastRun.rowsSent,
                          loaded: p.lastRun.rowsLoaded,
                          rejected: p.lastRun.rowsRejected,
                        })}
                      </span>
                    )}
                    {p.lastRun?.error && <Typography.Text type="danger">{p.lastRun.error}</Typography.Text>}
                  </Space>
                }
              />
            </List.Item>
          )}
        />
      </Card>
      <Card
        size="small"
        title={t('cascade.dataReturn')}
        extra={
          manage && (
            <Button size="small" icon={<CloudDownloadOutlined />} loading={pull.busy} onClick={() => void pull.run()}>
              {t('cascade.pullNow')}
            </Button>
          )
        }
      >
        <ReturnedSlice slice={data?.slice} />
      </Card>
    </Space>
  );
}

function ReturnedSlice({ slice }: { slice: Slice | undefined }) {
  const { t } = useTranslation();
  if (!slice) return null;
  return (
    <Descriptions size="small" column={1}>
      {slice.bases.map((b) => (
        <Descriptions.Item key={b.base} label={t(`myData.base.${b.base}`)}>
          <span data-testid={`returned-${b.base}`}>
            {t('cascade.subjects', { n: b.subjects })} · {t('cascade.lastPull')} {when(b.pulledAt, t('cascade.never'))}
          </span>
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

/** Names of this node's resources, so that people read names, not codes. */
async function resourceNames(codes: string[]): Promise<Record<string, string>> {
  const found = await Promise.all(
    [...new Set(codes)].map((code) =>
      ok(client.GET('/api/v1/catalog/resources/{code}', { params: { path: { code } } }))
        .then((r) => [code, r.name] as const)
        .catch(() => [code, code] as const),
    ),
  );
  return Object.fromEntries(found);
}
