import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams as Id } from '../schemas.js';
import { literals } from '../../catalog/index.js';
import type { Hub } from '../../hub/index.js';
import { QualityRuleSchema, QualityRulesSchema, QualityThresholdSchema, SEVERITIES } from '../../quality/index.js';
import { created } from '../created.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Org = Type.Object({ code: Type.String(), name: Type.String() });
const Value = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);
const CORRECTION_STATES = ['open', 'accepted', 'rejected'] as const;

const RuleSetSchema = Type.Object({
  resource: Type.String(),
  version: Type.Integer({ description: '0 until rules are first set' }),
  rules: Type.Array(QualityRuleSchema),
  builtins: Type.Array(
    Type.Object({
      id: Type.String(),
      field: Type.String(),
      severity: literals(SEVERITIES),
      description: Type.String(),
    }),
  ),
  threshold: QualityThresholdSchema,
  thresholdIsDefault: Type.Boolean({ description: 'none set: the default, warn below 95 %' }),
  setBy: Nullable(Type.String()),
  setAt: Nullable(Type.String({ format: 'date-time' })),
});

const CorrectionSchema = Type.Object({
  id: Type.Integer(),
  resource: Type.Object({ code: Type.String(), name: Type.String(), provider: Org }),
  key: Type.String({ description: 'masked unless the caller is the provider, the reporter or the subject' }),
  field: Type.Object({ name: Type.String(), label: Type.String() }),
  claimedValue: Type.String(),
  proposedValue: Nullable(Type.String()),
  note: Type.String(),
  reporter: Type.Object({
    kind: literals(['citizen', 'consumer', 'operator', 'portal'] as const),
    org: Nullable(Type.String()),
    self: Type.Boolean(),
  }),
  state: literals(CORRECTION_STATES),
  filedAt: Type.String({ format: 'date-time' }),
  dueDate: Type.String({ format: 'date' }),
  overdue: Type.Boolean({ description: 'open past its due date (China time)' }),
  workingDaysLeft: Nullable(Type.Integer()),
  flaggedAt: Nullable(Type.String({ format: 'date-time' })),
  decidedAt: Nullable(Type.String({ format: 'date-time' })),
  decidedBy: Nullable(Type.String()),
  rejectReason: Nullable(Type.String()),
  newValue: Value,
  masked: Type.Boolean(),
});

const CorrectionInputSchema = Type.Object(
  {
    resource: Type.String({ pattern: '^[A-Z0-9]{2,16}-\\d{4,}$', description: 'resource code' }),
    key: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: "the record's key; a citizen may leave it out for their own ID",
      }),
    ),
    field: Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' }),
    claimedValue: Type.String({ maxLength: 500, description: 'the value seen, said to be wrong' }),
    proposedValue: Type.Optional(Nullable(Type.String({ maxLength: 500, description: 'what it should be' }))),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

const Indicators = Type.Object({
  reported: Type.Integer(),
  fixed: Type.Integer(),
  rejected: Type.Integer(),
  open: Type.Integer(),
  overdue: Type.Integer(),
  fixRate: Nullable(Type.Number({ description: '% fixed of reported − rejected' })),
  medianFixHours: Nullable(Type.Number()),
  onTimeRate: Nullable(Type.Number({ description: '% answered by the due date' })),
});

const Code = Type.Object({ code: Type.String({ pattern: '^[A-Z0-9]{2,16}-\\d{4,}$' }) });

/** 数据质量: rule sets of resources, corrections (纠错) with their 2-working-day deadline, indicators. */
export function qualityRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['quality'];
    const security = [{ bearer: [] }];

    app.get(
      '/resources/:code/quality-rules',
      {
        schema: {
          tags,
          summary: "A resource's quality rules: the configured ones and those built in from its data elements",
          security,
          params: Code,
          response: { 200: RuleSetSchema },
        },
      },
      async (request) => {
        const resource = await hub.authorizedCatalog.read(request.actor, request.params.code);
        return hub.quality.rules(resource.code);
      },
    );

    app.put(
      '/resources/:code/quality-rules',
      {
        schema: {
          tags,
          summary: "Replace the configurable rules (the provider's officers, operators); a new version",
          description:
            'A bad rule is a 400 naming `rules/<i>/<param>`. `baseVersion` guards against lost edits. ' +
            '`threshold` (minimum pass rate, warn or hold below it) is versioned with the rules.',
          security,
          params: Code,
          body: Type.Object(
            {
              rules: QualityRulesSchema,
              baseVersion: Type.Optional(Type.Integer({ minimum: 0 })),
              threshold: Type.Optional(
                Type.Union([QualityThresholdSchema, Type.Null()], {
                  description: 'the quality threshold; left out keeps the current one, null the default',
                }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 200: RuleSetSchema },
        },
      },
      async (request) => {
        const resource = await hub.authorizedCatalog.read(request.actor, request.params.code);
        const { rules, baseVersion, threshold } = request.body;
        return hub.quality.setRules(resource.code, rules, request.actor, baseVersion, threshold);
      },
    );

    app.post(
      '/corrections',
      {
        schema: {
          tags,
          summary: 'Report a wrong value: a consumer with a grant on the field, an operator, or the citizen concerned',
          description: "Routed to the provider's data officers, due 2 working days later.",
          security,
          body: CorrectionInputSchema,
          response: { 201: CorrectionSchema },
        },
      },
      async (request, reply) => created(reply, await hub.quality.report(request.actor, request.body)),
    );

    app.get(
      '/corrections',
      {
        schema: {
          tags,
          summary: 'Corrections the caller may see: the open ones by due date, the others newest first',
          security,
          querystring: Type.Object({
            state: Type.Optional(literals([...CORRECTION_STATES, 'overdue'] as const)),
            org: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{2,16}$', description: 'provider organization' })),
            page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(CorrectionSchema),
              total: Type.Integer(),
              page: Type.Integer(),
              pageSize: Type.Integer(),
            }),
          },
        },
      },
      async (request) => hub.quality.list(request.actor, request.query),
    );

    app.get(
      '/corrections/:id',
      { schema: { tags, summary: 'One correction', security, params: Id, response: { 200: CorrectionSchema } } },
      async (request) => hub.quality.get(request.actor, request.params.id),
    );

    app.post(
      '/corrections/:id/accept',
      {
        schema: {
          tags,
          summary: "The provider's officers accept: the value (else the proposed one) is written into the record",
          security,
          params: Id,
          body: Type.Object(
            { value: Type.Optional(Type.String({ maxLength: 500, description: 'default: the proposed value' })) },
            { additionalProperties: false },
          ),
          response: { 200: CorrectionSchema },
        },
      },
      async (request) => hub.quality.accept(request.actor, request.params.id, request.body),
    );

    app.post(
      '/corrections/:id/reject',
      {
        schema: {
          tags,
          summary: "The provider's officers reject, with a reason: the value is right as it is",
          security,
          params: Id,
          body: Type.Object(
            { reason: Type.String({ minLength: 2, maxLength: 1000 }) },
            { additionalProperties: false },
          ),
          response: { 200: CorrectionSchema },
        },
      },
      async (request) => hub.quality.reject(request.actor, request.params.id, request.body.reason),
    );

    app.get(
      '/quality/indicators',
      {
        schema: {
          tags,
          summary: 'Correction indicators per provider and city-wide: fix rate, fix time, timeliness',
          security,
          response: {
            200: Type.Object({
              cityWide: Indicators,
              byProvider: Type.Array(Type.Object({ org: Org, ...Indicators.properties })),
            }),
          },
        },
      },
      async (request) => hub.quality.indicatorsFor(request.actor),
    );
  };
}
