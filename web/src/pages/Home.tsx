import { Card, Col, Row, Statistic } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { Page } from '../App';
import { Chart } from '../chart';
import { hasRole, useSession } from '../session';
import type { ResourceSummary } from '../types';

interface Stats {
  resources: number;
  records: number;
  organizations: number;
  grants: number;
  ledgerSize: number;
}

export default function HomePage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const [stats, setStats] = useState<Stats | null>(null);
  const [resources, setResources] = useState<ResourceSummary[]>([]);
  useEffect(() => {
    void api<Stats>('/api/v1/stats').then(setStats);
    void api<{ items: ResourceSummary[] }>('/api/v1/catalog/resources?pageSize=50').then((r) => setResources(r.items));
  }, []);
  const cards: Array<[string, number | undefined]> = [
    ['resources', stats?.resources],
    ['records', stats?.records],
    ['organizations', stats?.organizations],
    ['activeGrants', stats?.grants],
    ['ledgerSize', stats?.ledgerSize],
  ];
  return (
    <Page title={t('welcome', { name: user!.displayName })}>
      <Row gutter={16}>
        {cards.map(([key, value]) => (
          <Col key={key} span={4}>
            <Card data-testid={`stat-${key}`}>
              <Statistic title={t(key)} value={value ?? '-'} />
            </Card>
          </Col>
        ))}
      </Row>
      {hasRole(user, 'operator', 'officer', 'auditor') && resources.length > 0 && (
        <Card title={t('recordsPerResource')}>
          <Chart
            option={{
              tooltip: {},
              grid: { left: 160, right: 24, top: 16, bottom: 24 },
              xAxis: { type: 'value' },
              yAxis: { type: 'category', data: resources.map((r) => r.name) },
              series: [{ type: 'bar', data: resources.map((r) => r.recordCount), itemStyle: { color: '#1d4e89' } }],
            }}
          />
        </Card>
      )}
    </Page>
  );
}
