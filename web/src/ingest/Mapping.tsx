import { UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import Papa from 'papaparse';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, client, ok, useQuery, useSubmit, type Answer, type Item } from '../api';
import { ProblemAlert } from '../ui/problem-alert';
import { ResourcePicker } from './ResourcePicker';

/**
 * Stage 2 (map) seen before a load: the first 64 KiB of the file are read in the browser, their
 * header and up to 20 rows go to /mapping/suggest, and the officer confirms or changes each
 * column's field. A load maps by saved, name and data-element matches only (src/ingest/mapping.ts),
 * so a choice counts once it is saved; until then the upload waits.
 */
const PREVIEW_BYTES = 64 * 1024;
const SAMPLE_ROWS = 20;
/** The API's limits: a cell of a suggestion, a saved column name. */
const MAX_CELL = 1000;
const MAX_COLUMN = 200;

export type Preview =
  { header: string[]; sample: string[][] } | { skipped: 'xlsx' | 'gbk' | 'empty' | 'unreadable'; detail?: string };

/** The header and first rows of a CSV, JSON or NDJSON file, as the hub will parse them. */
export async function readPreview(file: File): Promise<Preview> {
  const ext = /\.([a-z]+)$/i.exec(file.name)?.[1]?.toLowerCase();
  if (ext === 'xlsx') return { skipped: 'xlsx' };
  const whole = file.size <= PREVIEW_BYTES;
  const text = utf8(new Uint8Array(await file.slice(0, PREVIEW_BYTES).arrayBuffer()));
  if (text === null) return { skipped: 'gbk' };
  try {
    const rows =
      ext === 'json'
        ? jsonRows(text, whole)
        : ext === 'ndjson' || ext === 'jsonl'
          ? ndjsonRows(text, whole)
          : csvRows(text, whole);
    const [header, ...sample] = rows;
    if (!header?.some((c) => c.trim() !== '')) return { skipped: 'empty' };
    const clip = (row: string[]) => row.slice(0, 500).map((c) => c.slice(0, MAX_CELL));
    return { header: clip(header), sample: sample.slice(0, SAMPLE_ROWS).map(clip) };
  } catch (e) {
    return { skipped: 'unreadable', detail: (e as Error).message };
  }
}

/** The bytes as text when they are UTF-8 (a character cut off at the end allowed), as the hub decides; else null. */
function utf8(bytes: Uint8Array): string | null {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let cut = 0; cut <= 3 && cut < bytes.length; cut++) {
    try {
      return decoder.decode(bytes.subarray(0, bytes.length - cut));
    } catch {
      // try again without a possibly cut character at the end
    }
  }
  return bytes.length === 0 ? '' : null;
}

/** PapaParse, as on the hub: RFC 4180 quotes, the delimiter guessed. */
function csvRows(text: string, whole: boolean): string[][] {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true, preview: SAMPLE_ROWS + 1 });
  // The last row read may be cut off at 64 KiB, unless the preview stopped before it.
  if (!whole && !parsed.meta.truncated) parsed.data.pop();
  return parsed.data;
}

/** A JSON array of objects (or `{ items: [...] }`); a cut-off one is closed after a complete object. */
function jsonRows(text: string, whole: boolean): string[][] {
  const itemsOf = (s: string) => {
    try {
      const data = JSON.parse(s) as unknown;
      const items = Array.isArray(data) ? data : (data as { items?: unknown } | null)?.items;
      return Array.isArray(items) ? (items as unknown[]) : null;
    } catch {
      return null;
    }
  };
  let items = itemsOf(text);
  let end = text.lastIndexOf('}');
  for (let tries = 0; !items && !whole && end > 0 && tries < 50; tries++) {
    const head = text.slice(0, end + 1);
    items = itemsOf(`${head}]`) ?? itemsOf(`${head}]}`);
    end = text.lastIndexOf('}', end - 1);
  }
  if (!items) throw new Error('not a JSON array of objects (or { "items": [...] })');
  return objectRows(items);
}

function ndjsonRows(text: string, whole: boolean): string[][] {
  const lines = text.split('\n');
  if (!whole) lines.pop(); // possibly cut off
  const objects: unknown[] = [];
  for (const [i, line] of lines.entries()) {
    if (objects.length > SAMPLE_ROWS) break;
    if (line.trim() === '') continue;
    try {
      objects.push(JSON.parse(line));
    } catch {
      throw new Error(`line ${i + 1}: not JSON`);
    }
  }
  return objectRows(objects);
}

/** Objects as cells under the first object's keys, as the hub reads them. */
function objectRows(objects: unknown[]): string[][] {
  if (objects.length === 0) return [];
  const first = objects[0];
  if (first === null || typeof first !== 'object' || Array.isArray(first)) throw new Error('item 1: not an object');
  const header = Object.keys(first);
  const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  return [
    header,
    ...objects.slice(0, SAMPLE_ROWS).map((o) => header.map((k) => cell((o as Record<string, unknown>)?.[k]))),
  ];
}

type Suggested = Item<Answer<'/api/v1/ingest/mapping/suggest', 'post'>['columns']>;
type MatchedBy = NonNullable<Suggested['by']>;
const BY_COLOR: Record<MatchedBy, string> = { saved: 'green', name: 'blue', element: 'cyan', values: 'gold' };
/** What a load does with the column now: saved, name and element matches map it; a guess from values does not. */
const loadMaps = (s: Suggested) => (s.by && s.by !== 'values' ? s.field : null);
const SKIP = ''; // no field is named ''

/** The columns of `file` against the fields of `resource`; `onReady` says whether a load would map them as shown. */
export function ColumnMapping({
  resource,
  file,
  onReady,
}: {
  resource: string;
  file: File;
  onReady: (ready: boolean) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [preview, setPreview] = useState<Preview | null>(null);
  useEffect(() => {
    let stale = false;
    void readPreview(file).then((p) => !stale && setPreview(p));
    return () => void (stale = true);
  }, [file]);
  const described = useQuery(
    () => ok(client.GET('/api/v1/catalog/resources/{code}', { params: { path: { code: resource } } })),
    [resource],
  );
  const fields = described.data?.fields ?? [];

  const rows = preview && 'header' in preview ? preview : null;
  const suggestion = useQuery(
    async () =>
      rows
        ? (
            await ok(
              client.POST('/api/v1/ingest/mapping/suggest', {
                body: { resource, header: rows.header, sample: rows.sample },
              }),
            )
          ).columns
        : null,
    [resource, rows],
  );
  const suggested = suggestion.data ?? null;
  // The first suggestion is the starting choice; a later one (after a save) only updates the tags.
  const [choices, setChoices] = useState<Array<string | null>>([]);
  const [seeded, setSeeded] = useState(false);
  if (suggested && !seeded) {
    setSeeded(true);
    setChoices(suggested.map((c) => c.field));
  }
  const save = useSubmit(async () => {
    if (!rows) return;
    const { columns } = await ok(client.GET('/api/v1/ingest/mapping', { params: { query: { resource } } }));
    rows.header.forEach((name, i) => {
      const column = name.trim();
      if (column === '' || column.length > MAX_COLUMN) return;
      const field = choices[i];
      const s = suggested?.[i];
      if (field) columns[column] = field;
      // Skipped where a load would map it (by its name, or as saved): saved as skipped, to keep it out.
      else if (s?.by && s.by !== 'values') columns[column] = null;
      else delete columns[column];
    });
    await ok(client.PUT('/api/v1/ingest/mapping', { body: { resource, columns } }));
    await suggestion.refetch();
    void message.success(t('mapping.saved'));
  });
  const saving = save.busy;
  const problem = described.problem ?? suggestion.problem ?? save.problem;

  const chosen = new Set(choices.filter((c) => c !== null));
  const missing = fields.filter((f) => f.required && !chosen.has(f.name));
  const unsaved = (i: number) => !!suggested?.[i] && choices[i] !== loadMaps(suggested[i]);
  const anyUnsaved = choices.some((_, i) => unsaved(i));
  const ready = preview !== null && (!rows || (suggested !== null && missing.length === 0 && !anyUnsaved && !saving));
  useEffect(() => onReady(ready), [ready, onReady]);

  /** One field to one column: taking a field from another column leaves that one skipped. */
  const choose = (i: number, field: string) =>
    setChoices((prev) => prev.map((c, j) => (j === i ? field || null : c === field ? null : c)));
  if (preview && 'skipped' in preview)
    return (
      <Alert
        type="info"
        showIcon
        title={t(`mapping.${preview.skipped}`, { detail: preview.detail })}
        data-testid="mapping-skipped"
      />
    );
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="column-mapping">
      <Typography.Text type="secondary">{t('mapping.hint')}</Typography.Text>
      <Table<Suggested & { i: number }>
        rowKey="i"
        size="small"
        loading={!suggested && !problem}
        pagination={false}
        scroll={{ y: 360 }}
        dataSource={suggested?.map((s, i) => ({ ...s, i })) ?? []}
        data-testid="mapping-table"
        columns={[
          {
            title: t('mapping.column'),
            key: 'column',
            render: (_, r) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text code>{r.column}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12, maxWidth: 200 }} ellipsis>
                  {rows?.sample[0]?.[r.i]}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('label'),
            key: 'field',
            width: 280,
            render: (_, r) => (
              <Select
                value={choices[r.i] ?? SKIP}
                onChange={(v: string) => choose(r.i, v)}
                showSearch={{ optionFilterProp: 'label' }}
                style={{ width: '100%' }}
                options={[
                  { value: SKIP, label: t('mapping.skip') },
                  ...fields.map((f) => ({ value: f.name, label: `${f.label} · ${f.name}` })),
                ]}
                data-testid={`mapping-field-${r.column}`}
              />
            ),
          },
          {
            title: t('mapping.matchedBy'),
            key: 'by',
            render: (_, r) => (
              <Space size={4} wrap data-testid={`mapping-by-${r.column}`}>
                {r.by && choices[r.i] === r.field && <Tag color={BY_COLOR[r.by]}>{t(`mapping.by.${r.by}`)}</Tag>}
                {unsaved(r.i) && <Tag color="orange">{t('mapping.unsaved')}</Tag>}
              </Space>
            ),
          },
        ]}
      />
      {suggested && missing.length > 0 && (
        <Space size={4} wrap data-testid="mapping-missing">
          <Typography.Text type="danger">{t('mapping.missing')}</Typography.Text>
          {missing.map((f) => (
            <Tag key={f.name} color="red">
              {f.label} · {f.name}
            </Tag>
          ))}
        </Space>
      )}
      <Space wrap>
        <Button onClick={() => void save.run()} loading={saving} disabled={!anyUnsaved} data-testid="mapping-save">
          {t('mapping.save')}
        </Button>
        {anyUnsaved && <Typography.Text type="secondary">{t('mapping.saveFirst')}</Typography.Text>}
      </Space>
      {problem && <ProblemAlert problem={problem} testId="mapping-problem" />}
    </Space>
  );
}

/** What an upload answers: it runs at once, so the report of the finished load. */
type LoadReport = Answer<'/api/v1/ingest/jobs', 'post'>;

/** 上传文件: a file into one of the caller's resources, loaded at once once its columns map. */
export function UploadJob({ resource: initial, onLoaded }: { resource?: string; onLoaded: (r: LoadReport) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [resource, setResource] = useState(initial);
  const [file, setFile] = useState<File | null>(null);
  const [ready, setReady] = useState(false);
  const upload = useSubmit(async (resource: string, file: File) => {
    const body = new FormData();
    body.append('resource', resource); // the hub needs it before the file part
    body.append('file', file, file.name);
    // Multipart, which the typed client does not send: the OpenAPI document declares only the JSON body.
    const report = await api<LoadReport>('/api/v1/ingest/jobs', { method: 'POST', body });
    // Green only for a clean load: rejects, a threshold missed or a held load say so.
    const text = `${t(`jobOutcome.${report.outcome}`)} · ${t('mapping.loaded', { loaded: report.rowsLoaded, rejected: report.rowsRejected })}`;
    if (report.outcome === 'loaded') void message.success(text);
    else if (report.outcome === 'held') void message.info(text);
    else void message.warning(text);
    onLoaded(report);
  });
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="upload-job">
      <Form layout="vertical" component="div">
        <Form.Item label={t('resource')} required>
          <ResourcePicker value={resource} onChange={setResource} testId="upload-resource" />
        </Form.Item>
        <Form.Item label={t('mapping.file')} extra={t('mapping.fileHint')} required>
          <Upload
            accept=".csv,.txt,.xlsx,.json,.ndjson,.jsonl"
            maxCount={1}
            fileList={file ? [{ uid: 'file', name: file.name, status: 'done' }] : []}
            beforeUpload={(f) => {
              setFile(f);
              upload.clear();
              return false; // sent by the upload button, after the mapping
            }}
            onRemove={() => setFile(null)}
          >
            <Button icon={<UploadOutlined />} data-testid="upload-file">
              {t('mapping.chooseFile')}
            </Button>
          </Upload>
        </Form.Item>
      </Form>
      {resource && file && (
        <ColumnMapping
          key={`${resource}:${file.name}:${file.lastModified}`}
          resource={resource}
          file={file}
          onReady={setReady}
        />
      )}
      {upload.problem && <ProblemAlert problem={upload.problem} testId="upload-problem" />}
      <Button
        type="primary"
        icon={<UploadOutlined />}
        disabled={!resource || !file || !ready}
        loading={upload.busy}
        onClick={() => resource && file && void upload.run(resource, file)}
        data-testid="upload-submit"
      >
        {t('mapping.upload')}
      </Button>
    </Space>
  );
}
