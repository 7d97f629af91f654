import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Hub } from '../../hub/index.js';

const GrantSchema = Type.Object({
  id: Type.Integer(),
  consumer: Type.Object({ code: Type.String(), name: Type.String() }),
  resource: Type.Object({ code: Type.String(), name: Type.String() }),
  fields: Type.Array(Type.String()),
  purpose: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  state: Type.String({ enum: ['active', 'revoked'] }),
  createdAt: Type.String(),
});

export function grantRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/',
      {
        schema: {
          tags: ['share'],
          summary: 'Grants the caller may see',
          security: [{ bearer: [] }],
          response: { 200: Type.Array(GrantSchema) },
        },
      },
      async (request) => hub.exchange.listGrants(request.actor),
    );

    app.post(
      '/',
      {
        schema: {
          tags: ['share'],
          summary: 'Grant a consumer organization access to fields of a resource (operators)',
          security: [{ bearer: [] }],
          body: Type.Object(
            {
              consumer: Type.String({ minLength: 2, maxLength: 16, description: 'organization code' }),
              resource: Type.String({ minLength: 4, maxLength: 40, description: 'resource code' }),
              fields: Type.Array(Type.String({ minLength: 1, maxLength: 63 }), { minItems: 1, maxItems: 500 }),
              purpose: Type.String({ minLength: 2, maxLength: 500 }),
              expiresAt: Type.Optional(
                Type.Union([Type.String({ format: 'date-time' }), Type.String({ format: 'date' }), Type.Null()]),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 201: GrantSchema },
        },
      },
      async (request, reply) => {
        const grant = await hub.exchange.createGrant(request.actor, request.body);
        reply.status(201);
        return grant;
      },
    );

    app.post(
      '/:id/revoke',
      {
        schema: {
          tags: ['share'],
          summary: 'Revoke a grant; takes effect on the next call',
          security: [{ bearer: [] }],
          params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
          response: { 200: GrantSchema },
        },
      },
      async (request) => hub.exchange.revokeGrant(request.actor, request.params.id),
    );
  };
}
