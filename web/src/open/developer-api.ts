/**
 * The developer centre's calls (/api/v1/open/developers…, docs/open.md). A developer is not a hub
 * user: their session token is their own (kept apart from the hub's), so these calls do not go
 * through the hub's client, which would send the hub's token instead.
 */
import { ApiError, uiLanguage, type Problem } from '../api/http';
import type { Answer } from '../api';

/** The answers' shapes, as the hub's OpenAPI document gives them (npm run api:types). */
export type Me = Answer<'/api/v1/open/developers/me'>;
export type Developer = Me['developer'];
export type ApiKey = Me['keys'][number];
export type Limit = Me['limits']['key'];
export type Application = Answer<'/api/v1/open/developers/me/applications'>[number];
export type ConditionalDataset = Answer<'/api/v1/open/conditional-datasets'>['items'][number];
export type DatasetRatings = Answer<'/api/v1/open/datasets/{name}/ratings'>;
export type Rating = DatasetRatings['items'][number];

const SESSION = 'qdh.open.developer';
export const developerToken = () => localStorage.getItem(SESSION);
export const setDeveloperToken = (t: string | null) =>
  t ? localStorage.setItem(SESSION, t) : localStorage.removeItem(SESSION);

async function call<T>(path: string, init: { method?: string; json?: unknown } = {}): Promise<T> {
  const headers = new Headers({ 'accept-language': uiLanguage() });
  const token = developerToken();
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  const res = await fetch(`/api/v1/open/developers${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  if (res.status === 204) return undefined as T;
  const data = (await res.json()) as unknown;
  if (!res.ok) throw new ApiError({ status: res.status, ...(data as Omit<Problem, 'status'>) });
  return data as T;
}

export const signUp = (body: { name: string; email: string; password: string }) =>
  call<{ developer: Developer; token: string }>('', { method: 'POST', json: body });
export const signIn = (body: { email: string; password: string }) =>
  call<{ developer: Developer; token: string }>('/login', { method: 'POST', json: body });
export const signOut = () => call<void>('/logout', { method: 'POST' });
export const me = () => call<Me>('/me');
export const createKey = (name: string) =>
  call<{ key: ApiKey; secret: string }>('/me/keys', { method: 'POST', json: { name } });
export const revokeKey = (id: number) => call<void>(`/me/keys/${id}`, { method: 'DELETE' });

export const applications = () => call<Application[]>('/me/applications');
export const apply = (body: { dataset: string; purpose: string; use: string; security: string }) =>
  call<Application>('/me/applications', { method: 'POST', json: body });

/** The published conditional datasets' metadata (public). */
export async function conditionalDatasets(): Promise<ConditionalDataset[]> {
  const res = await fetch('/api/v1/open/conditional-datasets?limit=200', {
    headers: { 'accept-language': uiLanguage() },
  });
  if (!res.ok) throw new ApiError({ status: res.status, ...((await res.json()) as Omit<Problem, 'status'>) });
  return ((await res.json()) as { items: ConditionalDataset[] }).items;
}

export const rate = (body: { dataset: string; rating: number; comment: string }) =>
  call<Rating>('/me/ratings', { method: 'POST', json: body });
export type OwnRating = Answer<'/api/v1/open/developers/me/ratings'>[number];
/** The developer's own ratings, each comment's review state (审核中 / 已发布 / 未通过 with the reason). */
export const myRatings = () => call<OwnRating[]>('/me/ratings');

/** A dataset's ratings and comments with the provider's answers (public). */
export async function ratingsOf(name: string): Promise<DatasetRatings> {
  const res = await fetch(`/api/v1/open/datasets/${encodeURIComponent(name)}/ratings`, {
    headers: { 'accept-language': uiLanguage() },
  });
  if (!res.ok) throw new ApiError({ status: res.status, ...((await res.json()) as Omit<Problem, 'status'>) });
  return (await res.json()) as DatasetRatings;
}

export type ErrorReport = Answer<'/api/v1/open/developers/me/error-reports'>[number];
export type DatasetRequest = Answer<'/api/v1/open/developers/me/dataset-requests'>[number];

/** 纠错: a wrong value of an open dataset, which goes to its provider as a correction. */
export const reportError = (body: {
  dataset: string;
  key: string;
  field: string;
  wrong: string;
  correct?: string;
  note?: string;
}) => call<ErrorReport>('/me/error-reports', { method: 'POST', json: body });
export const errorReports = () => call<ErrorReport[]>('/me/error-reports');

/** 数据需求: data not found on the portal, which the operators route to a department. */
export const requestDataset = (body: { need: string; purpose: string; provider?: string }) =>
  call<DatasetRequest>('/me/dataset-requests', { method: 'POST', json: body });
export const datasetRequests = () => call<DatasetRequest[]>('/me/dataset-requests');

/** The latest answered requests for data (public). */
export async function answeredRequests(): Promise<DatasetRequest[]> {
  const res = await fetch('/api/v1/open/dataset-requests', { headers: { 'accept-language': uiLanguage() } });
  if (!res.ok) throw new ApiError({ status: res.status, ...((await res.json()) as Omit<Problem, 'status'>) });
  return (await res.json()) as DatasetRequest[];
}
