import { Alert, Button, Card, Descriptions, Drawer, Input, List, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { Page } from '../App';
import { Chart } from '../chart';
import type { Head, LedgerEntry } from '../types';
import { leafHashOf, rootFromProof } from '../verify';

interface Proof {
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  auditPath: string[];
}

export default function LedgerPage() {
  const { t } = useTranslation();
  const [head, setHead] = useState<Head | null>(null);
  const [heads, setHeads] = useState<Head[]>([]);
  const [entries, setEntries] = useState<LedgerEntry[]>([]);
  const [page, setPage] = useState(1);
  const [checking, setChecking] = useState<{ entry: LedgerEntry; proof: Proof; ok: boolean } | null>(null);
  useEffect(() => {
    void api<Head>('/api/v1/ledger/head').then(setHead);
    void api<Head[]>('/api/v1/ledger/heads').then(setHeads);
  }, []);
  useEffect(() => {
    if (!head) return;
    const end = Math.max(0, head.treeSize - (page - 1) * 20);
    void api<LedgerEntry[]>(`/api/v1/ledger/entries?start=${Math.max(0, end - 20)}&end=${end}`).then((e) =>
      setEntries(e.reverse()),
    );
  }, [head, page]);
  const [found, setFound] = useState<LedgerEntry[] | null>(null);
  /** An index, or a leaf hash (found through its inclusion proof); empty shows the latest again. */
  const search = async (text: string) => {
    const q = text.trim().toLowerCase();
    if (!q) return setFound(null);
    try {
      const index = /^[0-9a-f]{64}$/.test(q)
        ? (await api<Proof>(`/api/v1/ledger/proof/inclusion?leafHash=${q}`)).leafIndex
        : Number.parseInt(q, 10);
      setFound(
        Number.isInteger(index)
          ? await api<LedgerEntry[]>(`/api/v1/ledger/entries?start=${index}&end=${index + 1}`)
          : [],
      );
    } catch {
      setFound([]);
    }
  };
  const verify = async (entry: LedgerEntry) => {
    const proof = await api<Proof>(`/api/v1/ledger/proof/inclusion?index=${entry.index}&treeSize=${head!.treeSize}`);
    const leaf = await leafHashOf(head!.suite, entry.entry);
    const root = await rootFromProof(head!.suite, leaf, entry.index, head!.treeSize, proof.auditPath);
    setChecking({ entry, proof, ok: leaf === entry.leafHash && root === head!.rootHash });
  };
  return (
    <Page title={t('ledger')}>
      {head && (
        <Card title={t('treeHead')} data-testid="tree-head">
          <Descriptions column={2} size="small">
            <Descriptions.Item label={t('treeSize')}>{head.treeSize}</Descriptions.Item>
            <Descriptions.Item label={t('at')}>{new Date(head.timestamp).toLocaleString()}</Descriptions.Item>
            <Descriptions.Item label={t('rootHash')}>
              <Typography.Text code copyable>
                {head.rootHash}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label="suite">
              <Tag color="purple">{head.suite === 'gm' ? 'SM3 / SM2' : 'SHA-256 / Ed25519'}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('signature')} span={2}>
              <Typography.Text type="secondary" ellipsis style={{ maxWidth: 700 }}>
                {head.signature}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
        </Card>
      )}
      {heads.length > 1 && (
        <Card title={t('treeSize')}>
          <Chart
            height={220}
            option={{
              tooltip: { trigger: 'axis' },
              xAxis: { type: 'time' },
              yAxis: { type: 'value' },
              series: [
                {
                  type: 'line',
                  step: 'end',
                  data: heads.map((h) => [h.timestamp, h.treeSize]),
                  itemStyle: { color: '#1d4e89' },
                },
              ],
            }}
          />
        </Card>
      )}
      <Card
        title={t('entries')}
        extra={
          <Input.Search
            allowClear
            placeholder={t('ledgerSearch')}
            onSearch={search}
            style={{ width: 420 }}
            data-testid="ledger-search"
          />
        }
      >
        <Table
          rowKey="index"
          size="small"
          dataSource={found ?? entries}
          data-testid="ledger-entries"
          pagination={{
            current: page,
            pageSize: 20,
            total: head?.treeSize ?? 0,
            onChange: setPage,
            showSizeChanger: false,
          }}
          expandable={{
            expandedRowRender: (e) => <pre style={{ margin: 0 }}>{JSON.stringify(JSON.parse(e.entry), null, 2)}</pre>,
          }}
          columns={[
            { title: t('index'), dataIndex: 'index', width: 80 },
            { title: 'kind', render: (_, e) => <Tag>{JSON.parse(e.entry).kind}</Tag>, width: 140 },
            {
              title: t('entry'),
              render: (_, e) => (
                <Typography.Text ellipsis style={{ maxWidth: 600 }}>
                  {e.entry}
                </Typography.Text>
              ),
            },
            {
              title: '',
              width: 100,
              render: (_, e) => (
                <Button size="small" onClick={() => verify(e)} data-testid={`verify-${e.index}`}>
                  {t('verify')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Drawer
        open={!!checking}
        onClose={() => setChecking(null)}
        width={640}
        title={`${t('verify')} #${checking?.entry.index ?? ''}`}
      >
        {checking && (
          <>
            <Alert
              type={checking.ok ? 'success' : 'error'}
              message={checking.ok ? t('verified') : t('notVerified')}
              data-testid="verify-result"
            />
            <List
              header={t('auditPath')}
              size="small"
              dataSource={[
                `leaf ${checking.proof.leafHash}`,
                ...checking.proof.auditPath.map((p, i) => `${i + 1}. ${p}`),
                `root ${head!.rootHash}`,
              ]}
              renderItem={(s) => (
                <List.Item>
                  <Typography.Text code style={{ fontSize: 12 }}>
                    {s}
                  </Typography.Text>
                </List.Item>
              )}
            />
          </>
        )}
      </Drawer>
    </Page>
  );
}
