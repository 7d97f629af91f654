import { Button, Card, Result, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery } from '../api';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { Named, PersonName } from '../ui/names';
import { usePurposes } from '../purposes';
import { MyCorrections } from '../quality/MyCorrections';
import { useCan } from '../session';
import { useOrgs } from '../catalog/orgs';

type Usage = Awaited<ReturnType<typeof loadUsage>>;
type Use = Usage['items'][number];

const loadUsage = (query: { month?: string; org?: string; before?: number }) =>
  ok(client.GET('/api/v1/me/usage', { params: { query: { limit: 50, ...query } } }));

/** The last twelve months in China time, newest first, as YYYY-MM. */
function recentMonths(): string[] {
  const now = new Date(Date.now() + 8 * 3600_000);
  return Array.from({ length: 12 }, (_, i) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    return d.toISOString().slice(0, 7);
  });
}

/** The citizen's "who used my data": the ledger's reads of their records (`GET /api/v1/me/usage`). */
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
  const orgs = useOrgs();
  const purposes = new Map(usePurposes().map((p) => [p.code, p.name]));
  const [month, setMonth] = useState<string>();
  const [org, setOrg] = useState<string>();
  const [more, setMore] = useState<Usage[]>([]);
  const usage = useQuery(() => {
    setMore([]);
    return loadUsage({ month, org });
  }, [month, org]);
  const pages = usage.data ? [usage.data, ...more] : [];
  const last = pages[pages.length - 1];
  const names: Usage['names'] = {
    orgs: Object.assign({}, ...pages.map((p) => p.names.orgs)),
    users: Object.assign({}, ...pages.map((p) => p.names.users)),
    resources: Object.assign({}, ...pages.map((p) => p.names.resources)),
    fields: {},
  };
  // A base database is read as `base:<kind>`: its name is the base's, not a catalog resource's.
  const resourceName = (r: string) =>
    names.resources[r] ?? (r.startsWith('base:') ? t(`myData.base.${r.slice(5)}`, { defaultValue: r }) : r);
  const loadMore = async () => {
    if (last?.next == null) return;
    const page = await loadUsage({ month, org, before: last.next });
    setMore((m) => [...m, page]);
  };
  return (
    <Page title={t('whoUsed')}>
      {usage.problem && <ProblemAlert problem={usage.problem} />}
      <Card>
        <Space wrap size={[12, 8]} style={{ marginBottom: 12 }}>
          <Select
            allowClear
            placeholder={t('myData.anyMonth')}
            style={{ width: 150 }}
            value={month}
            onChange={setMonth}
            options={recentMonths().map((m) => ({ value: m, label: m }))}
            data-testid="usage-month"
          />
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('ledgerUi.anyOrg')}
            style={{ width: 200 }}
            value={org}
            onChange={setOrg}
            options={orgs.map((o) => ({ value: o.code, label: o.name }))}
            data-testid="usage-org"
          />
        </Space>
        {usage.data && (
          <Typography.Paragraph data-testid="usage-totals">
            {t('myData.totals', { others: usage.data.totals.byOthers, own: usage.data.totals.own })}
          </Typography.Paragraph>
        )}
        <Table<Use>
          rowKey="index"
          loading={usage.loading}
          dataSource={pages.flatMap((p) => p.items)}
          pagination={false}
          scroll={{ x: 'max-content' }}
          data-testid="my-accesses"
          columns={[
            { title: t('at'), dataIndex: 'at', render: (v: string) => new Date(v).toLocaleString() },
            {
              title: t('org'),
              dataIndex: 'org',
              render: (o: string | null, u) =>
                u.own ? (
                  <Tag color="blue" data-testid="usage-own">
                    {t('myData.own')}
                  </Tag>
                ) : o ? (
                  <Named name={names.orgs[o] ?? o} code={o} />
                ) : (
                  '-'
                ),
            },
            {
              title: t('actor'),
              dataIndex: 'actor',
              render: (a: string) => <PersonName username={a} name={names.users[a]} />,
            },
            {
              title: t('resource'),
              dataIndex: 'resource',
              render: (r: string) => <Named name={resourceName(r)} code={r} />,
            },
            { title: t('purpose'), dataIndex: 'purpose', render: (p: string) => purposes.get(p) ?? p },
            {
              title: t('outcome'),
              dataIndex: 'outcome',
              render: (o: Use['outcome']) => <Tag color={o === 'allowed' ? 'green' : 'red'}>{t(`outcome.${o}`)}</Tag>,
            },
            { title: t('index'), dataIndex: 'index' },
          ]}
        />
        {last?.next != null && (
          <Button style={{ marginTop: 12 }} onClick={() => void loadMore()} data-testid="usage-more">
            {t('myData.more')}
          </Button>
        )}
      </Card>
      <MyCorrections />
    </Page>
  );
}
