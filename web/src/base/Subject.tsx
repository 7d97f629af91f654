import { Button, Card, Input, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useSubmit } from '../api';
import { Page } from '../ui/page';
import { namesOf, useOrgs } from '../catalog/orgs';
import { ProblemAlert } from '../ui/problem-alert';
import { BaseNav, OriginText, show, type BaseKind, type SubjectView } from './common';

type Element = SubjectView['elements'][number];

/** 主体查询: one person or legal entity merged from every provider, each value with its lineage. */
export default function SubjectPage() {
  const { t } = useTranslation();
  const orgs = namesOf(useOrgs());
  const [kind, setKind] = useState<BaseKind>('person');
  const [key, setKey] = useState('');
  const [purpose, setPurpose] = useState('');
  const [subject, setSubject] = useState<SubjectView | null>(null);
  // The last subject stays until the next one arrives; a refused lookup clears it.
  const lookup = useSubmit(async () => {
    const path = { kind, key: key.trim() };
    const query = { purpose: purpose.trim() || undefined };
    try {
      setSubject(await ok(client.GET('/api/v1/base/{kind}/subjects/{key}', { params: { path, query } })));
    } catch (e) {
      setSubject(null);
      throw e;
    }
  });
  const { problem } = lookup;

  return (
    <Page title={t('base.lookup')} extra={<BaseNav />}>
      <Space wrap>
        <Select<BaseKind>
          value={kind}
          style={{ width: 150 }}
          onChange={setKind}
          options={(['person', 'legal_entity'] as const).map((k) => ({ value: k, label: t(`base.kind.${k}`) }))}
        />
        <Input
          value={key}
          onChange={(e) => setKey(e.target.value)}
          onPressEnter={() => void lookup.run()}
          placeholder={t(`base.keyOf.${kind}`)}
          style={{ width: 240 }}
          data-testid="subject-key"
        />
        <Input
          value={purpose}
          onChange={(e) => setPurpose(e.target.value)}
          placeholder={t('purpose')}
          style={{ width: 220 }}
        />
        <Button
          type="primary"
          onClick={() => void lookup.run()}
          loading={lookup.busy}
          disabled={!key.trim()}
          data-testid="subject-lookup"
        >
          {t('query')}
        </Button>
      </Space>
      <Typography.Text type="secondary">{t('base.lookupHelp')}</Typography.Text>
      {problem && <ProblemAlert problem={problem} />}
      {subject && (
        <Card
          size="small"
          title={<Typography.Text code>{subject.key}</Typography.Text>}
          extra={subject.labels.map((l) => (
            <Tag color="geekblue" key={l.code}>
              {l.name}
            </Tag>
          ))}
          data-testid="subject-card"
        >
          <Table<Element>
            rowKey="element"
            size="small"
            pagination={false}
            dataSource={subject.elements}
            columns={[
              { title: t('base.element'), dataIndex: 'name' },
              { title: t('base.value'), render: (_, e) => <ValueCell e={e} /> },
              {
                title: t('base.origin'),
                render: (_, e) => (
                  <Space orientation="vertical" size={0}>
                    <OriginText origin={e.origin} names={orgs} />
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('base.job')} {e.origin.job.slice(0, 8)}
                    </Typography.Text>
                  </Space>
                ),
              },
              {
                title: t('base.openConflicts'),
                render: (_, e) =>
                  e.openConflicts.map((c) => (
                    <div key={c.id}>
                      <Typography.Text type="warning">{show(c.value)}</Typography.Text>{' '}
                      <OriginText origin={c.origin} names={orgs} />
                    </div>
                  )),
              },
            ]}
          />
        </Card>
      )}
    </Page>
  );
}

function ValueCell({ e }: { e: Element }) {
  const { t } = useTranslation();
  return (
    <Space wrap size={4}>
      <Typography.Text>{show(e.value)}</Typography.Text>
      {e.authoritative && <Tag color="green">{t('base.authoritative')}</Tag>}
      {e.keptByConflict !== null && <Tag color="purple">{t('base.reviewed')}</Tag>}
      {e.confirmations > 0 && <Tag>{t('base.confirmedBy', { count: e.confirmations })}</Tag>}
      {!e.valid && (
        <Tooltip title={e.invalidReason}>
          <Tag color="red">{t('base.invalid')}</Tag>
        </Tooltip>
      )}
    </Space>
  );
}
