import { Type, type Static } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Actor } from '../../access/index.js';
import type { FastifyRequest } from 'fastify';
import { HubError, type UploadLimits, invalid, languageOf, msg } from '../../kernel/index.js';
import {
  formatOf,
  jobErrorIn,
  OUTCOMES,
  reasonIn,
  SourceSpecSchema,
  type JobError,
  type JobOutcome,
  type Reject,
} from '../../ingest/index.js';
import type { Hub } from '../../hub/index.js';
import { literals } from '../../catalog/index.js';
import { uploadParts } from '../multipart.js';
import { ingestScheduleRoutes } from './ingest-schedules.js';
import { JOB_STATES, MaxAttempts, Nullable, ResourceCode, resourceNames } from './ingest-scope.js';

/** Where a job is in the queue (source jobs); an upload runs at once and has none of it. */
const QueueFields = {
  source: Type.String({ description: 'upload:<file>, database:<connection or host/db>, http:<host/path>' }),
  attempts: Type.Integer({ description: 'runs started so far' }),
  maxAttempts: Type.Integer(),
  nextAttemptAt: Nullable(Type.String({ format: 'date-time', description: 'when a queued job runs (again)' })),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Nullable(Type.String({ format: 'date-time' })),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
  scheduleId: Nullable(Type.Integer()),
  spec: Nullable(SourceSpecSchema),
};

/** How a load went (src/ingest/outcome.ts), the threshold it was judged by, and a held load's decision. */
const OutcomeFields = {
  outcome: Type.Unsafe<(typeof OUTCOMES)[number]>({
    type: 'string',
    enum: [...OUTCOMES],
    description:
      'loaded (every row), loaded_with_rejects, below_threshold (went in below the quality threshold), ' +
      'held (waits for release or discard), discarded, failed; queued or running before it ends',
  }),
  threshold: Nullable(
    Type.Object({
      minPassRate: Type.Number({ description: 'percent of rows read that must be accepted' }),
      action: literals(['warn', 'hold'] as const),
    }),
  ),
  decidedBy: Nullable(Type.String({ description: 'who released or discarded a held load (their login)' })),
  decidedByName: Nullable(Type.String({ description: 'their display name' })),
  decidedAt: Nullable(Type.String({ format: 'date-time' })),
  mayDecide: Type.Boolean({ description: 'the caller may release or discard this held load' }),
};

/** Why a job failed (or its last attempt did), rendered in the request's language, and the error's code. */
const ErrorFields = {
  error: Nullable(
    Type.String({ description: "why the job failed, or why its last attempt did, in the request's language" }),
  ),
  errorCode: Nullable(
    Type.String({
      description:
        'the code of that error (docs/errors.md); null without one, and on jobs failed before codes were kept',
    }),
  ),
};

const ResourceName = Nullable(Type.String({ description: "the resource's name; null when it no longer exists" }));

const JobStatusSchema = Type.Object({
  id: Type.String(),
  resource: Type.String(),
  resourceName: ResourceName,
  state: literals(JOB_STATES),
  rowsRead: Type.Integer(),
  rowsLoaded: Type.Integer(),
  rowsRejected: Type.Integer(),
  qualityScore: Nullable(Type.Number()),
  ...ErrorFields,
  ...QueueFields,
  ...OutcomeFields,
});

const JobInputSchema = Type.Object(
  { resource: ResourceCode, source: SourceSpecSchema, maxAttempts: Type.Optional(MaxAttempts) },
  { additionalProperties: false },
);
type JobInput = Static<typeof JobInputSchema>;

const JobSchema = Type.Object({
  id: Type.String(),
  resource: Type.String(),
  resourceName: ResourceName,
  state: literals(JOB_STATES),
  phase: Type.Optional(
    Type.String({
      enum: ['load', 'base', 'done'],
      description: 'load: reading or merging; base: loaded, the base databases still taking its rows; done',
    }),
  ),
  rowsRead: Type.Integer(),
  rowsLoaded: Type.Integer(),
  rowsRejected: Type.Integer(),
  qualityScore: Type.Union([Type.Number(), Type.Null()], { description: 'percent of rows read that passed' }),
  ...ErrorFields,
  merge: Type.Optional(
    Type.Union([literals(['swap', 'upsert'] as const), Type.Null()], {
      description: 'how the rows went in: swapped in whole (a snapshot or a first load), or merged by key',
    }),
  ),
  rejects: Type.Array(Type.Object({ row: Type.Integer(), field: Type.String(), reason: Type.String() })),
  ...Type.Partial(Type.Object(QueueFields)).properties,
  ...OutcomeFields,
});

/**
 * Jobs as the caller reads them: the error in the request's language with its code, the names of
 * the resource and of whoever decided a held load beside their codes, and `mayDecide` — true on
 * the held ones the caller may release or discard.
 */
async function answered<J extends { resource: string } & JobOutcome & JobError>(
  hub: Hub,
  request: FastifyRequest,
  jobs: J[],
) {
  const actor = request.actor;
  const language = languageOf(request.headers['accept-language']);
  const held = jobs.filter((j) => j.outcome === 'held').map((j) => j.resource);
  const allowed = held.length > 0 ? await hub.ingestScope.mayDecide(actor, held) : new Set<string>();
  const resources = await resourceNames(
    hub,
    jobs.map((j) => j.resource),
  );
  const people = await hub.access.displayNames(jobs.flatMap((j) => (j.decidedBy ? [j.decidedBy] : [])));
  return jobs.map((j) => {
    // The message leaves rendered: the answer has `error` in words and `errorCode`.
    const { errorDetail: _rendered, ...job } = j;
    return {
      ...job,
      resourceName: resources.get(j.resource) ?? null,
      error: jobErrorIn(j, language),
      decidedByName: j.decidedBy ? (people.get(j.decidedBy) ?? null) : null,
      mayDecide: j.outcome === 'held' && allowed.has(j.resource),
    };
  });
}

/** A source job, queued for a worker of any hub process; it runs up to `maxAttempts` times (default 3). */
async function enqueueJob(hub: Hub, actor: Actor | null, input: JobInput) {
  const resource = await hub.ingestScope.resource(actor, 'ingest:run', input.resource);
  hub.ingestScope.checkSource(actor, input.source);
  const id = await hub.jobs.enqueue({
    resource: resource.code,
    spec: input.source,
    createdBy: actor!.userId,
    maxAttempts: input.maxAttempts ?? 3,
  });
  // Read before waking the worker: the answer is the job as queued, whatever the worker does next.
  const queued = await hub.jobs.get(id);
  hub.jobs.wake();
  return queued;
}

export function ingestRoutes(hub: Hub, limits: UploadLimits): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/jobs',
      {
        schema: {
          tags: ['ingest'],
          summary:
            'Upload a file into a resource (multipart: `resource` first, then `file`), or queue a database or HTTP source (JSON)',
          description:
            'A file (CSV in UTF-8 or GBK, XLSX, JSON or NDJSON) runs at once and answers 200 with the report. ' +
            'A JSON body `{resource, source, maxAttempts?}` queues a job and answers 202; poll GET /jobs/{id}. ' +
            'Rows are validated against the fields (types, check digits); good rows load in one transaction, ' +
            'bad rows are quarantined with row number (the header is row 1), field and reason.',
          consumes: ['multipart/form-data', 'application/json'],
          // Only the JSON variant has a body schema: the multipart stream is read part by part below.
          body: { content: { 'application/json': { schema: JobInputSchema } } },
          security: [{ bearer: [] }],
          response: { 200: JobSchema, 202: JobStatusSchema },
        },
      },
      async (request, reply) => {
        const actor = request.actor;
        if (!request.isMultipart()) {
          if (request.headers['content-type']?.startsWith('application/json') !== true)
            throw new HubError('KRN_BAD_REQUEST', msg('ingest.sendUploadOrSource'));
          const queued = await enqueueJob(hub, actor, request.body as JobInput);
          return reply.code(202).send((await answered(hub, request, [queued]))[0]!);
        }
        let resourceCode: string | undefined;
        for await (const part of uploadParts(request)) {
          if (part.type === 'field') {
            if (part.fieldname === 'resource') resourceCode = String(part.value);
            continue;
          }
          if (!resourceCode) {
            throw invalid('body/resource', msg('ingest.resourceBeforeFile'));
          }
          const resource = await hub.ingestScope.resource(actor, 'ingest:upload', resourceCode);
          const report = await hub.ingest.runFile(resource, part.file, {
            createdBy: actor!.userId,
            source: `upload:${part.filename}`,
            format: formatOf(part.filename),
            limits,
          });
          return inLanguage(request, (await answered(hub, request, [report]))[0]!);
        }
        throw invalid('body/file', msg('ingest.noFilePart'));
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
        await hub.ingestScope.resource(request.actor, 'ingest:read', report.resource);
        return inLanguage(
          request,
          (await answered(hub, request, [{ ...(await hub.jobs.get(report.id)), ...report }]))[0]!,
        );
      },
    );

    for (const decision of ['release', 'discard'] as const) {
      app.post(
        `/jobs/:id/${decision}`,
        {
          schema: {
            tags: ['ingest'],
            summary:
              decision === 'release'
                ? "Release a load held below its resource's quality threshold: its rows replace or update the records"
                : "Discard a load held below its resource's quality threshold: the resource keeps its records",
            description:
              "The provider's data officers only; recorded on the ledger (ingest.job.decided). 409 unless the job is held.",
            security: [{ bearer: [] }],
            params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
            response: { 200: JobSchema },
          },
        },
        async (request) => {
          const actor = request.actor;
          const report = await hub.ingest.report(request.params.id);
          const resource = await hub.ingestScope.resource(actor, 'ingest:decide-held', report.resource);
          const decided = await hub.ingest[decision](resource, report.id, actor!);
          return inLanguage(
            request,
            (await answered(hub, request, [{ ...(await hub.jobs.get(report.id)), ...decided }]))[0]!,
          );
        },
      );
    }

    app.get(
      '/jobs',
      {
        schema: {
          tags: ['ingest'],
          summary: 'Ingest jobs, newest first: uploads and source jobs, with their counts and queue state',
          description: "Operators see every job; a provider's officers their own organization's resources' jobs.",
          security: [{ bearer: [] }],
          querystring: Type.Object({
            resource: Type.Optional(ResourceCode),
            state: Type.Optional(literals(JOB_STATES)),
            page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
            pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          }),
          response: { 200: Type.Object({ items: Type.Array(JobStatusSchema), total: Type.Integer() }) },
        },
      },
      async (request) => {
        const q = request.query;
        const resources = await hub.ingestScope.resources(request.actor, q.resource);
        const page = await hub.jobs.list({ resources, state: q.state, page: q.page, pageSize: q.pageSize });
        return { ...page, items: await answered(hub, request, page.items) };
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
        await hub.ingestScope.resource(request.actor, 'records:browse', report.resource);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="rejects-${report.id}.csv"`)
          .send(await hub.ingest.rejectsCsv(report.id, languageOf(request.headers['accept-language'])));
      },
    );

    const Percent = Nullable(Type.Number({ minimum: 0, maximum: 100 }));
    app.get(
      '/jobs/:id/quality',
      {
        schema: {
          tags: ['ingest'],
          summary:
            "A load's quality: score (rows that went in), pass rate (rows without any issue), per field and per rule",
          security: [{ bearer: [] }],
          params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
          response: {
            200: Type.Object({
              jobId: Type.String(),
              outcome: OutcomeFields.outcome,
              threshold: OutcomeFields.threshold,
              resource: Type.String(),
              finishedAt: Nullable(Type.String({ format: 'date-time' })),
              rowsRead: Type.Integer(),
              score: Percent,
              passRate: Percent,
              fields: Type.Array(
                Type.Object({
                  field: Type.String(),
                  label: Type.String(),
                  rejected: Type.Integer(),
                  warned: Type.Integer(),
                  passRate: Percent,
                }),
              ),
              rules: Type.Array(
                Type.Object({
                  rule: Type.String(),
                  severity: literals(['reject', 'warn'] as const),
                  rows: Type.Integer(),
                }),
              ),
            }),
          },
        },
      },
      async (request) => {
        const report = await hub.ingest.report(request.params.id);
        const resource = await hub.ingestScope.resource(request.actor, 'ingest:read', report.resource);
        return hub.ingest.quality(resource, report.id);
      },
    );

    app.get(
      '/quality-trend',
      {
        schema: {
          tags: ['ingest'],
          summary: "Score and pass rate of a resource's last finished loads, oldest first",
          security: [{ bearer: [] }],
          querystring: Type.Object({
            resource: ResourceCode,
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
          }),
          response: {
            200: Type.Array(
              Type.Object({
                jobId: Type.String(),
                finishedAt: Type.String({ format: 'date-time' }),
                rowsRead: Type.Integer(),
                score: Percent,
                passRate: Percent,
              }),
            ),
          },
        },
      },
      async (request) => {
        const resource = await hub.ingestScope.resource(request.actor, 'ingest:read', request.query.resource);
        return hub.ingest.qualityTrend(resource.code, request.query.limit);
      },
    );

    const LoadOrigin = Type.Object({
      kind: Type.Literal('load'),
      jobId: Nullable(Type.String()),
      source: Nullable(Type.String({ description: 'the file, query or API the job read' })),
      row: Nullable(Type.Integer({ description: 'row in the source (the header is row 1)' })),
      at: Type.String({ format: 'date-time' }),
    });
    const CorrectionOrigin = Type.Object({
      kind: Type.Literal('correction'),
      correction: Type.Integer(),
      at: Type.String({ format: 'date-time' }),
    });
    app.get(
      '/lineage',
      {
        schema: {
          tags: ['ingest'],
          summary: 'Where each value of one record came from: the load (job, source, row) or a correction since',
          description:
            'Values themselves are not returned: lineage answers "from where", the data service answers "what".',
          security: [{ bearer: [] }],
          querystring: Type.Object({ resource: ResourceCode, key: Type.String({ minLength: 1, maxLength: 200 }) }),
          response: {
            200: Type.Object({
              resource: Type.String(),
              key: Type.String(),
              fields: Type.Array(
                Type.Object({ field: Type.String(), origin: Type.Union([LoadOrigin, CorrectionOrigin]) }),
              ),
            }),
          },
        },
      },
      async (request) => {
        const resource = await hub.ingestScope.resource(request.actor, 'ingest:read', request.query.resource);
        const lineage = await hub.ingest.lineage(resource, request.query.key);
        if (!lineage)
          throw new HubError(
            'REC_RECORD_NOT_FOUND',
            msg('records.noRecordKeyIn', { key: request.query.key, code: resource.code }),
          );
        return lineage;
      },
    );

    const Cell = Type.String({ maxLength: 1000 });
    const Columns = Type.Record(
      Type.String({ minLength: 1, maxLength: 200 }),
      Nullable(Type.String({ minLength: 1, maxLength: 64 })),
      {
        description: 'source column → field name, or null: the column is not loaded even when its name matches a field',
        maxProperties: 500,
      },
    );
    app.get(
      '/mapping',
      {
        schema: {
          tags: ['ingest'],
          summary: "The column → field mapping saved for a resource's sources",
          security: [{ bearer: [] }],
          querystring: Type.Object({ resource: ResourceCode }),
          response: { 200: Type.Object({ resource: Type.String(), columns: Columns }) },
        },
      },
      async (request) => {
        const resource = await hub.ingestScope.resource(request.actor, 'ingest:read', request.query.resource);
        return { resource: resource.code, columns: await hub.ingest.savedMapping(resource.code) };
      },
    );

    app.put(
      '/mapping',
      {
        schema: {
          tags: ['ingest'],
          summary: 'Save how source columns map to fields; every later load of the resource uses it',
          security: [{ bearer: [] }],
          body: Type.Object({ resource: ResourceCode, columns: Columns }, { additionalProperties: false }),
          response: { 200: Type.Object({ resource: Type.String(), columns: Columns }) },
        },
      },
      async (request) => {
        const resource = await hub.ingestScope.resource(request.actor, 'ingest:run', request.body.resource);
        const columns = await hub.ingest.saveMapping(resource, request.body.columns, request.actor!.userId);
        return { resource: resource.code, columns };
      },
    );

    app.post(
      '/mapping/suggest',
      {
        schema: {
          tags: ['ingest'],
          summary:
            "How a source's header maps: saved, by name or label, by data element, or guessed from sample values",
          security: [{ bearer: [] }],
          body: Type.Object(
            {
              resource: ResourceCode,
              header: Type.Array(Cell, { minItems: 1, maxItems: 500 }),
              sample: Type.Optional(Type.Array(Type.Array(Cell, { maxItems: 500 }), { maxItems: 50 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              columns: Type.Array(
                Type.Object({
                  column: Type.String(),
                  field: Nullable(Type.String()),
                  by: Nullable(literals(['saved', 'name', 'element', 'values'] as const)),
                }),
              ),
              missingRequired: Type.Array(Type.String()),
            }),
          },
        },
      },
      async (request) => {
        const resource = await hub.ingestScope.resource(request.actor, 'ingest:read', request.body.resource);
        return hub.ingest.suggestMapping(resource, request.body.header, request.body.sample);
      },
    );

    await app.register(ingestScheduleRoutes(hub));
  };
}

/** A report's quarantined reasons in the language the request asks for (Accept-Language). */
function inLanguage<T extends { rejects: Reject[] }>(request: FastifyRequest, report: T): T {
  const language = languageOf(request.headers['accept-language']);
  return {
    ...report,
    rejects: report.rejects.map((r) => ({ row: r.row, field: r.field, reason: reasonIn(r, language) })),
  };
}
