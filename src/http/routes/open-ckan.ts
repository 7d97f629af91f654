import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Hub } from '../../hub/index.js';
import { CKAN_ACTIONS, helpUrl, type ActionContext, type KeyHolder, type Organization } from '../../open/index.js';
import { problemFor, type Problem } from '../problem.js';
import { openCredentialOf } from '../auth.js';
import { originOf } from './licences.js';

const text = (description: string) => Type.Optional(Type.String({ maxLength: 10_000, description }));

/** CKAN's parameters, documented; CKAN takes others too, and so does the route (each action reads its own). */
const QUERY = Type.Object(
  {
    id: text('package_show, organization_show, group_show, resource_show: a name or id'),
    q: text('package_search: words (Chinese full text); datastore_search: full text over the records'),
    fq: text('package_search: filters, e.g. organization:jngaj groups:base'),
    rows: text('package_search: how many (default 10, at most 1000)'),
    start: text('package_search: from which result (default 0)'),
    sort: text(
      'package_search: score desc | name asc | title_string asc | metadata_modified desc; datastore_search: "field desc, …"',
    ),
    'facet.field': text('package_search: JSON list of organization, groups, res_format, license_id'),
    'facet.limit': text('package_search: items per facet (default 50)'),
    resource_id: text('datastore_search: a resource id (or the dataset name)'),
    filters: text('datastore_search: JSON object of field → value (or list of values)'),
    fields: text('datastore_search: the fields to return, comma-separated'),
    limit: text('package_list, datastore_search: how many (datastore default 100, at most 32000)'),
    offset: text('package_list, datastore_search: from which'),
    sql: text('datastore_search_sql: one read-only SELECT; the table is a resource id or dataset name'),
    all_fields: text('organization_list, group_list, tag_list: whole dictionaries instead of names'),
    include_datasets: text('organization_show, group_show: with their datasets'),
    query: text('tag_list: tags containing this text'),
    name: text('help_show: the action'),
  },
  { additionalProperties: true },
);

const ENVELOPE = Type.Object({
  help: Type.String(),
  success: Type.Boolean(),
  result: Type.Optional(Type.Unknown()),
  error: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

/** The actions that read records: limited per API key and per anonymous address. */
const DATA_ACTIONS = new Set(['datastore_search', 'datastore_search_sql']);

/** CKAN's error types by the hub's codes (ckan/views/api.py); CKAN has none for limits, so its own name. */
const CKAN_TYPES: Record<string, string> = {
  OPN_NOT_FOUND: 'Not Found Error',
  OPN_UNKNOWN_ACTION: 'Bad request',
  OPN_BAD_REQUEST: 'Bad request',
  OPN_SEARCH_QUERY: 'Search Query Error',
  OPN_SQL_INVALID: 'Validation Error',
  OPN_SQL_REFUSED: 'Authorization Error',
  OPN_QUERY_TOO_SLOW: 'Validation Error',
  OPN_KEY_INVALID: 'Authorization Error',
  OPN_RATE_LIMITED: 'Rate Limit Error',
  OPN_QUOTA_EXCEEDED: 'Rate Limit Error',
  OPN_APPLICATION_EXPIRED: 'Authorization Error',
  KRN_VALIDATION: 'Validation Error',
  KRN_BAD_REQUEST: 'Bad request',
};

/**
 * CKAN's Action API at /api/3/action/<name> (docs/open.md): GET with query parameters and POST
 * with a JSON body, answered in CKAN's envelope `{help, success, result}` — and its errors as
 * CKAN sends them, `{help, success: false, error: {__type, message}}` with CKAN's status codes,
 * so that CKAN clients (ckanapi, harvesters) work unchanged. Anonymous, read-only.
 */
export function openCkanRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.setErrorHandler((error, request, reply) =>
      sendCkanError(error instanceof Error ? error : new Error(String(error)), request, reply),
    );

    const context = (request: FastifyRequest, holder: KeyHolder | null): ActionContext => ({
      ...(holder && { conditional: hub.conditional.readerFor(holder) }),
      origin: originOf(request),
      organizations: async () =>
        new Map<string, Organization>(
          (await hub.access.listOrganizations()).map((o) => [o.code, { code: o.code, name: o.name }]),
        ),
    });
    const answer = async (request: FastifyRequest, action: string, params: Record<string, unknown>) => {
      // The data API is counted per key, or per address without one (docs/open.md); metadata is not.
      const holder = DATA_ACTIONS.has(action)
        ? await hub.developers.admit(openCredentialOf(request), request.ip)
        : null;
      const result = await hub.ckan.run(action, params, context(request, holder));
      return { help: helpUrl(originOf(request), action), success: true, result };
    };
    const params = Type.Object({
      action: Type.String({ maxLength: 100, examples: [...CKAN_ACTIONS], description: 'the CKAN action' }),
    });

    app.get(
      '/api/3/action/:action',
      {
        config: { public: true },
        schema: {
          tags: ['open'],
          summary: 'CKAN Action API over the open datasets (GET with query parameters; public, no login)',
          params,
          querystring: QUERY,
          response: { 200: ENVELOPE },
        },
      },
      async (request) => answer(request, request.params.action, request.query as Record<string, unknown>),
    );

    app.post(
      '/api/3/action/:action',
      {
        config: { public: true },
        schema: {
          tags: ['open'],
          summary: 'CKAN Action API over the open datasets (POST with a JSON body; public, no login)',
          params,
          body: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          response: { 200: ENVELOPE },
        },
      },
      async (request) =>
        answer(request, request.params.action, {
          ...(request.query as Record<string, unknown>),
          ...(request.body ?? {}),
        }),
    );
  };
}

/** Any error of these routes in CKAN's shape (the hub's problem, translated). */
function sendCkanError(error: Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = problemFor(error, request, reply);
  const action = /\/api\/3\/action\/([\w-]{1,100})/.exec(request.url)?.[1] ?? 'help_show';
  const type = CKAN_TYPES[problem.code] ?? (problem.status >= 500 ? 'Internal Server Error' : 'Bad request');
  const status = type === 'Validation Error' ? 409 : problem.status;
  return reply
    .status(status)
    .type('application/json; charset=utf-8')
    .send({ help: helpUrl(originOfSafe(request), action), success: false, error: ckanError(type, problem) });
}

function ckanError(type: string, problem: Problem): Record<string, unknown> {
  if (type !== 'Validation Error') return { __type: type, message: problem.detail };
  if (problem.code === 'OPN_SQL_INVALID' || problem.code === 'OPN_QUERY_TOO_SLOW')
    return { __type: type, query: [problem.detail] };
  const fields: Record<string, string[]> = {};
  for (const e of problem.errors ?? []) {
    const field = e.field.replace(/^(querystring|body|params)\//, '');
    (fields[field] ??= []).push(e.reason);
  }
  if (Object.keys(fields).length === 0) fields.message = [problem.detail];
  return { __type: type, ...fields };
}

function originOfSafe(request: FastifyRequest): string {
  try {
    return originOf(request);
  } catch {
    return '';
  }
}
