import { Card, Result, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery } from '../api';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { usePurposes } from '../purposes';
import type { ShareRead } from './types';
import { MyCorrections } from '../quality/MyCorrections';
import { useCan } from '../session';
import { namesOf, useOrgs } from '../catalog/orgs';

type Use = ShareRead & { index: number };

/** The citizen's "who used my data": their own entries in the ledger, found by their keyed subject tag. */
export default function MyDataPage() {
  const { t } = useTranslation();
  // Only a citizen account has a subject of its own: anyone else is told so, not sent a refusal.
  const citizen = useCan('ledger:read-own-entries');
  if (!citizen) {
    return (
      <Page title={t('whoUsed')}>
        <Result status="info" title={t('shell.notCitizen')} data-testid="mydata-not-citizen" />
      </Page>
    );
  }
  return <MyUses />;
}

function MyUses() {
  const { t } = useTranslation();
  const orgs = namesOf(useOrgs());
  // Entries name the purpose by its code; a citizen reads its name.
  const purposes = new Map(usePurposes().map((p) => [p.code, p.name]));
  const uses = useQuery(async () => {
    const entries = await ok(
      client.GET('/api/v1/ledger/entries', { params: { query: { subject: 'me', limit: 100 } } }),
    );
    // Only reads are uses; corrections of the citizen's records are listed below, other kinds never name a citizen.
    return entries.flatMap((e): Use[] => (e.record?.kind === 'share.read' ? [{ ...e.record, index: e.index }] : []));
  }, []);
  return (
    <Page title={t('whoUsed')}>
      {uses.problem && <ProblemAlert problem={uses.problem} />}
      <Card>
        <Table<Use>
          rowKey="index"
          loading={uses.loading}
          dataSource={uses.data}
          data-testid="my-accesses"
          columns={[
            { title: t('at'), dataIndex: 'at', render: (v: string) => new Date(v).toLocaleString() },
            { title: t('org'), dataIndex: 'org', render: (o: string) => orgs[o] ?? o },
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
