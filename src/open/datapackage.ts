import type { Field } from '../catalog/index.js';
import type { OpenDataset } from './datasets.js';
import { datasetPage, downloadUrl, licenceUrl } from './urls.js';
import { LICENCE } from './vocab.js';

/** Table Schema types of the catalog's field types (a code, an ID, a phone number is text). */
const TYPES: Record<Field['type'], string> = {
  string: 'string',
  integer: 'integer',
  number: 'number',
  date: 'date',
  boolean: 'boolean',
  citizen_id: 'string',
  credit_code: 'string',
  division: 'string',
  phone: 'string',
};

/**
 * The dataset as a Frictionless Tabular Data Package (datapackage.json, Data Package v1): its one
 * resource is the live CSV download, described by a Table Schema of the fields the public sees.
 */
export function dataPackage(ds: OpenDataset, origin: string) {
  const r = ds.resource;
  const fields = ds.open.fields.map((f) => ({
    name: f.name,
    title: f.label,
    type: TYPES[f.type],
    ...(f.type === 'date' ? { format: 'default' } : {}),
    ...(f.type === 'boolean' ? { trueValues: ['true'], falseValues: ['false'] } : {}),
    ...(f.required && f.sensitivity <= 1 ? { constraints: { required: true } } : {}),
  }));
  const keyShown = ds.open.queryable.has(r.keyField);
  return {
    profile: 'tabular-data-package',
    name: ds.name,
    id: ds.id,
    title: r.name,
    description: r.summary,
    version: `${r.version}.0.0`,
    created: r.publishedAt ?? r.updatedAt,
    homepage: datasetPage(origin, ds.name),
    keywords: r.keywords,
    licenses: [{ name: LICENCE.id, title: LICENCE.title, path: licenceUrl(origin) }],
    sources: [{ title: r.provider.name, path: datasetPage(origin, ds.name) }],
    resources: [
      {
        name: ds.name,
        path: downloadUrl(origin, ds.name, 'csv'),
        profile: 'tabular-data-resource',
        format: 'csv',
        mediatype: 'text/csv',
        encoding: 'utf-8',
        dialect: { delimiter: ',', header: true, doubleQuote: true },
        schema: { fields, ...(keyShown ? { primaryKey: [r.keyField] } : {}) },
      },
    ],
  };
}
