import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authorize } from '../../access/index.js';
import { HubError } from '../../kernel/index.js';
import { formatOf } from '../../ingest/index.js';
import type { Hub } from '../../hub/index.js';

const JobSchema = Type.Object({
  id: Type.String(),
  resource: Type.String(),
  state: Type.String({ enum: ['queued', 'running', 'succeeded', 'failed'] }),
  rowsRead: Type.Integer(),
  rowsLoaded: Type.Integer(),
  rowsRejected: Type.Integer(),
  qualityScore: Type.Union([Type.Number(), Type.Null()], { description: 'percent of rows read that passed' }),
  error: Type.Union([Type.String(), Type.Null()]),
  rejects: Type.Array(Type.Object({ row: Type.Integer(), field: Type.String(), reason: Type.String() })),
});

export function ingestRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/jobs',
      {
        schema: {
          tags: ['ingest'],
          summary:
            'Upload a CSV (UTF-8 or GBK), XLSX, JSON or NDJSON file into a resource (multipart: `resource` first, then `file`)',
          description:
            'Rows are validated against the fields (types, check digits); good rows load in one transaction, ' +
            'bad rows are quarantined with row number (the header is row 1), field and reason.',
          consumes: ['multipart/form-data'],
          security: [{ bearer: [] }],
          response: { 200: JobSchema },
        },
      },
      async (request) => {
        const actor = request.actor;
        if (!request.isMultipart())
          throw new HubError('KRN_BAD_REQUEST', 'send multipart/form-data with resource and file');
        let resourceCode: string | undefined;
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            if (part.fieldname === 'resource') resourceCode = String(part.value);
            continue;
          }
          if (!resourceCode) {
            throw new HubError('KRN_VALIDATION', 'resource: send the resource field before the file', {
              problems: [{ field: 'body/resource', reason: 'required before the file part' }],
            });
          }
          const resource = await hub.catalog.get(resourceCode);
          authorize(actor, 'ingest:upload', { ownerOrg: resource.provider.code });
          return hub.ingest.runCsv(resource, part.file, {
            createdBy: actor.userId,
            source: `upload:${part.filename}`,
            format: formatOf(part.filename),
          });
        }
        throw new HubError('KRN_VALIDATION', 'file: no file part in the upload', {
          problems: [{ field: 'body/file', reason: 'required' }],
        });
      },
    );

    app.get(
      '/jobs/:id',
      {
        schema: {
          tags: ['ingest'],
          summary: 'State and counts of an ingest job, with the first quarantined rows',
          security: [{ bearer: [] }],
          params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
          response: { 200: JobSchema },
        },
      },
      async (request) => {
        const report = await hub.ingest.report(request.params.id);
        const resource = await hub.catalog.get(report.resource);
        authorize(request.actor, 'records:browse', { ownerOrg: resource.provider.code });
        return report;
      },
    );

    app.get(
      '/jobs/:id/rejects',
      {
        schema: {
          tags: ['ingest'],
          summary: "The job's quarantine as CSV: row (the header is row 1), field, reason",
          security: [{ bearer: [] }],
          params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        },
      },
      async (request, reply) => {
        const report = await hub.ingest.report(request.params.id);
        const resource = await hub.catalog.get(report.resource);
        authorize(request.actor, 'records:browse', { ownerOrg: resource.provider.code });
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="rejects-${report.id}.csv"`)
          .send(await hub.ingest.rejectsCsv(report.id));
      },
    );
  };
}
