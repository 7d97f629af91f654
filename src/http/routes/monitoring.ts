import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../schemas.js';
import { readUpload } from '../upload.js';
import type { Hub } from '../../hub/index.js';

const HOUR = 3_600_000;
/** A leaked file to identify; exports are at most 10 000 rows. */
const MAX_LEAK = 100 * 1024 * 1024;

/** 监控: calls, rows, errors and latency per service and consumer, and the anomalies found in them. */
export function monitoringRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/usage',
      {
        schema: {
          tags: ['share'],
          summary: 'Calls, rows, errors and latency per service and consumer, by minute or hour',
          security: [{ bearer: [] }],
          querystring: Type.Object({
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            bucket: Type.Union([Type.Literal('minute'), Type.Literal('hour')], { default: 'hour' }),
            service: Type.Optional(Type.String({ maxLength: 40 })),
            consumer: Type.Optional(Type.String({ maxLength: 16 })),
          }),
          response: { 200: UsageSchema },
        },
      },
      async (request) => {
        const q = request.query;
        const to = q.to ? new Date(q.to) : new Date(Date.now() + 60_000);
        const from = q.from ? new Date(q.from) : new Date(to.getTime() - 24 * HOUR);
        return hub.monitoring.usage(request.actor, {
          from,
          to,
          bucket: q.bucket,
          ...(q.service ? { service: q.service } : {}),
          ...(q.consumer ? { consumer: q.consumer } : {}),
        });
      },
    );

    app.get(
      '/alerts',
      {
        schema: {
          tags: ['share'],
          summary: 'Anomalies: bulk pulls at night, a consumer pulling far more than its history',
          security: [{ bearer: [] }],
          querystring: Type.Object({ open: Type.Optional(Type.Boolean()) }),
          response: { 200: Type.Object({ items: Type.Array(AlertSchema) }) },
        },
      },
      async (request) => ({ items: await hub.monitoring.alerts(request.actor, request.query.open === true) }),
    );

    app.post(
      '/alerts/:id/acknowledge',
      {
        schema: {
          tags: ['share'],
          summary: 'Mark an alert as seen (auditors, operators)',
          security: [{ bearer: [] }],
          params: IdParams,
        },
      },
      async (request, reply) => {
        await hub.monitoring.acknowledge(request.actor, request.params.id);
        return reply.status(204).send();
      },
    );

    app.post(
      '/exports/identify',
      {
        schema: {
          tags: ['share'],
          summary: 'Name the export a leaked CSV file came from, by its watermark (auditors, operators)',
          consumes: ['multipart/form-data'],
          security: [{ bearer: [] }],
          response: { 200: IdentificationSchema },
        },
      },
      async (request) => hub.monitoring.identify(request.actor, async () => (await readUpload(request, MAX_LEAK)).data),
    );
  };
}

/** What a leaked file shows (docs/watermark.md): the export it names, if any, and the evidence. */
const IdentificationSchema = Type.Object({
  mark: Type.Union([Type.String(), Type.Null()]),
  confidence: Type.Number(),
  votes: Type.Number(),
  rows: Type.Number(),
  candidates: Type.Number(),
  evidence: Type.Union([
    Type.Object({
      decoys: Type.Number(),
      order: Type.Object({ agree: Type.Number(), pairs: Type.Number() }),
      spacing: Type.Object({ agree: Type.Number(), cells: Type.Number() }),
      chance: Type.Number(),
    }),
    Type.Null(),
  ]),
  export: Type.Union([
    Type.Object({
      mark: Type.String(),
      consumer: Type.String(),
      consumerName: Type.Union([Type.String(), Type.Null()]),
      resource: Type.String(),
      resourceName: Type.Union([Type.String(), Type.Null()]),
      rows: Type.Number(),
      createdBy: Type.String(),
      createdByName: Type.Union([Type.String(), Type.Null()]),
      createdAt: Type.String(),
    }),
    Type.Null(),
  ]),
});

const UsageSchema = Type.Object({
  thresholds: Type.Object({ nightRows: Type.Number(), spikeFactor: Type.Number(), spikeFloor: Type.Number() }),
  points: Type.Array(
    Type.Object({
      at: Type.String(),
      service: Type.String(),
      consumer: Type.String(),
      calls: Type.Number(),
      rows: Type.Number(),
      errors: Type.Number(),
      avgLatencyMs: Type.Number(),
      maxLatencyMs: Type.Number(),
    }),
  ),
});

const AlertSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  consumer: Type.String(),
  service: Type.Union([Type.String(), Type.Null()]),
  /** What tripped the alert; its shape depends on the kind. */
  detail: Type.Unknown(),
  at: Type.String(),
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
});
