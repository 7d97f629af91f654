import { Card, Col, Drawer, Row, Statistic, Table, Tag, Typography } from 'antd';
import type { EChartsOption } from 'echarts';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery } from '../api';
import { Page } from '../ui/page';
import { Chart } from '../chart';
import { namesOf, useOrgs } from '../catalog/orgs';
import { ProblemAlert } from '../ui/problem-alert';
import { BaseNav, percent, type Accuracy } from './common';
import type { Authority } from './types';

/** Accuracy per element as bars, red under the target, with the target as a dashed line. */
function accuracyChart(acc: Accuracy, kindName: (k: string) => string, target: string): EChartsOption {
  const rows = acc.elements.filter((e) => e.rate !== null);
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => `${String(v)}%` },
    grid: { left: 48, right: 96, top: 32, bottom: 80 },
    xAxis: {
      type: 'category',
      data: rows.map((e) => `${kindName(e.kind)}·${e.name}`),
      axisLabel: { rotate: 35, interval: 0 },
    },
    // From a little under the lowest bar or the target, so that small differences show.
    yAxis: {
      type: 'value',
      interval: 5,
      min: (v) => Math.max(0, 5 * Math.floor((Math.min(v.min, acc.target * 100) - 5) / 5)),
      max: 100,
    },
    series: [
      {
        type: 'bar',
        barMaxWidth: 28,
        data: rows.map((e) => ({
          value: Number(((e.rate ?? 0) * 100).toFixed(1)),
          itemStyle: { color: (e.rate ?? 0) >= acc.target ? '#389e0d' : '#cf1322' },
        })),
        label: { show: true, position: 'top', formatter: '{c}%' },
        markLine: {
          symbol: 'none',
          data: [{ yAxis: acc.target * 100 }],
          label: { formatter: target },
          lineStyle: { color: '#d48806', type: 'dashed' },
        },
      },
    ],
  };
}

/** 基础库概览: subjects, values, open conflicts, field accuracy against 90 %, labels and the sources of record. */
export default function BaseOverviewPage() {
  const { t } = useTranslation();
  const orgs = namesOf(useOrgs());
  const [label, setLabel] = useState<{ code: string; name: string } | null>(null);
  const base = useQuery(async () => {
    const [overview, accuracy, authority] = await Promise.all([
      ok(client.GET('/api/v1/base/overview')),
      ok(client.GET('/api/v1/base/accuracy')),
      ok(client.GET('/api/v1/base/authority')),
    ]);
    return { overview, accuracy, authority: authority.items };
  }, []);
  const { problem } = base;
  const overview = base.data?.overview;
  const accuracy = base.data?.accuracy;
  const authority: Authority[] = base.data?.authority ?? [];
  const kindName = (k: string) => t(`base.kind.${k}`);
  const option = useMemo(
    () => accuracy && accuracyChart(accuracy, (k) => t(`base.kindShort.${k}`), t('base.target')),
    [accuracy, t], // the language changes t
  );
  return (
    <Page title={t('base.title')} extra={<BaseNav />}>
      {problem && <ProblemAlert problem={problem} />}
      {overview && accuracy && (
        <Row gutter={16}>
          {overview.bases.map((b) => (
            <Col xs={12} md={6} key={b.kind}>
              <Card size="small" title={kindName(b.kind)} data-testid={`base-card-${b.kind}`}>
                <Statistic title={t('base.subjects')} value={b.subjects} />
                <Typography.Text type="secondary">
                  {t('base.valuesOf', { values: b.values, observations: b.observations })}
                </Typography.Text>
              </Card>
            </Col>
          ))}
          <Col xs={12} md={6}>
            <Card size="small" title={t('base.conflicts')}>
              <Statistic
                title={t('base.state.open')}
                value={overview.conflicts.open}
                data-testid="base-open-conflicts"
              />
              <Typography.Text type="secondary">
                {t('base.state.resolved')} {overview.conflicts.resolved} · {t('base.state.dismissed')}{' '}
                {overview.conflicts.dismissed}
              </Typography.Text>
            </Card>
          </Col>
          <Col xs={12} md={6}>
            <Card size="small" title={t('base.accuracy')}>
              <Statistic
                title={t('base.overall')}
                value={percent(accuracy.overall.rate)}
                styles={{ content: { color: (accuracy.overall.rate ?? 0) >= accuracy.target ? '#389e0d' : '#cf1322' } }}
                data-testid="base-accuracy"
              />
              <Typography.Text type="secondary">{t('base.target')}</Typography.Text>
            </Card>
          </Col>
        </Row>
      )}
      {option && (
        <Card
          size="small"
          title={t('base.accuracyByElement')}
          extra={<Typography.Text type="secondary">{t('base.accuracyHelp')}</Typography.Text>}
        >
          <Chart option={option} height={340} testId="base-accuracy-chart" />
        </Card>
      )}
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Card size="small" title={t('base.labels')}>
            <Table
              rowKey="code"
              size="small"
              pagination={false}
              dataSource={overview?.labels ?? []}
              data-testid="base-labels"
              onRow={(r) => ({ onClick: () => setLabel(r), style: { cursor: 'pointer' } })}
              columns={[
                { title: t('name'), dataIndex: 'name', render: (n: string) => <Typography.Link>{n}</Typography.Link> },
                { title: t('base.base'), dataIndex: 'kind', render: (k: string) => kindName(k) },
                { title: t('base.members'), dataIndex: 'members', align: 'right' },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card
            size="small"
            title={t('base.authority')}
            extra={<Typography.Text type="secondary">{t('base.authorityHelp')}</Typography.Text>}
          >
            <Table
              rowKey={(r) => `${r.kind}.${r.element}`}
              size="small"
              pagination={false}
              dataSource={authority}
              columns={[
                { title: t('base.base'), dataIndex: 'kind', render: (k: string) => kindName(k) },
                { title: t('base.element'), dataIndex: 'elementName' },
                { title: t('provider'), dataIndex: 'providerName' },
              ]}
            />
          </Card>
        </Col>
      </Row>
      {accuracy && (
        <Card size="small" title={t('base.byProvider')}>
          <Table
            rowKey={(r) => `${r.kind}.${r.provider}`}
            size="small"
            pagination={false}
            dataSource={accuracy.providers}
            columns={[
              { title: t('provider'), dataIndex: 'provider', render: (p: string) => orgs[p] ?? p },
              { title: t('base.base'), dataIndex: 'kind', render: (k: string) => kindName(k) },
              { title: t('base.observations'), dataIndex: 'observations', align: 'right' },
              { title: t('base.agreeing'), dataIndex: 'agreeing', align: 'right' },
              { title: t('base.agreement'), dataIndex: 'rate', align: 'right', render: percent },
            ]}
          />
        </Card>
      )}
      <Members label={label} onClose={() => setLabel(null)} />
    </Page>
  );
}

/** A label's members (keys and names masked); each page read is on the ledger. */
function Members({ label, onClose }: { label: { code: string; name: string } | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  useEffect(() => setPage(1), [label]);
  // Each page read goes on the ledger, so nothing is read while the drawer is closed.
  const { data, problem } = useQuery(
    async () =>
      label &&
      ok(
        client.GET('/api/v1/base/labels/{code}/members', {
          params: { path: { code: label.code }, query: { page, pageSize: 20 } },
        }),
      ),
    [label, page],
  );
  return (
    <Drawer open={!!label} onClose={onClose} title={label?.name} size={480} data-testid="base-members">
      {problem && <ProblemAlert problem={problem} />}
      <Typography.Paragraph type="secondary">{t('base.membersHelp')}</Typography.Paragraph>
      <Table
        rowKey="key"
        size="small"
        dataSource={data?.items ?? []}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        columns={[
          { title: t('base.key'), dataIndex: 'key', render: (k: string) => <Tag>{k}</Tag> },
          { title: t('name'), dataIndex: 'name', render: (n: unknown) => (n === null ? '—' : String(n)) },
        ]}
      />
    </Drawer>
  );
}
