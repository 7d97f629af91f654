/**
 * A catalog version's changes as people read them: the property or field by its label, values
 * by their names (分级 重要, not `important`; 数据元 公民身份号码, not `citizen_id`). Pure, so the
 * rules are tested without a browser; the path stays available as the technical detail.
 */
export interface Change {
  path: string;
  before: unknown;
  after: unknown;
}

export type Translate = (key: string, options?: Record<string, unknown>) => string;

export interface DiffNames {
  t: Translate;
  /** A field's label by its name (the resource's current fields). */
  fieldLabel: (name: string) => string | undefined;
  /** A data element's name by its code. */
  elementName: (code: string) => string | undefined;
}

export interface ReadableChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  what: string;
  before: string;
  after: string;
}

/** Properties whose values are enum codes, and the text-key prefix their names have. */
const ENUMS: Record<string, string> = {
  category: 'category',
  shareType: 'share',
  openType: 'open',
  level: 'level',
  updateFrequency: 'freq',
  format: 'format',
};

export const EMPTY = '—';

const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

function plain(v: unknown): string {
  if (isEmpty(v)) return EMPTY;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.map(plain).join('、');
  return JSON.stringify(v);
}

/** A value of one property of a resource. */
function resourceValue(key: string, v: unknown, n: DiffNames): string {
  if (isEmpty(v)) return EMPTY;
  const prefix = ENUMS[key];
  if (prefix && typeof v === 'string') return n.t(`${prefix}.${v}`, { defaultValue: v });
  if (key === 'keyField' && typeof v === 'string') return n.fieldLabel(v) ?? v;
  if (key === 'mount' && typeof v === 'object') {
    const m = v as { kind: string; target?: string };
    return [n.t(`mount.${m.kind}`, { defaultValue: m.kind }), m.target].filter(Boolean).join(' ');
  }
  return plain(v);
}

/** A value of one property of a field. */
function fieldValue(key: string, v: unknown, n: DiffNames): string {
  if (isEmpty(v)) return EMPTY;
  switch (key) {
    case 'type':
      return n.t(`fieldType.${String(v)}`, { defaultValue: String(v) });
    case 'required':
      return n.t(v ? 'yes' : 'no');
    case 'sensitivity':
      return `L${String(v)}`;
    case 'element':
      return n.elementName(String(v)) ?? String(v);
    case 'codeList':
      return Array.isArray(v) ? v.join('/') : plain(v);
    default:
      return plain(v);
  }
}

/** A whole field, added or removed: its type, whether required, its data element (its label is in `what`). */
function fieldSummary(v: unknown, n: DiffNames): string {
  if (isEmpty(v) || typeof v !== 'object') return EMPTY;
  const f = v as { type?: string; required?: boolean; element?: string };
  return [
    f.type && fieldValue('type', f.type, n),
    f.required ? n.t('required') : undefined,
    f.element && `${n.t('diffField.element')} ${fieldValue('element', f.element, n)}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

const labelIn = (v: unknown): string | undefined =>
  v && typeof v === 'object' && typeof (v as { label?: unknown }).label === 'string'
    ? (v as { label: string }).label
    : undefined;

export function readableChange(c: Change, n: DiffNames): ReadableChange {
  const kind = isEmpty(c.before) ? 'added' : isEmpty(c.after) ? 'removed' : 'changed';
  const [head = '', name, key] = c.path.replace(/^\//, '').split('/');
  if (head === 'fields' && name !== undefined) {
    const label = n.fieldLabel(name) ?? labelIn(c.after) ?? labelIn(c.before) ?? name;
    const field = n.t('diffField.field', { label });
    if (key === undefined) {
      return { path: c.path, kind, what: field, before: fieldSummary(c.before, n), after: fieldSummary(c.after, n) };
    }
    return {
      path: c.path,
      kind,
      what: `${field} ${n.t(`diffField.${key}`, { defaultValue: key })}`,
      before: fieldValue(key, c.before, n),
      after: fieldValue(key, c.after, n),
    };
  }
  return {
    path: c.path,
    kind,
    what: n.t(`diffKey.${head}`, { defaultValue: head }),
    before: resourceValue(head, c.before, n),
    after: resourceValue(head, c.after, n),
  };
}

/** The changes of one version, readable, leaving out those from nothing to nothing (an empty optional text). */
export function readableChanges(diff: Change[], n: DiffNames): ReadableChange[] {
  return diff.map((c) => readableChange(c, n)).filter((c) => c.before !== EMPTY || c.after !== EMPTY);
}
