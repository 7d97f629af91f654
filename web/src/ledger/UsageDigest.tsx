import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, Empty, Row, Space, Statistic, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, download, ok, problemOf, useQuery, type Problem } from '../api';
import { Chart } from '../chart';
import { ProblemAlert } from '../ui/problem-alert';

/**
 * 月度摘要: a month of "who used my data" in figures (`GET /api/v1/me/usage/digest`) — uses by
 * others by organization and purpose, allowed against refused, the citizen's own looks apart —
 * relative to a signed tree head, with the hub's image of it to download.
 */
export function UsageDigest({ month }: { month: string }) {
  const { t } = useTranslation();
  const digest = useQuery(() => ok(client.GET('/api/v1/me/usage/digest', { params: { query: { month } } })), [month]);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const d = digest.data;
  const save = async () => {
    setProblem(null);
    setSaving(true);
    try {
      await download(`/api/v1/me/usage/digest.svg?month=${month}`, `usage-${month}.svg`);
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card
      title={`${t('myData.digest')} · ${t('myData.digestOf', { month })}`}
      loading={digest.loading && !d}
      data-testid="usage-digest"
      extra={
        <Button icon={<DownloadOutlined />} loading={saving} onClick={() => void save()} data-testid="digest-download">
          {t('myData.digestDownload')}
        </Button>
      }
    >
      {(digest.problem ?? problem) && <ProblemAlert problem={(digest.problem ?? problem)!} />}
      {d && (
        <>
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6}>
              <Statistic title={t('myData.digestUses')} value={d.uses.count} data-testid="digest-uses" />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('myData.digestAllowed')} value={d.uses.allowed} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic
                title={t('myData.digestDenied')}
                value={d.uses.denied + d.uses.notFound}
                suffix={
                  d.uses.notFound > 0 && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {`（${t('myData.digestNotFound')} ${d.uses.notFound}）`}
                    </Typography.Text>
                  )
                }
              />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('myData.digestOwn')} value={d.own} data-testid="digest-own" />
            </Col>
          </Row>
          {d.byOrg.length === 0 ? (
            <Empty description={t('myData.digestNone')} />
          ) : (
            <>
              <Typography.Title level={5} style={{ marginTop: 16 }}>
                {t('myData.digestByOrg')}
              </Typography.Title>
              <Chart
                testId="digest-chart"
                height={Math.max(120, d.byOrg.length * 36 + 40)}
                option={{
                  tooltip: {},
                  legend: { top: 0 },
                  grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
                  xAxis: { type: 'value', minInterval: 1 },
                  yAxis: {
                    type: 'category',
                    inverse: true,
                    data: d.byOrg.map((o) => o.name),
                    axisLabel: { width: 140, overflow: 'truncate' },
                  },
                  series: [
                    {
                      name: t('myData.digestAllowed'),
                      type: 'bar',
                      stack: 'uses',
                      data: d.byOrg.map((o) => o.allowed),
                      itemStyle: { color: '#1677ff' },
                    },
                    {
                      name: t('myData.digestDenied'),
                      type: 'bar',
                      stack: 'uses',
                      data: d.byOrg.map((o) => o.denied + o.notFound),
                      itemStyle: { color: '#ff4d4f' },
                    },
                  ],
                }}
              />
              <Typography.Title level={5}>{t('myData.digestByPurpose')}</Typography.Title>
              <Space wrap data-testid="digest-purposes">
                {d.byPurpose.map((p) => (
                  <Tag key={p.purpose} title={p.purpose}>
                    {p.name} · {t('myData.times', { count: p.count })}
                  </Tag>
                ))}
              </Space>
            </>
          )}
          <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>
            {t('myData.digestHead', { size: d.head.treeSize })}{' '}
            <Typography.Text code copyable style={{ fontSize: 12, wordBreak: 'break-all' }}>
              {d.head.rootHash}
            </Typography.Text>
          </Typography.Paragraph>
        </>
      )}
    </Card>
  );
}
