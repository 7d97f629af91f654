import type { Parser } from 'node-sql-parser';
import { HubError, msg } from '../kernel/index.js';
import type { Comparison, Condition, Scalar } from '../records/index.js';

/**
 * CKAN's datastore_search_sql without SQL reaching the database: the client's text is parsed
 * (node-sql-parser, PostgreSQL grammar) into a syntax tree, and only a small read-only subset is
 * taken from it — one SELECT of columns (or `*`, or `count(*)`) from one table named by an open
 * dataset's name or resource id, a WHERE of comparisons, LIKE/ILIKE, IN, BETWEEN, IS NULL joined
 * by AND/OR/NOT, ORDER BY columns, LIMIT and OFFSET. What it takes becomes the hub's own record
 * query (records' Condition), compiled there with every value bound as a parameter. Anything else
 * — other statements, several statements, joins, subqueries, functions, GROUP BY, casts — is
 * refused before any statement runs; which datasets are open and which fields may be named is
 * decided by the caller (the table is looked up as an open dataset, fields by rules.ts).
 */
export interface ParsedSelect {
  table: string;
  /** The columns asked for, with the names they come back under; null for `*`. */
  columns: Array<{ field: string; as: string }> | null;
  /** `select count(*)`: the count comes back under this name. */
  count: string | null;
  where: Condition | undefined;
  order: Array<{ field: string; desc: boolean }>;
  limit: number | undefined;
  offset: number;
}

/** node-sql-parser, made on first use: loading it is a quarter second of every process's start. */
let parser: Promise<Parser> | undefined;
const sqlParser = () => (parser ??= import('node-sql-parser').then((m) => new m.default.Parser()));
const MAX_SQL = 10_000;

const invalid = (what: string) => new HubError('OPN_SQL_INVALID', msg('open.sqlUnsupported', { what }));

type Node = { type?: string; [k: string]: unknown };

export async function parseSelect(text: string): Promise<ParsedSelect> {
  if (text.length > MAX_SQL) throw new HubError('OPN_SQL_INVALID', msg('open.badText', { max: MAX_SQL }));
  const parser = await sqlParser();
  let ast: unknown;
  try {
    ast = parser.astify(text, { database: 'PostgresQL' });
  } catch {
    throw new HubError('OPN_SQL_INVALID', msg('open.sqlParse'));
  }
  const statements = Array.isArray(ast) ? ast : [ast];
  if (statements.length !== 1 || (statements[0] as Node).type !== 'select')
    throw new HubError('OPN_SQL_REFUSED', msg('open.sqlOnlySelect'));
  const s = statements[0] as Node;
  for (const key of ['with', 'groupby', 'having', 'window', 'union', '_next', 'for_update', 'locking_read']) {
    if (s[key] !== null && s[key] !== undefined) throw invalid(key.toUpperCase());
  }
  if ((s.distinct as Node | null)?.type) throw invalid('DISTINCT');
  if ((s.into as Node | null)?.position) throw invalid('INTO');
  const from = s.from as Node[] | null;
  if (!Array.isArray(from) || from.length !== 1) throw new HubError('OPN_SQL_INVALID', msg('open.sqlOneTable'));
  const source = from[0]!;
  if (typeof source.table !== 'string' || source.join || source.expr || source.db)
    throw new HubError('OPN_SQL_INVALID', msg('open.sqlOneTable'));
  const alias = typeof source.as === 'string' ? source.as : null;
  const column = (node: Node): string => columnOf(node, [source.table as string, alias]);

  let columns: ParsedSelect['columns'] = [];
  let count: string | null = null;
  for (const c of s.columns as Node[]) {
    const expr = c.expr as Node;
    if (expr.type === 'column_ref' && expr.column === '*') {
      columns = null;
      continue;
    }
    if (expr.type === 'aggr_func' && String(expr.name).toUpperCase() === 'COUNT') {
      const arg = (expr.args as Node).expr as Node;
      if (arg?.type !== 'star' || expr.over) throw invalid('COUNT');
      count = typeof c.as === 'string' ? c.as : 'count';
      continue;
    }
    const field = column(expr);
    columns?.push({ field, as: typeof c.as === 'string' ? c.as : field });
  }
  if (count !== null && (columns === null || columns.length > 0)) throw invalid('COUNT');

  const order = ((s.orderby as Node[] | null) ?? []).map((o) => ({
    field: column(o.expr as Node),
    desc: String(o.type).toUpperCase() === 'DESC',
  }));
  const limits = ((s.limit as Node | null)?.value as Node[] | undefined) ?? [];
  const numbers = limits.map((n) => {
    if (n.type !== 'number' || !Number.isInteger(n.value) || (n.value as number) < 0) throw invalid('LIMIT');
    return n.value as number;
  });
  const separator = (s.limit as Node | null)?.seperator;
  // "LIMIT a OFFSET b" or "LIMIT b, a" (MySQL's order, which the parser also takes).
  const [limit, offset] =
    numbers.length === 2 ? (separator === ',' ? [numbers[1], numbers[0]] : [numbers[0], numbers[1]]) : [numbers[0], 0];
  return {
    table: source.table,
    columns,
    count,
    where: s.where ? condition(s.where as Node, column) : undefined,
    order,
    limit,
    offset: offset ?? 0,
  };
}

function columnOf(node: Node, tables: Array<string | null>): string {
  if (node?.type !== 'column_ref') throw invalid(describe(node));
  if (node.table !== null && node.table !== undefined && !tables.includes(node.table as string))
    throw new HubError('OPN_SQL_INVALID', msg('open.sqlOneTable'));
  const col = node.column as Node | string;
  const name = typeof col === 'string' ? col : ((col.expr as Node | undefined)?.value as string | undefined);
  if (typeof name !== 'string' || name === '*') throw invalid(describe(node));
  return name;
}

function describe(node: Node | undefined): string {
  if (!node) return '?';
  if (node.type === 'function') return 'function';
  return String(node.type ?? '?').slice(0, 40);
}

const COMPARISONS: Record<string, Comparison> = {
  '=': '=',
  '!=': '<>',
  '<>': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};
const FLIPPED: Record<Comparison, Comparison> = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

function literal(node: Node): Scalar | null {
  switch (node?.type) {
    case 'number':
      if (typeof node.value !== 'number' || !Number.isFinite(node.value)) throw invalid('number');
      return node.value;
    case 'single_quote_string':
    case 'string':
    case 'natural_string':
      return String(node.value);
    case 'bool':
    case 'boolean':
      return Boolean(node.value);
    case 'null':
      return null;
    default:
      throw invalid(describe(node));
  }
}

const isColumn = (n: Node) => n?.type === 'column_ref';

function condition(node: Node, column: (n: Node) => string): Condition {
  if (node.parentheses && node.type !== 'binary_expr' && node.type !== 'unary_expr') throw invalid(describe(node));
  if (node.type === 'unary_expr') {
    if (String(node.operator).toUpperCase() !== 'NOT') throw invalid(String(node.operator));
    return { op: 'not', of: condition(node.expr as Node, column) };
  }
  if (node.type !== 'binary_expr') throw invalid(describe(node));
  const op = String(node.operator).toUpperCase();
  const left = node.left as Node;
  const right = node.right as Node;
  if (op === 'AND' || op === 'OR')
    return { op: op === 'AND' ? 'and' : 'or', of: [condition(left, column), condition(right, column)] };
  if (op === 'IS' || op === 'IS NOT') {
    const field = column(left);
    if (right?.type !== 'null') throw invalid(op);
    const isNull: Condition = { op: 'null', field };
    return op === 'IS' ? isNull : { op: 'not', of: isNull };
  }
  if (op === 'IN' || op === 'NOT IN') {
    const field = column(left);
    if (right?.type !== 'expr_list' || !Array.isArray(right.value)) throw invalid(op);
    const values = (right.value as Node[]).map(literal).filter((v): v is Scalar => v !== null);
    const c: Condition = { op: 'in', field, values };
    return op === 'IN' ? c : { op: 'not', of: c };
  }
  if (op === 'LIKE' || op === 'ILIKE' || op === 'NOT LIKE' || op === 'NOT ILIKE') {
    const field = column(left);
    const pattern = literal(right);
    if (typeof pattern !== 'string') throw invalid(op);
    const c: Condition = { op: 'like', field, pattern, caseless: op.includes('ILIKE') };
    return op.startsWith('NOT') ? { op: 'not', of: c } : c;
  }
  if (op === 'BETWEEN' || op === 'NOT BETWEEN') {
    const field = column(left);
    const bounds = (right?.value as Node[] | undefined) ?? [];
    if (bounds.length !== 2) throw invalid(op);
    const [low, high] = bounds.map(literal);
    if (low === null || high === null || low === undefined || high === undefined) throw invalid(op);
    const c: Condition = {
      op: 'and',
      of: [
        { op: 'compare', field, cmp: '>=', value: low },
        { op: 'compare', field, cmp: '<=', value: high },
      ],
    };
    return op === 'BETWEEN' ? c : { op: 'not', of: c };
  }
  const cmp = COMPARISONS[op];
  if (!cmp) throw invalid(op.slice(0, 20));
  const [field, value, flipped] = isColumn(left)
    ? [column(left), literal(right), false]
    : isColumn(right)
      ? [column(right), literal(left), true]
      : [undefined, undefined, false];
  if (field === undefined) throw invalid(op);
  if (value === null || value === undefined)
    return {
      op: 'and',
      of: [
        { op: 'null', field },
        { op: 'or', of: [] },
      ],
    };
  return { op: 'compare', field, cmp: flipped ? FLIPPED[cmp] : cmp, value };
}
