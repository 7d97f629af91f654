import { Flex, Input, Select, Space, Table, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { client, ok, useQuery } from '../api';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { FlagTags, LevelTag, OpenTag, ResourceName, ShareTag, StatusTag } from '../labels';
import { can, useSession } from '../session';
import type { Facet, ResourceSummary, SearchQuery, SearchResult } from './types';
import { Facets } from './Facets';
import { namesOf, useOrgs } from './orgs';
import { ExportButtons, ImportButton } from './Spreadsheets';

const PAGE_SIZE = 20;
const SORTS = ['relevance', 'code', 'name', 'updated'];
const STATUSES = ['draft', 'submitted', 'returned', 'approved', 'published'];
/** The search selection lives in the URL, so going back to the list keeps it. */
const SELECTION = ['q', 'provider', 'category', 'shareType', 'openType', 'level', 'status', 'sort'];

export default function CatalogPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const orgs = useOrgs();
  const key = params.toString();
  const selection: Record<string, string> = Object.fromEntries(
    SELECTION.flatMap((k) => (params.get(k) ? [[k, params.get(k)!]] : [])),
  );
  const page = Number(params.get('page') ?? 1);
  // Fetch again when the URL's selection changes (`key`); an import refetches too.
  const search = useQuery(
    () =>
      ok(
        client.GET('/api/v1/catalog/resources', {
          // Values from the URL as typed; the server refuses one outside its schema, shown as a problem.
          params: { query: { ...selection, page, pageSize: PAGE_SIZE } as SearchQuery },
        }),
      ),
    [key],
  );
  const data: SearchResult = search.data ?? { items: [], total: 0, facets: {} };
  const names = { ...Object.fromEntries(data.items.map((r) => [r.provider.code, r.provider.name])), ...namesOf(orgs) };
  /** Changes part of the selection; any change but paging goes back to the first page. */
  const change = (changes: Record<string, string | number | undefined>) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      for (const [k, v] of Object.entries(changes)) {
        if (v === undefined || v === '') next.delete(k);
        else next.set(k, String(v));
      }
      if (!('page' in changes)) next.delete('page');
      return next;
    });
  const seesDrafts = can(user, 'catalog:read-drafts');
  return (
    <Page
      title={t('catalog')}
      extra={
        <Space>
          {can(user, 'catalog:export') && <ExportButtons filters={selection} />}
          {can(user, 'catalog:register') && <ImportButton onImported={() => void search.refetch()} />}
        </Space>
      }
    >
      <Space wrap>
        <Input.Search
          placeholder={t('search')}
          allowClear
          defaultValue={params.get('q') ?? ''}
          onSearch={(v) => change({ q: v.trim() })}
          style={{ width: 420, maxWidth: '100%' }}
          data-testid="catalog-search"
        />
        <Select
          style={{ width: 180 }}
          value={params.get('sort') ?? 'relevance'}
          onChange={(v) => change({ sort: v === 'relevance' ? undefined : v })}
          options={SORTS.map((s) => ({ value: s, label: `${t('sortBy')}: ${t(`sort.${s}`)}` }))}
          data-testid="catalog-sort"
        />
        {seesDrafts && (
          <Select
            style={{ width: 160 }}
            allowClear
            placeholder={t('status')}
            value={params.get('status') ?? undefined}
            onChange={(v) => change({ status: v })}
            options={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
            data-testid="catalog-status"
          />
        )}
      </Space>
      {search.problem && <ProblemAlert problem={search.problem} />}
      <Flex gap={16} align="start">
        <div style={{ width: 220, flex: 'none' }}>
          <Facets
            facets={data.facets}
            selected={selection as Partial<Record<Facet, string>>}
            names={names}
            onChange={(facet, value) => change({ [facet]: value })}
          />
        </div>
        <Table<ResourceSummary>
          style={{ flex: 1, minWidth: 0 }}
          rowKey="code"
          loading={search.loading}
          dataSource={data.items}
          size="middle"
          data-testid="catalog-table"
          pagination={{
            current: page,
            total: data.total,
            pageSize: PAGE_SIZE,
            showSizeChanger: false,
            showTotal: (n) => t('totalResources', { count: n }),
            onChange: (p) => change({ page: p }),
          }}
          columns={[
            {
              title: t('name'),
              dataIndex: 'name',
              render: (n: string, r) => <ResourceName code={r.code} name={n} testId={`resource-${r.code}`} />,
            },
            {
              title: t('provider'),
              render: (_, r) => (
                <Space size={4} wrap>
                  {r.provider.name}
                  {r.remote && (
                    <Tooltip title={t('remoteNode', { node: r.remote.node, code: r.remote.code })}>
                      <Tag color="purple" data-testid={`remote-${r.code}`}>
                        {t('remoteFrom', { district: r.remote.divisionName })}
                      </Tag>
                    </Tooltip>
                  )}
                </Space>
              ),
            },
            { title: t('status'), dataIndex: 'status', render: (v: string) => <StatusTag value={v} /> },
            {
              title: `${t('shareType')} / ${t('openType')}`,
              render: (_, r) => (
                <Flex vertical gap={4} align="start">
                  <ShareTag value={r.shareType} />
                  <OpenTag value={r.openType} />
                </Flex>
              ),
            },
            { title: t('level'), dataIndex: 'level', render: (v: string) => <LevelTag value={v} /> },
            { title: t('flags'), dataIndex: 'flags', render: (f: string[]) => <FlagTags flags={f} /> },
            { title: t('recordCount'), dataIndex: 'recordCount', align: 'right' },
            {
              title: t('updatedAt'),
              dataIndex: 'updatedAt',
              render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{v.slice(0, 10)}</span>,
            },
          ]}
        />
      </Flex>
    </Page>
  );
}
