import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Id } from '../schemas.js';
import type { Actor } from '../../access/index.js';
import {
  CATEGORIES,
  LEVELS,
  OPEN_TYPES,
  ResourceInputSchema,
  ResourceSchema,
  ResourceSummarySchema,
  SHARE_TYPES,
  STATUSES,
  VersionEventSchema,
  literals,
  type Resource,
  type Transition,
} from '../../catalog/index.js';

import { invalid, msg } from '../../kernel/index.js';
import type { Hub } from '../../hub/index.js';
import { created } from '../created.js';
import { LookupSchema, RecordSchema } from './services.js';

const Code = Type.Object({ code: Type.String({ pattern: '^[A-Z0-9]{2,16}-\\d{4,}$' }) });
const RecordsQuery = Type.Object({
  key: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'subject key: look up one record' })),
  purpose: Type.Optional(
    Type.String({
      minLength: 2,
      maxLength: 200,
      description: 'code of a registered purpose, required with key; a consumer states one its grant allows',
    }),
  ),
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
});
/** Without `key`, a page of the resource's records; with it, one subject, as the data services answer. */
const RecordsAnswer = Type.Union([
  Type.Object({
    items: Type.Array(RecordSchema),
    total: Type.Integer({ description: "the resource's record count" }),
  }),
  LookupSchema,
]);

/** The search filters, shared by the list and the export. Enumerations are checked here, at the edge. */
export const CatalogFilters = {
  q: Type.Optional(Type.String({ maxLength: 100, description: 'a phrase: "人口" finds "人口基础信息"' })),
  provider: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{2,16}$' })),
  category: Type.Optional(literals(CATEGORIES)),
  shareType: Type.Optional(literals(SHARE_TYPES)),
  openType: Type.Optional(literals(OPEN_TYPES)),
  level: Type.Optional(literals(LEVELS)),
  status: Type.Optional(literals(STATUSES)),
  sort: Type.Optional(literals(['relevance', 'code', 'name', 'updated'] as const)),
};

const Permissions = Type.Object({
  canEdit: Type.Boolean(),
  canSubmit: Type.Boolean(),
  canReview: Type.Boolean(),
  canPublish: Type.Boolean(),
  canBrowse: Type.Boolean(),
  canUpload: Type.Boolean(),
});
const ResourceView = Type.Evaluate(Type.Intersect([ResourceSchema, Permissions]));

const TRANSITIONS: readonly Transition[] = ['submit', 'approve', 'return', 'publish'];

export function catalogRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  const catalog = hub.authorizedCatalog;
  const withPermissions = (actor: Actor | null, r: Resource) => ({ ...r, ...catalog.permissions(actor, r) });
  return async (app) => {
    app.get(
      '/resources',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Search the catalog with filters and facet counts',
          security: [{ bearer: [] }],
          querystring: Type.Object({
            ...CatalogFilters,
            page: Type.Integer({ minimum: 1, default: 1 }),
            pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(ResourceSummarySchema),
              total: Type.Integer(),
              facets: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer())),
            }),
          },
        },
      },
      async (request) => catalog.list(request.actor, request.query),
    );

    app.post(
      '/resources',
      {
        schema: {
          tags: ['catalog'],
          summary: "Register a resource as a draft of the caller's organization (officers)",
          security: [{ bearer: [] }],
          body: ResourceInputSchema,
          response: { 201: ResourceView },
        },
      },
      async (request, reply) => {
        const resource = await catalog.register(request.actor, request.body);
        return created(reply, withPermissions(request.actor, resource));
      },
    );

    app.get(
      '/resources/:code',
      {
        schema: {
          tags: ['catalog'],
          summary: 'One resource with its fields, grading and what the caller may do with it',
          security: [{ bearer: [] }],
          params: Code,
          response: { 200: ResourceView },
        },
      },
      async (request) => withPermissions(request.actor, await catalog.read(request.actor, request.params.code)),
    );

    app.put(
      '/resources/:code',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Edit a resource: a new version, refused with 409 if it changed since baseVersion',
          security: [{ bearer: [] }],
          params: Code,
          body: Type.Evaluate(
            Type.Intersect([ResourceInputSchema, Type.Object({ baseVersion: Type.Integer({ minimum: 1 }) })]),
          ),
          response: { 200: ResourceView },
        },
      },
      async (request) => {
        const { baseVersion, ...input } = request.body;
        const edited = await catalog.edit(request.actor, request.params.code, input, baseVersion);
        return withPermissions(request.actor, edited);
      },
    );

    for (const step of TRANSITIONS) {
      app.post(
        `/resources/:code/${step}`,
        {
          schema: {
            tags: ['catalog'],
            summary: `Registration workflow: ${step}`,
            security: [{ bearer: [] }],
            params: Code,
            ...(step === 'return'
              ? { body: Type.Object({ reason: Type.String({ minLength: 2, maxLength: 1000 }) }) }
              : {}),
            response: { 200: ResourceView },
          },
        },
        async (request) => {
          const reason = (request.body as { reason?: string } | undefined)?.reason;
          const moved = await catalog.transition(request.actor, request.params.code, step, reason);
          return withPermissions(request.actor, moved);
        },
      );
    }

    app.get(
      '/resources/:code/versions',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Who changed what and when, newest first, with diffs',
          security: [{ bearer: [] }],
          params: Code,
          response: { 200: Type.Object({ items: Type.Array(VersionEventSchema) }) },
        },
      },
      async (request) => {
        const items = await catalog.versions(request.actor, request.params.code);
        // Who did it, by name: the page shows the display name with the login as a detail.
        const names = await hub.access.displayNames(items.map((e) => e.actor));
        return { items: items.map((e) => ({ ...e, actorName: names.get(e.actor) ?? e.actor })) };
      },
    );

    app.get(
      '/resources/:code/versions/:version',
      {
        schema: {
          tags: ['catalog'],
          summary: 'The resource as it was at one version',
          security: [{ bearer: [] }],
          params: Type.Intersect([Code, Type.Object({ version: Id })]),
          response: { 200: ResourceView },
        },
      },
      async (request) => {
        const { code, version } = request.params;
        return withPermissions(request.actor, await catalog.atVersion(request.actor, code, version));
      },
    );

    app.get(
      '/resources/:code/records',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Look up one subject by key (with purpose), or page through records (provider, operator)',
          description:
            'Every call is recorded in the ledger before the response leaves, including denials. ' +
            'Consumers see only the fields their grant covers.',
          security: [{ bearer: [] }],
          params: Code,
          querystring: RecordsQuery,
          response: { 200: RecordsAnswer },
        },
      },
      async (request) => {
        const { key, purpose, page, pageSize } = request.query;
        if (key === undefined) return hub.share.browse(request.actor, request.params.code, page, pageSize);
        if (!purpose) {
          throw invalid('querystring/purpose', msg('share.purposeForKey'));
        }
        return hub.share.lookup(request.actor, request.params.code, key, purpose);
      },
    );
  };
}
