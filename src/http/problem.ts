import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE, isHubError, type FieldProblem } from '../kernel/index.js';

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
  let problem: Problem;
  if (isHubError(error)) {
    reply.headers(error.headers);
    problem = {
      type: TYPE_BASE + error.code,
      title: ERROR_CATALOGUE[error.code].title,
      status: error.status,
      detail: error.message,
      code: error.code,
      ...(error.problems.length > 0 ? { errors: error.problems } : {}),
    };
  } else if ('validation' in error && Array.isArray(error.validation)) {
    const errors = error.validation.map((v) => ({
      field: fieldOf(v, (error as FastifyError).validationContext),
      reason: v.message ?? 'invalid',
    }));
    problem = {
      type: TYPE_BASE + 'KRN_BAD_REQUEST',
      title: ERROR_CATALOGUE.KRN_BAD_REQUEST.title,
      status: 400,
      detail: errors.map((e) => `${e.field}: ${e.reason}`).join('; '),
      code: 'KRN_BAD_REQUEST',
      errors,
    };
  } else if ('statusCode' in error && typeof error.statusCode === 'number' && error.statusCode < 500) {
    problem = {
      type: TYPE_BASE + 'KRN_BAD_REQUEST',
      title: ERROR_CATALOGUE.KRN_BAD_REQUEST.title,
      status: error.statusCode,
      detail: error.message,
      code: (error as FastifyError).code ?? 'KRN_BAD_REQUEST',
    };
  } else {
    request.log.error({ err: error }, 'unhandled error');
    problem = {
      type: TYPE_BASE + 'KRN_INTERNAL',
      title: ERROR_CATALOGUE.KRN_INTERNAL.title,
      status: 500,
      detail: 'internal error; the request id is in the x-request-id header',
      code: 'KRN_INTERNAL',
    };
  }
  problem.instance = request.url.split('?')[0];
  return reply.status(problem.status).type('application/problem+json').send(problem);
}

/** "body/fields/0/name" style pointer for the offending input, from an AJV error. */
function fieldOf(v: { instancePath?: string; params?: Record<string, unknown> }, context: string | undefined): string {
  const path = (v.instancePath ?? '').replace(/^\//, '');
  const missing = typeof v.params?.missingProperty === 'string' ? v.params.missingProperty : undefined;
  const extra = typeof v.params?.additionalProperty === 'string' ? v.params.additionalProperty : undefined;
  return [context ?? 'body', path, missing ?? extra].filter((s) => s).join('/');
}
