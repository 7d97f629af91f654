import { Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { client, ok, useQuery } from '../api';
import { ProblemAlert } from '../ui/problem-alert';
import { Page } from '../ui/page';
import { can, useSession } from '../session';
import type { Task } from './types';

/** Today as YYYY-MM-DD in local time, to compare with due dates. */
const today = () => new Date(Date.now() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 10);

/**
 * Where a task is done: a demand's or a correction's row (refs `12`, `12/confirm`, `12/operators`), else the
 * resource's page. A demand's row is on the tab of every demand for those who list them all, else on the provider's.
 */
const linkOf = (task: Task, listsAll: boolean) =>
  task.kind.startsWith('demand.')
    ? `/demands?tab=${listsAll ? 'all' : 'provider'}&id=${task.ref.split('/')[0]}`
    : task.kind.startsWith('correction.')
      ? `/corrections?state=open&id=${task.ref.split('/')[0]}`
      : `/catalog/${task.ref}`;

/** The caller's organization's tasks: submissions to review, returned registrations to fix, demands to answer. */
export default function TasksPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const listsAll = can(user, 'demand:list-all');
  const navigate = useNavigate();
  const tasks = useQuery(async () => (await ok(client.GET('/api/v1/tasks'))).items, []);
  const now = today();
  const overdue = (task: Task) =>
    task.overdue ?? (task.state === 'open' && !!task.dueDate && task.dueDate.slice(0, 10) < now);
  return (
    <Page title={t('tasks')}>
      {tasks.problem && <ProblemAlert problem={tasks.problem} />}
      <Table<Task>
        rowKey="id"
        loading={tasks.loading}
        dataSource={tasks.data}
        data-testid="tasks-table"
        // The whole row opens the thing to act on, not only its title.
        onRow={(task) => ({
          onClick: (e) => {
            if (!(e.target as HTMLElement).closest('a')) navigate(linkOf(task, listsAll));
          },
          style: { cursor: 'pointer' },
          'data-testid': `task-row-${task.id}`,
        })}
        columns={[
          {
            title: t('task'),
            dataIndex: 'title',
            render: (title: string, task) => (
              <Link to={linkOf(task, listsAll)} data-testid={`task-${task.id}`}>
                {title}
              </Link>
            ),
          },
          {
            title: t('type'),
            dataIndex: 'kind',
            render: (k: string) => <Tag color="blue">{t(`taskKind.${k}`, { defaultValue: k })}</Tag>,
          },
          {
            title: t('resource'),
            dataIndex: 'ref',
            render: (ref: string, task) =>
              task.kind.startsWith('demand.') ? (
                <Link to={linkOf(task, listsAll)}>{t('demandNo', { id: ref.split('/')[0] })}</Link>
              ) : task.kind.startsWith('correction.') ? (
                <Link to={linkOf(task, listsAll)}>{t('correctionNo', { id: ref.split('/')[0] })}</Link>
              ) : (
                <Link to={`/catalog/${ref}`}>{ref}</Link>
              ),
          },
          { title: t('org'), dataIndex: 'org', render: (o: string | null) => o || '—' },
          {
            title: t('dueDate'),
            dataIndex: 'dueDate',
            defaultSortOrder: 'ascend',
            sorter: (a, b) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999'),
            render: (d: string | null, task) =>
              !d ? (
                '—'
              ) : overdue(task) ? (
                <Typography.Text type="danger" strong data-testid={`overdue-${task.id}`}>
                  {d.slice(0, 10)} · {t('overdue')}
                </Typography.Text>
              ) : (
                d.slice(0, 10)
              ),
          },
          {
            title: t('state'),
            dataIndex: 'state',
            filters: ['open', 'done'].map((s) => ({ text: t(`taskState.${s}`), value: s })),
            defaultFilteredValue: ['open'],
            onFilter: (value, task) => task.state === value,
            render: (s: string) => <Tag color={s === 'open' ? 'processing' : 'default'}>{t(`taskState.${s}`)}</Tag>,
          },
          { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => new Date(v).toLocaleString() },
        ]}
      />
    </Page>
  );
}
