import { HubError } from './errors.js';
import { msg } from './messages/index.js';

/**
 * What one upload may make the hub do, whatever its size on the wire: a few hundred kilobytes
 * of zip can inflate to gigabytes, and a client can hold a connection open by sending nothing.
 */
export interface UploadLimits {
  /** Longest pause, while the hub waits for a request body, before it answers 408. */
  bodyIdleMs: number;
  /** Slowest average rate (bytes/s) a body may arrive at, counting only the time the hub waits for it. */
  bodyMinRate: number;
  /** Most rows (the header included) one uploaded file may have. */
  maxRows: number;
  /** Most cells one row may have. */
  maxColumns: number;
  /** Longest line of a CSV or NDJSON file, in bytes. */
  maxLineBytes: number;
  /** Most bytes held whole in memory: a JSON array file, a workbook's shared strings, styles, catalog workbook. */
  maxInMemoryBytes: number;
  /** Most bytes the parts of a workbook read may inflate to, all together (and its size on the wire). */
  xlsxMaxBytes: number;
  /** Longest run of XML text between two tags, in bytes: a cell's text is at most 32 767 characters in Excel. */
  xlsxMaxTextBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  bodyIdleMs: 30_000,
  bodyMinRate: 16 * 1024,
  // Excel's own sheet size; larger loads come from a database or HTTP source, or `qdh ingest`.
  maxRows: 1_048_576,
  maxColumns: 1_000,
  maxLineBytes: MiB,
  maxInMemoryBytes: 64 * MiB,
  xlsxMaxBytes: 1024 * MiB,
  xlsxMaxTextBytes: 128 * 1024,
};

const ENV: Record<keyof UploadLimits, [name: string, scale: number]> = {
  bodyIdleMs: ['QDH_BODY_IDLE_SECONDS', 1000],
  bodyMinRate: ['QDH_BODY_MIN_RATE', 1],
  maxRows: ['QDH_UPLOAD_MAX_ROWS', 1],
  maxColumns: ['QDH_UPLOAD_MAX_COLUMNS', 1],
  maxLineBytes: ['QDH_UPLOAD_MAX_LINE_BYTES', 1],
  maxInMemoryBytes: ['QDH_UPLOAD_MAX_IN_MEMORY_MB', MiB],
  xlsxMaxBytes: ['QDH_XLSX_MAX_MB', MiB],
  xlsxMaxTextBytes: ['QDH_XLSX_MAX_TEXT_BYTES', 1],
};

/** The defaults, each replaced by its environment variable when set. */
export function uploadLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): UploadLimits {
  const limits = { ...DEFAULT_UPLOAD_LIMITS };
  for (const [key, [name, scale]] of Object.entries(ENV) as Array<[keyof UploadLimits, [string, number]]>) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    const value = Number(text);
    if (!(value > 0)) throw new HubError('KRN_CONFIG', msg('config.positive', { name, value: text }));
    limits[key] = value * scale;
  }
  return limits;
}
