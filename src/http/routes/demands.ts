import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams as Id } from '../schemas.js';
import { literals } from '../../catalog/index.js';
import { chinaDate } from '../../kernel/index.js';
import type { AuthorizedDemands } from '../../share/index.js';
import { PurposeCodes, PurposeRef } from './purposes.js';
import { created } from '../created.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const STATES = ['basis_review', 'filed', 'confirmed', 'refused', 'published'] as const;
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Org = Type.Object({ code: Type.String(), name: Type.String() });

const DemandSchema = Type.Object({
  id: Type.Integer(),
  consumer: Org,
  resource: Nullable(Type.Object({ code: Type.String(), name: Type.String(), provider: Org })),
  need: Type.String(),
  fields: Type.Array(Type.String()),
  purposes: Type.Array(PurposeRef),
  purpose: Type.String(),
  legalBasis: Type.String(),
  volume: Type.String(),
  frequency: Type.String(),
  state: literals(STATES),
  filedAt: Type.String({ format: 'date-time' }),
  steps: Type.Array(
    Type.Object({
      step: literals(['confirm', 'publish'] as const),
      dueDate: Nullable(Type.String({ format: 'date' })),
      doneAt: Nullable(Type.String({ format: 'date-time' })),
      overdue: Type.Boolean(),
      workingDaysLeft: Nullable(Type.Integer()),
    }),
  ),
  refusedReason: Nullable(Type.String()),
  grantId: Nullable(Type.Integer()),
  serviceCode: Nullable(Type.String()),
  overdue: Type.Boolean({ description: 'an open step is past its due date (China time)' }),
  assignedTo: Type.Union([Org, Type.Null()], {
    description: 'the department the operators assigned a demand for data not yet in the catalog to',
  }),
});

const DemandInputSchema = Type.Object(
  {
    resource: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{2,16}-\\d{4,}$', description: 'resource code' })),
    need: Type.Optional(Type.String({ maxLength: 2000, description: 'free text, required without a resource' })),
    fields: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 63 }), { maxItems: 500 })),
    purposes: PurposeCodes,
    purpose: Type.String({ minLength: 2, maxLength: 500, description: 'what the data is for, in your own words' }),
    legalBasis: Type.Optional(
      Type.String({ maxLength: 1000, description: "required for resources shared 'none' (不予共享)" }),
    ),
    volume: Type.Optional(Type.String({ maxLength: 200 })),
    frequency: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

const OrgCode = Type.String({ pattern: '^[A-Z0-9]{2,16}$', description: 'organization code' });
const Assignment = Type.Object({ org: OrgCode }, { additionalProperties: false });
const Fulfilment = Type.Object(
  {
    resource: Type.String({
      pattern: '^[A-Z0-9]{2,16}-\\d{4,}$',
      description: 'the published resource registered for it',
    }),
    fields: Type.Array(Type.String({ minLength: 1, maxLength: 63 }), { minItems: 1, maxItems: 500 }),
  },
  { additionalProperties: false },
);
const Reason = Type.Object({ reason: Type.String({ minLength: 2, maxLength: 1000 }) }, { additionalProperties: false });
const Filter = Type.Object({
  state: Type.Optional(literals(STATES)),
  role: Type.Optional(literals(['consumer', 'provider'] as const)),
});

/** 供需对接: demands with working-day deadlines, their steps and the ledger (台账) as XLSX. */
export function demandRoutes(hub: { demands: AuthorizedDemands }): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['share'];
    const security = [{ bearer: [] }];

    app.post(
      '/demands',
      {
        schema: {
          tags,
          summary: "File a demand for the caller's organization: fields of a resource, or free text",
          description:
            'Conditional resources wait for the provider (5 working days to confirm, 10 more to publish); ' +
            'unconditional ones are confirmed at once; resources shared "none" need a legal basis the operators accept.',
          security,
          body: DemandInputSchema,
          response: { 201: DemandSchema },
        },
      },
      async (request, reply) => created(reply, await hub.demands.file(request.actor, request.body)),
    );

    app.get(
      '/demands',
      {
        schema: {
          tags,
          summary: 'Demands the caller may see, newest first, with their deadlines',
          security,
          querystring: Filter,
          response: { 200: Type.Object({ items: Type.Array(DemandSchema) }) },
        },
      },
      async (request) => ({ items: await hub.demands.list(request.actor, request.query) }),
    );

    app.get(
      '/demands/ledger.xlsx',
      {
        schema: {
          tags,
          summary: 'The demand ledger (供需对接台账) as XLSX, with the same filters as the list',
          security,
          querystring: Filter,
        },
      },
      async (request, reply) => {
        const file = await hub.demands.ledgerXlsx(request.actor, request.query);
        return reply
          .type(XLSX)
          .header('content-disposition', `attachment; filename="demands-${chinaDate(new Date())}.xlsx"`)
          .send(file);
      },
    );

    app.get(
      '/demands/:id',
      {
        schema: { tags, summary: 'One demand', security, params: Id, response: { 200: DemandSchema } },
      },
      async (request) => hub.demands.get(request.actor, request.params.id),
    );

    for (const [path, summary, run] of [
      ['confirm', "The provider's officers confirm: the service is due 10 working days later", 'confirm'],
      ['publish', 'Publish: creates the grant and the data service (provider officers, operators)', 'publish'],
      ['accept-basis', "Operators accept the legal basis of a demand on a resource shared 'none'", 'acceptBasis'],
    ] as const) {
      app.post(
        `/demands/:id/${path}`,
        { schema: { tags, summary, security, params: Id, response: { 200: DemandSchema } } },
        async (request) => hub.demands[run](request.actor, request.params.id),
      );
    }

    app.post(
      '/demands/:id/assign',
      {
        schema: {
          tags,
          summary: 'Operators assign a demand for data not yet in the catalog to the department that should provide it',
          description:
            'The department has 5 working days to register a resource for it and confirm (fulfil), or to refuse.',
          security,
          params: Id,
          body: Assignment,
          response: { 200: DemandSchema },
        },
      },
      async (request) => hub.demands.assign(request.actor, request.params.id, request.body.org),
    );

    app.post(
      '/demands/:id/fulfil',
      {
        schema: {
          tags,
          summary:
            'The assigned department confirms a demand for data not yet in the catalog with the resource it registered',
          description: "The resource must be published and the department's own; the grant will hold the fields given.",
          security,
          params: Id,
          body: Fulfilment,
          response: { 200: DemandSchema },
        },
      },
      async (request) => hub.demands.fulfil(request.actor, request.params.id, request.body),
    );

    for (const [path, summary, run] of [
      ['refuse', "The provider's officers refuse, with a reason", 'refuse'],
      ['reject-basis', 'Operators reject the legal basis, with a reason: the demand is refused', 'rejectBasis'],
    ] as const) {
      app.post(
        `/demands/:id/${path}`,
        { schema: { tags, summary, security, params: Id, body: Reason, response: { 200: DemandSchema } } },
        async (request) => hub.demands[run](request.actor, request.params.id, request.body.reason),
      );
    }
  };
}
