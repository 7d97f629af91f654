import { App, Button, Popconfirm, Space, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useAction, useQuery } from '../api';
import { ProblemAlert } from '../ui/problem-alert';
import { Page } from '../ui/page';
import { FlagTags, LevelWithSuggestion, OpenTag, ResourceName, ShareTag } from '../labels';
import type { ResourceSummary } from './types';
import { act, ReturnModal } from './Workflow';

/** The operator's queue: submitted registrations, with what the hub flagged, approved or returned in place. */
export default function ReviewPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [returning, setReturning] = useState<ResourceSummary | null>(null);
  const queue = useQuery(
    () =>
      ok(
        client.GET('/api/v1/catalog/resources', {
          params: { query: { status: 'submitted', sort: 'updated', page: 1, pageSize: 200 } },
        }),
      ),
    [],
  );
  const approve = useAction((r: ResourceSummary) => act(r.code, 'approve'), {
    success: (_, r) => `${t('done.approve')}: ${r.name}`,
    then: queue.refetch,
  });
  return (
    <Page title={t('review')}>
      {queue.problem && <ProblemAlert problem={queue.problem} />}
      <Table<ResourceSummary>
        rowKey="code"
        loading={queue.loading}
        dataSource={queue.data?.items}
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
                <Popconfirm title={t('approveConfirm', { name: r.name })} onConfirm={() => approve.run(r)}>
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
          await queue.refetch();
        }}
      />
    </Page>
  );
}
