import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type ExcelJS from 'exceljs';
import { readCatalogWorkbook, toContent, type ResourceContent, type ResourceInput } from '../catalog/index.js';
import { excel } from '../kernel/index.js';
import { demoOrganizations } from './orgs.js';

/**
 * The demo catalog's files: one folder per department, holding the catalog import template's two
 * sheets as CSV (`资源目录.csv`, `信息项.csv`) — what that department's officer would upload.
 * Read from the source tree both from `src/` and from `dist/` (each two levels below the package
 * root), so the build has nothing to copy.
 */
export const CATALOG_DIR = fileURLToPath(new URL('../../src/demo/workbooks/catalog/', import.meta.url));
/** The resources the demo loads data into, in the same layout: the generators in code fill them. */
export const WITH_DATA_DIR = fileURLToPath(new URL('../../src/demo/workbooks/with-data/', import.meta.url));

const SHEETS = ['资源目录', '信息项'] as const;
/** The template's 状态 column: export writes it, import ignores it; the demo reads it to advance. */
const STATUS_COLUMN = '状态';
const NAME_COLUMN = '资源名称';
const STATUSES = ['published', 'submitted', 'returned', 'draft'] as const;
export type DemoStatus = (typeof STATUSES)[number];

export interface DemoRegistration {
  status: DemoStatus;
  content: ResourceContent;
}

export interface DemoDepartment {
  /** Department code of the provider (数源单位). */
  provider: string;
  registrations: DemoRegistration[];
}

/**
 * A code list whose values contain the template's list separators (`/`, `、`…), which its
 * 代码集 cell cannot hold: kept in the folder's optional `code-lists.json`, checked again once merged.
 */
interface CodeList {
  provider: string;
  resource: string;
  field: string;
  codeList: string[];
}

/**
 * Every department's registrations, departments in the order of `orgs.ts` and resources in file
 * order, so codes and mounts come out the same on every seed. Each folder goes through the same
 * parse and checks as an uploaded workbook; any problem refuses the whole demo catalog.
 */
export async function readDemoCatalog(dir: string = CATALOG_DIR): Promise<DemoDepartment[]> {
  const listFile = join(dir, 'code-lists.json');
  const codeLists = existsSync(listFile) ? (JSON.parse(readFileSync(listFile, 'utf8')) as CodeList[]) : [];
  const departments = demoOrganizations()
    .filter((o) => o.kind === 'department')
    .map((o) => o.code);
  const strangers = readdirSync(dir, { withFileTypes: true }).filter(
    (e) => e.isDirectory() && !departments.includes(e.name),
  );
  if (strangers.length > 0) throw new Error(`demo catalog: ${strangers[0]!.name} is not a demo department`);
  const out: DemoDepartment[] = [];
  for (const provider of departments) {
    if (!existsSync(join(dir, provider))) continue;
    const own = codeLists.filter((l) => l.provider === provider);
    out.push({ provider, registrations: await readDepartment(join(dir, provider), own) });
  }
  const unused = codeLists.find((l) => !out.some((d) => d.provider === l.provider));
  if (unused) throw new Error(`demo catalog: code list for ${unused.provider} ${unused.resource} matches no folder`);
  return out;
}

async function readDepartment(folder: string, codeLists: CodeList[]): Promise<DemoRegistration[]> {
  const wb = await workbookOf(folder);
  const statuses = statusesOf(wb.getWorksheet(SHEETS[0])!, folder);
  const contents = await readCatalogWorkbook(Buffer.from(await wb.xlsx.writeBuffer()));
  for (const list of codeLists) {
    if (!contents.some((c) => c.name === list.resource && c.fields.some((f) => f.name === list.field))) {
      throw new Error(`demo catalog: ${folder} has no field ${list.resource}.${list.field} for its code list`);
    }
  }
  return contents.map((content) => ({
    status: statuses.get(content.name)!,
    content: withCodeLists(
      content,
      codeLists.filter((l) => l.resource === content.name),
    ),
  }));
}

/** The department's workbook as its officer would upload it, one sheet per CSV file. */
async function workbookOf(folder: string): Promise<ExcelJS.Workbook> {
  const wb = new (await excel()).Workbook();
  // Every cell stays text, as a spreadsheet user typed it: the template's reader does the typing.
  const asText = (value: unknown) => (value === '' ? null : value);
  for (const sheetName of SHEETS) await wb.csv.readFile(join(folder, `${sheetName}.csv`), { sheetName, map: asText });
  return wb;
}

/** The 状态 of each resource row; a row without a known status refuses the folder. */
function statusesOf(sheet: ExcelJS.Worksheet, folder: string): Map<string, DemoStatus> {
  const header = sheet.getRow(1).values as unknown[];
  const nameAt = header.indexOf(NAME_COLUMN);
  const statusAt = header.indexOf(STATUS_COLUMN);
  if (nameAt < 0 || statusAt < 0) throw new Error(`demo catalog: ${folder} needs columns 资源名称 and 状态`);
  const statuses = new Map<string, DemoStatus>();
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const name = String(row.getCell(nameAt).value ?? '').trim();
    const status = String(row.getCell(statusAt).value ?? '').trim();
    if (!STATUSES.includes(status as DemoStatus)) {
      throw new Error(`demo catalog: ${folder} row ${n}: unknown status "${status}"`);
    }
    statuses.set(name, status as DemoStatus);
  });
  return statuses;
}

function withCodeLists(content: ResourceContent, lists: CodeList[]): ResourceContent {
  if (lists.length === 0) return content;
  const fields = content.fields.map((f) => {
    const list = lists.find((l) => l.field === f.name);
    return list ? { ...f, codeList: list.codeList } : f;
  });
  return toContent({ ...content, fields } as ResourceInput);
}
