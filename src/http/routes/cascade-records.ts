import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MAX_BATCH } from '../../share/index.js';
import type { Hub } from '../../hub/index.js';
import { nodeSigned } from '../node-signed.js';

const FieldName = Type.String({ minLength: 1, maxLength: 63 });

/**
 * A grant on a district's resource served through the city (#20, docs/cascade.md): the district
 * answers its city's reads of its records by key. No person calls it: the district's parent only,
 * each request signed by it; the read is on the district's ledger before the records leave.
 */
export function cascadeRecordsRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(
      nodeSigned(hub, async (link) => {
        link.post(
          '/link/records',
          {
            schema: {
              tags: ['cascade'],
              summary: "Between nodes: a district's records by key for its city, the fields asked, masked ones masked",
              body: Type.Object(
                {
                  code: Type.String({
                    pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$',
                    description: 'the code on the district',
                  }),
                  keys: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: MAX_BATCH }),
                  fields: Type.Array(FieldName, {
                    minItems: 1,
                    maxItems: 500,
                    description: 'the fields the city’s caller sees',
                  }),
                  masked: Type.Array(FieldName, { maxItems: 500, description: 'of those, the ones that leave masked' }),
                  purpose: Type.String({ minLength: 1, maxLength: 64 }),
                  org: Type.Union([Type.String({ minLength: 1, maxLength: 32 }), Type.Null()], {
                    description: 'the consuming organization on the city',
                  }),
                  grant: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'the city’s grant' }),
                },
                { additionalProperties: false },
              ),
              response: {
                200: Type.Object({
                  records: Type.Array(
                    Type.Object({ key: Type.String(), doc: Type.Record(Type.String(), Type.Unknown()) }),
                  ),
                }),
              },
            },
          },
          async (request) => hub.remoteRecords.serve(request.peer!, request.body),
        );
      }),
    );
  };
}
