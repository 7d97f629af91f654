import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Input, InputNumber, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { client, ok, useQuery, useSubmit } from '../api';
import { Page } from '../ui/page';
import { can, useSession } from '../session';
import type { Field } from '../catalog/types';
import { ProblemAlert } from '../ui/problem-alert';
import { ruleName } from '../ui/rule-name';
import type { QualityRule, RuleKind, RuleSet, Severity } from './types';

const KINDS: RuleKind[] = ['regex', 'range', 'unique', 'referential', 'freshness'];
const SEVERITIES: Severity[] = ['reject', 'warn'];
const NUMERIC = ['integer', 'number'];

type Threshold = RuleSet['threshold'];
/** The threshold as edited: `dirty` ones go out with the rules; a default one goes out as null. */
interface ThresholdDraft {
  value: Threshold;
  isDefault: boolean;
  dirty: boolean;
}
/** The server's default (src/quality/rules.ts): warn below the plan's 95 % pass target. */
const DEFAULT_THRESHOLD: Threshold = { minPassRate: 95, action: 'warn' };
const THRESHOLD_ACTIONS: Array<Threshold['action']> = ['warn', 'hold'];

/** A rule as edited: range bounds are text until saved, when the field's type decides. */
type Draft = Omit<QualityRule, 'min' | 'max'> & { row: number; min?: string; max?: string };

const toDraft = (r: QualityRule, row: number): Draft => ({
  ...r,
  row,
  min: r.min === undefined ? undefined : String(r.min),
  max: r.max === undefined ? undefined : String(r.max),
});

/** Only the parameters of the rule's kind go out; empty ones are left out. */
function toRule(d: Draft, fields: Field[]): QualityRule {
  const numeric = NUMERIC.includes(fields.find((f) => f.name === d.field)?.type ?? '');
  const bound = (v?: string) => (v === undefined || v.trim() === '' ? undefined : numeric ? Number(v) : v.trim());
  const base = { ...(d.id ? { id: d.id } : {}), field: d.field, kind: d.kind, severity: d.severity };
  const params: Record<RuleKind, Partial<QualityRule>> = {
    regex: { pattern: d.pattern },
    range: { min: bound(d.min), max: bound(d.max) },
    unique: {},
    referential: { refResource: d.refResource?.trim(), refField: d.refField?.trim() },
    freshness: { maxAgeDays: d.maxAgeDays },
  };
  const kept = Object.entries(params[d.kind]).filter(([, v]) => v !== undefined && v !== '');
  return { ...base, ...Object.fromEntries(kept) };
}

/** The resource and its rule set. */
async function load(code: string) {
  const path = { params: { path: { code } } };
  const [resource, ruleSet] = await Promise.all([
    ok(client.GET('/api/v1/catalog/resources/{code}', path)),
    ok(client.GET('/api/v1/resources/{code}/quality-rules', path)),
  ]);
  return { resource, ruleSet };
}

/** 质量规则: a resource's rules — those built in from its data elements, and the configurable ones. */
export default function RulesPage() {
  const { t } = useTranslation();
  const { code } = useParams();
  const { user } = useSession();
  const { message } = App.useApp();
  const loaded = useQuery(() => load(code ?? ''), [code]);
  const [ruleSet, setRuleSet] = useState<RuleSet | null>(null);
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const [threshold, setThreshold] = useState<ThresholdDraft | null>(null);
  const show = (s: RuleSet) => {
    setRuleSet(s);
    setDrafts(s.rules.map(toDraft));
    setThreshold({ value: s.threshold, isDefault: s.thresholdIsDefault, dirty: false });
  };
  // A newly loaded rule set replaces the drafts, as a saved one does (adjusting state while rendering).
  const [seen, setSeen] = useState<RuleSet>();
  if (loaded.data && loaded.data.ruleSet !== seen) {
    setSeen(loaded.data.ruleSet);
    show(loaded.data.ruleSet);
  }
  const submit = useSubmit(async (rules: QualityRule[], baseVersion: number, threshold?: Threshold | null) => {
    const saved = await ok(
      client.PUT('/api/v1/resources/{code}/quality-rules', {
        params: { path: { code: code ?? '' } },
        body: { rules, baseVersion, ...(threshold === undefined ? {} : { threshold }) },
      }),
    );
    show(saved);
    void message.success(t('rulesSaved', { version: saved.version }));
  });
  const problem = loaded.problem ?? submit.problem;
  const busy = submit.busy;

  const resource = loaded.data?.resource;
  if (!resource || !ruleSet || !threshold) return problem ? <ProblemAlert problem={problem} /> : null;
  const canEdit = can(user, 'quality:edit-rules', { ownerOrg: resource.provider.code });
  const set = (row: number, change: Partial<Draft>) =>
    setDrafts((ds) => ds.map((d) => (d.row === row ? { ...d, ...change } : d)));
  const nextRow = () => Math.max(-1, ...drafts.map((d) => d.row)) + 1;
  const add = () =>
    setDrafts((ds) => [...ds, { row: nextRow(), field: resource.fields[0]!.name, kind: 'regex', severity: 'warn' }]);
  const save = () =>
    void submit.run(
      drafts.map((d) => toRule(d, resource.fields)),
      ruleSet.version,
      threshold.dirty ? (threshold.isDefault ? null : threshold.value) : undefined,
    );
  const editThreshold = (change: Partial<Threshold>) =>
    setThreshold({ value: { ...threshold.value, ...change }, isDefault: false, dirty: true });
  // A problem names `rules/<i>/…` (or `body/rules/<i>/…`): the row with that index is marked.
  const badRows = new Set(
    (problem?.errors ?? []).flatMap((e) => {
      const m = /rules\/(\d+)/.exec(e.field);
      return m ? [Number(m[1])] : [];
    }),
  );
  // Fields and rules by their names; a field's or rule's code shows on hover only.
  const fieldOptions = resource.fields.map((f) => ({ value: f.name, label: f.label }));
  const fieldLabel = (name: string) => resource.fields.find((f) => f.name === name)?.label;
  const nameOf = (id: string) => ruleName(id, fieldLabel, (key, options) => t(key, options ?? {}));
  const columns: ColumnsType<Draft> = [
    {
      title: t('field'),
      key: 'field',
      render: (_, d) => (
        <Select
          disabled={!canEdit}
          value={d.field}
          options={fieldOptions}
          style={{ width: 180 }}
          onChange={(field) => set(d.row, { field })}
        />
      ),
    },
    {
      title: t('ruleKindTitle'),
      key: 'kind',
      render: (_, d) => (
        <Select
          disabled={!canEdit}
          value={d.kind}
          style={{ width: 130 }}
          options={KINDS.map((k) => ({ value: k, label: t(`ruleKind.${k}`) }))}
          onChange={(kind) => set(d.row, { kind })}
          data-testid={`rule-kind-${d.row}`}
        />
      ),
    },
    {
      title: t('ruleParams'),
      key: 'params',
      render: (_, d) => <RuleParams draft={d} disabled={!canEdit} onChange={(c) => set(d.row, c)} />,
    },
    {
      title: t('ruleSeverityTitle'),
      key: 'severity',
      render: (_, d) => (
        <Select
          disabled={!canEdit}
          value={d.severity}
          style={{ width: 100 }}
          options={SEVERITIES.map((s) => ({ value: s, label: t(`ruleSeverity.${s}`) }))}
          onChange={(severity) => set(d.row, { severity })}
        />
      ),
    },
    {
      title: t('qualityRule'),
      dataIndex: 'id',
      render: (id?: string) =>
        id ? (
          <Tooltip title={t('technicalCode', { code: id })}>
            <span data-testid="rule-name">{nameOf(id)}</span>
          </Tooltip>
        ) : (
          '—'
        ),
    },
    {
      title: '',
      key: 'remove',
      render: (_, d) =>
        canEdit && (
          <Button
            size="small"
            icon={<DeleteOutlined />}
            aria-label={t('remove')}
            onClick={() => setDrafts((ds) => ds.filter((x) => x.row !== d.row))}
          />
        ),
    },
  ];
  return (
    <Page
      title={
        <Space>
          {t('qualityRules')}
          <Link to={`/catalog/${resource.code}`}>{resource.name}</Link>
        </Space>
      }
      extra={
        canEdit && (
          <Space>
            <Button icon={<PlusOutlined />} onClick={add} data-testid="rule-add">
              {t('ruleAdd')}
            </Button>
            <Button type="primary" loading={busy} onClick={save} data-testid="rules-save">
              {t('save')}
            </Button>
          </Space>
        )
      }
    >
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('qualityRulesHint')}
      </Typography.Paragraph>
      {problem && <ProblemAlert problem={problem} testId="rules-problem" />}
      <Card
        title={t('thresholdTitle')}
        size="small"
        data-testid="threshold-card"
        extra={
          threshold.isDefault ? (
            <Tag>{t('thresholdIsDefault')}</Tag>
          ) : (
            canEdit && (
              <Button
                size="small"
                onClick={() => setThreshold({ value: DEFAULT_THRESHOLD, isDefault: true, dirty: true })}
                data-testid="threshold-reset"
              >
                {t('thresholdReset')}
              </Button>
            )
          )
        }
      >
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">{t('thresholdHint')}</Typography.Text>
          <Typography.Text type="secondary">{t('thresholdDefault')}</Typography.Text>
          <Space wrap>
            <span>{t('thresholdMin')}</span>
            <InputNumber
              min={0}
              max={100}
              step={0.5}
              suffix="%"
              value={threshold.value.minPassRate}
              disabled={!canEdit}
              onChange={(v) => v !== null && editThreshold({ minPassRate: v })}
              data-testid="threshold-min"
            />
            <span>{t('thresholdAction')}</span>
            <Select
              value={threshold.value.action}
              disabled={!canEdit}
              onChange={(action: Threshold['action']) => editThreshold({ action })}
              options={THRESHOLD_ACTIONS.map((a) => ({ value: a, label: t(`thresholdAction.${a}`) }))}
              style={{ minWidth: 220 }}
              data-testid="threshold-action"
            />
          </Space>
          {threshold.dirty && <Typography.Text type="warning">{t('thresholdChanged')}</Typography.Text>}
        </Space>
      </Card>
      <Card title={t('rulesBuiltin')} size="small">
        {ruleSet.builtins.length === 0 ? (
          <Typography.Text type="secondary">{t('rulesNoBuiltin')}</Typography.Text>
        ) : (
          <Space orientation="vertical">
            {ruleSet.builtins.map((b) => (
              <Tooltip key={b.id} title={t('technicalCode', { code: b.id })}>
                <span data-testid="builtin-rule">
                  <Tag color="red">{t(`ruleSeverity.${b.severity}`)}</Tag>
                  {nameOf(b.id)}
                </span>
              </Tooltip>
            ))}
          </Space>
        )}
      </Card>
      <Card
        title={t('rulesConfigured')}
        size="small"
        extra={
          ruleSet.version > 0 && (
            <Typography.Text type="secondary">
              {t('rulesVersion', {
                version: ruleSet.version,
                by: ruleSet.setBy,
                at: new Date(ruleSet.setAt!).toLocaleString(),
              })}
            </Typography.Text>
          )
        }
      >
        {!canEdit && drafts.length === 0 ? (
          <Alert type="info" title={t('rulesNone')} />
        ) : (
          <Table<Draft>
            rowKey="row"
            size="small"
            pagination={false}
            dataSource={drafts}
            columns={columns}
            data-testid="rules-table"
            rowClassName={(_, i) => (badRows.has(i) ? 'ant-table-row-selected' : '')}
          />
        )}
      </Card>
    </Page>
  );
}

function RuleParams({
  draft: d,
  disabled,
  onChange,
}: {
  draft: Draft;
  disabled: boolean;
  onChange: (c: Partial<Draft>) => void;
}) {
  const { t } = useTranslation();
  switch (d.kind) {
    case 'regex':
      return (
        <Input
          disabled={disabled}
          value={d.pattern}
          placeholder="^\d{6}$"
          style={{ width: 240, fontFamily: 'monospace' }}
          onChange={(e) => onChange({ pattern: e.target.value })}
          data-testid={`rule-pattern-${d.row}`}
        />
      );
    case 'range':
      return (
        <Space>
          <Input
            disabled={disabled}
            value={d.min}
            placeholder={t('ruleMin')}
            style={{ width: 110 }}
            onChange={(e) => onChange({ min: e.target.value })}
          />
          <span>–</span>
          <Input
            disabled={disabled}
            value={d.max}
            placeholder={t('ruleMax')}
            style={{ width: 110 }}
            onChange={(e) => onChange({ max: e.target.value })}
          />
        </Space>
      );
    case 'referential':
      return (
        <Space>
          <Input
            disabled={disabled}
            value={d.refResource}
            placeholder="JNGAJ-0001"
            style={{ width: 120 }}
            onChange={(e) => onChange({ refResource: e.target.value })}
          />
          <Input
            disabled={disabled}
            value={d.refField}
            placeholder={t('field')}
            style={{ width: 120 }}
            onChange={(e) => onChange({ refField: e.target.value })}
          />
        </Space>
      );
    case 'freshness':
      return (
        <InputNumber
          disabled={disabled}
          min={1}
          max={36500}
          value={d.maxAgeDays}
          suffix={t('ruleDays')}
          onChange={(v) => onChange({ maxAgeDays: v ?? undefined })}
        />
      );
    default:
      return <Typography.Text type="secondary">{t('ruleUniqueHint')}</Typography.Text>;
  }
}
