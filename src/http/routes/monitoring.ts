import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../schemas.js';
import { authorize } from '../../access/index.js';
import { ANOMALY, decodeCsvBytes, extractWatermark, readCsvTable } from '../../exchange/index.js';
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
        },
      },
      async (request) => {
        authorize(request.actor, 'monitoring:read');
        await hub.exchange.usage.flush();
        const q = request.query;
        const to = q.to ? new Date(q.to) : new Date(Date.now() + 60_000);
        const from = q.from ? new Date(q.from) : new Date(to.getTime() - 24 * HOUR);
        return {
          thresholds: ANOMALY,
          points: await hub.exchange.monitoring.series({
            from,
            to,
            bucket: q.bucket,
            ...(q.service ? { service: q.service } : {}),
            ...(q.consumer ? { consumer: q.consumer } : {}),
          }),
        };
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
        },
      },
      async (request) => {
        authorize(request.actor, 'monitoring:read');
        await hub.exchange.usage.flush();
        return { items: await hub.exchange.monitoring.alerts(request.query.open ? { open: true } : {}) };
      },
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
        authorize(request.actor, 'alerts:acknowledge');
        await hub.exchange.monitoring.acknowledge(request.params.id, request.actor.username);
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
        },
      },
      async (request) => {
        authorize(request.actor, 'monitoring:read');
        const { data } = await readUpload(request, MAX_LEAK);
        const table = readCsvTable(decodeCsvBytes(data));
        const reading = extractWatermark(table, hub.exchange.watermarkSecret);
        return { ...reading, export: reading.mark === null ? null : await hub.exchange.exportOf(reading.mark) };
      },
    );
  };
}
