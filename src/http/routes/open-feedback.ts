import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Hub } from '../../hub/index.js';
import { created } from '../created.js';
import { openCredentialOf } from '../auth.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const ErrorReport = Type.Object({
  id: Type.Integer(),
  dataset: Type.String({ description: 'the open dataset’s name' }),
  title: Type.String({ description: 'the dataset’s title as people know it (its name when no longer open)' }),
  key: Nullable(Type.String({ description: 'the record reported; null: the field across the dataset' })),
  field: Type.Object({ name: Type.String(), label: Type.String() }),
  correction: Type.Integer({ description: 'the correction (纠错) it became in the provider’s workflow' }),
  state: Type.Union([Type.Literal('open'), Type.Literal('accepted'), Type.Literal('rejected')]),
  dueDate: Nullable(Type.String({ description: 'the day the provider must answer by (China date)' })),
  decidedAt: Nullable(Type.String()),
  reason: Nullable(Type.String({ description: 'why the provider kept the value, when it did' })),
  createdAt: Type.String(),
});
const DatasetRequest = Type.Object({
  id: Type.Integer(),
  need: Type.String(),
  purpose: Type.String(),
  state: Type.Union([Type.Literal('waiting'), Type.Literal('answered'), Type.Literal('refused')]),
  provider: Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()], {
    description: 'the department the operators routed it to',
  }),
  dataset: Type.Union([Type.Object({ name: Type.String(), title: Type.String() }), Type.Null()], {
    description: 'the open dataset it was answered with (null while not open)',
  }),
  reason: Nullable(Type.String({ description: 'why it was refused' })),
  createdAt: Type.String(),
});
const Text = (max: number, description: string) => Type.String({ minLength: 1, maxLength: max, description });
const tags = ['open'];

/**
 * The portal's feedback that enters the hub's workflows (docs/open.md): a developer's error
 * report becomes a correction (纠错) for the provider, a request for data a free-text demand for
 * the operators to route. Public routes in the hub's policy: each checks the developer session
 * it needs itself, and a developer sees only their own reports and requests.
 */
export function openFeedbackRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    const developerOf = (request: FastifyRequest) => hub.developers.session(openCredentialOf(request));

    app.post(
      '/developers/me/error-reports',
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            'Report a wrong value of an open dataset (纠错): it goes to the provider as a correction with a deadline',
          body: Type.Object(
            {
              dataset: Type.String({ minLength: 1, maxLength: 100, description: 'its name, e.g. jnjtj-0006' }),
              key: Type.Optional(
                Type.String({
                  maxLength: 100,
                  description:
                    'the record’s key, as the dataset shows it; left out: the field is wrong across the dataset',
                }),
              ),
              field: Text(100, 'the field’s name'),
              wrong: Type.String({ maxLength: 2000, description: 'the value shown' }),
              correct: Type.Optional(Type.String({ maxLength: 2000, description: 'what it should be, if known' })),
              note: Type.Optional(Type.String({ maxLength: 2000 })),
            },
            { additionalProperties: false },
          ),
          response: { 201: ErrorReport },
        },
      },
      async (request, reply) => created(reply, await hub.errorReports.report(await developerOf(request), request.body)),
    );

    app.get(
      '/developers/me/error-reports',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'The signed-in developer’s error reports with the providers’ answers, newest first',
          response: { 200: Type.Array(ErrorReport) },
        },
      },
      async (request) => hub.errorReports.mine(await developerOf(request)),
    );

    app.post(
      '/developers/me/dataset-requests',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Request data not found on the portal (数据需求): a demand the operators route to a department',
          body: Type.Object(
            {
              need: Text(2000, 'the data wanted'),
              purpose: Text(2000, 'what it is for'),
              provider: Type.Optional(
                Type.String({ maxLength: 100, description: 'the department expected to hold it' }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 201: DatasetRequest },
        },
      },
      async (request, reply) =>
        created(reply, await hub.datasetRequests.request(await developerOf(request), request.body)),
    );

    app.get(
      '/developers/me/dataset-requests',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'The signed-in developer’s requests for data with their answers, newest first',
          response: { 200: Type.Array(DatasetRequest) },
        },
      },
      async (request) => hub.datasetRequests.mine(await developerOf(request)),
    );

    app.get(
      '/dataset-requests',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'The latest answered requests for data, without who asked (public)',
          response: { 200: Type.Array(DatasetRequest) },
        },
      },
      async () => hub.datasetRequests.answered(),
    );
  };
}
