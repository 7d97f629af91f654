import { Button, Card, Col, Empty, Row, Statistic, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { client, ok, problemOf, useQuery } from '../api';
import { namesOf, useOrgs } from '../catalog/orgs';
import { MyCorrections } from '../quality/MyCorrections';
import type { SubjectView } from '../base/types';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';

type Element = SubjectView['elements'][number];

/** An ID shown on screen with its middle hidden: enough for the citizen to recognise it. */
const masked = (id: string) => (id.length > 10 ? `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}` : id);

/**
 * A citizen's home: which ID is theirs, the data departments hold under it (read through the person
 * base, recorded on the ledger as their own lookup), how often it was used, and their corrections.
 */
export function CitizenHome() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const orgs = namesOf(useOrgs());
  // The citizen ID comes from /auth/me only (a login answer does not carry it).
  const me = useQuery(() => ok(client.GET('/api/v1/auth/me')), []);
  const id = me.data?.citizenId;
  const records = useQuery(async () => {
    if (!id) return null;
    try {
      return await ok(
        client.GET('/api/v1/base/{kind}/subjects/{key}', { params: { path: { kind: 'person', key: id } } }),
      );
    } catch (e) {
      // No department has loaded a record about this person yet: nothing to show, not a fault.
      if (problemOf(e).code === 'BAS_SUBJECT_NOT_FOUND') return null;
      throw e;
    }
  }, [id]);
  // Uses by others: the citizen's own looks at their data are not uses of it (shown apart on /mydata).
  const uses = useQuery(
    async () => (await ok(client.GET('/api/v1/me/usage', { params: { query: { limit: 1 } } }))).totals.byOthers,
    [],
  );
  const corrections = useQuery(() => ok(client.GET('/api/v1/corrections', { params: { query: { page: 1 } } })), []);
  const problem = me.problem ?? records.problem ?? uses.problem ?? corrections.problem;
  return (
    <Page title={t('welcome', { name: me.data?.displayName ?? '' })}>
      {problem && <ProblemAlert problem={problem} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card data-testid="my-id">
            <Statistic title={t('shell.myId')} value={id ? masked(id) : '-'} loading={me.loading} />
            <Typography.Text type="secondary">{id ? t('shell.myIdHelp') : t('shell.noCitizenId')}</Typography.Text>
          </Card>
        </Col>
        <Col xs={12} md={8}>
          <Card data-testid="stat-my-uses" hoverable onClick={() => navigate('/mydata')}>
            <Statistic title={t('whoUsed')} value={uses.data ?? '-'} loading={uses.loading} />
            <Button type="link" style={{ paddingInline: 0 }} data-testid="home-mydata">
              {t('shell.whoUsedOpen')}
            </Button>
          </Card>
        </Col>
        <Col xs={12} md={8}>
          <Card data-testid="stat-my-corrections">
            <Statistic
              title={t('myCorrections')}
              value={corrections.data?.total ?? '-'}
              loading={corrections.loading}
            />
          </Card>
        </Col>
      </Row>
      <Card title={t('shell.myRecords')} data-testid="my-records">
        {records.data ? (
          <Table<Element>
            rowKey="element"
            size="small"
            pagination={false}
            dataSource={records.data.elements}
            columns={[
              { title: t('base.element'), dataIndex: 'name' },
              { title: t('base.value'), render: (_, e) => (e.value === null ? '—' : String(e.value)) },
              {
                title: t('shell.valueFrom'),
                render: (_, e) => orgs[e.origin.provider] ?? e.origin.provider,
              },
            ]}
          />
        ) : (
          <Empty description={records.loading ? undefined : t('shell.myRecordsEmpty')} />
        )}
      </Card>
      <MyCorrections />
    </Page>
  );
}
