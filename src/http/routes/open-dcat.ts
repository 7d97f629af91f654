import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Hub } from '../../hub/index.js';
import { HubError, msg } from '../../kernel/index.js';
import {
  PER_PAGE,
  RDF_MEDIA_TYPES,
  catalogQuads,
  dataJson,
  formatOf,
  writeRdf,
  type RdfFormat,
} from '../../open/index.js';
import { originOf } from './licences.js';

const PAGE = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'the page (100 datasets each)' })),
});

/**
 * The open datasets for harvesters (docs/open.md): DCAT-AP 3 at /catalog.ttl, /catalog.rdf and
 * /catalog.jsonld, and by Accept on /catalog, a hundred datasets a page with Hydra paging as
 * ckanext-dcat; and the DCAT-US 1.1 data.json, streamed. Public.
 */
export function openDcatRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    const page = async (request: FastifyRequest, path: string, format: RdfFormat, n: number) => {
      const origin = originOf(request);
      const { items, total } = await hub.open.search({ sort: 'code', offset: (n - 1) * PER_PAGE, limit: PER_PAGE });
      if (items.length === 0 && n > 1)
        throw new HubError('OPN_NOT_FOUND', msg('open.noDataset', { name: `page ${n}` }));
      const platform = (await hub.access.listOrganizations()).find((o) => o.kind === 'platform');
      const quads = catalogQuads({
        origin,
        base: `${origin}${path}`,
        page: n,
        total,
        datasets: items,
        publisher: platform ? { code: platform.code, name: platform.name } : { code: 'hub', name: '泉城数据中枢' },
      });
      return writeRdf(quads, format);
    };
    const schema = (summary: string) => ({
      tags: ['open'],
      summary,
      querystring: PAGE,
      response: { 200: Type.String() },
    });
    for (const format of ['ttl', 'rdf', 'jsonld'] as const) {
      app.get(
        `/catalog.${format}`,
        {
          config: { public: true },
          schema: schema(`The open datasets as DCAT-AP 3 (${RDF_MEDIA_TYPES[format]}), paged with Hydra (public)`),
        },
        async (request, reply) => {
          const text = await page(request, `/catalog.${format}`, format, request.query.page ?? 1);
          return reply.type(`${RDF_MEDIA_TYPES[format]}; charset=utf-8`).send(text);
        },
      );
    }
    app.get(
      '/catalog',
      {
        config: { public: true },
        schema: schema(
          'The open datasets as DCAT-AP 3 in the format the Accept header asks for (Turtle, RDF/XML, JSON-LD; public)',
        ),
      },
      async (request, reply) => {
        const format = formatOf(request.headers.accept);
        // A browser asking for /catalog gets the web app's catalogue page, whose client route it is.
        if (format === 'html') {
          if (typeof reply.sendFile === 'function')
            return reply.header('cache-control', 'no-cache').sendFile('index.html');
          throw new HubError('KRN_NOT_FOUND', msg('http.noRoute', { method: 'GET', path: '/catalog' }));
        }
        const text = await page(request, '/catalog', format, request.query.page ?? 1);
        return reply.type(`${RDF_MEDIA_TYPES[format]}; charset=utf-8`).header('vary', 'Accept').send(text);
      },
    );
    app.get(
      '/data.json',
      {
        config: { public: true },
        schema: {
          tags: ['open'],
          summary: 'The open datasets as a DCAT-US 1.1 catalogue (data.json; public)',
          response: { 200: Type.Unknown() },
        },
      },
      async (request, reply) => {
        const origin = originOf(request);
        const contact = process.env.QDH_OPEN_CONTACT_EMAIL || `opendata@${new URL(origin).hostname}`;
        return reply
          .type('application/json; charset=utf-8')
          .send(Readable.from(dataJson(origin, contact, hub.open.all())));
      },
    );
  };
}
