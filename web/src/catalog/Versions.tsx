import { Button, Drawer, Space, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client, ok, useQuery, useSubmit } from '../api';
import { ProblemAlert } from '../ui/problem-alert';
import { ActionTag } from '../labels';
import type { Resource, VersionEvent } from './types';
import { FieldsTable, Metadata } from './Metadata';
import { PersonName, useElementNames } from '../ui/names';
import { readableChanges } from '../ui/version-diff';

const KIND_COLOR = { added: 'green', removed: 'red', changed: 'blue' } as const;

/** What a version changed, one line per property or field, by labels and names; the path on hover. */
function Diff({ diff, fields }: { diff: VersionEvent['diff']; fields: Resource['fields'] }) {
  const { t } = useTranslation();
  const elements = useElementNames();
  const labels = Object.fromEntries(fields.map((f) => [f.name, f.label]));
  const names = {
    t: (key: string, options?: Record<string, unknown>) => t(key, options ?? {}),
    fieldLabel: (name: string) => labels[name],
    elementName: (code: string) => elements[code],
  };
  return (
    <Space orientation="vertical" size={2} style={{ width: '100%' }}>
      {readableChanges(diff, names).map((c) => (
        <div key={c.path} data-testid="diff-row" title={c.path}>
          <Tag color={KIND_COLOR[c.kind]}>{t(`diffKind.${c.kind}`)}</Tag>
          <Typography.Text strong>{c.what}</Typography.Text>{' '}
          {c.kind !== 'added' && (
            <Typography.Text delete type="danger">
              {c.before}
            </Typography.Text>
          )}
          {c.kind === 'changed' && ' → '}
          {c.kind !== 'removed' && <Typography.Text type="success">{c.after}</Typography.Text>}
        </div>
      ))}
    </Space>
  );
}

/** Who did what and when, newest first, with what changed; any version can be read whole. */
export function Versions({ resource }: { resource: Resource }) {
  const { t } = useTranslation();
  const [old, setOld] = useState<Resource | null>(null);
  const params = { path: { code: resource.code } };
  // Asked again when the resource moves on (a save, a workflow step), so the newest event shows.
  const history = useQuery(
    async () => (await ok(client.GET('/api/v1/catalog/resources/{code}/versions', { params }))).items,
    [resource.code, resource.version, resource.status],
  );
  const reading = useSubmit(async (version: number) =>
    setOld(
      await ok(
        client.GET('/api/v1/catalog/resources/{code}/versions/{version}', {
          params: { path: { ...params.path, version } },
        }),
      ),
    ),
  );
  const problem = history.problem ?? reading.problem;
  if (problem) return <ProblemAlert problem={problem} />;
  return (
    <>
      <Timeline
        data-testid="versions"
        items={(history.data ?? []).map((e, i) => ({
          key: `${e.version}-${i}`,
          color: e.action === 'return' ? 'red' : e.action === 'publish' ? 'green' : 'blue',
          content: (
            <Space orientation="vertical" size={4} style={{ width: '100%' }}>
              <Space wrap>
                <Typography.Text strong>v{e.version}</Typography.Text>
                <ActionTag value={e.action} />
                <PersonName username={e.actor} name={e.actorName} />
                <Typography.Text type="secondary">{new Date(e.at).toLocaleString()}</Typography.Text>
                <Button
                  size="small"
                  type="link"
                  onClick={() => void reading.run(e.version)}
                  data-testid={`version-${e.version}`}
                >
                  {t('viewVersion')}
                </Button>
              </Space>
              {e.note && <Typography.Text italic>“{e.note}”</Typography.Text>}
              {e.diff.length > 0 && <Diff diff={e.diff} fields={resource.fields} />}
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
