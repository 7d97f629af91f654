import { json, type RawBuilder } from '../db/index.js';
import {
  ERROR_CATALOGUE,
  PROBLEM_TITLES_ZH,
  isHubError,
  isMessage,
  msg,
  render,
  type ErrorCode,
  type HubError,
  type Language,
  type Message,
} from '../kernel/index.js';

/**
 * Why a job failed, as the job keeps it (ingest.job `error_code`, `error_detail`, `error`): the
 * error's code of src/kernel/errors.ts and its message (key and params), rendered when read, in
 * the language of whoever reads the job — not in the language of the request that ran it.
 */
export interface JobError {
  /** The code of the error catalogue; null on jobs that failed before codes were kept. */
  errorCode: ErrorCode | null;
  /** The message of the catalogue; null when the error had no keyed detail. */
  errorDetail: Message | null;
  /** The error as text, for logs and the command line: never shown to people through the API. */
  error: string | null;
}

/** Nothing went wrong (yet): a job that is queued, running or has succeeded. */
export const NO_JOB_ERROR = { error: null, error_code: null, error_detail: null } as const;

/**
 * What a failed job keeps of `e`. A HubError keeps its code and message; anything else is an
 * unexpected failure (a bug, a lost connection), kept as KRN_INTERNAL with a message that says
 * so — its own text, English and possibly about internals, stays in the `error` text for the log.
 */
export function jobErrorOf(e: unknown): {
  error: string;
  error_code: ErrorCode;
  error_detail: RawBuilder<Message> | null;
} {
  if (isHubError(e)) {
    return { error: textOf(e), error_code: e.code, error_detail: e.detail ? json(e.detail) : null };
  }
  return {
    error: e instanceof Error ? e.message : String(e),
    error_code: 'KRN_INTERNAL',
    error_detail: json(msg('ingest.unexpected')),
  };
}

/**
 * The text of a HubError for the `error` column: its English message; a full disk in Chinese and
 * English, since operators of either language read it in the table long after the request.
 */
function textOf(e: HubError): string {
  if (e.code === 'ING_STORAGE_FULL' && e.detail) {
    return `${render(e.detail, 'zh-CN')} / ${render(e.detail, 'en')}`;
  }
  return e.message;
}

/** The stored columns as a JobError: an unknown code or message key (a newer hub's) reads as none. */
export function storedJobError(row: {
  error: string | null;
  error_code: string | null;
  error_detail: unknown;
}): JobError {
  const code = row.error_code !== null && row.error_code in ERROR_CATALOGUE ? (row.error_code as ErrorCode) : null;
  const detail = parsedJson(row.error_detail);
  return { error: row.error, errorCode: code, errorDetail: code && isMessage(detail) ? detail : null };
}

/**
 * A job's error in `language`: its message rendered; without one, the text in English and the
 * code's title in Chinese (as problem details do); a job from before codes, its text as stored.
 */
export function jobErrorIn(job: JobError, language: Language): string | null {
  if (job.errorDetail) return render(job.errorDetail, language);
  if (job.errorCode) {
    if (language === 'en') return job.error ?? ERROR_CATALOGUE[job.errorCode].title;
    return PROBLEM_TITLES_ZH[job.errorCode];
  }
  return job.error;
}

/** jsonb as PGlite (a value) and pg (a value, or text for json columns) return it. */
function parsedJson(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}
