import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Hub } from '../../hub/index.js';
import { HubError, isHubError, msg } from '../../kernel/index.js';
import {
  FILE_NAME,
  MEDIA_TYPES,
  csvDownload,
  dataPackage,
  download,
  type Distribution,
  type KeyHolder,
  type OpenDataset,
} from '../../open/index.js';
import { openCredentialOf } from '../auth.js';
import { originOf } from './licences.js';

const FILES = ['download.csv', 'download.json', 'download.xlsx', 'datapackage.json'] as const;

/**
 * An open dataset's files at stable addresses (docs/open.md): its records as CSV, JSON and XLSX,
 * generated from the live records as they stream out of the store, and its Frictionless
 * datapackage.json, whose resource is the CSV. Public; masking as every public answer (rules.ts).
 */
export function openPublicRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/open/datasets/:name/:file',
      {
        config: { public: true },
        schema: {
          tags: ['open'],
          summary:
            'An open dataset’s downloads (CSV, JSON, XLSX from the live records) and its datapackage.json (public)',
          params: Type.Object({
            name: Type.String({
              pattern: '^[a-z0-9]{2,20}-\\d{1,10}$',
              description: 'the dataset name, e.g. jnjtj-0006',
            }),
            file: Type.String({ enum: [...FILES] }),
          }),
          response: { 200: Type.Unknown() },
        },
      },
      async (request, reply) => {
        const file = request.params.file;
        if (file === 'datapackage.json') {
          const ds = await hub.open.find(request.params.name);
          return reply.type('application/json; charset=utf-8').send(dataPackage(ds, originOf(request)));
        }
        const kind = file.slice('download.'.length) as Distribution;
        if (!(kind in MEDIA_TYPES)) throw new HubError('OPN_NOT_FOUND', msg('open.noDataset', { name: file }));
        const holder = await hub.developers.admit(openCredentialOf(request), request.ip);
        const ds = await datasetFor(hub, request.params.name, holder);
        hub.open.counters.add(ds.entry, 'download');
        const type = kind === 'xlsx' ? MEDIA_TYPES.xlsx : `${MEDIA_TYPES[kind]}; charset=utf-8`;
        // A CSV the database can write itself (nothing masked, PostgreSQL) comes from its COPY: the same bytes, faster.
        const copied = kind === 'csv' ? await hub.open.csvRows(ds) : undefined;
        return reply
          .type(type)
          .header('content-disposition', `attachment; filename="${FILE_NAME(ds.name, kind)}"`)
          .header('cache-control', 'no-cache')
          .send(copied ? csvDownload(ds.open.fields, copied) : download(kind, ds.open.fields, hub.open.stream(ds)));
      },
    );
  };
}

/**
 * The dataset a download names: an open one, else a conditional one the key's holder was approved
 * for — that download on the ledger before it starts (its rows are the dataset's count then).
 */
async function datasetFor(hub: Hub, name: string, holder: KeyHolder | null): Promise<OpenDataset> {
  try {
    return await hub.open.find(name);
  } catch (e) {
    if (!(holder && isHubError(e) && e.code === 'OPN_NOT_FOUND')) throw e;
    const approved = await hub.conditional.readable(holder, name);
    if (!approved) throw e;
    await hub.conditional.recordUse(holder, approved.dataset, approved.application);
    return approved.dataset;
  }
}
