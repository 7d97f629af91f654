import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE, isHubError, type ErrorCode, type FieldProblem, type HubError } from '../kernel/index.js';

/** RFC 9457 problem details, with `code` from the catalogue and `errors` naming each bad field. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldProblem[];
}

const TYPE_BASE = '/api/docs/errors#';

/** The one error handler: HubErrors, schema validation failures, and anything unexpected. */
export function sendProblem(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = isHubError(error)
    ? fromHubError(error, reply)
    : (fromValidation(error) ??
      fromDataException(error, request) ??
      fromClientError(error) ??
      internal(error, request));
  problem.instance = request.url.split('?')[0];
  return reply.status(problem.status).type('application/problem+json').send(problem);
}

function problemOf(code: ErrorCode, detail: string, errors?: FieldProblem[]): Problem {
  const { status, title } = ERROR_CATALOGUE[code];
  return { type: TYPE_BASE + code, title, status, detail, code, ...(errors?.length ? { errors } : {}) };
}

function fromHubError(error: HubError, reply: FastifyReply): Problem {
  reply.headers(error.headers);
  return { ...problemOf(error.code, error.message, error.problems), status: error.status };
}

function fromValidation(error: FastifyError | Error): Problem | undefined {
  if (!('validation' in error) || !Array.isArray(error.validation)) return undefined;
  const errors = error.validation.map((v) => ({
    field: fieldOf(v, (error as FastifyError).validationContext),
    reason: v.message ?? 'invalid',
  }));
  return problemOf('KRN_BAD_REQUEST', errors.map((e) => `${e.field}: ${e.reason}`).join('; '), errors);
}

/**
 * SQLSTATE class 22 (data exception: out of range, bad text encoding, bad syntax for a type)
 * means a value of the request could not be used, whichever route passed it on: a 400, never
 * a 500. The database's own message stays in the log; it may name internal types.
 */
function fromDataException(error: Error, request: FastifyRequest): Problem | undefined {
  const sqlState = sqlStateOf(error);
  if (sqlState === undefined || !sqlState.startsWith('22')) return undefined;
  request.log.warn({ err: error, sqlState }, 'data exception from the database');
  return problemOf('KRN_BAD_REQUEST', `a value of the request cannot be used (SQLSTATE ${sqlState})`);
}

/** The SQLSTATE of a pg or PGlite error, also when a query builder or service wrapped it. */
function sqlStateOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Fastify's and its plugins' own 4xx (bad JSON, body too large, wrong content type) under catalogue codes. */
function fromClientError(error: FastifyError | Error): Problem | undefined {
  const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 500) return undefined;
  if (status === 413) return problemOf('KRN_PAYLOAD_TOO_LARGE', error.message);
  if (status === 408) return problemOf('KRN_REQUEST_TIMEOUT', error.message);
  // @fastify/multipart says 406 for a body that is not multipart; that is a media-type problem.
  if (status === 415 || status === 406) return problemOf('KRN_UNSUPPORTED_MEDIA_TYPE', error.message);
  return problemOf('KRN_BAD_REQUEST', error.message);
}

function internal(error: Error, request: FastifyRequest): Problem {
  request.log.error({ err: error }, 'unhandled error');
  return problemOf('KRN_INTERNAL', 'internal error; the request id is in the x-request-id header');
}

/** "body/fields/0/name" style pointer for the offending input, from an AJV error. */
function fieldOf(v: { instancePath?: string; params?: Record<string, unknown> }, context: string | undefined): string {
  const path = (v.instancePath ?? '').replace(/^\//, '');
  const missing = typeof v.params?.missingProperty === 'string' ? v.params.missingProperty : undefined;
  const extra = typeof v.params?.additionalProperty === 'string' ? v.params.additionalProperty : undefined;
  return [context ?? 'body', path, missing ?? extra].filter((s) => s).join('/');
}
