import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Id } from '../schemas.js';
import type { FastifyRequest } from 'fastify';
import { authorize, isAllowed, type Action, type Actor } from '../../access/index.js';
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
  viewerOf,
  type Resource,
  type Transition,
} from '../../catalog/index.js';

import { HubError } from '../../kernel/index.js';
import type { Hub } from '../../hub/index.js';

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

/**
 * The resource as the caller reads it (catalog/visibility.ts): the working copy for its provider's
 * officers and operators, else the last published version; 404 for one never published.
 */
export async function visibleResource(hub: Hub, request: FastifyRequest, code: string): Promise<Resource> {
  authorize(request.actor, 'catalog:read');
  return hub.catalog.read(code, viewerOf(request.actor));
}

function withPermissions(actor: Actor | null, r: Resource) {
  const owner = { ownerOrg: r.provider.code };
  const may = (action: Action) => isAllowed(actor, action, owner);
  return {
    ...r,
    canEdit: may('catalog:edit') && ['draft', 'returned', 'published'].includes(r.status),
    canSubmit: may('catalog:submit') && ['draft', 'returned'].includes(r.status),
    canReview: may('catalog:review') && r.status === 'submitted',
    canPublish: may('catalog:publish') && r.status === 'approved',
    canBrowse: may('records:browse'),
    canUpload: may('ingest:upload'),
  };
}

const STEPS: Record<Transition, Action> = {
  submit: 'catalog:submit',
  approve: 'catalog:review',
  return: 'catalog:review',
  publish: 'catalog:publish',
};

export function catalogRoutes(hub: Hub): FastifyPluginAsyncTypebox {
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
      async (request) => {
        authorize(request.actor, 'catalog:read');
        return hub.catalog.list(request.query, viewerOf(request.actor));
      },
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
        const actor = request.actor;
        authorize(actor, 'catalog:register', { ownerOrg: actor?.org?.code });
        const resource = await hub.catalog.register(actor.org!.code, actor, request.body);
        reply.status(201);
        return withPermissions(actor, resource);
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
      async (request) => withPermissions(request.actor, await visibleResource(hub, request, request.params.code)),
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
        const current = await visibleResource(hub, request, request.params.code);
        authorize(request.actor, 'catalog:edit', { ownerOrg: current.provider.code });
        const { baseVersion, ...input } = request.body;
        return withPermissions(request.actor, await hub.catalog.edit(current.code, request.actor, input, baseVersion));
      },
    );

    for (const step of Object.keys(STEPS) as Transition[]) {
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
          const current = await visibleResource(hub, request, request.params.code);
          authorize(request.actor, STEPS[step], { ownerOrg: current.provider.code });
          const reason = (request.body as { reason?: string } | undefined)?.reason;
          return withPermissions(
            request.actor,
            await hub.catalog.transition(current.code, request.actor, step, reason),
          );
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
        const r = await visibleResource(hub, request, request.params.code);
        return { items: await hub.catalog.versions(r.code, viewerOf(request.actor)) };
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
        const r = await visibleResource(hub, request, request.params.code);
        return withPermissions(
          request.actor,
          await hub.catalog.atVersion(r.code, request.params.version, viewerOf(request.actor)),
        );
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
        },
      },
      async (request) => {
        const { key, purpose, page, pageSize } = request.query;
        if (key === undefined) return hub.exchange.browse(request.actor, request.params.code, page, pageSize);
        if (!purpose) {
          throw new HubError('KRN_VALIDATION', 'purpose: required when looking up a key', {
            problems: [{ field: 'querystring/purpose', reason: 'required when looking up a key' }],
          });
        }
        return hub.exchange.lookup(request.actor, request.params.code, key, purpose);
      },
    );
  };
}
