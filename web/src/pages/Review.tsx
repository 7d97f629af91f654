import { Alert, App, Button, Popconfirm, Space, Table } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, problemOf, type Problem } from '../api';
import { Page } from '../App';
import { FlagTags, LevelWithSuggestion, OpenTag, ResourceName, ShareTag } from '../labels';
import type { ResourceSummary, SearchResult } from '../types';
import { act, ReturnModal } from './catalog/Workflow';

/** The operator's queue: submitted registrations, with what the hub flagged, approved or returned in place. */
export default function ReviewPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [items, setItems] = useState<ResourceSummary[]>([]);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [returning, setReturning] = useState<ResourceSummary | null>(null);
  const load = useCallback(() => {
    setLoading(true);
    return api<SearchResult>('/api/v1/catalog/resources?status=submitted&sort=updated&pageSize=200')
      .then((r) => (setItems(r.items), setProblem(null)))
      .catch((e) => setProblem(problemOf(e)))
      .finally(() => setLoading(false));
  }, []);
  useEffect(() => void load(), [load]);
  const approve = async (r: ResourceSummary) => {
    try {
      await act(r.code, 'approve');
      void message.success(`${t('done.approve')}: ${r.name}`);
    } catch (e) {
      void message.error(problemOf(e).detail ?? problemOf(e).title);
    }
    await load();
  };
  return (
    <Page title={t('review')}>
      {problem && <Alert type="error" title={problem.title} description={problem.detail} />}
      <Table<ResourceSummary>
        rowKey="code"
        loading={loading}
        dataSource={items}
        pagination={false}
        data-testid="review-table"
        columns={[
          {
            title: t('name'),
            dataIndex: 'name',
            render: (n: string, r) => <ResourceName code={r.code} name={n} testId={`review-${r.code}`} />,
          },
          { title: t('provider'), render: (_, r) => r.provider.name },
          {
            title: t('category'),
            dataIndex: 'category',
            render: (c: string) => <span style={{ whiteSpace: 'nowrap' }}>{t(`category.${c}`)}</span>,
          },
          {
            title: t('level'),
            render: (_, r) => <LevelWithSuggestion level={r.level} suggested={r.suggestedLevel} />,
          },
          { title: t('shareType'), dataIndex: 'shareType', render: (v: string) => <ShareTag value={v} /> },
          { title: t('openType'), dataIndex: 'openType', render: (v: string) => <OpenTag value={v} /> },
          { title: t('flags'), dataIndex: 'flags', render: (f: string[]) => <FlagTags flags={f} /> },
          {
            title: t('submittedAt'),
            dataIndex: 'updatedAt',
            render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{new Date(v).toLocaleString()}</span>,
          },
          {
            title: '',
            render: (_, r) => (
              <Space>
                <Popconfirm title={t('approveConfirm', { name: r.name })} onConfirm={() => approve(r)}>
                  <Button type="primary" size="small" data-testid={`approve-${r.code}`}>
                    {t('action.approve')}
                  </Button>
                </Popconfirm>
                <Button danger size="small" onClick={() => setReturning(r)} data-testid={`return-${r.code}`}>
                  {t('action.return')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <ReturnModal
        open={!!returning}
        onCancel={() => setReturning(null)}
        onReturn={async (reason) => {
          await act(returning!.code, 'return', reason);
          void message.success(`${t('done.return')}: ${returning!.name}`);
          setReturning(null);
          await load();
        }}
      />
    </Page>
  );
}
