import createClient from 'openapi-fetch';
import { ApiError, getToken, uiLanguage, type Problem } from './http';
import type { paths } from './schema';

/**
 * The hub's API typed by its OpenAPI document (schema.d.ts, generated at build time by
 * scripts/openapi.ts), so that a page breaks the build when the server's contract changes.
 */
export const client = createClient<paths>({ querySerializer: serializeQuery });

client.use({
  onRequest({ request }) {
    const token = getToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    request.headers.set('accept-language', uiLanguage());
    return request;
  },
});

/** Empty inputs stay out of the query, as a filter left blank means "any". */
function serializeQuery(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null && v !== '') search.append(key, String(v));
    }
  }
  return search.toString();
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of a successful call; a failed one throws its problem, as `api()` does. */
export async function ok<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const problem: Problem =
    typeof error === 'object' && error !== null
      ? (error as Problem)
      : { title: String(error ?? response.statusText), status: response.status };
  const seconds = Number(response.headers.get('retry-after'));
  throw new ApiError(seconds > 0 ? { ...problem, retryAfter: seconds } : problem);
}
