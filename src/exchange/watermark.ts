import { randomInt } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { getSuite, invalid, restoreCsvCell } from '../kernel/index.js';

/**
 * Watermarks for bulk exports (issue #5): every export carries an export id — the mark — hidden
 * in its text cells, so that a leaked file names the export it came from. docs/watermark.md has
 * the technique in plain words; in short:
 *
 * - The 60 bits of the mark and 20 check bits (a keyed hash of the mark) make an 80-bit payload
 *   in 10 segments of 8 bits.
 * - Each marked cell carries one segment. Which one, and a byte that scrambles it, come from an
 *   HMAC (SM3, the hub's `gm` suite) under the hub's watermark secret of the cell's own visible
 *   text — not of its row, column or position — so re-sorting rows, dropping rows or columns
 *   (the key as well) and re-saving the file leave every remaining cell readable.
 * - The segment is written as a frame of 9 invisible characters appended to the value:
 *   U+200B ZERO WIDTH SPACE, then 8 bits as U+200C ZERO WIDTH NON-JOINER (0) or U+200D ZERO
 *   WIDTH JOINER (1). Only a complete frame at the end of a cell is read, so a stray zero-width
 *   character in the data is never taken for a bit. The leading U+200B breaks joining, so even
 *   Arabic-script text keeps its final letter form.
 * - Reading votes, per payload bit, over the distinct (visible text, frame) pairs of the file;
 *   a mark is returned only when every bit has a clear majority and the check bits match, so
 *   unmarked files, foreign rows and a wrong secret give `null`, never someone else's mark.
 */

/** Crockford base32: no I, L, O or U, so a mark read aloud or retyped stays unambiguous. */
export const MARK_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const MARK_LENGTH = 12;
const MARK_RE = /^[0-9A-HJKMNP-TV-Z]{12}$/;

const MARK_BITS = MARK_LENGTH * 5; // 60
const CHECK_BITS = 20;
const SEGMENT_BITS = 8;
const PAYLOAD_BITS = MARK_BITS + CHECK_BITS; // 80
const SEGMENTS = PAYLOAD_BITS / SEGMENT_BITS; // 10
/** A bit counts only when more than this share of its votes agree. */
const CLEAR_MAJORITY = 2 / 3;
const MIN_SECRET_BYTES = 16;

const START = '\u200B';
const ZERO = '\u200C';
const ONE = '\u200D';
const FRAMES = /\u200B[\u200C\u200D]{8}/g;
const TRAILING_FRAME = /\u200B([\u200C\u200D]{8})\s*$/;
/** Characters ignored when a cell's text is keyed: ours, and invisible ones tools add or drop. */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;

const hmac = getSuite('gm').hmac;

export function isMark(mark: string): boolean {
  return MARK_RE.test(mark);
}

/** A fresh random export id: 12 Crockford base32 characters, 60 bits from node:crypto. */
export function newMark(): string {
  let mark = '';
  for (let i = 0; i < MARK_LENGTH; i++) mark += MARK_ALPHABET[randomInt(MARK_ALPHABET.length)];
  return mark;
}

/** The value as a reader sees it: every watermark frame removed, anything else kept as it was. */
export function visibleText(value: string): string {
  return value.replace(FRAMES, '');
}

/** The text a cell is keyed by: visible, without invisible characters, NFC, trimmed. */
function keyText(value: string): string {
  return value.replace(INVISIBLE, '').normalize('NFC').trim();
}

/** Which segment a cell of this text carries, and the byte its segment is scrambled with. */
function cellKey(secret: Uint8Array, text: string): { segment: number; whitening: number } {
  const h = Buffer.from(hmac(secret, `qdh-watermark/v1/cell\u0000${text}`), 'hex');
  return { segment: h.readUInt16BE(0) % SEGMENTS, whitening: h[2]! };
}

function payloadBits(mark: string, secret: Uint8Array): number[] {
  const bits: number[] = [];
  for (const c of mark) {
    const v = MARK_ALPHABET.indexOf(c);
    for (let b = 4; b >= 0; b--) bits.push((v >> b) & 1);
  }
  const check = Buffer.from(hmac(secret, `qdh-watermark/v1/check\u0000${mark}`), 'hex');
  for (let i = 0; i < CHECK_BITS; i++) bits.push((check[i >> 3]! >> (7 - (i & 7))) & 1);
  return bits;
}

function checkSecret(secret: Uint8Array): void {
  if (!(secret instanceof Uint8Array) || secret.length < MIN_SECRET_BYTES)
    throw invalid('secret', `must be at least ${MIN_SECRET_BYTES} bytes`);
}

/**
 * New rows whose string values in `textFields` carry `mark` invisibly (see the module comment).
 * Empty (or blank) values stay as they are; values carrying a frame already are re-marked, not
 * marked twice. Other fields and non-string values are copied unchanged.
 */
export function embedWatermark(
  rows: Array<Record<string, unknown>>,
  textFields: string[],
  mark: string,
  secret: Uint8Array,
): Array<Record<string, unknown>> {
  if (!isMark(mark))
    throw invalid('mark', `must be ${MARK_LENGTH} characters of the Crockford base32 alphabet ${MARK_ALPHABET}`);
  if (textFields.length === 0) throw invalid('textFields', 'name at least one text field to carry the mark');
  checkSecret(secret);
  const payload = payloadBits(mark, secret);
  const segments: number[] = [];
  for (let s = 0; s < SEGMENTS; s++) {
    let byte = 0;
    for (let j = 0; j < SEGMENT_BITS; j++) byte = (byte << 1) | payload[s * SEGMENT_BITS + j]!;
    segments.push(byte);
  }
  const frames = new Map<string, string>();
  const frameOf = (text: string): string => {
    let frame = frames.get(text);
    if (frame === undefined) {
      const { segment, whitening } = cellKey(secret, text);
      const byte = segments[segment]! ^ whitening;
      frame = START;
      for (let b = 7; b >= 0; b--) frame += (byte >> b) & 1 ? ONE : ZERO;
      frames.set(text, frame);
    }
    return frame;
  };
  return rows.map((row) => {
    const out = { ...row };
    for (const field of textFields) {
      const value = row[field];
      if (typeof value !== 'string') continue;
      const visible = visibleText(value);
      const text = keyText(visible);
      out[field] = text === '' ? visible : visible + frameOf(text);
    }
    return out;
  });
}

export interface WatermarkReading {
  /** The export id, or null when the file does not identify one under this secret. */
  mark: string | null;
  /**
   * How consistent the votes are: the share of votes agreeing with the majority bit, times the
   * share of payload bits that got any vote. Noise gives about 0.5–0.7; an identified file is
   * normally above 0.95. 0 when nothing was read or the check bits refute the majority.
   */
  confidence: number;
  /** Distinct marked cells read (a text repeated in many rows counts once). */
  votes: number;
}

/**
 * Reads the mark from a table (rows of cells, a header row may be included) or from records.
 * Every string cell ending in a complete frame votes once per distinct visible text; the rest
 * (headers, numbers, foreign rows, cells whose frame was lost) is ignored.
 */
export function extractWatermark(
  table: string[][] | Array<Record<string, unknown>>,
  secret: Uint8Array,
): WatermarkReading {
  checkSecret(secret);
  const ones = new Array<number>(PAYLOAD_BITS).fill(0);
  const zeros = new Array<number>(PAYLOAD_BITS).fill(0);
  const seen = new Set<string>();
  for (const row of table) {
    const cells: unknown[] = Array.isArray(row) ? row : Object.values(row);
    for (const cell of cells) {
      if (typeof cell !== 'string') continue;
      const frame = TRAILING_FRAME.exec(cell)?.[1];
      if (frame === undefined) continue;
      const text = keyText(cell);
      if (text === '' || seen.has(`${frame}\u0000${text}`)) continue;
      seen.add(`${frame}\u0000${text}`);
      const { segment, whitening } = cellKey(secret, text);
      let byte = 0;
      for (const c of frame) byte = (byte << 1) | (c === ONE ? 1 : 0);
      byte ^= whitening;
      for (let j = 0; j < SEGMENT_BITS; j++) {
        const bit = (byte >> (SEGMENT_BITS - 1 - j)) & 1;
        (bit ? ones : zeros)[segment * SEGMENT_BITS + j]!++;
      }
    }
  }
  const votes = seen.size;
  if (votes === 0) return { mark: null, confidence: 0, votes };

  const bits: number[] = [];
  let agreeing = 0;
  let total = 0;
  let covered = 0;
  let clear = true;
  for (let i = 0; i < PAYLOAD_BITS; i++) {
    const n = ones[i]! + zeros[i]!;
    const top = Math.max(ones[i]!, zeros[i]!);
    bits.push(ones[i]! > zeros[i]! ? 1 : 0);
    agreeing += top;
    total += n;
    if (n > 0) covered++;
    if (n === 0 || top <= CLEAR_MAJORITY * n) clear = false;
  }
  const confidence = round((agreeing / total) * (covered / PAYLOAD_BITS));
  if (!clear) return { mark: null, confidence, votes };

  let mark = '';
  for (let c = 0; c < MARK_LENGTH; c++) {
    let v = 0;
    for (let b = 0; b < 5; b++) v = (v << 1) | bits[c * 5 + b]!;
    mark += MARK_ALPHABET[v];
  }
  const expected = payloadBits(mark, secret);
  for (let i = MARK_BITS; i < PAYLOAD_BITS; i++)
    if (expected[i] !== bits[i]) return { mark: null, confidence: 0, votes };
  return { mark, confidence, votes };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Bytes of a CSV file as text: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode
 * text"), else GB18030 (Excel's "CSV" on a Chinese Windows — which has already lost the marks).
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
 * Rows of cells of a CSV text, header included, cells as they are (not trimmed) but for the `'`
 * the hub put before would-be formulas: a cell is keyed by the text it was marked with. The delimiter —
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
