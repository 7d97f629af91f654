import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams as Id } from '../schemas.js';
import type { Actor } from '../../access/index.js';
import { literals } from '../../catalog/index.js';
import { DEFAULT_TIMEZONE, OUTCOMES, SourceSpecSchema } from '../../ingest/index.js';
import type { Hub } from '../../hub/index.js';
import { JOB_STATES, MaxAttempts, Nullable, ResourceCode, resourceNames } from './ingest-scope.js';

const Cron = Type.String({
  minLength: 9,
  maxLength: 120,
  description: 'cron: 5 fields (minute hour day month weekday), or 6 with seconds first; at most once a minute',
});
const TimeZone = Type.String({
  minLength: 1,
  maxLength: 64,
  description: `IANA time zone, default ${DEFAULT_TIMEZONE}`,
});

const ScheduleSchema = Type.Object({
  id: Type.Integer(),
  resource: Type.String(),
  resourceName: Nullable(Type.String({ description: "the resource's name; null when it no longer exists" })),
  spec: SourceSpecSchema,
  source: Type.String(),
  cron: Type.String(),
  timezone: Type.String(),
  enabled: Type.Boolean(),
  maxAttempts: Type.Integer(),
  nextRunAt: Nullable(Type.String({ format: 'date-time' })),
  nextRuns: Type.Array(Type.String({ format: 'date-time' })),
  lastJob: Nullable(
    Type.Object({
      id: Type.String(),
      state: literals(JOB_STATES),
      outcome: literals(OUTCOMES),
      finishedAt: Nullable(Type.String({ format: 'date-time' })),
    }),
  ),
  createdAt: Type.String({ format: 'date-time' }),
});

const ScheduleInputSchema = Type.Object(
  {
    resource: ResourceCode,
    source: SourceSpecSchema,
    cron: Cron,
    timezone: Type.Optional(TimeZone),
    enabled: Type.Optional(Type.Boolean()),
    maxAttempts: Type.Optional(MaxAttempts),
  },
  { additionalProperties: false },
);

const SchedulePatchSchema = Type.Object(
  {
    cron: Type.Optional(Cron),
    timezone: Type.Optional(TimeZone),
    enabled: Type.Optional(Type.Boolean()),
    maxAttempts: Type.Optional(MaxAttempts),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Schedules with the names of their resources, for pages that show a resource by its name. */
async function named<S extends { resource: string }>(hub: Hub, schedules: S[]) {
  const names = await resourceNames(
    hub,
    schedules.map((s) => s.resource),
  );
  return schedules.map((s) => ({ ...s, resourceName: names.get(s.resource) ?? null }));
}

const QueuedSchema = Type.Object({ id: Type.String(), state: literals(JOB_STATES) });

/** 聚: schedules that queue source jobs by cron, and the named connections a caller may use. */
export function ingestScheduleRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['ingest'];
    const security = [{ bearer: [] }];
    /** The schedule, once the caller may manage its resource's schedules. */
    const owned = async (actor: Actor | null, id: number) => {
      const s = await hub.schedules.row(id);
      await hub.ingestScope.resource(actor, 'ingest:schedule', s.resource_code);
      return s;
    };

    app.get(
      '/schedules',
      {
        schema: {
          tags,
          summary: 'Schedules, newest first, with their next run times and last job',
          security,
          querystring: Type.Object({ resource: Type.Optional(ResourceCode) }),
          response: { 200: Type.Object({ items: Type.Array(ScheduleSchema) }) },
        },
      },
      async (request) => {
        const resources = await hub.ingestScope.resources(request.actor, request.query.resource);
        return { items: await named(hub, await hub.schedules.list({ resources })) };
      },
    );

    app.post(
      '/schedules',
      {
        schema: {
          tags,
          summary: 'Schedule a database or HTTP source: each time the cron fires, a job is queued',
          security,
          body: ScheduleInputSchema,
          response: { 201: ScheduleSchema },
        },
      },
      async (request, reply) => {
        const input = request.body;
        await hub.ingestScope.resource(request.actor, 'ingest:schedule', input.resource);
        hub.ingestScope.checkSource(request.actor, input.source);
        const schedule = await hub.schedules.create({ ...input, spec: input.source, createdBy: request.actor!.userId });
        return reply.code(201).send((await named(hub, [schedule]))[0]!);
      },
    );

    app.patch(
      '/schedules/:id',
      {
        schema: {
          tags,
          summary: 'Enable or disable a schedule, or change its cron; the next run is worked out again',
          security,
          params: Id,
          body: SchedulePatchSchema,
          response: { 200: ScheduleSchema },
        },
      },
      async (request) => {
        await owned(request.actor, request.params.id);
        return (await named(hub, [await hub.schedules.update(request.params.id, request.body)]))[0]!;
      },
    );

    app.delete(
      '/schedules/:id',
      { schema: { tags, summary: 'Remove a schedule; its jobs stay', security, params: Id } },
      async (request, reply) => {
        await owned(request.actor, request.params.id);
        await hub.schedules.remove(request.params.id);
        return reply.code(204).send();
      },
    );

    app.post(
      '/schedules/:id/run',
      {
        schema: {
          tags,
          summary: 'Queue a job from the schedule now (its regular runs are unchanged)',
          security,
          params: Id,
          response: { 202: QueuedSchema },
        },
      },
      async (request, reply) => {
        await owned(request.actor, request.params.id);
        const id = await hub.schedules.runNow(request.params.id);
        return reply.code(202).send({ id, state: (await hub.jobs.get(id)).state });
      },
    );

    app.get(
      '/connections',
      {
        schema: {
          tags,
          summary: 'Named source connections the caller may use (configured as QDH_SOURCE_<NAME>); never their URLs',
          security,
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({ name: Type.String(), kind: Type.String(), org: Nullable(Type.String()) }),
              ),
            }),
          },
        },
      },
      async (request) => ({ items: hub.ingestScope.connections(request.actor) }),
    );
  };
}
