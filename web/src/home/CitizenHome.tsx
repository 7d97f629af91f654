import { EditOutlined } from '@ant-design/icons';
import { Button, Card, Col, Empty, List, Row, Space, Statistic, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useTaskBack } from '../a11y/back';
import { useAccessible } from '../a11y/mode';
import { client, ok, useQuery } from '../api';
import { MyCorrections } from '../quality/MyCorrections';
import { Page } from '../ui/page';
import { Named } from '../ui/names';
import { ProblemAlert } from '../ui/problem-alert';
import { CorrectHeld, type Held, type HeldTarget } from './CorrectHeld';
import { CitizenTasks } from './CitizenTasks';
import { displayValue } from '../ui/value';

const loadRecords = () => ok(client.GET('/api/v1/me/records'));

/** An ID shown on screen with its middle hidden: enough for the citizen to recognise it. */
const masked = (id: string) => (id.length > 10 ? `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}` : id);

/**
 * A citizen's home. In the large text mode (长辈模式) its tasks, one big button each; their own data
 * is then the one task of /?task=records.
 */
export function CitizenHome() {
  const { accessible } = useAccessible();
  const [params] = useSearchParams();
  if (accessible && params.get('task') !== 'records') return <CitizenTasks />;
  return <CitizenData />;
}

/**
 * Which ID is the citizen's, the data departments hold under it (read through the person base,
 * recorded on the ledger as their own lookup), how often it was used, and their corrections. In
 * the large text mode only the ID, the data and the corrections: the uses have their own task.
 */
function CitizenData() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const simple = useAccessible().accessible;
  const back = useTaskBack();
  // The citizen ID comes from /auth/me only (a login answer does not carry it).
  const me = useQuery(() => ok(client.GET('/api/v1/auth/me')), []);
  const id = me.data?.citizenId;
  // What the departments hold about the caller, by provider (GET /api/v1/me/records): recorded as their own look.
  const records = useQuery(() => (id ? loadRecords() : Promise.resolve(null)), [id]);
  // Uses by others: the citizen's own looks at their data are not uses of it (shown apart on /mydata).
  const uses = useQuery(
    async () => (await ok(client.GET('/api/v1/me/usage', { params: { query: { limit: 1 } } }))).totals.byOthers,
    [],
  );
  const corrections = useQuery(() => ok(client.GET('/api/v1/corrections', { params: { query: { page: 1 } } })), []);
  // The value a correction is being reported on, from the value itself.
  const [correcting, setCorrecting] = useState<HeldTarget | null>(null);
  const problem = me.problem ?? records.problem ?? uses.problem ?? corrections.problem;
  return (
    <Page title={simple ? t('a11y.task.records') : t('welcome', { name: me.data?.displayName ?? '' })} extra={back}>
      {problem && <ProblemAlert problem={problem} />}
      {simple && (
        <Typography.Paragraph style={{ margin: 0 }} data-testid="task-intro">
          {t('a11y.recordsIntro')}
        </Typography.Paragraph>
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} md={simple ? 24 : 8}>
          <Card data-testid="my-id">
            <Statistic title={t('shell.myId')} value={id ? masked(id) : '-'} loading={me.loading} />
            <Typography.Text type="secondary">{id ? t('shell.myIdHelp') : t('shell.noCitizenId')}</Typography.Text>
          </Card>
        </Col>
        {!simple && (
          <>
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
          </>
        )}
      </Row>
      <Card title={t('shell.myRecords')} data-testid="my-records">
        {records.data?.providers.length ? (
          records.data.providers.map((p) => (
            <div key={p.org.code} data-testid="my-records-provider" style={{ marginBottom: 16 }}>
              <Typography.Title level={5}>{p.org.name}</Typography.Title>
              <List<Held>
                size="small"
                dataSource={p.elements}
                renderItem={(e) => (
                  <HeldValue
                    key={e.element}
                    held={e}
                    onCorrect={
                      e.field === null
                        ? undefined
                        : () => setCorrecting({ held: e, provider: p.org.name, key: records.data!.key })
                    }
                  />
                )}
              />
            </div>
          ))
        ) : (
          <Empty description={records.loading ? undefined : t('shell.myRecordsEmpty')} />
        )}
      </Card>
      <MyCorrections />
      <CorrectHeld target={correcting} onClose={() => setCorrecting(null)} />
    </Page>
  );
}

/**
 * One value a department holds about the citizen, as a line that reads on a phone: what it is and
 * its value, then where it came from and when, with its source-of-record, validation and
 * freshness marks, and 纠错 to report it wrong.
 */
function HeldValue({ held: e, onCorrect }: { held: Held; onCorrect?: () => void }) {
  const { t } = useTranslation();
  return (
    <List.Item data-testid="my-record" style={{ display: 'block' }}>
      <Space size={[8, 4]} wrap style={{ width: '100%' }}>
        <Typography.Text type="secondary">{e.name}</Typography.Text>
        <Typography.Text strong style={{ wordBreak: 'break-all' }}>
          {displayValue(t, e.value)}
        </Typography.Text>
        {e.authoritative && <Tag color="blue">{t('myData.sourceOfRecord')}</Tag>}
        {!e.valid && <Tag color="red">{t('myData.invalid')}</Tag>}
        {e.disputed && <Tag color="orange">{t('myData.disputed')}</Tag>}
      </Space>
      <Space size={[8, 0]} wrap className="qdh-small">
        <Typography.Text type="secondary" className="qdh-small">
          <Named name={e.resource.name} code={e.resource.code} />
        </Typography.Text>
        <Typography.Text type="secondary" className="qdh-small">
          {e.loadedAt ? new Date(e.loadedAt).toLocaleDateString() : '—'}
        </Typography.Text>
        {e.stale && <Tag color="gold">{t('myData.stale')}</Tag>}
        {onCorrect && (
          <Button
            size="small"
            type="link"
            icon={<EditOutlined />}
            style={{ paddingInline: 0, fontSize: 12 }}
            onClick={onCorrect}
            data-testid={`held-correct-${e.element}`}
          >
            {t('myRecord.correct')}
          </Button>
        )}
      </Space>
    </List.Item>
  );
}
