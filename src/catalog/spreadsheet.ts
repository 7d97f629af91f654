import type ExcelJS from 'exceljs';
import { Value } from 'typebox/value';
import {
  checkWorkbook,
  DEFAULT_UPLOAD_LIMITS,
  excel,
  HubError,
  isHubError,
  writeCsv,
  type FieldProblem,
  type UploadLimits,
  msg,
  fieldProblem,
  schemaMessage,
  type Message,
} from '../kernel/index.js';
import { toContent, type ResourceContent } from './content.js';
import type { FieldInput } from './fields.js';
import { ResourceInputSchema, type Resource, type ResourceInput } from './schemas.js';

/**
 * The catalog workbook departments keep: sheet 资源目录, one row per resource, and sheet 信息项,
 * one row per field, tied to its resource by name. Export writes the same template that import
 * reads, so a catalog round-trips. Enumerations are written in Chinese and read in either language.
 */
const RESOURCES = '资源目录';
const FIELDS = '信息项';

/** The catalog's coded values in the words of its workbooks (and of the portal's facets). */
export const CATALOG_WORDS = {
  category: { base: '基础', theme: '主题', topic: '专题', department: '部门' },
  shareType: { unconditional: '无条件共享', conditional: '有条件共享', none: '不予共享' },
  openType: { open: '无条件开放', conditional: '有条件开放', closed: '不予开放' },
  level: { general: '一般', important: '重要', core: '核心' },
  updateFrequency: {
    realtime: '实时',
    daily: '每日',
    weekly: '每周',
    monthly: '每月',
    quarterly: '每季度',
    yearly: '每年',
    irregular: '不定期',
  },
  format: { table: '库表', file: '文件', api: '接口' },
} satisfies Record<string, Record<string, string>>;
const LABELS: Record<string, Record<string, string>> = CATALOG_WORDS;

type Column = { header: string; key: string; width: number };
const RESOURCE_COLUMNS: Column[] = [
  { header: '资源名称', key: 'name', width: 28 },
  { header: '摘要', key: 'summary', width: 40 },
  { header: '资源分类', key: 'category', width: 10 },
  { header: '共享类型', key: 'shareType', width: 12 },
  { header: '共享条件或不予共享依据', key: 'shareCondition', width: 30 },
  { header: '开放类型', key: 'openType', width: 12 },
  { header: '分级', key: 'level', width: 8 },
  { header: '分级理由', key: 'levelReason', width: 20 },
  { header: '更新频率', key: 'updateFrequency', width: 10 },
  { header: '资源格式', key: 'format', width: 10 },
  { header: '关键词', key: 'keywords', width: 20 },
  { header: '主键信息项', key: 'keyField', width: 14 },
  // Written on export for the reader; ignored on import (the hub assigns them).
  { header: '资源代码', key: 'code', width: 14 },
  { header: '数源单位', key: 'provider', width: 24 },
  { header: '状态', key: 'status', width: 10 },
  { header: '版本', key: 'version', width: 6 },
];
const FIELD_COLUMNS: Column[] = [
  { header: '资源名称', key: 'resource', width: 28 },
  { header: '信息项名称', key: 'name', width: 16 },
  { header: '信息项中文名', key: 'label', width: 18 },
  { header: '数据元', key: 'element', width: 14 },
  { header: '数据类型', key: 'type', width: 12 },
  { header: '长度', key: 'maxLength', width: 6 },
  { header: '必填', key: 'required', width: 6 },
  { header: '敏感级', key: 'sensitivity', width: 8 },
  { header: '代码集', key: 'codeList', width: 20 },
];
const LIST_SEPARATOR = /[;；、,，/]/;

export async function catalogTemplate(): Promise<Buffer> {
  return writeCatalogWorkbook([]);
}

export async function writeCatalogWorkbook(resources: Resource[]): Promise<Buffer> {
  const wb = new (await excel()).Workbook();
  const rs = sheet(wb, RESOURCES, RESOURCE_COLUMNS);
  const fs = sheet(wb, FIELDS, FIELD_COLUMNS);
  for (const r of resources) {
    rs.addRow(resourceCells(r));
    for (const f of r.fields) {
      fs.addRow({
        resource: r.name,
        ...f,
        maxLength: f.maxLength ?? '',
        required: f.required ? '是' : '否',
        codeList: f.codeList?.join('/') ?? '',
      });
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** One line per resource, field labels listed in one cell: for people who want a flat list. */
export function writeCatalogCsv(resources: Resource[]): string {
  const headers = [...RESOURCE_COLUMNS.map((c) => c.header), '记录数', '信息项'];
  const rows = resources.map((r) => {
    const cells = resourceCells(r);
    return [...RESOURCE_COLUMNS.map((c) => cells[c.key]), r.recordCount, r.fields.map((f) => f.label).join('、')];
  });
  return writeCsv(rows, headers);
}

function sheet(wb: ExcelJS.Workbook, name: string, columns: Column[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns;
  ws.getRow(1).font = { bold: true };
  return ws;
}

function resourceCells(r: Resource): Record<string, string | number> {
  const label = (kind: string, v: string) => LABELS[kind]![v] ?? v;
  return {
    name: r.name,
    summary: r.summary,
    category: label('category', r.category),
    shareType: label('shareType', r.shareType),
    shareCondition: r.shareCondition,
    openType: label('openType', r.openType),
    level: label('level', r.level),
    levelReason: r.levelReason,
    updateFrequency: label('updateFrequency', r.updateFrequency),
    format: label('format', r.format),
    keywords: r.keywords.join('、'),
    keyField: r.keyField,
    code: r.code,
    provider: r.provider.name,
    status: r.status,
    version: r.version,
  };
}

/**
 * Reads a catalog workbook into checked registrations. Every problem of every row is collected
 * (sheet, row, column, reason) and, if there is any, the whole file is refused: nothing is half
 * imported.
 */
export async function readCatalogWorkbook(
  data: Buffer,
  limits: Pick<UploadLimits, 'maxInMemoryBytes' | 'xlsxMaxTextBytes'> = DEFAULT_UPLOAD_LIMITS,
): Promise<ResourceContent[]> {
  // exceljs builds the whole model from whatever the zip inflates to: bound that first.
  await checkWorkbook(data, limits);
  const wb = new (await excel()).Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch (e) {
    throw new HubError('KRN_BAD_REQUEST', msg('file.notXlsx'), { cause: e });
  }
  const problems: FieldProblem[] = [];
  const resources = readRows(wb, RESOURCES, RESOURCE_COLUMNS, problems);
  const fields = readRows(wb, FIELDS, FIELD_COLUMNS, problems);
  const byName = new Map<string, { row: number; fields: Array<{ row: number; field: FieldInput }> }>();
  for (const { row, cells } of resources) {
    if (byName.has(cells.name ?? ''))
      problems.push(at(RESOURCES, row, '资源名称', msg('catalog.sheetDuplicateName', { name: cells.name ?? '' })));
    else byName.set(cells.name ?? '', { row, fields: [] });
  }
  for (const { row, cells } of fields) {
    const owner = byName.get(cells.resource ?? '');
    if (!owner)
      problems.push(at(FIELDS, row, '资源名称', msg('catalog.sheetNoResource', { name: cells.resource ?? '' })));
    else owner.fields.push({ row, field: toFieldInput(cells) });
  }
  const contents: ResourceContent[] = [];
  for (const { row, cells } of resources) {
    const owner = byName.get(cells.name ?? '')!;
    const input = toInput(
      cells,
      owner.fields.map((f) => f.field),
    );
    const found = check(
      input,
      row,
      owner.fields.map((f) => f.row),
    );
    if (Array.isArray(found)) problems.push(...found);
    else contents.push(found);
  }
  if (resources.length === 0 && problems.length === 0)
    problems.push(at(RESOURCES, 2, '资源名称', msg('catalog.sheetNoRows')));
  if (problems.length > 0) {
    throw new HubError('CAT_BAD_SPREADSHEET', msg('catalog.spreadsheetRefused', { count: problems.length }), {
      problems,
    });
  }
  return contents;
}

function at(sheetName: string, row: number, column: string, reason: Message): FieldProblem {
  const { field, ...cell } = where(sheetName, row, column);
  return fieldProblem(field, reason, cell);
}

/** A cell of the workbook, as a field problem names it. */
function where(sheet: string, row: number, column: string): Pick<FieldProblem, 'field' | 'sheet' | 'row' | 'column'> {
  return { field: `${sheet}!${column}${row}`, sheet, row, column };
}

function readRows(
  wb: ExcelJS.Workbook,
  name: string,
  columns: Column[],
  problems: FieldProblem[],
): Array<{ row: number; cells: Record<string, string> }> {
  const ws = wb.getWorksheet(name);
  if (!ws) {
    problems.push(at(name, 1, '', msg('catalog.sheetMissing', { sheet: name })));
    return [];
  }
  const header = new Map<number, string>();
  ws.getRow(1).eachCell((cell, col) => {
    const key = columns.find((c) => c.header === cellText(cell.value))?.key;
    if (key) header.set(col, key);
  });
  const out: Array<{ row: number; cells: Record<string, string> }> = [];
  ws.eachRow((r, row) => {
    if (row === 1) return;
    const cells: Record<string, string> = {};
    r.eachCell((cell, col) => {
      const key = header.get(col);
      if (key) cells[key] = cellText(cell.value);
    });
    if (Object.values(cells).some((v) => v !== '')) out.push({ row, cells });
  });
  return out;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object' && 'richText' in value)
    return value.richText
      .map((t) => t.text)
      .join('')
      .trim();
  if (typeof value === 'object' && 'text' in value) return String(value.text).trim();
  if (typeof value === 'object' && 'result' in value) return String(value.result ?? '').trim();
  return String(value).trim();
}

/** A Chinese label or the code itself, back to the code; unknown text is left for the schema to refuse. */
function code(kind: string, text: string | undefined): string | undefined {
  if (!text) return undefined;
  const entry = Object.entries(LABELS[kind]!).find(([k, label]) => label === text || k === text);
  return entry ? entry[0] : text;
}

const list = (text: string | undefined) =>
  text
    ? text
        .split(LIST_SEPARATOR)
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

function toFieldInput(c: Record<string, string>): FieldInput {
  const field: Record<string, unknown> = { name: c.name ?? '', label: c.label ?? '' };
  if (c.element) field.element = c.element;
  if (c.type) field.type = c.type;
  if (c.maxLength) field.maxLength = Number(c.maxLength);
  if (c.required) field.required = ['是', 'true', '1', 'y', 'yes'].includes(c.required.toLowerCase());
  if (c.sensitivity) field.sensitivity = Number(c.sensitivity);
  const codes = list(c.codeList);
  if (codes) field.codeList = codes;
  return field as FieldInput;
}

function toInput(c: Record<string, string>, fields: FieldInput[]): Record<string, unknown> {
  const input: Record<string, unknown> = {
    name: c.name ?? '',
    summary: c.summary ?? '',
    category: code('category', c.category),
    shareType: code('shareType', c.shareType),
    openType: code('openType', c.openType),
    level: code('level', c.level),
    keyField: c.keyField ?? '',
    keywords: list(c.keywords) ?? [],
    fields,
  };
  for (const k of ['shareCondition', 'levelReason'] as const) if (c[k]) input[k] = c[k];
  if (c.updateFrequency) input.updateFrequency = code('updateFrequency', c.updateFrequency);
  if (c.format) input.format = code('format', c.format);
  return input;
}

/**
 * The same checks as a registration through the API: the JSON Schema, then the catalog's own
 * rules. A problem in `fields/N/…` is reported on the 信息项 row it came from.
 */
function check(input: Record<string, unknown>, row: number, fieldRows: number[]): ResourceContent | FieldProblem[] {
  const place = (path: string, reason: Message): FieldProblem => {
    const m = /^\/?fields\/(\d+)(?:\/(\w+))?/.exec(path);
    if (m) return at(FIELDS, fieldRows[Number(m[1])] ?? row, header(FIELD_COLUMNS, m[2]), reason);
    return at(RESOURCES, row, header(RESOURCE_COLUMNS, path.replace(/^\//, '').split('/')[0]), reason);
  };
  const errors = Value.Errors(ResourceInputSchema, input);
  if (errors.length > 0) {
    return errors.map((e) => place(e.instancePath, sheetReason(e.instancePath, schemaMessage(e))));
  }
  try {
    return toContent(input as ResourceInput);
  } catch (e) {
    if (!isHubError(e)) throw e;
    return e.problems.map((p) =>
      place(
        p.field,
        p.code ? { key: p.code, ...(p.params ? { params: p.params } : {}) } : msg('kernel.text', { text: p.reason }),
      ),
    );
  }
}

/**
 * A column written in words (共享类型, 分级 …) that holds none of them is told the words it takes, not
 * the codes the schema checks: the sheet's user never sees the codes.
 */
function sheetReason(path: string, reason: Message): Message {
  const words = LABELS[path.replace(/^\//, '')];
  if (words) return msg('schema.enum', { allowed: Object.values(words) });
  return msg('catalog.sheetSchema', { path: path || '/', reason });
}

function header(columns: Column[], key: string | undefined): string {
  return columns.find((c) => c.key === key)?.header ?? key ?? '';
}
