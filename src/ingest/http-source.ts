import { HubError, msg } from '../kernel/index.js';

export interface HttpSourceOptions {
  /** The first page's URL, already checked (sources.ts). */
  url: string;
  /** The query parameter that numbers pages from 1 (default `page`). */
  pageParam?: string;
  pageSize?: number | undefined;
  pageSizeParam?: string;
  /** Where the items are in a page, e.g. `data.list`; by default the page itself, or its `items` or `data`. */
  itemsPath?: string | undefined;
  headers?: Record<string, string>;
  /** More pages than this fail the source rather than loading a part of it. */
  maxPages?: number;
  /** For each page: the request and reading its body. */
  timeoutMs?: number;
  /** Bytes one page may have. */
  maxPageBytes?: number;
}

type Json = unknown;

/**
 * Rows from a paged JSON API, header first. Pages are `?page=1, 2, …` until one has no items;
 * a page that is an object with a `next` URL is followed instead (and `next: null` ends it).
 *
 * The header is the union of the keys of the first page's items, in the order they appear:
 * rows stream out as pages arrive, so a key first seen on a later page is not read. APIs
 * that omit empty keys on some items are still read whole from their first page.
 */
export async function* httpSource(opts: HttpSourceOptions): AsyncGenerator<string[]> {
  const first = new URL(opts.url);
  let url: URL | null = pageUrl(first, 1, opts);
  let header: string[] | undefined;
  for (let page = 1; url; page++) {
    if (page > (opts.maxPages ?? 1000))
      throw failed(`more than ${opts.maxPages ?? 1000} pages at ${where(url)}: raise maxPages or page by larger pages`);
    const body = await fetchPage(url, page, opts);
    const items = itemsOf(body, page, opts.itemsPath);
    if (items.length > 0) {
      if (!header) yield (header = keysOf(items));
      for (const item of items) yield header.map((k) => cell(item[k]));
    }
    url = nextUrl(body, url, first, page, items.length, opts);
  }
}

function pageUrl(first: URL, page: number, opts: HttpSourceOptions): URL {
  const url = new URL(first);
  url.searchParams.set(opts.pageParam ?? 'page', String(page));
  if (opts.pageSize) url.searchParams.set(opts.pageSizeParam ?? 'pageSize', String(opts.pageSize));
  return url;
}

/** The page after `page`: its `next` link when the API gives one, else the next number until an empty page. */
function nextUrl(body: Json, url: URL, first: URL, page: number, count: number, opts: HttpSourceOptions): URL | null {
  if (isObject(body) && 'next' in body) {
    const next = body.next;
    if (next === null || next === undefined || next === '') return null;
    if (typeof next !== 'string') throw failed(`page ${page} (${where(url)}): next is not a URL`);
    const resolved = new URL(next, url);
    // A link to another host would take the hub where the spec's checks never looked.
    if (resolved.origin !== first.origin) throw failed(`page ${page} (${where(url)}): next leaves ${first.host}`);
    return resolved;
  }
  return count === 0 ? null : pageUrl(first, page + 1, opts);
}

async function fetchPage(url: URL, page: number, opts: HttpSourceOptions): Promise<Json> {
  const at = `page ${page} (${where(url)})`;
  let text: string;
  try {
    const res = await fetch(url, {
      headers: { accept: 'application/json', ...opts.headers },
      redirect: 'error',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    if (!res.ok) {
      await res.body?.cancel();
      // A refusal (401, 404 …) will be refused again; a server error, a timeout or a 429 may pass on a retry.
      const again = res.status >= 500 || res.status === 408 || res.status === 429;
      const detail = `${at}: HTTP ${res.status} ${res.statusText}`.trim();
      throw again ? failed(detail) : new HubError('ING_BAD_SOURCE', msg('ingest.httpSource', { detail }));
    }
    text = await boundedText(res, opts.maxPageBytes ?? 64 * 1024 * 1024, at);
  } catch (e) {
    if (e instanceof HubError) throw e;
    const reason = (e as Error).name === 'TimeoutError' ? 'timed out' : ((e as Error).cause as Error)?.message;
    throw failed(`${at}: ${reason ?? (e as Error).message}`, e);
  }
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw new HubError('ING_BAD_SOURCE', msg('ingest.pageNotJson', { at }));
  }
}

async function boundedText(res: Response, max: number, at: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.byteLength;
    if (size > max) throw failed(`${at}: larger than ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function itemsOf(body: Json, page: number, path: string | undefined): Array<Record<string, Json>> {
  let items: Json = body;
  if (path) for (const key of path.split('.')) items = isObject(items) ? items[key] : undefined;
  else if (isObject(body)) items = Array.isArray(body.items) ? body.items : body.data;
  if (!Array.isArray(items))
    throw new HubError(
      'ING_BAD_SOURCE',
      path ? msg('ingest.noItemsAt', { page, path }) : msg('ingest.noItems', { page }),
    );
  items.forEach((item, i) => {
    if (!isObject(item)) throw new HubError('ING_BAD_SOURCE', msg('ingest.itemNotObject', { page, item: i + 1 }));
  });
  return items as Array<Record<string, Json>>;
}

function keysOf(items: Array<Record<string, Json>>): string[] {
  const keys = new Set<string>();
  for (const item of items) for (const k of Object.keys(item)) keys.add(k);
  return [...keys];
}

/** A JSON value as a cell: null as '', objects and arrays as JSON text. */
function cell(v: Json): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a page is, for messages: host and path only, since a query may hold a connection's token. */
const where = (url: URL) => `${url.host}${url.pathname}`;

const failed = (detail: string, cause?: unknown) =>
  new HubError('ING_SOURCE_FAILED', msg('ingest.httpSource', { detail }), cause === undefined ? {} : { cause });
