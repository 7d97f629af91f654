import { Input, Table } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, query } from '../api';
import { Page } from '../App';
import { LevelTag, OpenTag, ShareTag } from '../labels';
import type { ResourceSummary } from '../types';

export default function CatalogPage() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: ResourceSummary[]; total: number }>({ items: [], total: 0 });
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    setLoading(true);
    api<{ items: ResourceSummary[]; total: number }>(`/api/v1/catalog/resources?${query({ q, page, pageSize: 20 })}`)
      .then(setData)
      .finally(() => setLoading(false));
  }, [q, page]);
  return (
    <Page title={t('catalog')}>
      <Input.Search
        placeholder={t('search')}
        allowClear
        onSearch={(v) => (setQ(v), setPage(1))}
        style={{ maxWidth: 480 }}
        data-testid="catalog-search"
      />
      <Table
        rowKey="code"
        loading={loading}
        dataSource={data.items}
        pagination={{ current: page, total: data.total, pageSize: 20, onChange: setPage }}
        columns={[
          { title: t('code'), dataIndex: 'code', render: (c: string) => <Link to={`/catalog/${c}`}>{c}</Link> },
          {
            title: t('name'),
            dataIndex: 'name',
            render: (n: string, r) => (
              <Link to={`/catalog/${r.code}`} data-testid={`resource-${r.code}`}>
                {n}
              </Link>
            ),
          },
          { title: t('provider'), render: (_, r) => r.provider.name },
          { title: t('category'), dataIndex: 'category', render: (c: string) => t(`category.${c}`) },
          { title: t('shareType'), dataIndex: 'shareType', render: (v: string) => <ShareTag value={v} /> },
          { title: t('openType'), dataIndex: 'openType', render: (v: string) => <OpenTag value={v} /> },
          { title: t('level'), dataIndex: 'level', render: (v: string) => <LevelTag value={v} /> },
          { title: t('recordCount'), dataIndex: 'recordCount', align: 'right' },
        ]}
      />
    </Page>
  );
}
