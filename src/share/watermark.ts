import { createHmac, randomInt } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import {
  checkCitizenId,
  checkCreditCode,
  citizenIdCheckDigit,
  creditCodeCheckChar,
  getSuite,
  restoreCsvCell,
} from '../kernel/index.js';

/**
 * Watermarks for bulk exports (issues #5, #14): every export carries an export id — the mark —
 * so that a leaked file names the export it came from, and no value a consumer compares or joins
 * on is changed by it. docs/watermark.md has the design in plain words; in short, three carriers,
 * each keyed by an HMAC under the hub's watermark secret and the mark:
 *
 * - Row order: the rows (decoys included) are sorted by a keyed hash of their key value, a
 *   permutation only this export has. Any subset of the rows keeps that relative order.
 * - Decoy rows: a few rows whose key is a citizen ID or credit code with a wrong check
 *   character, so no real person or enterprise can have it (GB 11643, GB 32100) and ingest refuses
 *   it; its other digits are a keyed hash of the mark, so a decoy found in a file names the export.
 * - Spacing in free text: a free-text value (an address — never a name, a code, a key, a number or
 *   a date) ends in one space or none, as a keyed bit of its own text says.
 *
 * Identification is a test against the hub's known exports: for each, how many of its decoys the
 * file holds, how many neighbouring rows are in its order, how many free-text cells carry its
 * spacing. A file is named only when the evidence could not arise by chance (module `identify`).
 */

/** Crockford base32: no I, L, O or U, so a mark read aloud or retyped stays unambiguous. */
export const MARK_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const MARK_LENGTH = 12;
const MARK_RE = /^[0-9A-HJKMNP-TV-Z]{12}$/;
const MIN_SECRET_BYTES = 16;
/** At most this many decoy rows in one export: one per 250 rows, at least one from MIN_ROWS_FOR_DECOY. */
export const MAX_DECOYS = 20;
const MIN_ROWS_FOR_DECOY = 5;
/** A file is named when chance would produce its evidence with less than this probability (per candidate export). */
const CHANCE = 1e-6;
/**
 * String fields bound to these data elements are free text: a trailing space does not change
 * what they say. Names are not (people match on them), nor any identifier-like string.
 */
const FREE_TEXT_ELEMENTS = new Set(['address']);
const TRAILING_SPACE = /\s+$/u;

/** A column of the export as the watermark needs it: the catalog's Field has these. */
export interface MarkedField {
  name: string;
  type: string;
  codeList?: readonly string[] | undefined;
  element?: string | undefined;
}

/** The shape of an export: its columns and which of them is the resource's key. */
export interface ExportShape {
  keyField: string;
  fields: readonly MarkedField[];
}

export function isMark(mark: string): boolean {
  return MARK_RE.test(mark);
}

/** A fresh random export id: 12 Crockford base32 characters, 60 bits from node:crypto. */
export function newMark(): string {
  let mark = '';
  for (let i = 0; i < MARK_LENGTH; i++) mark += MARK_ALPHABET[randomInt(MARK_ALPHABET.length)];
  return mark;
}

/**
 * Fields that may carry spacing: strings without a code list, not the key, bound to no data
 * element or to a free-text one (an address). Everything else is copied byte for byte.
 */
export function freeTextFields(shape: ExportShape): string[] {
  return shape.fields
    .filter(
      (f) =>
        f.type === 'string' &&
        f.name !== shape.keyField &&
        (f.codeList === undefined || f.codeList.length === 0) &&
        (f.element === undefined || FREE_TEXT_ELEMENTS.has(f.element)),
    )
    .map((f) => f.name);
}

/** Programming errors, not a caller's input: the hub makes the mark and holds the secret. */
function checkSecret(secret: Uint8Array): void {
  if (!(secret instanceof Uint8Array) || secret.length < MIN_SECRET_BYTES)
    throw new RangeError(`watermark secret must be at least ${MIN_SECRET_BYTES} bytes`);
}

/** The keyed hashes of one export: one SM3 HMAC of the mark, then native HMAC-SM3 per item. */
class Keyed {
  private readonly key: Buffer;
  constructor(secret: Uint8Array, mark: string) {
    this.key = Buffer.from(getSuite('gm').hmac(secret, `qdh-watermark/v2/export\u0000${mark}`), 'hex');
  }
  hash(...parts: string[]): Buffer {
    return createHmac('sm3', this.key).update(parts.join('\u0000')).digest();
  }
  /** Where a row with this key sits in the export's order. */
  rank(key: string): string {
    return this.hash('order', key).toString('hex', 0, 12);
  }
  /** Whether a free-text value of this (trimmed) text ends in a space. */
  space(text: string): boolean {
    return (this.hash('space', text.normalize('NFC'))[0]! & 1) === 1;
  }
}

type KeyKind = 'citizen_id' | 'credit_code';
const DIGITS = '0123456789';
const ID_CHECKS = '0123456789X';
const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Every character of `alphabet` but `correct`, the h-th of them: a check character that is wrong on purpose. */
function wrongCheck(alphabet: string, correct: string, h: number): string {
  const others = alphabet.replace(correct, '');
  return others[h % others.length]!;
}

/**
 * The i-th decoy key of an export with the given prefix (a real row's division, or its credit
 * code's first 8 characters): plausible digits from the keyed hash, a check character that fails.
 */
function decoyKey(keyed: Keyed, kind: KeyKind, prefix: string, i: number): string {
  const h = keyed.hash('decoy', kind, prefix, String(i));
  if (kind === 'citizen_id') {
    const year = 1940 + (h.readUInt16BE(0) % 66);
    const month = 1 + (h[2]! % 12);
    const day = 1 + (h[3]! % 28);
    const seq = h.readUInt16BE(4) % 1000;
    const first17 =
      prefix +
      String(year) +
      String(month).padStart(2, '0') +
      String(day).padStart(2, '0') +
      String(seq).padStart(3, '0');
    return first17 + wrongCheck(ID_CHECKS, citizenIdCheckDigit(first17), h[6]!);
  }
  let body = '';
  for (let j = 0; j < 9; j++) body += DIGITS[h[j]! % 10];
  const first17 = prefix + body;
  return first17 + wrongCheck(CREDIT_CHARS, creditCodeCheckChar(first17), h[9]!);
}

function keyKind(shape: ExportShape): KeyKind | null {
  const type = shape.fields.find((f) => f.name === shape.keyField)?.type;
  return type === 'citizen_id' || type === 'credit_code' ? type : null;
}

function isValidKey(kind: KeyKind, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  return kind === 'citizen_id' ? checkCitizenId(value).ok : checkCreditCode(value).ok;
}

/** Decoy rows an export of n rows gets: none below MIN_ROWS_FOR_DECOY, one per 250 rows, at most MAX_DECOYS. */
export function decoyCount(rows: number): number {
  return rows < MIN_ROWS_FOR_DECOY ? 0 : Math.min(MAX_DECOYS, 1 + Math.floor(rows / 250));
}

/**
 * The export as it is handed out: the rows reordered by the mark, decoy rows added when the key
 * column holds valid citizen IDs or credit codes (a masked key gets none), and free-text values
 * spaced. Every other value — codes, keys, numbers, dates, names — is the row's own, unchanged.
 */
export function embedWatermark(
  rows: ReadonlyArray<Record<string, unknown>>,
  shape: ExportShape,
  mark: string,
  secret: Uint8Array,
): Array<Record<string, unknown>> {
  if (!isMark(mark))
    throw new RangeError(`mark must be ${MARK_LENGTH} characters of the Crockford base32 alphabet ${MARK_ALPHABET}`);
  checkSecret(secret);
  const keyed = new Keyed(secret, mark);
  const out = rows.map((r) => ({ ...r }));

  const kind = keyKind(shape);
  if (kind && rows.length > 0 && rows.every((r) => isValidKey(kind, r[shape.keyField]))) {
    for (let i = 0; i < decoyCount(rows.length); i++) out.push(decoyRow(keyed, kind, rows, shape, i));
  }

  const spaced = freeTextFields(shape);
  for (const row of out) {
    for (const field of spaced) {
      const value = row[field];
      if (typeof value !== 'string') continue;
      const text = value.replace(TRAILING_SPACE, '');
      row[field] = text !== '' && keyed.space(text) ? text + ' ' : text;
    }
  }

  const ranked = out.map((row, i) => ({ row, i, rank: keyed.rank(rowKey(row, shape)) }));
  ranked.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.i - b.i));
  return ranked.map((r) => r.row);
}

/** A decoy: a failing key, and each other value taken from a real row the keyed hash picks. */
function decoyRow(
  keyed: Keyed,
  kind: KeyKind,
  rows: ReadonlyArray<Record<string, unknown>>,
  shape: ExportShape,
  i: number,
): Record<string, unknown> {
  const pick = (what: string) => rows[keyed.hash('pick', String(i), what).readUInt32BE(0) % rows.length]!;
  const template = String(pick('\u0000key')[shape.keyField]);
  const row: Record<string, unknown> = {};
  for (const f of shape.fields) row[f.name] = pick(f.name)[f.name];
  row[shape.keyField] = decoyKey(keyed, kind, template.slice(0, kind === 'citizen_id' ? 6 : 8), i);
  return row;
}

function rowKey(row: Record<string, unknown>, shape: ExportShape): string {
  const key = row[shape.keyField];
  return key === undefined || key === null ? JSON.stringify(Object.values(row)) : String(key);
}

/** An export the hub knows, as identification tests a file against it. */
export interface Candidate extends ExportShape {
  mark: string;
}

/** What a file shows of one export's watermark. */
export interface Evidence {
  /** Decoy rows of this export found in the file. */
  decoys: number;
  /** Neighbouring rows (distinct keys) in this export's order, of all neighbouring pairs. */
  order: { agree: number; pairs: number };
  /** Distinct free-text values spaced as this export spaces them, of all read. */
  spacing: { agree: number; cells: number };
  /** How likely this evidence is by chance, were the file not from this export (0 with a decoy). */
  chance: number;
}

export interface WatermarkReading {
  /** The export id, or null when the file does not identify one of the candidates. */
  mark: string | null;
  /** 1 − the chance of the evidence (times the number of candidates); 0 when nothing is named. */
  confidence: number;
  /** Observations behind the reading: decoys, row pairs and free-text cells of the best candidate. */
  votes: number;
  /** The best candidate's evidence, or null when there was none to test. */
  evidence: Evidence | null;
}

/** The evidence a table (header first, as readCsvTable gives it) holds of one candidate's mark. */
export function scoreWatermark(table: readonly string[][], candidate: Candidate, secret: Uint8Array): Evidence {
  checkSecret(secret);
  const keyed = new Keyed(secret, candidate.mark);
  const [header = [], ...body] = table;
  const columns = header.map((h) => h.trim());
  const keyCol = columns.indexOf(candidate.keyField);
  const kind = keyKind(candidate);

  let decoys = 0;
  const order = { agree: 0, pairs: 0 };
  if (keyCol >= 0) {
    const keys = body.map((r) => (r[keyCol] ?? '').trim()).filter((k) => k !== '');
    if (kind) decoys = countDecoys(keyed, kind, keys);
    let previous: string | undefined;
    for (const key of keys) {
      const rank = keyed.rank(key);
      if (previous !== undefined && previous !== rank) {
        order.pairs++;
        if (previous < rank) order.agree++;
      }
      previous = rank;
    }
  }

  const spacing = { agree: 0, cells: 0 };
  const seen = new Set<string>();
  for (const field of freeTextFields(candidate)) {
    const col = columns.indexOf(field);
    if (col < 0) continue;
    for (const row of body) {
      const cell = row[col] ?? '';
      const text = cell.replace(TRAILING_SPACE, '');
      if (text === '' || seen.has(cell)) continue;
      seen.add(cell);
      spacing.cells++;
      if (cell.endsWith(' ') === keyed.space(text)) spacing.agree++;
    }
  }

  const chance = decoys > 0 ? 0 : fisher(upperTail(order.pairs, order.agree), upperTail(spacing.cells, spacing.agree));
  return { decoys, order, spacing, chance };
}

function countDecoys(keyed: Keyed, kind: KeyKind, keys: string[]): number {
  const failing = new Set(keys.filter((k) => /^[0-9A-Z]{18}$/.test(k) && !isValidKey(kind, k)));
  let found = 0;
  const prefixes = new Set([...failing].map((k) => k.slice(0, kind === 'citizen_id' ? 6 : 8)));
  for (const prefix of prefixes)
    for (let i = 0; i < MAX_DECOYS; i++) if (failing.has(decoyKey(keyed, kind, prefix, i))) found++;
  return found;
}

/**
 * Which candidate export a table came from. The best-supported candidate is named when it holds
 * one of its decoys, or when chance would give its order and spacing evidence less often than
 * CHANCE / (number of candidates) — so testing many exports does not make a false match likely.
 */
export function identifyWatermark(
  table: readonly string[][],
  candidates: readonly Candidate[],
  secret: Uint8Array,
): WatermarkReading {
  checkSecret(secret);
  let best: { candidate: Candidate; evidence: Evidence } | null = null;
  for (const candidate of candidates) {
    const evidence = scoreWatermark(table, candidate, secret);
    if (!best || better(evidence, best.evidence)) best = { candidate, evidence };
  }
  if (!best) return { mark: null, confidence: 0, votes: 0, evidence: null };
  const { evidence } = best;
  const votes = evidence.decoys + evidence.order.pairs + evidence.spacing.cells;
  const corrected = Math.min(1, evidence.chance * candidates.length);
  const named = evidence.decoys > 0 || corrected < CHANCE;
  return {
    mark: named ? best.candidate.mark : null,
    confidence: named ? Math.floor((1 - corrected) * 1e6) / 1e6 : 0,
    votes,
    evidence,
  };
}

function better(a: Evidence, b: Evidence): boolean {
  if (a.decoys !== b.decoys) return a.decoys > b.decoys;
  return a.chance < b.chance;
}

const LOG_FACTORIAL: number[] = [0];
function logFactorial(n: number): number {
  for (let i = LOG_FACTORIAL.length; i <= n; i++) LOG_FACTORIAL.push(LOG_FACTORIAL[i - 1]! + Math.log(i));
  return LOG_FACTORIAL[n]!;
}

/**
 * P(X ≥ k) for X ~ Binomial(n, ½): how often chance agrees k times of n. For row order the
 * ascents of a random permutation vary less than a binomial does, so this overstates chance —
 * the safe side.
 */
function upperTail(n: number, k: number): number {
  if (n === 0 || k <= n / 2) return 1;
  const logs: number[] = [];
  for (let i = k; i <= n; i++) logs.push(logFactorial(n) - logFactorial(i) - logFactorial(n - i) - n * Math.LN2);
  const top = Math.max(...logs);
  return Math.min(1, Math.exp(top) * logs.reduce((s, l) => s + Math.exp(l - top), 0));
}

/** Fisher's combination of two independent p-values: P(χ²₄ ≥ −2 ln(p·q)) = pq(1 − ln pq). */
function fisher(p: number, q: number): number {
  const x = p * q;
  return x <= 0 ? 0 : Math.min(1, x * (1 - Math.log(x)));
}

/**
 * Bytes of a CSV file as text: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode
 * text"), else GB18030 (Excel's "CSV" on a Chinese Windows).
 */
export function decodeCsvBytes(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/**
 * Rows of cells of a CSV text, header included, cells as they are (not trimmed: a trailing space
 * is part of the mark) but for the `'` the hub put before would-be formulas. The delimiter —
 * comma, semicolon or tab — is the one most frequent outside quotes in the first record; a
 * UTF-8 byte order mark is dropped.
 */
export function readCsvTable(text: string): string[][] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: string[][] = parse(body, {
    delimiter: sniffDelimiter(body),
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
  });
  return rows.map((row) => row.map(restoreCsvCell));
}

function sniffDelimiter(text: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && c in counts) counts[c]!++;
  }
  let best = ',';
  for (const d of [';', '\t']) if (counts[d]! > counts[best]!) best = d;
  return best;
}
