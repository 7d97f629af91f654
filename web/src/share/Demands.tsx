import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Descriptions, Popconfirm, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { client, download, ok, problemText, problemOf, query, useAction, useQuery, type User } from '../api';
import { Page } from '../ui/page';
import { ResourceName } from '../labels';
import { PurposeTags } from '../purposes';
import { can, useSession } from '../session';
import type { Demand, DemandState } from './types';
import { DemandStateTag, DemandSteps, FieldTags, localDate, ReasonModal } from './common';
import { ProblemAlert } from '../ui/problem-alert';
import { FreeTextDemandButton, mayDemand } from './DemandForm';
import { AssignModal, FulfilModal } from './DemandRouting';

type TabKey = 'mine' | 'provider' | 'all';
type Action = 'confirm' | 'publish' | 'accept-basis';
type ReasonAction = 'refuse' | 'reject-basis';
/** Actions in a dialog of their own: assigning a demand for data not yet in the catalog, and answering it with a resource. */
type DialogAction = 'assign' | 'fulfil';
const PAGE_SIZE = 20;
const STATES: DemandState[] = ['basis_review', 'filed', 'confirmed', 'refused', 'published'];
const ROLE: Record<TabKey, 'consumer' | 'provider' | undefined> = {
  mine: 'consumer',
  provider: 'provider',
  all: undefined,
};

/**
 * What the caller may do to a demand now, as the hub decides it (src/share/authorized-demands.ts):
 * the policy's action for each step, on the demand's provider — its resource's, else the
 * department the operators assigned it to.
 */
function actionsFor(user: User | null, d: Demand): Array<Action | ReasonAction | DialogAction> {
  const provider = { ownerOrg: d.resource?.provider.code ?? d.assignedTo?.code ?? [] };
  const may = (action: string) => can(user, action, provider);
  const steps = (...pairs: Array<[boolean, Action | ReasonAction | DialogAction]>) =>
    pairs.flatMap(([allowed, step]) => (allowed ? [step] : []));
  switch (d.state) {
    case 'basis_review':
      return can(user, 'demand:review-basis') ? ['accept-basis', 'reject-basis'] : [];
    case 'filed':
      // Not in the catalog: the operators assign it (again, if need be) or refuse it; once
      // assigned, that department answers it with a resource it registered, or refuses it.
      if (!d.resource && d.assignedTo) {
        const answers = steps([may('demand:confirm'), 'fulfil'], [may('demand:refuse'), 'refuse']);
        return answers.length > 0 ? answers : steps([can(user, 'demand:assign'), 'assign']);
      }
      if (!d.resource) return steps([can(user, 'demand:assign'), 'assign'], [can(user, 'demand:answer'), 'refuse']);
      return steps([may('demand:confirm'), 'confirm'], [may('demand:refuse'), 'refuse']);
    case 'confirmed':
      return d.resource && may('demand:publish') ? ['publish'] : [];
    default:
      return [];
  }
}

/** The labels of each resource's fields by name; a resource that cannot be read keeps its codes. */
async function fieldLabels(codes: string[]): Promise<Record<string, Record<string, string>>> {
  const entries = await Promise.all(
    codes.map((code) =>
      ok(client.GET('/api/v1/catalog/resources/{code}', { params: { path: { code } } }))
        .then((r) => [code, Object.fromEntries(r.fields.map((f) => [f.name, f.label]))] as const)
        .catch(() => [code, {}] as const),
    ),
  );
  return Object.fromEntries(entries);
}

/** 供需对接: the demands the caller's organization filed, those it must answer, and (operators) all. */
export default function DemandsPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const tabs = useMemo(
    () =>
      [
        user?.org && { key: 'mine' as const, label: t('demandsMine') },
        // The demands to answer: for those who confirm demands for their organization (its officers).
        can(user, 'demand:confirm') && { key: 'provider' as const, label: t('demandsToHandle') },
        can(user, 'demand:list-all') && { key: 'all' as const, label: t('demandsAll') },
      ].filter(Boolean) as Array<{ key: TabKey; label: string }>,
    [user, t],
  );
  // Where the caller's work is: demands to answer, else every demand for those who route them.
  const fallback: TabKey = can(user, 'demand:confirm') ? 'provider' : can(user, 'demand:assign') ? 'all' : 'mine';
  const asked = params.get('tab') as TabKey | null;
  const tab = tabs.find((x) => x.key === asked)?.key ?? tabs.find((x) => x.key === fallback)?.key ?? tabs[0]?.key;
  const highlight = Number(params.get('id')) || undefined;
  const [asking, setAsking] = useState<{ demand: Demand; action: ReasonAction } | null>(null);
  const [routing, setRouting] = useState<{ demand: Demand; action: DialogAction } | null>(null);
  const [expanded, setExpanded] = useState<number[]>(highlight ? [highlight] : []);

  const list = useQuery(
    async () =>
      tab ? (await ok(client.GET('/api/v1/demands', { params: { query: { role: ROLE[tab] } } }))).items : [],
    [tab],
  );
  const { loading, problem, refetch: load } = list;
  const demands = list.data ?? [];
  // A task opens the page on its demand: show the page of the table it is on.
  const [page, setPage] = useState(1);
  const at = highlight ? demands.findIndex((d) => d.id === highlight) : -1;
  useEffect(() => {
    if (at >= 0) setPage(Math.floor(at / PAGE_SIZE) + 1);
  }, [at]);
  const codes = [...new Set(demands.flatMap((d) => (d.resource ? [d.resource.code] : [])))].slice(0, 50);
  const labels = useQuery(() => fieldLabels(codes), [codes.join(' ')]).data ?? {};

  const [acting, setActing] = useState<string | null>(null);
  const act = useAction(
    (d: Demand, action: Action) =>
      ok(client.POST(`/api/v1/demands/{id}/${action}`, { params: { path: { id: d.id } } })),
    { success: (_, d, action) => t(`demandDone.${action}`, { id: d.id }), then: load },
  );
  const run = (d: Demand, action: Action) => {
    setActing(`${action}-${d.id}`);
    return act.run(d, action);
  };
  // A refusal stays in the reason modal, which shows it beside the reason.
  const refuse = async (d: Demand, action: ReasonAction, reason: string) => {
    await ok(client.POST(`/api/v1/demands/{id}/${action}`, { params: { path: { id: d.id } }, body: { reason } }));
    void message.success(t(`demandDone.${action}`, { id: d.id }));
    await load();
  };
  const exportLedger = async () => {
    try {
      await download(`/api/v1/demands/ledger.xlsx?${query({ role: tab ? ROLE[tab] : undefined })}`, 'demands.xlsx');
    } catch (e) {
      void message.error(problemText(t, problemOf(e)));
    }
  };

  const button = (d: Demand, action: Action | ReasonAction | DialogAction) => {
    const testId = `demand-${action}-${d.id}`;
    if (action === 'assign' || action === 'fulfil') {
      return (
        <Button
          key={action}
          type="primary"
          size="small"
          onClick={() => setRouting({ demand: d, action })}
          data-testid={testId}
        >
          {t(`share.${action}`)}
        </Button>
      );
    }
    if (action === 'refuse' || action === 'reject-basis') {
      return (
        <Button key={action} danger size="small" onClick={() => setAsking({ demand: d, action })} data-testid={testId}>
          {t(`demandAction.${action}`)}
        </Button>
      );
    }
    const b = (
      <Button
        key={action}
        type="primary"
        size="small"
        loading={act.busy && acting === `${action}-${d.id}`}
        onClick={action === 'publish' ? undefined : () => run(d, action)}
        data-testid={testId}
      >
        {t(`demandAction.${action}`)}
      </Button>
    );
    return action === 'publish' ? (
      <Popconfirm
        key={action}
        title={t('publishDemandConfirm', { consumer: d.consumer.name })}
        okButtonProps={{ 'data-testid': 'publish-ok' } as ButtonProps}
        onConfirm={() => run(d, 'publish')}
      >
        {b}
      </Popconfirm>
    ) : (
      b
    );
  };

  const columns = (
    [
      { title: '#', dataIndex: 'id', width: 48 },
      {
        title: t('demand'),
        key: 'resource',
        render: (_, d) => (
          <div style={{ minWidth: 160, maxWidth: 260 }}>
            {d.resource ? (
              <ResourceName code={d.resource.code} name={d.resource.name} testId={`demand-resource-${d.id}`} />
            ) : (
              <Typography.Paragraph ellipsis={{ rows: 2, tooltip: d.need }} style={{ margin: 0 }}>
                <Tag color="magenta">{t('freeText')}</Tag>
                {d.need}
              </Typography.Paragraph>
            )}
            <Typography.Text type="secondary" ellipsis={{ tooltip: d.purpose }} style={{ fontSize: 12, maxWidth: 260 }}>
              {t('purpose')}：{d.purposes.map((p) => p.name).join('、')}
              {d.purpose && ` · ${d.purpose}`}
            </Typography.Text>
          </div>
        ),
      },
      tab !== 'mine' && {
        title: t('demandConsumer'),
        key: 'consumer',
        render: (_, d) => <div style={{ minWidth: 84, maxWidth: 130 }}>{d.consumer.name}</div>,
      },
      tab !== 'provider' && {
        title: t('provider'),
        key: 'provider',
        render: (_, d) => (
          <div style={{ minWidth: 84, maxWidth: 130 }}>
            {d.resource?.provider.name ??
              (d.assignedTo ? (
                <span data-testid={`demand-assigned-${d.id}`}>
                  {d.assignedTo.name}
                  <br />
                  <Tag color="blue">{t('share.assigned')}</Tag>
                </span>
              ) : (
                <Typography.Text type="secondary">{t('toBeRouted')}</Typography.Text>
              ))}
          </div>
        ),
      },
      {
        title: t('fields'),
        dataIndex: 'fields',
        render: (f: string[], d) => (
          <div style={{ maxWidth: 220 }}>
            <FieldTags fields={f} labels={d.resource ? labels[d.resource.code] : undefined} />
          </div>
        ),
      },
      {
        title: t('state'),
        dataIndex: 'state',
        filters: STATES.map((s) => ({ text: t(`demandState.${s}`), value: s })),
        onFilter: (v, d) => d.state === v,
        render: (s: DemandState, d) => (
          <Space orientation="vertical" size={2}>
            <DemandStateTag value={s} />
            {d.overdue && <Tag color="red">{t('overdue')}</Tag>}
          </Space>
        ),
      },
      { title: t('deadlines'), key: 'steps', render: (_, d) => <DemandSteps demand={d} /> },
      {
        title: t('filedAt'),
        dataIndex: 'filedAt',
        render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{localDate(v)}</span>,
      },
      {
        title: '',
        key: 'actions',
        render: (_, d) => {
          const actions = actionsFor(user, d);
          return actions.length ? (
            <Space orientation="vertical" size={4}>
              {actions.map((a) => button(d, a))}
            </Space>
          ) : null;
        },
      },
    ] satisfies Array<ColumnsType<Demand>[number] | false>
  ).filter((c) => c !== false);

  return (
    <Page
      title={t('demands')}
      extra={
        <Space>
          {mayDemand(user) && <FreeTextDemandButton onFiled={load} />}
          <Button icon={<DownloadOutlined />} onClick={exportLedger} data-testid="demand-ledger">
            {t('demandLedger')}
          </Button>
          <Button icon={<ReloadOutlined />} onClick={() => void load()} aria-label={t('refresh')} />
        </Space>
      }
    >
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('demandsHint')}
      </Typography.Paragraph>
      {tabs.length > 1 && (
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams({ tab: k })}
          items={tabs.map((x) => ({ key: x.key, label: <span data-testid={`demand-tab-${x.key}`}>{x.label}</span> }))}
          style={{ marginBottom: -24 }}
        />
      )}
      {problem && <ProblemAlert problem={problem} />}
      <Table<Demand>
        rowKey="id"
        loading={loading}
        dataSource={demands}
        columns={columns}
        data-testid="demands-table"
        rowClassName={(d) => (d.id === highlight ? 'ant-table-row-selected' : '')}
        expandable={{
          expandedRowKeys: expanded,
          onExpandedRowsChange: (keys) => setExpanded(keys as number[]),
          expandedRowRender: (d) => <DemandDetail demand={d} />,
        }}
        pagination={{ pageSize: PAGE_SIZE, current: page, onChange: setPage, hideOnSinglePage: true }}
      />
      <ReasonModal
        open={!!asking}
        title={asking ? t(`demandAction.${asking.action}`) + ` #${asking.demand.id}` : ''}
        okText={asking ? t(`demandAction.${asking.action}`) : ''}
        // The portal's demands (consumer `open-portal`) are answered in public: say so before it is written.
        hint={asking?.demand.consumer.code === 'open-portal' ? t('share.publicReasonHint') : undefined}
        onCancel={() => setAsking(null)}
        onOk={async (reason) => {
          await refuse(asking!.demand, asking!.action, reason);
          setAsking(null);
        }}
      />
      <AssignModal demand={routing?.action === 'assign' ? routing.demand : null} onClose={() => setRouting(null)} />
      <FulfilModal demand={routing?.action === 'fulfil' ? routing.demand : null} onClose={() => setRouting(null)} />
    </Page>
  );
}

function DemandDetail({ demand: d }: { demand: Demand }) {
  const { t } = useTranslation();
  const dash = (v: string) => v || '—';
  return (
    <Descriptions
      size="small"
      column={{ xs: 1, md: 2 }}
      data-testid={`demand-detail-${d.id}`}
      items={[
        ...(d.need ? [{ key: 'need', label: t('need'), span: 2, children: d.need }] : []),
        {
          key: 'purposes',
          label: t('purposeKinds'),
          span: 2,
          children: <PurposeTags purposes={d.purposes} />,
        },
        { key: 'purpose', label: t('purposeText'), span: 2, children: d.purpose },
        { key: 'legalBasis', label: t('legalBasis'), span: 2, children: dash(d.legalBasis) },
        { key: 'volume', label: t('volume'), children: dash(d.volume) },
        { key: 'frequency', label: t('frequency'), children: dash(d.frequency) },
        { key: 'filedAt', label: t('filedAt'), children: new Date(d.filedAt).toLocaleString() },
        {
          key: 'result',
          label: t('demandResult'),
          children: d.refusedReason ? (
            <Typography.Text type="danger">{d.refusedReason}</Typography.Text>
          ) : d.serviceCode ? (
            <Space>
              <Link to={`/services/${d.serviceCode}`} data-testid={`demand-service-${d.id}`}>
                {d.serviceCode}
              </Link>
              {d.grantId && <Link to="/grants">{t('grantNo', { id: d.grantId })}</Link>}
            </Space>
          ) : (
            '—'
          ),
        },
      ]}
    />
  );
}
