import { Button, Card, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery, type Answer } from '../api';
import { ProblemAlert } from '../ui/problem-alert';
import { consistencyHolds, headSignatureHolds } from './verify';

type Item = Answer<'/api/v1/ledger/heads/recent'>['items'][number];
interface Checked extends Item {
  signature: boolean | null;
  /** null: the first head, nothing to be consistent with. */
  consistent: boolean | null;
}

const PAGE = 10;

/**
 * The signed tree heads, newest first, each checked here and not taken on the server's word:
 * its signature under the ledger's key, and the consistency proof from the head before it.
 */
export function Heads() {
  const { t } = useTranslation();
  const [cursors, setCursors] = useState<Array<number | undefined>>([undefined]);
  const before = cursors[cursors.length - 1];
  const heads = useQuery(async () => {
    const [key, page] = await Promise.all([
      ok(client.GET('/api/v1/ledger/key')),
      ok(client.GET('/api/v1/ledger/heads/recent', { params: { query: { limit: PAGE, before } } })),
    ]);
    const items = await Promise.all(
      page.items.map(async (item): Promise<Checked> => ({
        ...item,
        signature: await headSignatureHolds(item.head, key),
        consistent:
          item.previous && item.consistency
            ? await consistencyHolds(
                item.head.suite,
                item.previous.treeSize,
                item.head.treeSize,
                item.consistency.proof,
                item.previous.rootHash,
                item.head.rootHash,
              )
            : null,
      })),
    );
    return { key, items, next: page.next };
  }, [before]);
  const key = heads.data?.key;
  return (
    <Card
      title={t('ledgerUi.heads')}
      extra={
        key && (
          <Tag color="purple" title={t('ledgerUi.algorithm')}>
            {key.suite === 'gm' ? 'SM3 / SM2' : 'SHA-256 / Ed25519'}
          </Tag>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('ledgerUi.headsHelp')}</Typography.Paragraph>
      {heads.problem && <ProblemAlert problem={heads.problem} />}
      <Table<Checked>
        rowKey={(i) => i.head.treeSize}
        size="small"
        loading={heads.loading}
        dataSource={heads.data?.items}
        pagination={false}
        data-testid="heads-table"
        columns={[
          { title: t('ledgerUi.treeSize'), render: (_, i) => i.head.treeSize, width: 90 },
          {
            title: t('ledgerUi.signedAt'),
            render: (_, i) => new Date(i.head.timestamp).toLocaleString(),
            width: 180,
            responsive: ['md'],
          },
          {
            title: t('ledgerUi.signature'),
            width: 140,
            render: (_, i) => <Mark ok={i.signature} testId={`head-signature-${i.head.treeSize}`} />,
          },
          {
            title: t('ledgerUi.consistency'),
            width: 170,
            render: (_, i) =>
              i.previous ? (
                <Mark ok={i.consistent} testId={`head-consistency-${i.head.treeSize}`} />
              ) : (
                <Typography.Text type="secondary">{t('ledgerUi.firstHead')}</Typography.Text>
              ),
          },
          {
            title: t('ledgerUi.rootHash'),
            responsive: ['md'],
            render: (_, i) => (
              <Typography.Text code ellipsis copyable={{ text: i.head.rootHash }} style={{ maxWidth: 260 }}>
                {i.head.rootHash}
              </Typography.Text>
            ),
          },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t('ledgerUi.newer')}
        </Button>
        <Button
          disabled={heads.data?.next == null}
          onClick={() => heads.data?.next != null && setCursors([...cursors, heads.data.next])}
        >
          {t('ledgerUi.older')}
        </Button>
      </Space>
    </Card>
  );
}

function Mark({ ok: holds, testId }: { ok: boolean | null; testId: string }) {
  const { t } = useTranslation();
  if (holds === null) return <Tag data-testid={testId}>{t('ledgerUi.uncheckable')}</Tag>;
  return (
    <Tag color={holds ? 'success' : 'error'} data-testid={testId} data-verified={holds}>
      {holds ? t('ledgerUi.verifiedMark') : t('ledgerUi.failedMark')}
    </Tag>
  );
}
