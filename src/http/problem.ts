import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { connectionLost } from '../db/index.js';
import {
  ERROR_CATALOGUE,
  PROBLEM_TITLES_ZH,
  isHubError,
  languageOf,
  msg,
  render,
  resolveParams,
  schemaMessage,
  type ErrorCode,
  type FieldProblem,
  type HubError,
  type Language,
  type Message,
  type MessageKey,
} from '../kernel/index.js';

/** One bad input of a problem, its reason in the request's language. */
export interface ProblemError {
  field: string;
  reason: string;
  /** The message key of the reason and its params, for a client that renders its own text. */
  code?: MessageKey;
  params?: Record<string, string | number | string[]>;
  /** The field's name for people, where the hub knows it (a resource field's label). */
  label?: string;
  sheet?: string;
  row?: number;
  column?: string;
}

/**
 * RFC 9457 problem details. `code` is the stable catalogue code; `title`, `detail` and each
 * `errors[].reason` are in the language of the request's Accept-Language (zh-CN by default);
 * `detailCode` and `params` are the detail's message key and values, for clients that render
 * their own text.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  detailCode?: MessageKey;
  params?: Record<string, string | number | string[]>;
  instance?: string;
  errors?: ProblemError[];
}

const TYPE_BASE = '/api/docs/errors#';

/** A detail the hub has no key for (a library's own message): shown as is in English, as the title in Chinese. */
type Detail = Message | { text: string };

/** The one error handler: HubErrors, schema validation failures, and anything unexpected. */
export function sendProblem(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const language = languageOf(request.headers['accept-language']);
  const problem = problemFor(error, request, reply);
  return reply
    .status(problem.status)
    .header('content-language', language)
    .header('vary', 'accept-language')
    .type('application/problem+json')
    .send(problem);
}

/** The problem an error is, in the request's language (what sendProblem sends; CKAN's routes wrap it their way). */
export function problemFor(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): Problem {
  const language = languageOf(request.headers['accept-language']);
  const problem = isHubError(error)
    ? fromHubError(error, reply, language)
    : (fromValidation(error, language) ??
      fromUnavailable(error, request, reply, language) ??
      fromDataException(error, request, language) ??
      fromClientError(error, language) ??
      internal(error, request, language));
  problem.instance = request.url.split('?')[0];
  return problem;
}

function problemOf(code: ErrorCode, detail: Detail, language: Language, errors?: FieldProblem[]): Problem {
  const { status } = ERROR_CATALOGUE[code];
  const title = titleOf(code, language);
  const keyed = 'key' in detail;
  const params = keyed ? resolveParams(detail.params, language) : {};
  return {
    type: TYPE_BASE + code,
    title,
    status,
    detail: keyed ? render(detail, language) : language === 'en' ? detail.text : title,
    code,
    ...(keyed ? { detailCode: detail.key } : {}),
    ...(Object.keys(params).length ? { params } : {}),
    ...(errors?.length ? { errors: errors.map((e) => errorOf(e, language)) } : {}),
  };
}

export function titleOf(code: ErrorCode, language: Language): string {
  return language === 'en' ? ERROR_CATALOGUE[code].title : PROBLEM_TITLES_ZH[code];
}

/** A field problem in `language`: a keyed reason is rendered, an unkeyed one (none should remain) kept. */
function errorOf(p: FieldProblem, language: Language): ProblemError {
  const { code, params, ...rest } = p;
  if (!code) return rest;
  return {
    ...rest,
    reason: render({ key: code, ...(params ? { params } : {}) }, language),
    code,
    params: resolveParams(params, language),
  };
}

function fromHubError(error: HubError, reply: FastifyReply, language: Language): Problem {
  reply.headers(error.headers);
  const detail: Detail = error.detail ?? { text: error.message };
  return { ...problemOf(error.code, detail, language, error.problems), status: error.status };
}

/** Fastify's schema validation: each ajv error as a keyed field problem in the request's language. */
function fromValidation(error: FastifyError | Error, language: Language): Problem | undefined {
  if (!('validation' in error) || !Array.isArray(error.validation)) return undefined;
  const errors: FieldProblem[] = error.validation.map((v) => {
    const reason = schemaMessage(v);
    return {
      field: fieldOf(v, (error as FastifyError).validationContext),
      reason: render(reason, 'en'),
      code: reason.key,
      ...(reason.params ? { params: reason.params } : {}),
    };
  });
  const detail = msg('kernel.problemList', {
    problems: errors.map((e) =>
      msg('kernel.fieldReason', {
        field: e.field,
        reason: { key: e.code!, ...(e.params ? { params: e.params } : {}) },
      }),
    ),
  });
  return problemOf('KRN_BAD_REQUEST', detail, language, errors);
}

/** How long a client should wait after a 503: a restarting PostgreSQL is back within seconds. */
export const RETRY_AFTER_SECONDS = 2;

/**
 * The database went away (restart, failover, a server still starting): a 503 with Retry-After
 * that a client may simply try again, never a 500 — nothing is wrong with the request. The pool
 * drops the dead connections and the next call opens new ones, so the hub recovers by itself.
 */
function fromUnavailable(
  error: Error,
  request: FastifyRequest,
  reply: FastifyReply,
  language: Language,
): Problem | undefined {
  const reason = connectionLost(error);
  if (reason === undefined) return undefined;
  request.log.warn({ reason }, 'database unavailable');
  reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return problemOf('KRN_UNAVAILABLE', msg('http.unavailable', { reason, seconds: RETRY_AFTER_SECONDS }), language);
}

/**
 * SQLSTATE class 22 (data exception: out of range, bad text encoding, bad syntax for a type)
 * means a value of the request could not be used, whichever route passed it on: a 400, never
 * a 500. The database's own message stays in the log; it may name internal types.
 */
function fromDataException(error: Error, request: FastifyRequest, language: Language): Problem | undefined {
  const sqlState = sqlStateOf(error);
  if (sqlState === undefined || !sqlState.startsWith('22')) return undefined;
  request.log.warn({ err: error, sqlState }, 'data exception from the database');
  return problemOf('KRN_BAD_REQUEST', msg('http.dataException', { sqlState }), language);
}

/** The SQLSTATE of a pg or PGlite error, also when a query builder or service wrapped it. */
function sqlStateOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * Fastify's and its plugins' own 4xx (bad JSON, body too large, wrong content type) under
 * catalogue codes. Their messages are the libraries' English: a Chinese answer says the title.
 */
function fromClientError(error: FastifyError | Error, language: Language): Problem | undefined {
  const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 500) return undefined;
  const text = { text: error.message };
  if (status === 413) return problemOf('KRN_PAYLOAD_TOO_LARGE', text, language);
  if (status === 408) return problemOf('KRN_REQUEST_TIMEOUT', text, language);
  // @fastify/multipart says 406 for a body that is not multipart; that is a media-type problem.
  if (status === 415 || status === 406) return problemOf('KRN_UNSUPPORTED_MEDIA_TYPE', text, language);
  if ((error as FastifyError).code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return problemOf('KRN_BAD_REQUEST', msg('http.badJson'), language);
  return problemOf('KRN_BAD_REQUEST', text, language);
}

function internal(error: Error, request: FastifyRequest, language: Language): Problem {
  request.log.error({ err: error }, 'unhandled error');
  return problemOf('KRN_INTERNAL', msg('http.internal'), language);
}

/** "body/fields/0/name" style pointer for the offending input, from an AJV error. */
function fieldOf(v: { instancePath?: string; params?: Record<string, unknown> }, context: string | undefined): string {
  const path = (v.instancePath ?? '').replace(/^\//, '');
  const missing = typeof v.params?.missingProperty === 'string' ? v.params.missingProperty : undefined;
  const extra = typeof v.params?.additionalProperty === 'string' ? v.params.additionalProperty : undefined;
  return [context ?? 'body', path, missing ?? extra].filter((s) => s).join('/');
}
