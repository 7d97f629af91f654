import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authorize, isAllowed } from '../../access/index.js';
import { ResourceInputSchema, ResourceSchema, ResourceSummarySchema } from '../../catalog/index.js';
import { HubError } from '../../kernel/index.js';
import type { Hub } from '../../hub/index.js';

const Code = Type.Object({ code: Type.String({ pattern: '^[A-Z0-9]{2,16}-\\d{4,}$' }) });
const RecordsQuery = Type.Object({
  key: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'subject key: look up one record' })),
  purpose: Type.Optional(Type.String({ minLength: 2, maxLength: 200, description: 'why (required with key)' })),
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
});

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
            q: Type.Optional(Type.String({ maxLength: 100 })),
            provider: Type.Optional(Type.String({ maxLength: 16 })),
            category: Type.Optional(Type.String({ maxLength: 20 })),
            shareType: Type.Optional(Type.String({ maxLength: 20 })),
            openType: Type.Optional(Type.String({ maxLength: 20 })),
            level: Type.Optional(Type.String({ maxLength: 20 })),
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
        return hub.catalog.list(request.query);
      },
    );

    app.post(
      '/resources',
      {
        schema: {
          tags: ['catalog'],
          summary: "Register a resource under the caller's organization (officers)",
          security: [{ bearer: [] }],
          body: ResourceInputSchema,
          response: { 201: ResourceSchema },
        },
      },
      async (request, reply) => {
        const actor = request.actor;
        authorize(actor, 'catalog:register', { ownerOrg: actor?.org?.code });
        const resource = await hub.catalog.register(actor.org!.code, actor, request.body);
        reply.status(201);
        return resource;
      },
    );

    app.get(
      '/resources/:code',
      {
        schema: {
          tags: ['catalog'],
          summary: 'One resource with its fields',
          security: [{ bearer: [] }],
          params: Code,
          response: {
            200: Type.Evaluate(
              Type.Intersect([ResourceSchema, Type.Object({ canBrowse: Type.Boolean(), canUpload: Type.Boolean() })]),
            ),
          },
        },
      },
      async (request) => {
        authorize(request.actor, 'catalog:read');
        const resource = await hub.catalog.get(request.params.code);
        const owner = { ownerOrg: resource.provider.code };
        return {
          ...resource,
          canBrowse: isAllowed(request.actor, 'records:browse', owner),
          canUpload: isAllowed(request.actor, 'ingest:upload', owner),
        };
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
