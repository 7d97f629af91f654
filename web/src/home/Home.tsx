import { Button, Card, Col, Row, Statistic } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { client, ok, useQuery } from '../api';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { Chart } from '../chart';
import { can, useSession } from '../session';
import { CitizenHome } from './CitizenHome';

/** Each role's home: a citizen's own data; for the others the hub's figures and what waits for them. */
export default function HomePage() {
  const { user } = useSession();
  return user!.roles.every((r) => r === 'citizen') ? <CitizenHome /> : <WorkHome />;
}

function WorkHome() {
  const { t } = useTranslation();
  const { user } = useSession();
  const navigate = useNavigate();
  const counts = useQuery(() => ok(client.GET('/api/v1/stats')), []);
  const stats = counts.data;
  // Records per resource: for those who browse records (operators, providers' officers) or watch their use (auditors).
  const chart = can(user, 'records:browse') || can(user, 'monitoring:read');
  const listed = useQuery(
    async () =>
      chart
        ? (await ok(client.GET('/api/v1/catalog/resources', { params: { query: { page: 1, pageSize: 50 } } }))).items
        : [],
    [chart],
  );
  const withTasks = can(user, 'tasks:read');
  const tasks = useQuery(async () => (withTasks ? (await ok(client.GET('/api/v1/tasks'))).items : null), [withTasks]);
  const resources = listed.data ?? [];
  const problem = counts.problem ?? listed.problem ?? tasks.problem;
  const cards: Array<[string, number | undefined]> = [
    ['resources', stats?.resources],
    ['records', stats?.records],
    ['organizations', stats?.organizations],
    ['activeGrants', stats?.grants],
    ['ledgerSize', stats?.ledgerSize],
  ];
  return (
    <Page title={t('welcome', { name: user!.displayName })}>
      {problem && <ProblemAlert problem={problem} />}
      <Row gutter={[16, 16]}>
        {tasks.data && (
          <Col xs={12} md={8} lg={4}>
            <Card data-testid="stat-tasks" hoverable onClick={() => navigate('/tasks')}>
              <Statistic title={t('shell.openTasks')} value={tasks.data.length} />
            </Card>
          </Col>
        )}
        {cards.map(([key, value]) => (
          <Col key={key} xs={12} md={8} lg={4}>
            <Card data-testid={`stat-${key}`}>
              <Statistic title={t(key)} value={value ?? '-'} />
            </Card>
          </Col>
        ))}
      </Row>
      {tasks.data && tasks.data.length > 0 && (
        <Button type="primary" onClick={() => navigate('/tasks')} data-testid="home-tasks">
          {t('shell.openTasksGo')}
        </Button>
      )}
      {chart && resources.length > 0 && (
        <Card title={t('recordsPerResource')}>
          <Chart
            height={Math.max(300, resources.length * 14)}
            option={{
              tooltip: {},
              grid: { left: 8, right: 24, top: 16, bottom: 24 },
              xAxis: { type: 'value' },
              yAxis: {
                type: 'category',
                data: resources.map((r) => r.name),
                axisLabel: { width: 120, overflow: 'truncate' },
              },
              series: [{ type: 'bar', data: resources.map((r) => r.recordCount), itemStyle: { color: '#1d4e89' } }],
            }}
          />
        </Card>
      )}
    </Page>
  );
}
