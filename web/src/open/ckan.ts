/**
 * The hub's CKAN Action API (/api/3/action/*, docs/open.md), as the portal's pages call it. These
 * routes answer in CKAN's envelope, not the OpenAPI client's shapes, so they have this helper.
 */

export interface CkanResource {
  id: string;
  name: string;
  format: string;
  url: string;
  datastore_active: boolean;
}

export interface CkanPackage {
  id: string;
  name: string;
  title: string;
  notes: string;
  metadata_created: string;
  metadata_modified: string;
  license_title: string;
  organization: { name: string; title: string };
  groups: Array<{ name: string; display_name: string }>;
  tags: Array<{ name: string }>;
  resources: CkanResource[];
  extras: Array<{ key: string; value: string }>;
}

export interface FacetItem {
  name: string;
  display_name: string;
  count: number;
}

export interface SearchResult {
  count: number;
  results: CkanPackage[];
  search_facets: Record<string, { title: string; items: FacetItem[] }>;
}

export interface DatastoreField {
  id: string;
  type: string;
  info?: { label?: string; primary_key?: boolean };
}

export interface DatastoreResult {
  fields: DatastoreField[];
  records: Array<Record<string, unknown>>;
  total: number;
}

export interface SearchParams {
  q?: string;
  fq?: string;
  rows?: number;
  start?: number;
  sort?: string;
  'facet.field'?: string[];
}

export interface DatastoreParams {
  resource_id: string;
  q?: string;
  filters?: Record<string, unknown>;
  limit?: number;
  offset?: number;
  sort?: string;
  fields?: string[];
}

/** A failed action: CKAN's error (`__type`, `message`, or a field's reasons) and the HTTP status. */
export class CkanError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly detail: Record<string, unknown>,
  ) {
    super(typeof detail.message === 'string' ? detail.message : type);
  }
}

/** The URL of a GET call of `action` (JSON-valued parameters as JSON, as CKAN takes them). */
export function actionUrl(action: string, params: object = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '') continue;
    query.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  const text = query.toString();
  return `/api/3/action/${action}${text ? `?${text}` : ''}`;
}

/** The whole answer (envelope included), for the try-it console. */
export async function callRaw(action: string, params: object = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(actionUrl(action, params), { headers: { accept: 'application/json' } });
  return { status: res.status, body: (await res.json()) as unknown };
}

export async function call<T>(action: string, params: object = {}): Promise<T> {
  const { status, body } = await callRaw(action, params);
  const envelope = body as { success?: boolean; result?: T; error?: Record<string, unknown> };
  if (!envelope.success) {
    const error = envelope.error ?? {};
    throw new CkanError(status, String(error.__type ?? 'Error'), error);
  }
  return envelope.result as T;
}

export const packageSearch = (p: SearchParams) => call<SearchResult>('package_search', p);
export const packageShow = (id: string) => call<CkanPackage>('package_show', { id });
export const datastoreSearch = (p: DatastoreParams) => call<DatastoreResult>('datastore_search', p);

/** An `extras` value of a package (code, update_frequency, record_count, views, downloads, calls). */
export const extra = (pkg: CkanPackage, key: string) => pkg.extras.find((e) => e.key === key)?.value;

/** The download addresses of a dataset (the `url`s package_show gives, and its data package). */
export const downloads = (name: string) => ({
  csv: `/open/datasets/${name}/download.csv`,
  xlsx: `/open/datasets/${name}/download.xlsx`,
  json: `/open/datasets/${name}/download.json`,
  datapackage: `/open/datasets/${name}/datapackage.json`,
});
