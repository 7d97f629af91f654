import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CATEGORIES,
  DataElementSchema,
  FieldInputSchema,
  literals,
  readCatalogWorkbook,
  writeCatalogCsv,
  writeCatalogWorkbook,
} from '../../catalog/index.js';
import { chinaDate, type UploadLimits } from '../../kernel/index.js';
import { assetMap, type Hub } from '../../hub/index.js';
import { readUpload } from '../upload.js';
import { CatalogFilters } from './catalog.js';
import { created } from '../created.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** A catalog workbook is read whole into memory; thousands of entries fit well below this. */
const MAX_WORKBOOK = 20 * 1024 * 1024;
const Rate = Type.Union([Type.Number(), Type.Null()]);
const IndicatorFigures = {
  resources: Type.Integer(),
  published: Type.Integer(),
  counts: Type.Object(
    {
      resources: Type.Integer(),
      published: Type.Integer(),
      mounted: Type.Integer(),
      shareable: Type.Integer(),
      openable: Type.Integer(),
      decided: Type.Integer(),
      onTime: Type.Integer(),
    },
    { description: "what the rates are quotients of (docs/indicators.md); the city's are the departments' added up" },
  ),
  catalogRate: Rate,
  mountRate: Rate,
  timeliness: Rate,
  sharingRate: Rate,
  openRate: Rate,
  index: Type.Number(),
};

/** The catalog's tools around the entries: data elements, grading, spreadsheets, the asset map, indicators. */
export function catalogToolRoutes(hub: Hub, limits: UploadLimits): FastifyPluginAsyncTypebox {
  const catalog = hub.authorizedCatalog;
  return async (app) => {
    app.get(
      '/data-elements',
      {
        schema: {
          tags: ['catalog'],
          summary: 'The library of standard data elements (数据元) fields bind to',
          security: [{ bearer: [] }],
          response: { 200: Type.Object({ items: Type.Array(DataElementSchema) }) },
        },
      },
      async (request) => ({ items: [...catalog.dataElements(request.actor)] }),
    );

    app.post(
      '/suggest',
      {
        schema: {
          tags: ['catalog'],
          summary: 'The suggested level and field sensitivities for a registration being written',
          security: [{ bearer: [] }],
          body: Type.Object({
            category: literals(CATEGORIES),
            keyField: Type.String({ maxLength: 63 }),
            fields: Type.Array(FieldInputSchema, { maxItems: 500 }),
          }),
          response: {
            200: Type.Object({
              level: Type.String(),
              fields: Type.Array(Type.Object({ name: Type.String(), sensitivity: Type.Integer() })),
            }),
          },
        },
      },
      async (request) => catalog.suggest(request.actor, request.body),
    );

    app.get(
      '/template.xlsx',
      { schema: { tags: ['catalog'], summary: 'The catalog import template', security: [{ bearer: [] }] } },
      async (request, reply) => {
        const template = await catalog.template(request.actor);
        return reply
          .type(XLSX)
          .header('content-disposition', 'attachment; filename="catalog-template.xlsx"')
          .send(template);
      },
    );

    app.get(
      '/export',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Export a search selection as XLSX (the import template) or CSV',
          security: [{ bearer: [] }],
          querystring: Type.Object({ ...CatalogFilters, format: literals(['xlsx', 'csv'] as const) }),
        },
      },
      async (request, reply) => {
        const { format, ...query } = request.query;
        const resources = await catalog.listAll(request.actor, query);
        const name = `catalog-${chinaDate(new Date())}.${format}`;
        reply.header('content-disposition', `attachment; filename="${name}"`);
        if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(writeCatalogCsv(resources));
        return reply.type(XLSX).send(await writeCatalogWorkbook(resources));
      },
    );

    app.post(
      '/import',
      {
        schema: {
          tags: ['catalog'],
          summary: "Register every resource of an XLSX workbook as drafts of the caller's organization — or none",
          description: 'Any bad row refuses the whole file with 422; errors[] name sheet, row, column and reason.',
          consumes: ['multipart/form-data'],
          security: [{ bearer: [] }],
          response: {
            201: Type.Object({ resources: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })) }),
          },
        },
      },
      async (request, reply) => {
        // Refused before the upload is read: a caller who may not register sends a workbook in vain.
        catalog.registrar(request.actor);
        const { data } = await readUpload(request, MAX_WORKBOOK);
        const contents = await readCatalogWorkbook(data, limits);
        const resources = await catalog.registerAll(request.actor, contents);
        return created(reply, { resources: resources.map((r) => ({ code: r.code, name: r.name })) });
      },
    );

    app.get(
      '/asset-map',
      {
        schema: {
          tags: ['catalog'],
          summary: 'The data asset map: organizations, resources, fields, data elements, consumers',
          security: [{ bearer: [] }],
          querystring: Type.Object({ provider: CatalogFilters.provider }),
          response: { 200: AssetMapSchema },
        },
      },
      async (request) => assetMap(hub, catalog.reader(request.actor), request.query.provider),
    );

    app.get(
      '/indicators',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Cataloguing, mount, timeliness, sharing and open rates and the evaluation index per department',
          security: [{ bearer: [] }],
          response: {
            200: Type.Object({
              city: Type.Object({ departments: Type.Integer(), ...IndicatorFigures }),
              organizations: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), ...IndicatorFigures })),
            }),
          },
        },
      },
      async (request) => catalog.indicators(request.actor),
    );
  };
}

const AssetMapSchema = Type.Object({
  nodes: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.Union([
        Type.Literal('org'),
        Type.Literal('resource'),
        Type.Literal('field'),
        Type.Literal('element'),
        Type.Literal('consumer'),
      ]),
      label: Type.String(),
    }),
  ),
  links: Type.Array(
    Type.Object({
      source: Type.String(),
      target: Type.String(),
      kind: Type.Union([
        Type.Literal('provides'),
        Type.Literal('has'),
        Type.Literal('binds'),
        Type.Literal('element'),
        Type.Literal('consumes'),
      ]),
    }),
  ),
});
