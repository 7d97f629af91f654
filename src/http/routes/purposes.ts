import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PURPOSE_CODE } from '../../purpose/index.js';
import type { Hub } from '../../hub/index.js';
import { created } from '../created.js';

/** A registered purpose as grants, demands and services show it. */
export const PurposeRef = Type.Object({ code: Type.String(), name: Type.String() });
/** Purpose codes a grant or a demand names. */
export const PurposeCodes = Type.Array(Type.String({ pattern: PURPOSE_CODE }), {
  minItems: 1,
  maxItems: 20,
  description: 'codes of registered purposes (GET /api/v1/purposes)',
});

const PurposeSchema = Type.Object({ code: Type.String(), name: Type.String(), description: Type.String() });

/** 用途登记: `/api/v1/purposes`, the purposes data may be read for. */
export function purposeRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/',
      {
        schema: {
          tags: ['share'],
          summary: 'The registered purposes (用途) grants allow and calls state',
          security: [{ apiKey: [] }, { bearer: [] }],
          response: { 200: Type.Array(PurposeSchema) },
        },
      },
      async (request) => hub.authorizedPurposes.list(request.actor),
    );

    app.post(
      '/',
      {
        schema: {
          tags: ['share'],
          summary: 'Register a purpose (operators); it is never removed',
          security: [{ bearer: [] }],
          body: Type.Object(
            {
              code: Type.String({ pattern: PURPOSE_CODE }),
              name: Type.String({ minLength: 2, maxLength: 60 }),
              description: Type.String({ maxLength: 500, default: '' }),
            },
            { additionalProperties: false },
          ),
          response: { 201: PurposeSchema },
        },
      },
      async (request, reply) => {
        const { code, name, description } = request.body;
        const purpose = { code, name: name.trim(), description: description.trim() };
        return created(reply, await hub.authorizedPurposes.add(request.actor, purpose));
      },
    );
  };
}
