import { Button, Card, List, Result, Select, Space, Table, Tag, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTaskBack } from '../a11y/back';
import { useAccessible } from '../a11y/mode';
import { client, ok, problemOf, useQuery } from '../api';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { Named, PersonName } from '../ui/names';
import { usePurposes } from '../purposes';
import { MyCorrections } from '../quality/MyCorrections';
import { useCan } from '../session';
import { useOrgs } from '../catalog/orgs';
import { checkInclusion, latestCheckedHead } from './check';
import { UsageDigest } from './UsageDigest';

type Usage = Awaited<ReturnType<typeof loadUsage>>;
type Use = Usage['items'][number];
type CheckedHead = Awaited<ReturnType<typeof latestCheckedHead>>;
/** A row's proof: being checked, or whether it held. */
type Mark = 'checking' | boolean;

const loadUsage = (query: { month?: string; org?: string; before?: number }) =>
  ok(client.GET('/api/v1/me/usage', { params: { query: { limit: 50, ...query } } }));

/** The current month in China time, YYYY-MM. */
const thisMonth = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);

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
  const simple = useAccessible().accessible;
  const back = useTaskBack();
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
  const uses = pages.flatMap((p) => p.items);
  const proofs = useProofs();
  return (
    <Page title={t('whoUsed')} extra={back}>
      {usage.problem && <ProblemAlert problem={usage.problem} />}
      {simple && (
        <Typography.Paragraph style={{ margin: 0 }} data-testid="task-intro">
          {t('a11y.mydataIntro')}
        </Typography.Paragraph>
      )}
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
          <Button
            disabled={uses.length === 0}
            onClick={() => void proofs.check(uses)}
            title={t('myData.verifyHelp')}
            data-testid="usage-verify-all"
          >
            {t('myData.verifyAll')}
          </Button>
        </Space>
        {usage.data && (
          <Typography.Paragraph data-testid="usage-totals">
            {t('myData.totals', { others: usage.data.totals.byOthers, own: usage.data.totals.own })}
          </Typography.Paragraph>
        )}
        {proofs.problem && <ProblemAlert problem={proofs.problem} />}
        {simple ? (
          <List<Use>
            loading={usage.loading}
            dataSource={uses}
            rowKey="index"
            data-testid="my-uses-list"
            renderItem={(u) => (
              <PlainUse
                use={u}
                org={u.org ? (names.orgs[u.org] ?? u.org) : null}
                actor={names.users[u.actor] ?? u.actor}
                resource={resourceName(u.resource)}
                purpose={purposes.get(u.purpose) ?? u.purpose}
              />
            )}
          />
        ) : (
          <Table<Use>
            rowKey="index"
            loading={usage.loading}
            dataSource={uses}
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
                render: (r: string, u: Use) =>
                  u.attestation ? (
                    <AttestedWords use={u} org={u.org ? (names.orgs[u.org] ?? u.org) : '-'} />
                  ) : (
                    <Named name={resourceName(r)} code={r} />
                  ),
              },
              { title: t('purpose'), dataIndex: 'purpose', render: (p: string) => purposes.get(p) ?? p },
              {
                title: t('myData.basis'),
                key: 'basis',
                render: (_, u) =>
                  u.consent !== null ? (
                    <span title={u.consent} data-testid="usage-consent">
                      {t('myData.byConsent', { org: u.org ? (names.orgs[u.org] ?? u.org) : '-' })}
                    </span>
                  ) : u.grant !== null ? (
                    <span data-testid="usage-grant">{t('myData.byGrant', { id: u.grant })}</span>
                  ) : u.own ? (
                    t('myData.ownBasis')
                  ) : (
                    '-'
                  ),
              },
              {
                title: t('outcome'),
                dataIndex: 'outcome',
                render: (o: Use['outcome']) => <Tag color={o === 'allowed' ? 'green' : 'red'}>{t(`outcome.${o}`)}</Tag>,
              },
              { title: t('index'), dataIndex: 'index' },
              {
                title: t('myData.proof'),
                key: 'proof',
                render: (_, u) => <ProofMark use={u} mark={proofs.marks[u.index]} onCheck={proofs.check} />,
              },
            ]}
          />
        )}
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, fontSize: 12 }}>
          {proofs.head
            ? t('myData.checkedAgainst', {
                size: proofs.head.head.treeSize,
                signature:
                  proofs.head.signature === null
                    ? t('ledgerUi.uncheckable')
                    : t(proofs.head.signature ? 'ledgerUi.verifiedMark' : 'ledgerUi.failedMark'),
              })
            : t('myData.verifyHelp')}
        </Typography.Paragraph>
        {last?.next != null && (
          <Button style={{ marginTop: 12 }} onClick={() => void loadMore()} data-testid="usage-more">
            {t('myData.more')}
          </Button>
        )}
      </Card>
      <UsageDigest month={month ?? thisMonth()} />
      <MyCorrections />
    </Page>
  );
}

/**
 * The rows' inclusion proofs, checked in this browser (check.ts): against the latest signed
 * head, whose signature is checked once under the ledger's key, and fetched again only when a
 * row is newer than it. A row holds when its proof leads to the head's root and the head's
 * signature did not fail.
 */
function useProofs() {
  const [marks, setMarks] = useState<Record<number, Mark>>({});
  const [head, setHead] = useState<CheckedHead | null>(null);
  const [problem, setProblem] = useState<ReturnType<typeof problemOf> | null>(null);
  const latest = useRef<CheckedHead | null>(null);
  const mark = (index: number, m: Mark) => setMarks((all) => ({ ...all, [index]: m }));
  const check = async (uses: Use[]) => {
    setProblem(null);
    const todo = uses.filter((u) => marks[u.index] === undefined || marks[u.index] === false);
    for (const u of todo) mark(u.index, 'checking');
    try {
      let h = latest.current;
      if (!h || todo.some((u) => u.index >= h!.head.treeSize)) {
        h = latest.current = await latestCheckedHead();
        setHead(h);
      }
      // A few at a time: each is one small request for its proof.
      for (let i = 0; i < todo.length; i += 4) {
        await Promise.all(
          todo.slice(i, i + 4).map(async (u) => {
            const { ok: holds } = await checkInclusion(h.head, u);
            mark(u.index, holds && h.signature !== false);
          }),
        );
      }
    } catch (e) {
      setProblem(problemOf(e));
      setMarks((all) => {
        const left = { ...all };
        for (const u of todo) if (left[u.index] === 'checking') delete left[u.index];
        return left;
      });
    }
  };
  return { marks, head, problem, check: (uses: Use[]) => check(uses) };
}

/** A row's proof: the button that checks it, then ✓ 已验证 or ✗ 未通过. */
function ProofMark({ use, mark, onCheck }: { use: Use; mark: Mark | undefined; onCheck: (uses: Use[]) => unknown }) {
  const { t } = useTranslation();
  if (mark === undefined || mark === 'checking')
    return (
      <Button
        size="small"
        loading={mark === 'checking'}
        onClick={() => void onCheck([use])}
        data-testid={`usage-verify-${use.index}`}
      >
        {t('myData.verify')}
      </Button>
    );
  return (
    <Tag color={mark ? 'success' : 'error'} data-testid={`usage-proof-${use.index}`} data-verified={mark}>
      {mark ? t('myData.verified') : t('myData.failed')}
    </Tag>
  );
}

/**
 * One use in the large text mode, as a sentence: when; who looked at which of the citizen's data
 * (or tried to, and was refused); for what purpose. The same facts as a row of the table.
 */
function PlainUse(props: { use: Use; org: string | null; actor: string; resource: string; purpose: string }) {
  const { t } = useTranslation();
  const { use: u } = props;
  const who = u.own ? t('a11y.use.you') : t('a11y.use.by', { org: props.org ?? '-', actor: props.actor });
  const allowed = u.outcome === 'allowed';
  return (
    <List.Item data-testid="my-use" style={{ display: 'block' }}>
      <Typography.Text strong>{new Date(u.at).toLocaleString()}</Typography.Text>
      <div>
        {u.attestation ? (
          <AttestedWords use={u} org={props.org ?? '-'} />
        ) : (
          t(allowed ? 'a11y.use.looked' : 'a11y.use.tried', { who, resource: props.resource })
        )}
        {!allowed && (
          <Tag color="red" style={{ marginInlineStart: 8 }}>
            {t(`outcome.${u.outcome}`)}
          </Tag>
        )}
      </div>
      <Typography.Text type="secondary">{t('a11y.use.purpose', { purpose: props.purpose })}</Typography.Text>
    </List.Item>
  );
}

/** A question about a proof item in words: "济南市公安局 核验了您的 户籍证明：是" (docs/attest.md). */
function AttestedWords({ use, org }: { use: Use; org: string }) {
  const { t, i18n } = useTranslation();
  const a = use.attestation!;
  const item = i18n.language.startsWith('zh') ? a.name['zh-CN'] : a.name.en;
  if (use.outcome !== 'allowed' || a.answer === null)
    return <span data-testid="my-use-attest">{t('attest.usageDenied', { org, item })}</span>;
  const answer = a.answer ? t('attest.yes') : t('attest.no');
  return <span data-testid="my-use-attest">{t('attest.usage', { org, item, answer })}</span>;
}
