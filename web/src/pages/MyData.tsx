import { Card, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { Page } from '../App';
import { usePurposes } from '../purposes';
import type { LedgerEntry } from '../types';
import { MyCorrections } from './quality/MyCorrections';

interface Access {
  index: number;
  actor: string;
  org: string | null;
  resource: string;
  purpose: string;
  outcome: string;
  at: string;
}

/** The citizen's "who used my data": their own entries in the ledger, found by their keyed subject tag. */
export default function MyDataPage() {
  const { t } = useTranslation();
  const [rows, setRows] = useState<Access[]>([]);
  // Entries name the purpose by its code; a citizen reads its name.
  const purposes = new Map(usePurposes().map((p) => [p.code, p.name]));
  useEffect(() => {
    void api<LedgerEntry[]>('/api/v1/ledger/entries?subject=me').then((entries) =>
      setRows(
        entries
          .map((e) => ({ index: e.index, ...(JSON.parse(e.entry) as Omit<Access, 'index'> & { kind?: string }) }))
          // Corrections of the citizen's records are on the ledger too; they are listed below, not as uses.
          .filter((e) => e.kind !== 'correction'),
      ),
    );
  }, []);
  return (
    <Page title={t('whoUsed')}>
      <Card>
        <Table
          rowKey="index"
          dataSource={rows}
          data-testid="my-accesses"
          columns={[
            { title: t('at'), dataIndex: 'at', render: (v: string) => new Date(v).toLocaleString() },
            { title: t('org'), dataIndex: 'org' },
            { title: t('actor'), dataIndex: 'actor' },
            { title: t('resource'), dataIndex: 'resource' },
            { title: t('purpose'), dataIndex: 'purpose', render: (p: string) => purposes.get(p) ?? p },
            {
              title: t('outcome'),
              dataIndex: 'outcome',
              render: (o: string) => <Tag color={o === 'allowed' ? 'green' : 'red'}>{t(`outcome.${o}`)}</Tag>,
            },
            { title: t('index'), dataIndex: 'index' },
          ]}
        />
      </Card>
      <MyCorrections />
    </Page>
  );
}
