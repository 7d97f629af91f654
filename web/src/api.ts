/** The hub's HTTP API from the browser: the token lives in sessionStorage, errors are RFC 9457 problems. */
export interface Problem {
  title: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: Array<{ field: string; reason: string }>;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

export interface User {
  id: number;
  username: string;
  displayName: string;
  roles: string[];
  org: { code: string; name: string; kind: string } | null;
}

const TOKEN = 'qdh.token';
export const getToken = () => sessionStorage.getItem(TOKEN);
export const setToken = (t: string | null) => (t ? sessionStorage.setItem(TOKEN, t) : sessionStorage.removeItem(TOKEN));

export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  const token = getToken();
  if (token) headers.set('authorization', `Bearer ${token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const res = await fetch(path, { ...init, headers, body });
  const type = res.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok)
    throw new ApiError(typeof data === 'object' ? (data as Problem) : { title: String(data), status: res.status });
  return data as T;
}

export const query = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(
    Object.entries(params)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => [k, String(v)]),
  ).toString();
