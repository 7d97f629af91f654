import { Alert, Button, Drawer, Space, Timeline, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, problemOf, type Problem } from '../../api';
import { ActionTag } from '../../labels';
import type { Resource, VersionEvent } from '../../types';
import { FieldsTable, Metadata } from './Metadata';

/** A diff value as text: strings as they are, absent as ∅, anything else as JSON. */
const show = (v: unknown) =>
  v === undefined || v === null || v === '' ? '∅' : typeof v === 'string' ? v : JSON.stringify(v);

function Diff({ diff }: { diff: VersionEvent['diff'] }) {
  const { t, i18n } = useTranslation();
  /** "fields/2/label" reads as "信息项 / 2 / label": the top-level name translated where the app has it. */
  const pathOf = (path: string) => {
    const [head = '', ...rest] = path.replace(/^\//, '').split(/[/.]/);
    return [i18n.exists(head) ? t(head) : head, ...rest].join(' / ');
  };
  return (
    <Space orientation="vertical" size={2} style={{ width: '100%' }}>
      {diff.map((d) => (
        <div key={d.path} data-testid="diff-row">
          <Typography.Text strong>{pathOf(d.path)}</Typography.Text>{' '}
          <Typography.Text delete type="danger">
            {show(d.before)}
          </Typography.Text>
          {' → '}
          <Typography.Text type="success">{show(d.after)}</Typography.Text>
        </div>
      ))}
    </Space>
  );
}

/** Who did what and when, newest first, with what changed; any version can be read whole. */
export function Versions({ resource }: { resource: Resource }) {
  const { t } = useTranslation();
  const [events, setEvents] = useState<VersionEvent[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [old, setOld] = useState<Resource | null>(null);
  useEffect(() => {
    api<{ items: VersionEvent[] }>(`/api/v1/catalog/resources/${resource.code}/versions`)
      .then((r) => setEvents(r.items))
      .catch((e) => setProblem(problemOf(e)));
  }, [resource.code, resource.version, resource.status]);
  const open = (n: number) =>
    api<Resource>(`/api/v1/catalog/resources/${resource.code}/versions/${n}`)
      .then(setOld)
      .catch((e) => setProblem(problemOf(e)));
  if (problem) return <Alert type="error" title={problem.title} description={problem.detail} />;
  return (
    <>
      <Timeline
        data-testid="versions"
        items={(events ?? []).map((e, i) => ({
          key: `${e.version}-${i}`,
          color: e.action === 'return' ? 'red' : e.action === 'publish' ? 'green' : 'blue',
          content: (
            <Space orientation="vertical" size={4} style={{ width: '100%' }}>
              <Space wrap>
                <Typography.Text strong>v{e.version}</Typography.Text>
                <ActionTag value={e.action} />
                <span>{e.actor}</span>
                <Typography.Text type="secondary">{new Date(e.at).toLocaleString()}</Typography.Text>
                <Button size="small" type="link" onClick={() => open(e.version)} data-testid={`version-${e.version}`}>
                  {t('viewVersion')}
                </Button>
              </Space>
              {e.note && <Typography.Text italic>“{e.note}”</Typography.Text>}
              {e.diff.length > 0 && <Diff diff={e.diff} />}
            </Space>
          ),
        }))}
      />
      <Drawer open={!!old} size={900} onClose={() => setOld(null)} title={old && `${old.name} · v${old.version}`}>
        {old && (
          <Space orientation="vertical" size="large" style={{ width: '100%' }}>
            <Metadata resource={old} />
            <FieldsTable fields={old.fields} />
          </Space>
        )}
      </Drawer>
    </>
  );
}
