import type { FastifyInstance } from 'fastify';
import { type FieldProblem, fieldProblem, msg, withProblems } from '../kernel/index.js';

/**
 * Text PostgreSQL cannot hold: NUL (not in `text`, not as `\u0000` in `jsonb`) and UTF-16
 * surrogates without their pair (the driver would silently store U+FFFD instead).
 */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Deeper inputs are not walked; no schema of ours nests this far, and the schema then decides. */
const MAX_DEPTH = 32;

/**
 * Every string of every request — path parameters, query string, JSON body, including object
 * keys — is checked before schema validation, so that no route can hand such text to the
 * database and turn a bad input into a 500. Answers 400 naming each offending field.
 */
export function rejectUnstorableText(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const problems: FieldProblem[] = [];
    collect(request.params, 'params', problems, 0);
    collect(request.query, 'querystring', problems, 0);
    collect(request.body, 'body', problems, 0);
    if (problems.length > 0) {
      throw withProblems('KRN_BAD_REQUEST', problems);
    }
  });
}

/**
 * Walks the value; the path of a string is built only when it is found unstorable (`path` holds
 * the tokens down to it), since most requests have none and a push carries 200 000 cells.
 */
function collect(value: unknown, at: string, problems: FieldProblem[], depth: number, path: string[] = []): void {
  if (problems.length >= 10 || depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value)) problems.push(fieldProblem(pointer(at, path), msg('http.unstorable')));
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string' && !UNSTORABLE.test(v)) continue;
      path.push(String(i));
      collect(v, at, problems, depth + 1, path);
      path.pop();
    }
  } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (UNSTORABLE.test(key)) problems.push(fieldProblem(pointer(at, path), msg('http.unstorableName')));
      path.push(key);
      collect(v, at, problems, depth + 1, path);
      path.pop();
    }
  }
}

function pointer(at: string, path: string[]): string {
  return [at, ...path.map(pointerToken)].join('/');
}

/** RFC 6901 escaping, and the unstorable characters themselves left out of the field name we echo. */
function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1').replace(new RegExp(UNSTORABLE.source, 'g'), '');
}
