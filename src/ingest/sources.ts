import { Type, type Static } from 'typebox';
import { invalidAs, msg, type Message } from '../kernel/index.js';
import { databaseSource } from './database-source.js';
import { httpSource } from './http-source.js';

export { databaseSource, type DatabaseSourceOptions } from './database-source.js';
export { httpSource, type HttpSourceOptions } from './http-source.js';

/**
 * Sources other than an uploaded file: a PostgreSQL query and an HTTP JSON API. A spec is what
 * a job or a schedule stores and shows, so it never holds a secret: credentials live in named
 * connections that the operator configures in the environment (docs/ingest.md, "Sources"):
 *
 *   QDH_SOURCE_<NAME>                 the URL, which may carry a password or a token
 *   QDH_SOURCE_<NAME>_ORG             the organization whose officers may use it (else operators only)
 *   QDH_SOURCE_<NAME>_AUTHORIZATION   for HTTP: the Authorization header to send
 *   QDH_INGEST_HOSTS                  hosts that ad-hoc URLs may name (comma-separated, `*.suffix`); none by default
 */
const ConnectionName = Type.String({
  pattern: '^[a-z][a-z0-9]{0,30}$',
  description: 'a named connection: env QDH_SOURCE_<NAME> holds its URL',
});
const Timeout = (max: number) => Type.Optional(Type.Integer({ minimum: 1, maximum: max }));

export const DatabaseSourceSchema = Type.Object(
  {
    kind: Type.Literal('database'),
    connection: Type.Optional(ConnectionName),
    url: Type.Optional(
      Type.String({
        pattern: '^postgres(ql)?://',
        maxLength: 2000,
        description: 'postgres://user@host/db, no password',
      }),
    ),
    query: Type.String({ minLength: 1, maxLength: 20_000, description: 'one SELECT or WITH query; $1… for params' }),
    params: Type.Optional(
      Type.Array(Type.Union([Type.String({ maxLength: 10_000 }), Type.Number(), Type.Boolean(), Type.Null()]), {
        maxItems: 100,
      }),
    ),
    timeoutSeconds: Timeout(3600),
  },
  { additionalProperties: false },
);

export const HttpSourceSchema = Type.Object(
  {
    kind: Type.Literal('http'),
    connection: Type.Optional(ConnectionName),
    url: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description: 'http(s) URL; with a connection, relative to its URL',
      }),
    ),
    pageParam: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: "default 'page'" })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    pageSizeParam: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: "default 'pageSize'" })),
    itemsPath: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$', maxLength: 200, description: 'e.g. data.list' }),
    ),
    headers: Type.Optional(
      Type.Record(Type.String({ pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$" }), Type.String({ maxLength: 1000 }), {
        maxProperties: 20,
        additionalProperties: false,
      }),
    ),
    maxPages: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    timeoutSeconds: Timeout(600),
  },
  { additionalProperties: false },
);

export const SourceSpecSchema = Type.Union([DatabaseSourceSchema, HttpSourceSchema]);
export type DatabaseSourceSpec = Static<typeof DatabaseSourceSchema>;
export type HttpSourceSpec = Static<typeof HttpSourceSchema>;
export type SourceSpec = Static<typeof SourceSpecSchema>;

export type SourceEnv = Record<string, string | undefined>;

/** Who runs a source: `trusted` (the command line, run by whoever holds the server) skips the host list. */
export interface SourceContext {
  env?: SourceEnv;
  trusted?: boolean;
}

/** Header and query names that carry credentials: those belong in a named connection, not in a spec. */
const SECRET_NAME = /authorization|cookie|token|secret|passw|apikey|api[-_]key|^key$|^sig(nature)?$|^pwd$/i;
const DEFAULTS = { dbTimeoutSeconds: 600, httpTimeoutSeconds: 30, maxPages: 1000 };

const bad = (field: string, reason: Message) => invalidAs('ING_BAD_SOURCE', `source/${field}`, reason);

/** The named connections configured in the environment: names, kinds and owners, never their URLs. */
export function namedConnections(
  env: SourceEnv = process.env,
): Array<{ name: string; kind: string; org: string | null }> {
  return Object.keys(env)
    .map((k) => /^QDH_SOURCE_([A-Z][A-Z0-9]*)$/.exec(k)?.[1])
    .filter((n): n is string => n !== undefined && !!env[`QDH_SOURCE_${n}`])
    .map((n) => ({
      name: n.toLowerCase(),
      kind: /^postgres(ql)?:/.test(env[`QDH_SOURCE_${n}`]!) ? 'database' : 'http',
      org: env[`QDH_SOURCE_${n}_ORG`] || null,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The organization whose officers may use the spec's named connection; undefined: operators only. */
export function connectionOrg(spec: SourceSpec, env: SourceEnv = process.env): string | undefined {
  return spec.connection ? env[`QDH_SOURCE_${spec.connection.toUpperCase()}_ORG`] || undefined : undefined;
}

/** A short description for job lists, never with credentials: `database:census`, `http:api.example.cn/people`. */
export function describeSource(spec: SourceSpec): string {
  if (spec.connection)
    return `${spec.kind}:${spec.connection}${spec.kind === 'http' && spec.url ? `/${spec.url}` : ''}`;
  const u = new URL(spec.url ?? '');
  return `${spec.kind}:${u.host}${u.pathname}`;
}

/**
 * Refuses what a spec may not say (throws ING_BAD_SOURCE naming the field): a password or a
 * token in it, an unknown connection, a host not on the list, a query that is not a SELECT.
 */
export function checkSource(spec: SourceSpec, ctx: SourceContext = {}): void {
  resolveUrl(spec, ctx);
  if (spec.kind === 'database') checkQuery(spec.query);
  else for (const name of Object.keys(spec.headers ?? {})) checkSecretName('headers', name);
}

/** Rows of cells, header first, from a checked spec: what `IngestService.run` takes. */
export function openSource(spec: SourceSpec, ctx: SourceContext = {}): AsyncIterable<string[]> {
  checkSource(spec, ctx);
  const url = resolveUrl(spec, ctx);
  if (spec.kind === 'database') {
    return databaseSource({
      url: url.toString(),
      query: spec.query,
      params: spec.params ?? [],
      timeoutMs: (spec.timeoutSeconds ?? DEFAULTS.dbTimeoutSeconds) * 1000,
      // An ad-hoc URL must not pick up the hub's own PGPASSWORD or ~/.pgpass on its way to another server.
      noAmbientPassword: !spec.connection && !ctx.trusted,
    });
  }
  // Credentials of a connection's URL go as a header (connectionHeaders): fetch refuses them in a URL.
  url.username = '';
  url.password = '';
  return httpSource({
    url: url.toString(),
    pageParam: spec.pageParam ?? 'page',
    pageSize: spec.pageSize,
    pageSizeParam: spec.pageSizeParam ?? 'pageSize',
    itemsPath: spec.itemsPath,
    headers: { ...spec.headers, ...connectionHeaders(spec, ctx.env ?? process.env) },
    maxPages: spec.maxPages ?? DEFAULTS.maxPages,
    timeoutMs: (spec.timeoutSeconds ?? DEFAULTS.httpTimeoutSeconds) * 1000,
  });
}

function resolveUrl(spec: SourceSpec, ctx: SourceContext): URL {
  const env = ctx.env ?? process.env;
  if (spec.connection) return connectionUrl(spec, env);
  if (!spec.url) throw bad('url', msg('source.urlOrConnection'));
  const url = parseUrl(spec.url, 'url');
  checkScheme(spec, url);
  if (url.password || (url.username && spec.kind === 'http')) throw bad('url', msg('source.credentialsInUrl'));
  for (const name of url.searchParams.keys()) {
    if (spec.kind === 'database' && name !== 'sslmode') throw bad('url', msg('source.urlParameter', { name }));
    checkSecretName('url', name);
  }
  if (!ctx.trusted && !hostAllowed(url.hostname, env.QDH_INGEST_HOSTS))
    throw bad('url', msg('source.hostNotAllowed', { host: url.hostname }));
  return url;
}

function connectionUrl(spec: SourceSpec, env: SourceEnv): URL {
  const configured = env[`QDH_SOURCE_${spec.connection!.toUpperCase()}`];
  if (!configured) throw bad('connection', msg('source.noConnection', { name: spec.connection ?? '' }));
  const base = parseUrl(configured, 'connection');
  checkScheme(spec, base, 'connection');
  if (spec.kind === 'database') {
    if (spec.url) throw bad('url', msg('source.urlAndConnection'));
    return base;
  }
  if (!spec.url) return base;
  const url = parseUrl(spec.url, 'url', base);
  if (url.origin !== base.origin) throw bad('url', msg('source.sameHost'));
  for (const [k, v] of base.searchParams) if (!url.searchParams.has(k)) url.searchParams.set(k, v);
  return url;
}

function parseUrl(text: string, field: string, base?: URL): URL {
  try {
    return new URL(text, base);
  } catch {
    throw bad(field, msg('source.notUrl'));
  }
}

function checkScheme(spec: SourceSpec, url: URL, field = 'url'): void {
  const ok = spec.kind === 'database' ? /^postgres(ql)?:$/.test(url.protocol) : /^https?:$/.test(url.protocol);
  if (!ok) throw bad(field, msg(spec.kind === 'database' ? 'source.notPostgresUrl' : 'source.notHttpUrl'));
}

function checkSecretName(field: string, name: string): void {
  if (SECRET_NAME.test(name)) throw bad(`${field}/${name}`, msg('source.credentialsInSpec'));
}

/** `*.jinan.gov.cn` matches any host under it; other entries match exactly. */
export function hostAllowed(host: string, list: string | undefined): boolean {
  const h = host.toLowerCase();
  return (list ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .some((e) => e !== '' && (e.startsWith('*.') ? h.endsWith(e.slice(1)) : h === e));
}

/**
 * Only a query that reads: one SELECT or WITH statement (comments before it allowed). The
 * source also runs it in a READ ONLY transaction with the extended protocol, which refuses
 * a second statement, so this check is the clear message rather than the only guard.
 */
export function checkQuery(query: string): void {
  const start = /^\s*(?:(?:--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)\s*)*\(?\s*(select|with)\b/i;
  if (!start.test(query)) throw bad('query', msg('source.selectOnly'));
}

/** A connection's Authorization header, and user:password of an http URL as Basic (fetch refuses them in URLs). */
function connectionHeaders(spec: SourceSpec, env: SourceEnv): Record<string, string> {
  if (!spec.connection) return {};
  const name = spec.connection.toUpperCase();
  const auth = env[`QDH_SOURCE_${name}_AUTHORIZATION`];
  if (auth) return { authorization: auth };
  const url = new URL(env[`QDH_SOURCE_${name}`]!);
  if (!url.username) return {};
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}
