import { json, type Selectable } from '../db/index.js';
import { invalid, msg } from '../kernel/index.js';
import { bindFields, type Field } from './fields.js';
import { checkLevel, type Level } from './grading.js';
import type { Mount, Resource, ResourceInput } from './schemas.js';
import { indexTerms, nameTerm } from './search-terms.js';
import type { CatalogTables } from './tables.js';

type ResourceRow = Selectable<CatalogTables['catalog.resource']>;

/**
 * What the provider registers — everything a version holds. Status, counts and dates belong to
 * the resource, not to a version.
 */
export interface ResourceContent {
  name: string;
  summary: string;
  category: 'base' | 'theme' | 'topic' | 'department';
  shareType: 'unconditional' | 'conditional' | 'none';
  shareCondition: string;
  openType: 'open' | 'conditional' | 'closed';
  level: Level;
  levelReason: string;
  updateFrequency: 'realtime' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly' | 'irregular';
  format: 'table' | 'file' | 'api';
  keywords: string[];
  mount: Mount;
  keyField: string;
  fields: Field[];
}

/** Checks a registration beyond its JSON Schema and fills in what the data elements imply. */
export function toContent(input: ResourceInput): ResourceContent {
  const fields = bindFields(input.fields);
  checkFieldNames(input.keyField, fields);
  const shareCondition = input.shareCondition?.trim() ?? '';
  if (input.shareType === 'conditional' && !shareCondition) {
    throw invalid('shareCondition', msg('catalog.shareConditionRequired'));
  }
  if (input.shareType === 'none' && !shareCondition) {
    throw invalid('shareCondition', msg('catalog.refusalBasisRequired'));
  }
  const mount = input.mount ?? { kind: 'records' };
  if (mount.kind !== 'records' && !mount.target)
    throw invalid('mount/target', msg('catalog.mountTargetRequired', { kind: mount.kind }));
  const content: ResourceContent = {
    name: input.name.trim(),
    summary: input.summary.trim(),
    category: input.category,
    shareType: input.shareType,
    shareCondition,
    openType: input.openType,
    level: input.level,
    levelReason: input.levelReason?.trim() ?? '',
    updateFrequency: input.updateFrequency ?? 'irregular',
    format: input.format ?? 'table',
    keywords: [...new Set((input.keywords ?? []).map((k) => k.trim()).filter(Boolean))],
    mount,
    keyField: input.keyField,
    fields,
  };
  checkLevel(content);
  return content;
}

function checkFieldNames(keyField: string, fields: Field[]): void {
  const names = new Set<string>();
  fields.forEach((f, i) => {
    if (names.has(f.name)) throw invalid(`fields/${i}/name`, msg('catalog.duplicateField', { name: f.name }));
    names.add(f.name);
  });
  const key = fields.find((f) => f.name === keyField);
  if (!key) throw invalid('keyField', msg('catalog.keyNotAField', { keyField }));
  if (!key.required) throw invalid('keyField', msg('catalog.keyNotRequired', { keyField }));
}

export interface Change {
  path: string;
  before: unknown;
  after: unknown;
}

/**
 * What changed between two versions, as a reviewer reads it: one line per metadata property,
 * and fields compared by name (added, removed, or property by property).
 */
export function diffContent(before: ResourceContent | null, after: ResourceContent): Change[] {
  const changes: Change[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const key of Object.keys(after) as Array<keyof ResourceContent>) {
    if (key === 'fields') continue;
    const [a, b] = [before?.[key] ?? null, after[key]];
    if (!same(a, b)) changes.push({ path: key, before: a, after: b });
  }
  const old = new Map((before?.fields ?? []).map((f) => [f.name, f]));
  for (const f of after.fields) {
    const prior = old.get(f.name);
    old.delete(f.name);
    if (!prior) {
      changes.push({ path: `fields/${f.name}`, before: null, after: f });
      continue;
    }
    for (const key of new Set([...Object.keys(prior), ...Object.keys(f)]) as Set<keyof Field>) {
      if (!same(prior[key], f[key])) {
        changes.push({ path: `fields/${f.name}/${key}`, before: prior[key] ?? null, after: f[key] ?? null });
      }
    }
  }
  for (const [name, f] of old) changes.push({ path: `fields/${name}`, before: f, after: null });
  return changes;
}

/**
 * The text an entry is found by, and its index terms (see search-terms.ts): codes match by
 * prefix, and the name's terms are indexed once more under NAME_TERM, for relevance order.
 */
export function searchable(code: string, c: ResourceContent): { text: string; terms: string[] } {
  const texts = [c.name, c.summary, ...c.keywords, ...c.fields.flatMap((f) => [f.name, f.label])];
  const terms = [...indexTerms(texts, [code]), ...indexTerms([c.name]).map(nameTerm)];
  return { text: [code, ...texts].join('\n').toLowerCase(), terms };
}

/** The columns of catalog.resource that hold a version's content. */
export function columnsOf(c: ResourceContent) {
  return {
    name: c.name,
    summary: c.summary,
    category: c.category,
    share_type: c.shareType,
    share_condition: c.shareCondition,
    open_type: c.openType,
    level: c.level,
    level_reason: c.levelReason,
    update_frequency: c.updateFrequency,
    format: c.format,
    keywords: c.keywords,
    mount: json(c.mount),
    key_field: c.keyField,
    fields: json(c.fields),
  };
}

/** The registered content of a stored row or a described resource. */
export function contentOf(r: ResourceRow | Resource): ResourceContent {
  if ('code' in r && 'provider' in r) {
    const { name, summary, category, shareType, shareCondition, openType, level, levelReason } = r;
    const { updateFrequency, format, keywords, mount, keyField, fields } = r;
    return {
      ...{ name, summary, category, shareType, shareCondition, openType, level, levelReason },
      ...{ updateFrequency, format, keywords, mount, keyField, fields },
    };
  }
  return {
    name: r.name,
    summary: r.summary,
    category: r.category,
    shareType: r.share_type,
    shareCondition: r.share_condition,
    openType: r.open_type,
    level: r.level,
    levelReason: r.level_reason,
    updateFrequency: r.update_frequency as ResourceContent['updateFrequency'],
    format: r.format as ResourceContent['format'],
    keywords: r.keywords,
    mount: r.mount,
    keyField: r.key_field,
    fields: r.fields,
  };
}
