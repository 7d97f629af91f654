import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authorize } from '../../access/index.js';
import {
  CATEGORIES,
  DATA_ELEMENTS,
  DataElementSchema,
  FieldInputSchema,
  bindFields,
  catalogIndicators,
  catalogTemplate,
  literals,
  readCatalogWorkbook,
  suggestLevel,
  viewerOf,
  writeCatalogCsv,
  writeCatalogWorkbook,
} from '../../catalog/index.js';
import { chinaDate, type UploadLimits } from '../../kernel/index.js';
import { assetMap } from '../../hub/asset-map.js';
import type { Hub } from '../../hub/index.js';
import { readUpload } from '../upload.js';
import { CatalogFilters } from './catalog.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** A catalog workbook is read whole into memory; thousands of entries fit well below this. */
const MAX_WORKBOOK = 20 * 1024 * 1024;
const Rate = Type.Union([Type.Number(), Type.Null()]);
const IndicatorFigures = {
  resources: Type.Integer(),
  published: Type.Integer(),
  catalogRate: Rate,
  mountRate: Rate,
  timeliness: Rate,
  sharingRate: Rate,
  openRate: Rate,
  index: Type.Number(),
};

/** The catalog's tools around the entries: data elements, grading, spreadsheets, the asset map, indicators. */
export function catalogToolRoutes(hub: Hub, limits: UploadLimits): FastifyPluginAsyncTypebox {
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
      async (request) => {
        authorize(request.actor, 'catalog:read');
        return { items: [...DATA_ELEMENTS] };
      },
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
      async (request) => {
        authorize(request.actor, 'catalog:read');
        const fields = bindFields(request.body.fields);
        return {
          level: suggestLevel({ ...request.body, fields }),
          fields: fields.map((f) => ({ name: f.name, sensitivity: f.sensitivity })),
        };
      },
    );

    app.get(
      '/template.xlsx',
      { schema: { tags: ['catalog'], summary: 'The catalog import template', security: [{ bearer: [] }] } },
      async (request, reply) => {
        authorize(request.actor, 'catalog:read');
        return reply
          .type(XLSX)
          .header('content-disposition', 'attachment; filename="catalog-template.xlsx"')
          .send(await catalogTemplate());
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
        authorize(request.actor, 'catalog:export');
        const { format, ...query } = request.query;
        const resources = await hub.catalog.listAll(query, viewerOf(request.actor));
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
        const actor = request.actor;
        authorize(actor, 'catalog:register', { ownerOrg: actor?.org?.code });
        const { data } = await readUpload(request, MAX_WORKBOOK);
        const contents = await readCatalogWorkbook(data, limits);
        const resources = await hub.catalog.registerAll(actor.org!.code, actor, contents);
        reply.status(201);
        return { resources: resources.map((r) => ({ code: r.code, name: r.name })) };
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
        },
      },
      async (request) => {
        authorize(request.actor, 'catalog:read');
        return assetMap(hub, viewerOf(request.actor), request.query.provider);
      },
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
      async (request) => {
        authorize(request.actor, 'catalog:indicators');
        const departments = (await hub.access.listOrganizations()).filter((o) => o.kind === 'department');
        return catalogIndicators(hub.catalog.db, departments);
      },
    );
  };
}
