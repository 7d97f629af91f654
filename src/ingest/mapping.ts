import { checkValue, findDataElement, type Field } from '../catalog/index.js';

/**
 * Stage 2 — map: which source column feeds which field. In order of trust:
 *  saved   — a mapping an officer saved for the resource (column → field, or null: skip it);
 *  name    — the column is the field's name or label (信息项名称);
 *  element — the column is its data element's name or a name departments commonly use for it;
 *  values  — (suggestion only) the column's sample values pass the field's check, e.g. 18-digit
 *            numbers with valid check digits under a header like "zjhm".
 * The first three map a load; `values` is offered to a person, who saves it if it is right.
 */
export type MatchedBy = 'saved' | 'name' | 'element' | 'values';

/** Source column → field name, or null for a column the officer chose not to load. */
export type SavedMapping = Record<string, string | null>;

export interface ColumnMatch {
  column: string;
  field: string | null;
  by: MatchedBy | null;
}

/** Column names departments use for a data element besides its standard name (GB/T 19488). */
const ELEMENT_ALIASES: Record<string, string[]> = {
  citizen_id: ['身份证号', '身份证号码', '身份证', '证件号码', '公民身份证号', 'sfzh', 'id_card', 'idcard'],
  person_name: ['姓名', '名字', 'xm'],
  gender: ['性别', 'xb', 'sex'],
  birth_date: ['出生日期', '生日', 'csrq', 'birthday'],
  division: ['行政区划', '行政区划代码', '区划代码', '户籍地', 'xzqh'],
  address: ['住址', '地址', '家庭住址', '现住址', '居住地址', 'dz'],
  phone: ['联系电话', '手机', '手机号', '手机号码', '电话', 'lxdh', 'mobile'],
  credit_code: ['统一社会信用代码', '信用代码', '社会信用代码', 'tyshxydm', 'uscc'],
  enterprise_name: ['企业名称', '单位名称', '名称', 'qymc'],
  legal_rep: ['法定代表人', '法人', '法人代表', 'fddbr'],
};

const normalize = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_\-（）()·.:：]/g, '');

function namesOf(field: Field): { name: string[]; element: string[] } {
  const element = field.element ? findDataElement(field.element) : undefined;
  return {
    name: [field.name, field.label].map(normalize),
    element: [element?.name ?? '', ...(ELEMENT_ALIASES[field.element ?? ''] ?? [])].filter(Boolean).map(normalize),
  };
}

/**
 * Saved, then by name, then by data element: each field to at most one column, each column to
 * one field. A column saved as skipped stays unmapped (`by: 'saved'`, no field).
 */
export function matchColumns(header: string[], fields: Field[], saved: SavedMapping = {}): ColumnMatch[] {
  const matches: ColumnMatch[] = header.map((column) => ({ column, field: null, by: null }));
  for (const m of matches) if (saved[m.column.trim()] === null) m.by = 'saved';
  const taken = new Set<string>();
  const assign = (by: MatchedBy, fits: (m: ColumnMatch, f: Field) => boolean) => {
    for (const m of matches) {
      if (m.by) continue;
      const f = fields.find((x) => !taken.has(x.name) && fits(m, x));
      if (f) {
        m.field = f.name;
        m.by = by;
        taken.add(f.name);
      }
    }
  };
  assign('saved', (m, f) => saved[m.column.trim()] === f.name);
  assign('name', (m, f) => namesOf(f).name.includes(normalize(m.column)));
  assign('element', (m, f) => namesOf(f).element.includes(normalize(m.column)));
  return matches;
}

/**
 * Suggestions for a person mapping a new source: `matchColumns`, then, for columns still
 * unmatched, a field not yet taken whose check at least 90 % of the column's sample values pass.
 * Only fields with a distinctive check are guessed this way (an identifier, a code, a date).
 */
export function suggestMapping(
  header: string[],
  fields: Field[],
  saved: SavedMapping = {},
  sample: string[][] = [],
): ColumnMatch[] {
  const matches = matchColumns(header, fields, saved);
  const taken = new Set(matches.map((m) => m.field).filter(Boolean));
  const distinctive = fields.filter((f) => ['citizen_id', 'credit_code', 'division', 'date'].includes(f.type));
  matches.forEach((m, i) => {
    if (m.by) return;
    const values = sample.map((row) => row[i] ?? '').filter((v) => v.trim() !== '');
    if (values.length === 0) return;
    const f = distinctive.find(
      (x) => !taken.has(x.name) && values.filter((v) => checkValue(x, v).ok).length >= 0.9 * values.length,
    );
    if (f) {
      m.field = f.name;
      m.by = 'values';
      taken.add(f.name);
    }
  });
  return matches;
}
