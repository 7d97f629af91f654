import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { platformStats, type Hub } from '../../hub/index.js';

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
      async (request) => hub.authorizedAccess.organizations(request.actor),
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
      async (request) => platformStats(hub, request.actor),
    );

    app.get(
      '/tasks',
      {
        schema: {
          tags: ['platform'],
          summary: "Open tasks of the caller's organization (operators: also those for the platform)",
          security: [{ bearer: [] }],
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  id: Type.Integer(),
                  kind: Type.String(),
                  title: Type.String(),
                  ref: Type.String(),
                  org: Type.Union([Type.String(), Type.Null()]),
                  dueDate: Type.Union([Type.String(), Type.Null()]),
                  overdue: Type.Boolean(),
                  state: Type.String(),
                  createdAt: Type.String(),
                }),
              ),
            }),
          },
        },
      },
      async (request) => ({ items: await hub.authorizedAccess.inbox(request.actor) }),
    );

    const Person = Type.Object({ username: Type.String(), displayName: Type.String() });
    const OfficersSchema = Type.Object({
      org: Type.String(),
      chief: Type.Union([Person, Type.Null()]),
      stewards: Type.Array(Person),
    });
    const OrgCode = Type.Object({ code: Type.String({ pattern: '^[A-Z0-9]{2,16}$' }) });

    app.get(
      '/orgs/:code/officers',
      {
        schema: {
          tags: ['platform'],
          summary: "An organization's chief data officer and data stewards (数据官)",
          security: [{ bearer: [] }],
          params: OrgCode,
          response: { 200: OfficersSchema },
        },
      },
      async (request) => hub.authorizedAccess.officers(request.actor, request.params.code),
    );

    app.put(
      '/orgs/:code/officers',
      {
        schema: {
          tags: ['platform'],
          summary: "Appoint an organization's chief data officer and data stewards (operators)",
          security: [{ bearer: [] }],
          params: OrgCode,
          body: Type.Object(
            {
              chief: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
              stewards: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: OfficersSchema },
        },
      },
      async (request) => {
        const { chief, stewards } = request.body;
        return hub.authorizedAccess.setOfficers(request.actor, request.params.code, chief, stewards);
      },
    );
  };
}
