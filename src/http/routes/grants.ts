import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../schemas.js';
import type { Hub } from '../../hub/index.js';
import { PurposeCodes, PurposeRef } from './purposes.js';
import { created } from '../created.js';

const GrantSchema = Type.Object({
  id: Type.Integer(),
  consumer: Type.Object({ code: Type.String(), name: Type.String() }),
  resource: Type.Object({ code: Type.String(), name: Type.String() }),
  fields: Type.Array(Type.String()),
  masked: Type.Array(Type.String()),
  purposes: Type.Array(PurposeRef),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  dailyQuota: Type.Union([Type.Integer(), Type.Null()]),
  ratePerSecond: Type.Union([Type.Integer(), Type.Null()]),
  demandId: Type.Union([Type.Integer(), Type.Null()]),
  state: Type.String({ enum: ['active', 'suspended', 'revoked'] }),
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
      async (request) => hub.share.listGrants(request.actor),
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
              masked: Type.Optional(
                Type.Array(Type.String({ minLength: 1, maxLength: 63 }), {
                  maxItems: 500,
                  description: 'granted fields that leave masked',
                }),
              ),
              purposes: PurposeCodes,
              dailyQuota: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
              ratePerSecond: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 100000 }), Type.Null()])),
              expiresAt: Type.Optional(
                Type.Union([Type.String({ format: 'date-time' }), Type.String({ format: 'date' }), Type.Null()]),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 201: GrantSchema },
        },
      },
      async (request, reply) => created(reply, await hub.share.createGrant(request.actor, request.body)),
    );

    for (const action of ['suspend', 'resume', 'revoke'] as const) {
      app.post(
        `/:id/${action}`,
        {
          schema: {
            tags: ['share'],
            summary: `${action[0]!.toUpperCase()}${action.slice(1)} a grant; takes effect on the next call in every process`,
            security: [{ bearer: [] }],
            params: IdParams,
            response: { 200: GrantSchema },
          },
        },
        async (request) => hub.share.grants.change(request.actor, request.params.id, action),
      );
    }
  };
}
