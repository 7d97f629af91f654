import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authorize, hasRole, type Actor } from '../../access/index.js';
import { MAX_BATCH, serviceOpenApi, type DataService } from '../../exchange/index.js';
import { HubError } from '../../kernel/index.js';
import type { Hub } from '../../hub/index.js';
import { PurposeRef } from './purposes.js';

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
 * 数据服务: `/api/v1/services`. Machine clients call them with an API key; every read goes
 * through the exchange's one read path (grant, quota, mask, ledger) — these routes only parse.
 */
export function serviceRoutes(hub: Hub, opts: { demo: boolean }): FastifyPluginAsyncTypebox {
  /** The services a caller may call, with what it sees of each; a sample key for demo accounts. */
  const callable = async (actor: Actor) => {
    const all = await hub.exchange.services.list();
    const registered = await hub.purposes.list();
    const out = [];
    for (const s of all) {
      const resource = await hub.catalog.get(s.resource.code);
      const vis = await hub.exchange.visibility(actor, resource);
      if (!vis && !hasRole(actor, 'auditor')) continue;
      // Only to a caller who may see the key plainly: a sample key is a real subject's key.
      const seesKey = vis?.visible.has(s.keyField) && !vis.masked.has(s.keyField);
      const sample = opts.demo && seesKey ? await sampleKey(s) : undefined;
      out.push({
        ...s,
        fields: [...(vis?.visible ?? [])],
        masked: [...(vis?.masked ?? [])],
        purposes: (vis ? registered.filter((p) => vis.purposes?.has(p.code) ?? true) : []).map(({ code, name }) => ({
          code,
          name,
        })),
        ...(sample ? { sampleKey: sample } : {}),
      });
    }
    return out;
  };
  const sampleKey = async (s: DataService) => {
    const resource = await hub.catalog.get(s.resource.code);
    const doc = (await hub.catalog.pageRecords(resource, 1, 1)).items[0];
    return doc ? String(doc[s.keyField]) : undefined;
  };

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
      async (request) => {
        authorize(request.actor, 'service:list');
        return callable(request.actor);
      },
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
      async (request, reply) => {
        const resource = await hub.catalog.get(request.body.resource);
        authorize(request.actor, 'service:publish', { ownerOrg: resource.provider.code });
        reply.status(201);
        return hub.exchange.services.publish(resource.code, request.actor.username);
      },
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
      async (request) => {
        authorize(request.actor, 'service:list');
        const resource = await hub.exchange.services.resourceOf(request.params.code);
        const service = (await hub.exchange.services.list([resource.code]))[0]!;
        const vis = await hub.exchange.visibility(request.actor, resource);
        if (!vis) throw new HubError('SHR_NO_GRANT', `no active grant on ${resource.code}`);
        return serviceOpenApi(service, resource, vis.visible, vis.masked, vis.purposes);
      },
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
        },
      },
      async (request, reply) => {
        const query = request.query as Record<string, string | number | undefined>;
        const { key, purpose, page, pageSize, format, ...rest } = query;
        const code = request.params.code;
        const why = purpose as string | undefined;
        if (key !== undefined) return hub.exchange.serviceLookup(request.actor, code, String(key), why);
        const filters: Record<string, string> = {};
        for (const [name, value] of Object.entries(rest)) filters[FILTER.exec(name)![1]!] = String(value);
        if (format === 'csv') {
          const out = await hub.exchange.serviceExport(request.actor, code, filters, Number(pageSize), why);
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${code}-${out.mark}.csv"`)
            .header('x-export-rows', String(out.rows))
            .send(out.csv);
        }
        if (Number(pageSize) > 1000) {
          throw new HubError('KRN_VALIDATION', 'pageSize: at most 1000 as JSON', {
            problems: [{ field: 'querystring/pageSize', reason: 'at most 1000 as JSON; use format=csv for bulk' }],
          });
        }
        return hub.exchange.serviceFilter(request.actor, code, filters, Number(page), Number(pageSize), why);
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
        },
      },
      async (request) =>
        hub.exchange.serviceBatch(request.actor, request.params.code, request.body.keys, request.body.purpose),
    );
  };
}
