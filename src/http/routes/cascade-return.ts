import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authorize } from '../../access/index.js';
import { RETURN_PAGE, RETURN_PAGE_MAX } from '../../cascade/index.js';
import type { Hub } from '../../hub/index.js';
import { nodeSigned } from '../node-signed.js';

const Base = Type.Union([Type.Literal('person'), Type.Literal('legal_entity')], {
  description: 'person (人口基础库) or legal_entity (法人基础库)',
});
const Page = Type.Object({
  base: Base,
  division: Type.String({ description: 'the district the page is for: always the signing node’s' }),
  changes: Type.Array(
    Type.Object({
      key: Type.String({ description: 'citizen ID or credit code' }),
      gone: Type.Boolean({ description: 'the subject left the district (moved, or left the base): delete it' }),
      changedAt: Type.String(),
      values: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    }),
  ),
  last: Type.Integer({ description: 'the cursor to ask after next' }),
  more: Type.Boolean(),
});

/** 数据返还 (#20, docs/cascade.md "Data return"): the city's answer to a pull, a district's pull and its slice. */
export function cascadeReturnRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/return/pull',
      {
        schema: {
          tags: ['cascade'],
          summary: 'On a district: pulls from the city what changed in its slice of the base databases',
          security: [{ bearer: [] }],
          response: {
            200: Type.Object({
              bases: Type.Array(
                Type.Object({ base: Base, subjects: Type.Integer(), deletions: Type.Integer(), after: Type.Integer() }),
              ),
              lagMs: Type.Integer(),
            }),
          },
        },
      },
      async (request) => {
        authorize(request.actor, 'cascade:manage');
        return hub.dataReturn.pull(request.actor.username);
      },
    );

    app.get(
      '/return',
      {
        schema: {
          tags: ['cascade'],
          summary: 'On a district: its returned slice, in counts per base, and where each pull stands',
          security: [{ bearer: [] }],
          response: {
            200: Type.Object({
              division: Type.String(),
              bases: Type.Array(
                Type.Object({
                  base: Base,
                  name: Type.String(),
                  subjects: Type.Integer(),
                  after: Type.Integer(),
                  pulledAt: Type.Union([Type.String(), Type.Null()]),
                }),
              ),
            }),
          },
        },
      },
      async (request) => {
        authorize(request.actor, 'cascade:read');
        return hub.dataReturn.slice();
      },
    );

    await app.register(
      nodeSigned(hub, async (link) => {
        link.get(
          '/link/return/:base',
          {
            schema: {
              tags: ['cascade'],
              summary:
                'Between nodes, on the city: the changes of a base in the signing district, deletions included, after a cursor',
              params: Type.Object({ base: Base }, { additionalProperties: false }),
              // Other parameters (a division, say) are ignored: the district is the signer's.
              querystring: Type.Object({
                after: Type.Integer({ minimum: 0, default: 0 }),
                limit: Type.Integer({ minimum: 1, maximum: RETURN_PAGE_MAX, default: RETURN_PAGE }),
              }),
              response: { 200: Page },
            },
          },
          async (request) => {
            const { after, limit } = request.query;
            return hub.dataReturn.answer(request.peer!, request.params.base, after, limit);
          },
        );
      }),
    );
  };
}
