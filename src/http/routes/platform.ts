import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authorize } from '../../access/index.js';
import type { Hub } from '../../hub/index.js';

/** Organizations and the headline figures every home page shows. */
export function platformRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/orgs',
      {
        schema: {
          tags: ['platform'],
          summary: 'Organizations: departments, districts, enterprises, third parties',
          security: [{ bearer: [] }],
          response: {
            200: Type.Array(
              Type.Object({
                code: Type.String(),
                name: Type.String(),
                kind: Type.String(),
                division: Type.String(),
                creditCode: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          },
        },
      },
      async (request) => {
        authorize(request.actor, 'org:read');
        return hub.access.listOrganizations();
      },
    );

    app.get(
      '/stats',
      {
        schema: {
          tags: ['platform'],
          summary: 'Headline figures',
          security: [{ bearer: [] }],
          response: {
            200: Type.Object({
              resources: Type.Integer(),
              records: Type.Integer(),
              organizations: Type.Integer(),
              grants: Type.Integer(),
              ledgerSize: Type.Integer(),
            }),
          },
        },
      },
      async (request) => {
        authorize(request.actor, 'stats:read');
        const [counts, orgs, grants, head] = await Promise.all([
          hub.catalog.countAll(),
          hub.access.listOrganizations(),
          hub.exchange.listGrants(request.actor),
          hub.ledger.latestHead(),
        ]);
        return {
          ...counts,
          organizations: orgs.length,
          grants: grants.filter((g) => g.state === 'active').length,
          ledgerSize: head.treeSize,
        };
      },
    );
  };
}
