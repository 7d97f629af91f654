import type { Multipart, MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { HubError, fieldProblem, msg, withProblems } from '../kernel/index.js';

/** NUL (PostgreSQL text cannot hold it) and UTF-16 halves without their pair (stored as U+FFFD). */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** A file name is shown in job lists and logs: no control characters at all. */
const UNSAFE_NAME = new RegExp(`[\\x01-\\x1f\\x7f]|${UNSTORABLE.source}`);
const MAX_FILENAME = 255;

/**
 * The parts of a multipart upload, each checked before a route sees it. This is the one door
 * to @fastify/multipart: busboy's own errors (no boundary, a boundary the body never uses, a
 * malformed part header) carry no HTTP status and would be 500s, and a part's file name or
 * value goes on into job sources and logs, so it must be text the database can hold.
 */
export async function* uploadParts(request: FastifyRequest): AsyncIterable<Multipart> {
  if (!request.isMultipart()) throw new HubError('KRN_BAD_REQUEST', msg('http.sendMultipart'));
  try {
    for await (const part of request.parts()) yield checked(part);
  } catch (e) {
    throw asClientError(e);
  }
}

/** The first file part of an upload, or undefined; fields before it are checked and skipped. */
export async function firstFile(request: FastifyRequest): Promise<MultipartFile | undefined> {
  for await (const part of uploadParts(request)) if (part.type === 'file') return part;
  return undefined;
}

function checked(part: Multipart): Multipart {
  if (part.type === 'file') {
    const name = part.filename;
    if (UNSAFE_NAME.test(name) || name.length > MAX_FILENAME) {
      part.file.resume(); // drained, so that the error can be answered
      throw withProblems('KRN_BAD_REQUEST', [
        fieldProblem('body/file', msg('http.badFileName', { max: MAX_FILENAME })),
      ]);
    }
  } else if (typeof part.value === 'string' && UNSTORABLE.test(part.value)) {
    const field = `body/${part.fieldname.replace(new RegExp(UNSTORABLE.source, 'g'), '')}`;
    throw withProblems('KRN_BAD_REQUEST', [fieldProblem(field, msg('http.unstorable'))]);
  }
  return part;
}

/** Busboy's parse errors (no HTTP status) are the client's: 400. Errors with a status keep it. */
export function asClientError(e: unknown): unknown {
  if (e instanceof HubError) return e;
  const status = (e as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number') return e;
  const message = e instanceof Error ? e.message : String(e);
  return new HubError('KRN_BAD_REQUEST', msg('http.notMultipart', { error: message }), { cause: e });
}
