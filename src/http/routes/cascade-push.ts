import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authorize } from '../../access/index.js';
import type { Hub } from '../../hub/index.js';
import { created } from '../created.js';
import { nodeSigned } from '../node-signed.js';

const ResourceCode = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' });
const Uuid = Type.String({ format: 'uuid' });
/** A push's id as a path names it: a uuid, checked by the lookup (after authorization), not the schema. */
const PushId = Type.String({ minLength: 1, maxLength: 64 });
const When = Type.Union([Type.String(), Type.Null()]);
const RunSchema = Type.Object({
  id: Type.String(),
  kind: Type.String({ enum: ['full', 'incremental'] }),
  state: Type.String({ enum: ['running', 'succeeded', 'failed'] }),
  startedAt: Type.String(),
  finishedAt: When,
  rowsSent: Type.Integer(),
  rowsLoaded: Type.Integer(),
  rowsRejected: Type.Integer(),
  ackedSeq: Type.Integer({ description: 'every batch up to this one is acknowledged by the city' }),
  error: When,
});
const PushSchema = Type.Object({
  id: Type.String(),
  resource: Type.String(),
  target: Type.String(),
  every: Type.Union([Type.Integer(), Type.Null()], { description: 'minutes between scheduled runs' }),
  batchRows: Type.Integer(),
  nextRunAt: When,
  lastCutoff: When,
  createdBy: Type.String(),
  lastRun: Type.Union([RunSchema, Type.Null()]),
  batchesInFlight: Type.Integer({ description: 'batches of the unfinished run sent and not yet acknowledged' }),
});
const Cell = Type.String({ maxLength: 100_000 });

/** Push up (归集, #20, docs/cascade.md): a district's pushes into the city's copies, and the city's intake. */
export function cascadePushRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/pushes',
      {
        schema: {
          tags: ['cascade'],
          summary:
            'On a district: push one of its resources into its copy on the city node, on demand or every N minutes',
          security: [{ bearer: [] }],
          body: Type.Object(
            {
              resource: ResourceCode,
              target: ResourceCode,
              every: Type.Optional(Type.Integer({ minimum: 1, maximum: 44640, description: 'minutes' })),
              batchRows: Type.Optional(Type.Integer({ minimum: 1, maximum: 20000, default: 5000 })),
            },
            { additionalProperties: false },
          ),
          response: { 201: PushSchema },
        },
      },
      async (request, reply) => {
        authorize(request.actor, 'cascade:manage');
        return created(reply, await hub.pushes.define(request.body, request.actor.username));
      },
    );

    app.get(
      '/pushes',
      {
        schema: {
          tags: ['cascade'],
          summary: 'On a district: its pushes, each with its last run and batches in flight',
          security: [{ bearer: [] }],
          response: { 200: Type.Array(PushSchema) },
        },
      },
      async (request) => {
        authorize(request.actor, 'cascade:read');
        return hub.pushes.list();
      },
    );

    app.get(
      '/pushes/:id',
      {
        schema: {
          tags: ['cascade'],
          summary: 'One push, with its last run and batches in flight',
          security: [{ bearer: [] }],
          params: Type.Object({ id: PushId }),
          response: { 200: PushSchema },
        },
      },
      async (request) => {
        authorize(request.actor, 'cascade:read');
        return hub.pushes.get(request.params.id);
      },
    );

    app.post(
      '/pushes/:id/run',
      {
        schema: {
          tags: ['cascade'],
          summary: 'Runs a push now (resuming its unfinished run, if any) and answers how the run ended',
          security: [{ bearer: [] }],
          params: Type.Object({ id: PushId }),
          response: { 200: RunSchema },
        },
      },
      async (request) => {
        authorize(request.actor, 'cascade:manage');
        return hub.pushes.run(request.params.id);
      },
    );

    await app.register(
      nodeSigned(hub, async (link) => {
        link.post(
          '/link/push/batches',
          {
            schema: {
              tags: ['cascade'],
              summary:
                'Between nodes: a batch of a district’s push, loaded (or, in a full push, staged) once into its copy on the city',
              body: Type.Object(
                {
                  push: Uuid,
                  run: Uuid,
                  seq: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 }),
                  target: ResourceCode,
                  fields: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 500 }),
                  rows: Type.Array(Type.Array(Cell, { maxItems: 500 }), { maxItems: 20000 }),
                  full: Type.Optional(
                    Type.Boolean({ description: 'the run sends the whole resource: staged, swapped in at its end' }),
                  ),
                  end: Type.Optional(Type.Boolean({ description: 'a full run’s end, after its last batch: no rows' })),
                },
                { additionalProperties: false },
              ),
              response: {
                200: Type.Object({
                  seq: Type.Integer(),
                  job: Type.String(),
                  loaded: Type.Integer(),
                  rejected: Type.Integer(),
                  replayed: Type.Boolean({ description: 'applied before: this is its earlier outcome' }),
                }),
              },
            },
          },
          async (request) => hub.pushesIn.apply(request.peer!, request.body),
        );
      }),
    );
  };
}
