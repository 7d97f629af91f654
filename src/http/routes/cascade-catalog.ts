import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authorize } from '../../access/index.js';
import { CHANGES_PAGE } from '../../cascade/index.js';
import type { Hub } from '../../hub/index.js';
import { nodeSigned } from '../node-signed.js';

const Entry = Type.Object({
  version: Type.Integer(),
  provider: Type.Object({ code: Type.String(), name: Type.String() }),
  content: Type.Record(Type.String(), Type.Unknown(), { description: 'the published registration (catalog)' }),
  publishedAt: Type.Union([Type.String(), Type.Null()]),
});
const Changes = Type.Object({
  changes: Type.Array(
    Type.Object({
      code: Type.String(),
      changedAt: Type.String(),
      resource: Type.Union([Entry, Type.Null()], { description: 'null: not published (withdrawn)' }),
    }),
  ),
  next: Type.String({ description: 'the position to ask after next' }),
  more: Type.Boolean(),
});
const Sync = Type.Object({
  node: Type.String(),
  received: Type.Integer({ description: 'changes the district answered' }),
  written: Type.Integer({ description: 'entries registered or changed in this catalog' }),
  withdrawn: Type.Integer(),
  lag: Type.Integer({ description: 'milliseconds the oldest change taken had waited' }),
});

/** The federated catalog (docs/cascade.md): a district's changes for its city, and a sync on demand. */
export function cascadeCatalogRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/nodes/:nodeId/sync',
      {
        schema: {
          tags: ['cascade'],
          summary: "On the city: take a district's catalog changes now (as the schedule does)",
          security: [{ bearer: [] }],
          params: Type.Object({ nodeId: Type.String({ pattern: '^[0-9]{6}-[0-9a-f]{12}$' }) }),
          response: { 200: Type.Object({ catalog: Sync }) },
        },
      },
      async (request) => {
        authorize(request.actor, 'cascade:manage');
        return { catalog: await hub.catalogFederation.sync(request.params.nodeId) };
      },
    );

    await app.register(
      nodeSigned(hub, async (link) => {
        link.get(
          '/link/catalog/changes',
          {
            schema: {
              tags: ['cascade'],
              summary: "Between nodes: a district's published catalog changes after a position, for its city only",
              querystring: Type.Object(
                {
                  after: Type.Optional(Type.String({ pattern: '^$|^[0-9]{1,18}\\.[0-9]{1,10}$' })),
                  limit: Type.Integer({ minimum: 1, maximum: CHANGES_PAGE, default: CHANGES_PAGE }),
                },
                { additionalProperties: false },
              ),
              response: { 200: Changes },
            },
          },
          async (request) => hub.catalogFederation.changes(request.peer!, request.query.after, request.query.limit),
        );
      }),
    );
  };
}
