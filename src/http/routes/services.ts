import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MAX_BATCH } from '../../share/index.js';
import { invalid, msg } from '../../kernel/index.js';
import type { Hub } from '../../hub/index.js';
import { PurposeRef } from './purposes.js';
import { created } from '../created.js';

const ServiceCode = Type.Object({ code: Type.String({ pattern: '^DS-[A-Z0-9]{2,16}-\\d{4,}$' }) });
// Not a pattern: a call stating a purpose it may not is refused by the read path, and recorded.
const Purpose = Type.Optional(
  Type.String({ minLength: 1, maxLength: 64, description: '用途: the code of one of the purposes the grant allows' }),
);
const FILTER = /^f\.([a-z][a-z0-9_]{0,62})$/;
const MAX_EXPORT = 10_000;

const ServiceView = Type.Object({
  code: Type.String(),
  resource: Type.Object({
    code: Type.String(),
    name: Type.String(),
    provider: Type.Object({ code: Type.String(), name: Type.String() }),
  }),
  keyField: Type.String(),
  fields: Type.Array(Type.String()),
  masked: Type.Array(Type.String()),
  purposes: Type.Array(PurposeRef, { description: 'the purposes the caller may state' }),
  publishedAt: Type.String(),
  sampleKey: Type.Optional(Type.String()),
});

/**
 * One record as the caller sees it: its fields by name, those outside the caller's grant left
 * out and masked ones masked. The fields are each resource's own, so their values are not typed here.
 */
export const RecordSchema = Type.Record(Type.String(), Type.Unknown());

/** What a read of records by key answers (src/share/service.ts, `Lookup`). */
export const LookupSchema = Type.Object({
  items: Type.Array(RecordSchema),
  fields: Type.Array(Type.String(), { description: 'the fields the caller sees, masked ones included' }),
  grant: Type.Union([Type.Integer(), Type.Null()], {
    description: 'the grant the read was made under; null for the provider and operators',
  }),
});

/** By `key`, one subject; by filters, a page of records with whether there are more. */
const ServiceAnswer = Type.Object({
  ...LookupSchema.properties,
  page: Type.Optional(Type.Integer({ description: 'with filters: the page' })),
  pageSize: Type.Optional(Type.Integer({ description: 'with filters: the page size' })),
  hasMore: Type.Optional(Type.Boolean({ description: 'with filters: whether a next page has records' })),
});

/** Up to MAX_BATCH subjects: those found, and the keys without a record. */
const BatchAnswer = Type.Object({
  ...LookupSchema.properties,
  notFound: Type.Array(Type.String(), { description: 'keys without a record, normalized' }),
});

/**
 * 数据服务: `/api/v1/services`. Machine clients call them with an API key; every read goes
 * through the share's one read path (grant, quota, mask, ledger) — these routes only parse.
 */
export function serviceRoutes(hub: Hub, opts: { demo: boolean }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/',
      {
        schema: {
          tags: ['share'],
          summary: 'The data services the caller may call, with the fields it sees',
          security: [{ apiKey: [] }, { bearer: [] }],
          response: { 200: Type.Array(ServiceView) },
        },
      },
      async (request) => hub.services.list(request.actor, opts.demo),
    );

    app.post(
      '/',
      {
        schema: {
          tags: ['share'],
          summary: "Publish a resource's data service (operators, or the provider's officers)",
          security: [{ bearer: [] }],
          body: Type.Object({ resource: Type.String({ maxLength: 40 }) }, { additionalProperties: false }),
          response: { 201: Type.Omit(ServiceView, ['fields', 'masked', 'purposes', 'sampleKey']) },
        },
      },
      async (request, reply) => created(reply, await hub.services.publish(request.actor, request.body.resource)),
    );

    app.get(
      '/:code/openapi.json',
      {
        schema: {
          tags: ['share'],
          summary: "The service's own OpenAPI document, with the fields the caller sees",
          security: [{ apiKey: [] }, { bearer: [] }],
          params: ServiceCode,
        },
      },
      async (request) => hub.services.openApi(request.actor, request.params.code),
    );

    app.get(
      '/:code/records',
      {
        schema: {
          tags: ['share'],
          summary: 'One subject by `key`, or a page of records filtered by `f.<field>=value`',
          description:
            'Every call is on the ledger before the response leaves, denials too. Over the quota or ' +
            'rate the answer is 429 with Retry-After.',
          security: [{ apiKey: [] }, { bearer: [] }],
          params: ServiceCode,
          querystring: Type.Object(
            {
              key: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
              purpose: Purpose,
              page: Type.Integer({ minimum: 1, default: 1 }),
              pageSize: Type.Integer({
                minimum: 1,
                maximum: MAX_EXPORT,
                default: 100,
                description: `up to 1000 as JSON; up to ${MAX_EXPORT} as a watermarked CSV export`,
              }),
              format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
            },
            { patternProperties: { [FILTER.source]: Type.String({ maxLength: 200 }) }, additionalProperties: false },
          ),
          response: {
            200: {
              content: {
                'application/json': { schema: ServiceAnswer },
                'text/csv': { schema: Type.String({ description: 'with `format=csv`: the watermarked export' }) },
              },
            },
          },
        },
      },
      async (request, reply) => {
        const query = request.query as Record<string, string | number | undefined>;
        const { key, purpose, page, pageSize, format, ...rest } = query;
        const code = request.params.code;
        const why = purpose as string | undefined;
        if (key !== undefined) return hub.share.serviceLookup(request.actor, code, String(key), why);
        const filters: Record<string, string> = {};
        for (const [name, value] of Object.entries(rest)) filters[FILTER.exec(name)![1]!] = String(value);
        if (format === 'csv') {
          const out = await hub.share.serviceExport(request.actor, code, filters, Number(pageSize), why);
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${code}-${out.mark}.csv"`)
            .header('x-export-rows', String(out.rows))
            .send(out.csv);
        }
        if (Number(pageSize) > 1000) {
          throw invalid('querystring/pageSize', msg('share.pageSizeJson', { max: 1000 }));
        }
        return hub.share.serviceFilter(request.actor, code, filters, Number(page), Number(pageSize), why);
      },
    );

    app.post(
      '/:code/records/batch',
      {
        schema: {
          tags: ['share'],
          summary: `Up to ${MAX_BATCH} subjects by key in one call`,
          security: [{ apiKey: [] }, { bearer: [] }],
          params: ServiceCode,
          body: Type.Object(
            {
              keys: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: MAX_BATCH }),
              purpose: Purpose,
            },
            { additionalProperties: false },
          ),
          response: { 200: BatchAnswer },
        },
      },
      async (request) =>
        hub.share.serviceBatch(request.actor, request.params.code, request.body.keys, request.body.purpose),
    );
  };
}
