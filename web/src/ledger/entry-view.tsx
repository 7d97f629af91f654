import { Descriptions, Space, Switch, Tag, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import type { useTranslation } from 'react-i18next';
import type { Answer } from '../api';
import type { LedgerEntry } from './types';

/** Names of the organizations, users and resources a page of entries mentions, from the server. */
export type Names = Answer<'/api/v1/ledger/search'>['names'];
export const NO_NAMES: Names = { orgs: {}, users: {}, resources: {}, fields: {} };

type Translate = ReturnType<typeof useTranslation>['t'];
type Values = Record<string, unknown>;

/** How entries read for people: names for codes, words for enums, local times (docs/ledger.md). */
export interface Reader {
  t: Translate;
  names: Names;
  purposes: Map<string, string>;
}

const ORG_FIELDS = new Set(['org', 'consumer', 'provider']);
const WORD_FIELDS: Record<string, string> = {
  op: 'ledgerOp',
  reason: 'ledgerReason',
  action: 'ledgerAction',
  outcome: 'outcome',
  kind: 'ledgerKind',
};

export const orgName = (r: Reader, code: string) => r.names.orgs[code] ?? code;
export const userName = (r: Reader, username: string) => r.names.users[username] ?? username;

export function resourceName(r: Reader, code: string): string {
  if (code.startsWith('base:')) return r.t(`ledgerUi.base.${code.slice(5)}`, { defaultValue: code });
  return r.names.resources[code] ?? code;
}

/** One field's value as a person reads it; the code stays on hover where a name replaced it. */
export function fieldValue(r: Reader, field: string, value: unknown, resource?: string): ReactNode {
  const { t } = r;
  if (value === null || value === undefined) return t('ledgerUi.none');
  if (Array.isArray(value)) {
    const labels = (resource && r.names.fields[resource]) || {};
    const each = value.map((v) => {
      const text = String(v);
      if (field === 'purposes') return r.purposes.get(text) ?? text;
      return field === 'fields' || field === 'masked' ? (labels[text] ?? text) : text;
    });
    return each.length ? each.join('、') : t('ledgerUi.none');
  }
  if (typeof value === 'object') {
    const parts = Object.entries(value as Values).map(
      ([k, v]) => `${t(`ledgerField.${k}`, { defaultValue: k })}: ${textOf(r, k, v)}`,
    );
    return parts.length ? parts.join('；') : t('ledgerUi.none');
  }
  const text = String(value);
  if (field === 'subject')
    return (
      <Typography.Text
        type="secondary"
        title={text}
      >{`${t('ledgerUi.subjectTag')} ${text.slice(0, 8)}…`}</Typography.Text>
    );
  if (field === 'digest' || field === 'resultDigest')
    return (
      <Typography.Text code title={text}>
        {text.slice(0, 16)}…
      </Typography.Text>
    );
  const named = textOf(r, field, value, resource);
  return named === text ? text : <span title={text}>{named}</span>;
}

/** A field's value as plain text (names and words for codes). */
export function textOf(r: Reader, field: string, value: unknown, resource?: string): string {
  const text = String(value);
  if (field === 'field' && resource) return r.names.fields[resource]?.[text] ?? text;
  if (field === 'actor') return userName(r, text);
  if (ORG_FIELDS.has(field)) return orgName(r, text);
  if (field === 'resource') return resourceName(r, text);
  if (field === 'purpose') return r.purposes.get(text) ?? text;
  if (field === 'at' || field === 'expiresAt' || field === 'from' || field === 'to') return localTime(text);
  if (field === 'status' || field === 'state') return r.t(`status.${text}`, { defaultValue: text });
  const words = WORD_FIELDS[field];
  return words ? r.t(`${words}.${text}`, { defaultValue: text }) : text;
}

export const localTime = (iso: string) => {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleString();
};

/** The line that says what an entry was: its action or operation, on what, for which purpose. */
export function summaryOf(r: Reader, entry: LedgerEntry): string {
  const rec = entry.record as Values | null;
  if (!rec) return '';
  const parts: string[] = [];
  for (const field of ['action', 'op', 'resource', 'purpose', 'code', 'element', 'format']) {
    if (typeof rec[field] === 'string') parts.push(textOf(r, field, rec[field]));
  }
  for (const field of ['grant', 'demand', 'correction', 'conflict']) {
    if (typeof rec[field] === 'number') parts.push(`${r.t(`ledgerField.${field}`)} ${String(rec[field])}`);
  }
  if (typeof rec.rows === 'number') parts.push(`${r.t('ledgerField.rows')} ${rec.rows}`);
  return parts.join(' · ');
}

/** The organization an entry is about first: the actor's, else the consumer's or provider's. */
export function entryOrg(entry: LedgerEntry): string | null {
  const rec = entry.record as Values | null;
  for (const f of ['org', 'consumer', 'provider']) if (typeof rec?.[f] === 'string') return rec[f] as string;
  return null;
}

/** Every field of an entry with its label, and the hashed text itself behind "原始数据". */
export function EntryDetails({ entry, reader }: { entry: LedgerEntry; reader: Reader }) {
  const { t } = reader;
  const [raw, setRaw] = useState(false);
  const rec = (entry.record ?? {}) as Values;
  const fields = Object.entries(rec).filter(([k]) => k !== 'v');
  const resource = typeof rec.resource === 'string' ? rec.resource : undefined;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid={`entry-details-${entry.index}`}>
      <Descriptions size="small" column={{ xs: 1, sm: 1, md: 2 }} bordered>
        {fields.map(([k, v]) => (
          <Descriptions.Item
            key={k}
            label={k === 'kind' ? t('ledgerUi.kind') : t(`ledgerField.${k}`, { defaultValue: k })}
          >
            {k === 'kind' ? <Tag>{textOf(reader, k, v)}</Tag> : fieldValue(reader, k, v, resource)}
          </Descriptions.Item>
        ))}
        <Descriptions.Item label={t('ledgerUi.leafHash')}>
          <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>
            {entry.leafHash}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
      <Space>
        <Switch size="small" checked={raw} onChange={setRaw} data-testid={`raw-toggle-${entry.index}`} />
        {t('ledgerUi.raw')}
      </Space>
      {raw && (
        <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }} data-testid={`raw-${entry.index}`}>
          {JSON.stringify(JSON.parse(entry.entry), null, 2)}
        </pre>
      )}
    </Space>
  );
}
