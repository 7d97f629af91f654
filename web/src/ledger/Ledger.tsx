import {
  Alert,
  Button,
  Card,
  DatePicker,
  Drawer,
  Form,
  Grid,
  Input,
  List,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { client, download, ok, problemOf, useQuery } from '../api';
import { useOrgs } from '../catalog/orgs';
import { usePurposes } from '../purposes';
import { useCan } from '../session';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { EntryDetails, NO_NAMES, entryOrg, localTime, orgName, summaryOf, userName, type Reader } from './entry-view';
import { Heads } from './Heads';
import type { LedgerEntry } from './types';
import { checkInclusion, type InclusionProof as Proof } from './check';

type Kind = NonNullable<LedgerEntry['record']>['kind'];

const PAGE_SIZE = 20;
/** The kinds an auditor filters by, in the order of docs/ledger.md. */
const KINDS: Kind[] = [
  'share.read',
  'catalog.resource.changed',
  'quality.rules.set',
  'quality.correction.changed',
  'share.grant.created',
  'share.grant.changed',
  'share.demand.changed',
  'purpose.added',
  'base.conflict.decided',
  'base.label.defined',
  'base.authority.set',
  'ledger.audit.exported',
  'ledger.subject.searched',
  'open.comment.moderated',
];

interface Filters {
  org?: string;
  kind?: Kind;
  from?: string;
  to?: string;
  subject?: string;
}

const inclusionProof = (query: { index?: number; leafHash?: string; treeSize?: number }) =>
  ok(client.GET('/api/v1/ledger/proof/inclusion', { params: { query } }));

/** The query string of a search, for the export's URL (the same filters as the page's). */
const queryOf = (f: Filters) =>
  new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));

/**
 * The ledger for auditors: entries searched by organization, kind, time and — for roles allowed
 * to — subject, newest first and readable (names, words, local times; the hashed text behind
 * "原始数据"); an audit export with proofs; the signed heads checked in the browser.
 */
export default function LedgerPage() {
  const { t } = useTranslation();
  const orgs = useOrgs();
  const purposeList = usePurposes();
  const purposes = useMemo(() => new Map(purposeList.map((p) => [p.code, p.name])), [purposeList]);
  const canSubject = useCan('ledger:search-subject');
  const [form] = Form.useForm();
  const [filters, setFilters] = useState<Filters>({});
  const [cursors, setCursors] = useState<Array<number | undefined>>([undefined]);
  const before = cursors[cursors.length - 1];
  const [found, setFound] = useState<LedgerEntry[] | null>(null);
  const [checking, setChecking] = useState<{ entry: LedgerEntry; proof: Proof; root: string; ok: boolean } | null>(
    null,
  );
  const [actionProblem, setActionProblem] = useState<ReturnType<typeof problemOf> | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const [open, setOpen] = useState<number[]>([]);
  const toggle = (index: number) => setOpen(open.includes(index) ? open.filter((i) => i !== index) : [...open, index]);
  // A phone reads entries as cards, one under another; a desk as a table.
  const phone = Grid.useBreakpoint().md === false;

  const page = useQuery(
    () => ok(client.GET('/api/v1/ledger/search', { params: { query: { ...filters, limit: PAGE_SIZE, before } } })),
    [filters, before],
  );
  const reader: Reader = { t, names: page.data?.names ?? NO_NAMES, purposes };
  // Organization names come from the page's answer and the list of organizations alike.
  for (const o of orgs) reader.names.orgs[o.code] ??= o.name;

  const apply = (values: {
    org?: string;
    kind?: Kind;
    time?: Array<{ toISOString(): string } | null>;
    subject?: string;
  }) => {
    const [from, to] = values.time ?? [];
    setFound(null);
    setCursors([undefined]);
    setFilters({
      org: values.org,
      kind: values.kind,
      from: from?.toISOString(),
      to: to?.toISOString(),
      subject: values.subject?.trim() || undefined,
    });
  };

  /** An index, or a leaf hash (found through its inclusion proof); empty shows the search again. */
  const lookup = async (text: string) => {
    const q = text.trim().toLowerCase();
    if (!q) return setFound(null);
    try {
      const index = /^[0-9a-f]{64}$/.test(q)
        ? (await inclusionProof({ leafHash: q })).leafIndex
        : Number.parseInt(q, 10);
      setFound(
        Number.isInteger(index)
          ? await ok(
              client.GET('/api/v1/ledger/entries', { params: { query: { start: index, end: index + 1, limit: 1 } } }),
            )
          : [],
      );
    } catch {
      setFound([]);
    }
  };

  const verify = async (entry: LedgerEntry) => {
    setActionProblem(null);
    try {
      const head = await ok(client.GET('/api/v1/ledger/head'));
      const { proof, ok: holds } = await checkInclusion(head, entry);
      setChecking({ entry, proof, root: head.rootHash, ok: holds });
    } catch (e) {
      setActionProblem(problemOf(e));
    }
  };

  const exportAs = async (format: 'csv' | 'jsonl') => {
    setActionProblem(null);
    setExporting(format);
    try {
      const query = queryOf(filters);
      query.set('format', format);
      await download(`/api/v1/ledger/export?${query.toString()}`, `ledger-audit.${format}`);
    } catch (e) {
      setActionProblem(problemOf(e));
    } finally {
      setExporting(null);
    }
  };

  const problem = page.problem ?? actionProblem;
  const kindTag = (e: LedgerEntry) => {
    const kind = e.record?.kind;
    return <Tag title={kind}>{kind ? t(`ledgerKind.${kind}`, { defaultValue: kind }) : t('ledgerKindUnknown')}</Tag>;
  };
  const outcomeTag = (e: LedgerEntry) =>
    e.record?.kind === 'share.read' && (
      <Tag color={e.record.outcome === 'allowed' ? 'green' : 'red'}>{t(`outcome.${e.record.outcome}`)}</Tag>
    );
  const verifyButton = (e: LedgerEntry) => (
    <Button size="small" onClick={() => void verify(e)} data-testid={`verify-${e.index}`}>
      {t('verify')}
    </Button>
  );
  return (
    <Page title={t('ledger')}>
      {problem && <ProblemAlert problem={problem} />}
      <Card title={t('ledgerUi.filters')}>
        <Form form={form} layout="vertical" onFinish={apply} data-testid="ledger-filters">
          <Space wrap align="end" size={[12, 0]}>
            <Form.Item name="org" label={t('ledgerUi.org')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={t('ledgerUi.anyOrg')}
                style={{ width: 220 }}
                options={orgs.map((o) => ({ value: o.code, label: o.name }))}
                data-testid="filter-org"
              />
            </Form.Item>
            <Form.Item name="kind" label={t('ledgerUi.kind')}>
              <Select
                allowClear
                placeholder={t('ledgerUi.anyKind')}
                style={{ width: 180 }}
                options={KINDS.map((k) => ({ value: k, label: t(`ledgerKind.${k}`) }))}
                data-testid="filter-kind"
              />
            </Form.Item>
            <Form.Item name="time" label={t('ledgerUi.time')}>
              <DatePicker.RangePicker showTime style={{ maxWidth: 340 }} data-testid="filter-time" />
            </Form.Item>
            {canSubject && (
              <Form.Item name="subject" label={t('ledgerUi.subject')} tooltip={t('ledgerUi.subjectHelp')}>
                <Input allowClear maxLength={18} style={{ width: 220 }} data-testid="filter-subject" />
              </Form.Item>
            )}
            <Form.Item>
              <Space wrap>
                <Button type="primary" htmlType="submit" data-testid="filter-apply">
                  {t('ledgerUi.apply')}
                </Button>
                <Button
                  onClick={() => {
                    form.resetFields();
                    apply({});
                  }}
                >
                  {t('ledgerUi.reset')}
                </Button>
              </Space>
            </Form.Item>
          </Space>
        </Form>
        <Space wrap>
          <Button loading={exporting === 'csv'} onClick={() => void exportAs('csv')} data-testid="export-csv">
            {t('ledgerUi.exportCsv')}
          </Button>
          <Button loading={exporting === 'jsonl'} onClick={() => void exportAs('jsonl')} data-testid="export-jsonl">
            {t('ledgerUi.exportJsonl')}
          </Button>
          <Typography.Text type="secondary">{t('ledgerUi.exportHelp')}</Typography.Text>
        </Space>
      </Card>
      <Card
        title={t('entries')}
        extra={
          <Input.Search
            allowClear
            placeholder={t('ledgerUi.lookup')}
            onSearch={lookup}
            style={{ maxWidth: 320 }}
            data-testid="ledger-search"
          />
        }
      >
        {phone ? (
          <List<LedgerEntry>
            loading={page.loading}
            dataSource={found ?? page.data?.items}
            data-testid="ledger-entries"
            renderItem={(e) => (
              <List.Item key={e.index} data-testid="ledger-entry" style={{ display: 'block' }}>
                <Space wrap size={[8, 4]}>
                  <Typography.Text type="secondary">#{e.index}</Typography.Text>
                  {kindTag(e)}
                  {outcomeTag(e)}
                  <Typography.Text type="secondary">{e.record ? localTime(e.record.at) : ''}</Typography.Text>
                </Space>
                <div>
                  {e.record && userName(reader, e.record.actor)}
                  {entryOrg(e) && `（${orgName(reader, entryOrg(e)!)}）`}
                </div>
                <div>{summaryOf(reader, e)}</div>
                <Space style={{ marginTop: 4 }}>
                  <ExpandButton entry={e} open={open.includes(e.index)} onClick={toggle} />
                  {verifyButton(e)}
                </Space>
                {open.includes(e.index) && (
                  <div style={{ marginTop: 8 }}>
                    <EntryDetails entry={e} reader={reader} />
                  </div>
                )}
              </List.Item>
            )}
          />
        ) : (
          <Table<LedgerEntry>
            rowKey="index"
            size="small"
            loading={page.loading}
            dataSource={found ?? page.data?.items}
            data-testid="ledger-entries"
            pagination={false}
            scroll={{ x: 960 }}
            onRow={() => ({ 'data-testid': 'ledger-entry' }) as HTMLAttributes<HTMLElement>}
            expandable={{
              expandedRowKeys: open,
              expandedRowRender: (e) => <EntryDetails entry={e} reader={reader} />,
              expandIcon: ({ record }) => (
                <ExpandButton entry={record} open={open.includes(record.index)} onClick={toggle} />
              ),
            }}
            columns={[
              { title: t('index'), dataIndex: 'index', width: 80 },
              {
                title: t('ledgerField.at'),
                width: 170,
                render: (_, e) => (e.record ? localTime(e.record.at) : ''),
              },
              { title: t('ledgerUi.kind'), width: 130, render: (_, e) => kindTag(e) },
              {
                title: t('ledgerField.actor'),
                width: 130,
                render: (_, e) => e.record && <span title={e.record.actor}>{userName(reader, e.record.actor)}</span>,
              },
              {
                title: t('ledgerUi.org'),
                width: 170,
                render: (_, e) => {
                  const code = entryOrg(e);
                  return code && <span title={code}>{orgName(reader, code)}</span>;
                },
              },
              { title: t('ledgerUi.summary'), render: (_, e) => summaryOf(reader, e) },
              {
                title: t('ledgerField.outcome'),
                width: 90,
                render: (_, e) => outcomeTag(e),
              },
              {
                title: '',
                width: 90,
                render: (_, e) => verifyButton(e),
              },
            ]}
          />
        )}
        {!found && (
          <Space style={{ marginTop: 12 }}>
            <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
              {t('ledgerUi.newer')}
            </Button>
            <Typography.Text>{t('ledgerUi.pageNo', { page: cursors.length })}</Typography.Text>
            <Button
              disabled={page.data?.next == null}
              onClick={() => page.data?.next != null && setCursors([...cursors, page.data.next])}
              data-testid="entries-older"
            >
              {t('ledgerUi.older')}
            </Button>
          </Space>
        )}
      </Card>
      <Heads />
      <Drawer
        open={!!checking}
        onClose={() => setChecking(null)}
        size={Math.min(640, window.innerWidth)}
        title={`${t('verify')} #${checking?.entry.index ?? ''}`}
      >
        {checking && (
          <>
            <Alert
              type={checking.ok ? 'success' : 'error'}
              title={checking.ok ? t('verified') : t('notVerified')}
              data-testid="verify-result"
            />
            <List
              header={t('auditPath')}
              size="small"
              dataSource={[
                `${t('ledgerUi.leafHash')} ${checking.proof.leafHash}`,
                ...checking.proof.auditPath.map((p, i) => `${i + 1}. ${p}`),
                `${t('ledgerUi.rootHash')} ${checking.root}`,
              ]}
              renderItem={(s) => (
                <List.Item>
                  <Typography.Text code style={{ fontSize: 12, wordBreak: 'break-all' }}>
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

/** Opens an entry's details: the same button in the table and in the phone's cards. */
function ExpandButton({
  entry,
  open,
  onClick,
}: {
  entry: LedgerEntry;
  open: boolean;
  onClick: (index: number) => void;
}) {
  const { t } = useTranslation();
  return (
    <Button
      size="small"
      type="link"
      onClick={() => onClick(entry.index)}
      aria-expanded={open}
      data-testid={`entry-expand-${entry.index}`}
    >
      {open ? t('ledgerUi.collapse') : t('ledgerUi.details')}
    </Button>
  );
}
