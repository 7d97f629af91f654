import type { Answer } from './types';
import i18next from 'i18next';

/** The hub's HTTP API from the browser: the token lives in localStorage, errors are RFC 9457 problems. */
export interface Problem {
  title: string;
  status: number;
  detail?: string;
  code?: string;
  /** The message key of `detail` (the server renders it in the requested language). */
  detailCode?: string;
  /**
   * Each bad input, its reason in the language the call asked for (Accept-Language); `label` names
   * the field for people where the hub knows it; a spreadsheet import also names where it is.
   */
  errors?: Array<{ field: string; reason: string; label?: string; sheet?: string; row?: number; column?: string }>;
  /** Seconds to wait, from the Retry-After header of a 429 (a quota or rate limit). */
  retryAfter?: number;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

/** The signed-in user as GET /auth/me answers (the server's schema, generated): roles, organization, permissions. */
export type User = Answer<'/api/v1/auth/me'>;

/**
 * The token is kept in localStorage, so that a second tab of the same browser is the same session
 * (sessionStorage is one tab's). Logging out removes it everywhere: the server revokes it and each
 * other tab hears the removal through the `storage` event (`onTokenChange`) and leaves too.
 */
const TOKEN = 'qdh.token';
export const getToken = () => localStorage.getItem(TOKEN);
export const setToken = (t: string | null) => (t ? localStorage.setItem(TOKEN, t) : localStorage.removeItem(TOKEN));

/** Calls `changed` when another tab logs in or out (this tab's own changes fire no event); returns the unsubscribe. */
export function onTokenChange(changed: (token: string | null) => void): () => void {
  const listener = (e: StorageEvent) => {
    if (e.key === TOKEN || e.key === null) changed(getToken());
  };
  window.addEventListener('storage', listener);
  return () => window.removeEventListener('storage', listener);
}

/** The interface's language: the hub answers problems in it (zh-CN unless the user chose English). */
export const uiLanguage = (): string => i18next.language || 'zh-CN';

export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  const token = getToken();
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (!headers.has('accept-language')) headers.set('accept-language', uiLanguage());
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const res = await fetch(path, { ...init, headers, body });
  const type = res.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok)
    throw new ApiError(
      withRetryAfter(res, typeof data === 'object' ? (data as Problem) : { title: String(data), status: res.status }),
    );
  return data as T;
}

/** A problem with the seconds of the response's Retry-After header, when it has one. */
function withRetryAfter(res: Response, problem: Problem): Problem {
  const seconds = Number(res.headers.get('retry-after'));
  return seconds > 0 ? { ...problem, retryAfter: seconds } : problem;
}

export const query = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(
    Object.entries(params)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => [k, String(v)]),
  ).toString();

/** Any thrown value as a problem, so a page can show it the same way. */
export const problemOf = (e: unknown): Problem =>
  e instanceof ApiError ? e.problem : { title: e instanceof Error ? e.message : String(e), status: 0 };

/** Downloads a file that needs the token (a plain link cannot send the Authorization header). */
export async function download(path: string, fallbackName: string): Promise<void> {
  const token = getToken();
  const res = await fetch(path, {
    headers: { 'accept-language': uiLanguage(), ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  if (!res.ok) {
    const type = res.headers.get('content-type') ?? '';
    throw new ApiError(
      withRetryAfter(res, type.includes('json') ? await res.json() : { title: await res.text(), status: res.status }),
    );
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const named = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ?? /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = named ? decodeURIComponent(named) : fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
