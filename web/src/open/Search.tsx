import {
  Alert,
  Card,
  Col,
  Collapse,
  Empty,
  Grid,
  Input,
  List,
  Pagination,
  Row,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { useQuery } from '../api';
import { extra, packageSearch, type CkanPackage, type FacetItem } from './ckan';
import { dateOf, OpenLayout } from './Layout';

/** The facets the hub's package_search counts (docs/open.md), each a filter of `fq`. */
const FACETS = ['organization', 'groups', 'update_frequency', 'res_format', 'open_type', 'license_id'] as const;
type Facet = (typeof FACETS)[number];
const ROWS = 10;
const SORTS = {
  relevance: 'score desc, metadata_modified desc',
  newest: 'metadata_modified desc',
  name: 'title_string asc',
} as const;
type Sort = keyof typeof SORTS;

/** A facet value by name, not code: topics and the licence have the app's words, providers their names. */
export function facetLabel(t: TFunction, facet: string, item: Pick<FacetItem, 'name' | 'display_name'>): string {
  if (facet === 'groups') return t(`category.${item.name}`, { defaultValue: item.display_name });
  if (facet === 'license_id') return t(`open.licenceName.${item.name}`, { defaultValue: item.display_name });
  if (facet === 'update_frequency') return t(`freq.${item.name}`, { defaultValue: item.display_name });
  if (facet === 'open_type') return t(`open.openType.${item.name}`, { defaultValue: item.display_name });
  return item.display_name;
}

/** The text of `fq` for the chosen facet values: `organization:jnjtj groups:theme`. */
const filterText = (chosen: Partial<Record<Facet, string>>) =>
  FACETS.filter((f) => chosen[f])
    .map((f) => `${f}:"${chosen[f]}"`)
    .join(' ');

/**
 * 开放数据 (public, no login): Chinese full-text search of the open datasets with the facets as
 * filters, the newest beside. Every choice lives in the address, so a search can be shared.
 */
export default function OpenSearchPage() {
  const { t } = useTranslation();
  const phone = !Grid.useBreakpoint().md;
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const sort: Sort = (params.get('sort') as Sort) in SORTS ? (params.get('sort') as Sort) : 'relevance';
  const chosen = Object.fromEntries(FACETS.map((f) => [f, params.get(f) ?? undefined])) as Partial<
    Record<Facet, string>
  >;
  const fq = filterText(chosen);
  const update = (change: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(change)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!('page' in change)) next.delete('page');
    setParams(next);
  };
  const search = useQuery(
    () =>
      packageSearch({
        q: q || undefined,
        fq: fq || undefined,
        rows: ROWS,
        start: (page - 1) * ROWS,
        sort: SORTS[sort],
        'facet.field': [...FACETS],
      }),
    [q, fq, page, sort],
  );
  const newest = useQuery(() => packageSearch({ rows: 6, sort: SORTS.newest }), []);
  const popular = useQuery(() => packageSearch({ rows: 6, sort: 'views_total desc' }), []);
  const anyChosen = FACETS.some((f) => chosen[f]);

  const facets = (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="open-facets">
      {anyChosen && (
        <a onClick={() => update(Object.fromEntries(FACETS.map((f) => [f, undefined])))} data-testid="open-clear">
          {t('open.clearFilters')}
        </a>
      )}
      {FACETS.map((f) => {
        const items = search.data?.search_facets[f]?.items ?? [];
        if (items.length === 0 && !chosen[f]) return null;
        return (
          <Card key={f} size="small" title={t(`open.facet.${f}`)}>
            <Space size={[4, 8]} wrap>
              {items.map((item) => {
                const on = chosen[f] === item.name;
                return (
                  <Tag.CheckableTag
                    key={item.name}
                    checked={on}
                    onChange={() => update({ [f]: on ? undefined : item.name })}
                    data-testid={`facet-${f}-${item.name}`}
                  >
                    {facetLabel(t, f, item)} ({item.count})
                  </Tag.CheckableTag>
                );
              })}
              {f === 'open_type' && (
                <Link to="/open/developer" data-testid="open-conditional-link">
                  {t('open.openType.conditional')}
                </Link>
              )}
            </Space>
          </Card>
        );
      })}
    </Space>
  );

  return (
    <OpenLayout>
      <Typography.Paragraph type="secondary">{t('open.intro')}</Typography.Paragraph>
      <Input.Search
        defaultValue={q}
        key={q}
        placeholder={t('open.search')}
        enterButton={t('open.searchButton')}
        size="large"
        allowClear
        onSearch={(value) => update({ q: value.trim() || undefined })}
        data-testid="open-search"
        style={{ marginBottom: 16 }}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} md={7} lg={6}>
          {phone ? (
            <Collapse size="small" items={[{ key: 'f', label: t('open.filters'), children: facets }]} />
          ) : (
            facets
          )}
        </Col>
        <Col xs={24} md={17} lg={12}>
          <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
            <Typography.Text data-testid="open-count">
              {search.data ? t('open.found', { count: search.data.count }) : '\u00a0'}
            </Typography.Text>
            <Select
              size="small"
              value={sort}
              aria-label={t('open.sortBy')}
              onChange={(v: Sort) => update({ sort: v === 'relevance' ? undefined : v })}
              options={(Object.keys(SORTS) as Sort[]).map((s) => ({ value: s, label: t(`open.sort.${s}`) }))}
              style={{ width: 120 }}
              data-testid="open-sort"
            />
          </Space>
          {search.problem && <Alert type="error" showIcon message={t('open.failed')} />}
          <List
            loading={search.loading}
            dataSource={search.data?.results ?? []}
            locale={{ emptyText: <Empty description={t('open.none')} /> }}
            data-testid="open-results"
            renderItem={(pkg) => <Result pkg={pkg} />}
          />
          <Typography.Paragraph style={{ marginTop: 16, textAlign: 'center' }}>
            <Link to="/open/requests" data-testid="open-request-link">
              {t('open.request.link')}
            </Link>
          </Typography.Paragraph>
          {(search.data?.count ?? 0) > ROWS && (
            <Pagination
              current={page}
              pageSize={ROWS}
              total={search.data!.count}
              showSizeChanger={false}
              simple={phone}
              onChange={(p) => update({ page: String(p) })}
              style={{ marginTop: 16, textAlign: 'center' }}
              data-testid="open-pages"
            />
          )}
        </Col>
        <Col xs={24} lg={6}>
          <Space direction="vertical" style={{ width: '100%' }} size={16}>
            <ShortList
              title={t('open.newest')}
              testId="open-newest"
              loading={newest.loading}
              items={newest.data?.results}
              note={(pkg) => dateOf(pkg.metadata_modified)}
            />
            {(popular.data?.results.length ?? 0) > 0 && (
              <ShortList
                title={t('open.popular')}
                testId="open-popular"
                loading={popular.loading}
                items={popular.data?.results}
                note={(pkg) => t('open.viewCount', { n: Number(extra(pkg, 'views') ?? 0) })}
              />
            )}
          </Space>
        </Col>
      </Row>
    </OpenLayout>
  );
}

/** A card of a few datasets (the newest, the most viewed), each with its provider and a note. */
function ShortList(props: {
  title: string;
  testId: string;
  loading: boolean;
  items: CkanPackage[] | undefined;
  note: (pkg: CkanPackage) => string;
}) {
  return (
    <Card size="small" title={props.title} data-testid={props.testId}>
      <List
        size="small"
        loading={props.loading}
        dataSource={props.items ?? []}
        renderItem={(pkg) => (
          <List.Item style={{ display: 'block' }}>
            <Link to={`/open/datasets/${pkg.name}`}>{pkg.title}</Link>
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {pkg.organization.title} · {props.note(pkg)}
              </Typography.Text>
            </div>
          </List.Item>
        )}
      />
    </Card>
  );
}

function Result({ pkg }: { pkg: CkanPackage }) {
  const { t } = useTranslation();
  return (
    <List.Item style={{ display: 'block' }} data-testid={`open-result-${pkg.name}`}>
      <Typography.Title level={5} style={{ margin: 0 }}>
        <Link to={`/open/datasets/${pkg.name}`}>{pkg.title}</Link>
      </Typography.Title>
      <Typography.Text type="secondary">
        {pkg.organization.title} · {t('open.updated', { date: dateOf(pkg.metadata_modified) })}
      </Typography.Text>
      <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: '4px 0' }}>
        {pkg.notes}
      </Typography.Paragraph>
      <Space size={4} wrap>
        {pkg.groups.map((g) => (
          <Tag key={g.name} color="blue">
            {facetLabel(t, 'groups', g)}
          </Tag>
        ))}
        {pkg.resources.map((r) => (
          <Tag key={r.id}>{r.format}</Tag>
        ))}
      </Space>
    </List.Item>
  );
}
