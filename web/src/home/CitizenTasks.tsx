import { EyeOutlined, IdcardOutlined, SafetyCertificateOutlined, ShopOutlined } from '@ant-design/icons';
import { Button, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { client, ok, useQuery } from '../api';
import { can, useSession } from '../session';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';

/**
 * The citizen's tasks, each with the action its page needs (as MENU in App.tsx): their own data
 * (the home's records, at /?task=records), who used it, their consents, their enterprises.
 */
const TASKS: Array<{ key: string; to: string; icon: ReactNode; can?: string }> = [
  { key: 'records', to: '/?task=records', icon: <IdcardOutlined /> },
  { key: 'mydata', to: '/mydata', icon: <EyeOutlined />, can: 'ledger:read-own-entries' },
  { key: 'consents', to: '/consents', icon: <SafetyCertificateOutlined />, can: 'consent:decide' },
  { key: 'enterprises', to: '/enterprises', icon: <ShopOutlined />, can: 'enterprise:read-own' },
];

/**
 * A citizen's home in the large text mode (长辈模式): one big button per task, in plain words, in
 * place of the dashboard; each opens a page about that one task. The dashboard's count of uses
 * by others shows on its button; the records themselves are read only when asked for.
 */
export function CitizenTasks() {
  const { t } = useTranslation();
  const { user } = useSession();
  const navigate = useNavigate();
  const mine = TASKS.filter((task) => !task.can || can(user, task.can));
  const seesUses = mine.some((task) => task.key === 'mydata');
  const uses = useQuery(
    async () =>
      seesUses ? (await ok(client.GET('/api/v1/me/usage', { params: { query: { limit: 1 } } }))).totals.byOthers : null,
    [seesUses],
  );
  return (
    <Page title={t('welcome', { name: user!.displayName })}>
      {uses.problem && <ProblemAlert problem={uses.problem} />}
      <Typography.Paragraph style={{ margin: 0 }}>{t('a11y.tasksIntro')}</Typography.Paragraph>
      <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="citizen-tasks">
        {mine.map((task) => (
          <Button
            key={task.key}
            block
            className="qdh-task"
            icon={task.icon}
            onClick={() => navigate(task.to)}
            data-testid={`task-${task.key}`}
          >
            <span className="qdh-task-text">
              <span className="qdh-task-title">{t(`a11y.task.${task.key}`)}</span>
              <span className="qdh-task-help">{t(`a11y.task.${task.key}Help`)}</span>
              {task.key === 'mydata' && uses.data != null && (
                <strong className="qdh-task-help" data-testid="task-mydata-count">
                  {t('a11y.task.mydataCount', { count: uses.data })}
                </strong>
              )}
            </span>
          </Button>
        ))}
      </Space>
    </Page>
  );
}
