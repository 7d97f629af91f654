import type { Field } from '../catalog/index.js';
import type { DatasetCounts } from './counters.js';
import type { OpenDataset } from './datasets.js';
import { DISTRIBUTIONS, distributionId, type Distribution } from './ids.js';
import { datasetPage, downloadUrl, licenceUrl, MEDIA_TYPES, organizationPage } from './urls.js';
import { CATEGORY_TITLES, LICENCE } from './vocab.js';

/**
 * CKAN's dictionaries (ckan/logic/schema.py, the package/resource/organization/group dicts of
 * ckan/lib/dictization) built from an open dataset, so that CKAN clients and harvesters read
 * them unchanged. Hub-specific facts go in `extras` (CKAN's place for them).
 */
export interface Organization {
  code: string;
  name: string;
}

export const orgName = (code: string) => code.toLowerCase();

export function organizationDict(org: Organization, origin: string, packageCount?: number) {
  return {
    id: orgName(org.code),
    name: orgName(org.code),
    title: org.name,
    display_name: org.name,
    description: '',
    image_url: '',
    image_display_url: '',
    type: 'organization',
    is_organization: true,
    approval_status: 'approved',
    state: 'active',
    created: null,
    url: organizationPage(origin, orgName(org.code)),
    ...(packageCount !== undefined ? { package_count: packageCount } : {}),
  };
}

export function groupDict(category: keyof typeof CATEGORY_TITLES, packageCount?: number) {
  const title = CATEGORY_TITLES[category];
  return {
    id: category,
    name: category,
    title: title.zh,
    display_name: title.zh,
    description: title.en,
    image_display_url: '',
    type: 'group',
    is_organization: false,
    approval_status: 'approved',
    state: 'active',
    ...(packageCount !== undefined ? { package_count: packageCount } : {}),
  };
}

export function tagDict(name: string) {
  return { id: name, name, display_name: name, state: 'active', vocabulary_id: null };
}

const NAMES: Record<Distribution, string> = { csv: 'CSV', json: 'JSON', xlsx: 'XLSX' };

export function resourceDict(ds: OpenDataset, d: Distribution, origin: string) {
  const r = ds.resource;
  return {
    id: distributionId(ds.entry, d),
    package_id: ds.id,
    name: `${r.name}（${NAMES[d]}）`,
    description: r.summary,
    format: NAMES[d],
    mimetype: MEDIA_TYPES[d],
    url: downloadUrl(origin, ds.name, d),
    url_type: null,
    // The CSV is the dataset's table in the data API (datastore_search answers for its id).
    datastore_active: d === 'csv',
    size: null,
    hash: '',
    state: 'active',
    position: DISTRIBUTIONS.indexOf(d),
    created: r.publishedAt,
    last_modified: r.updatedAt,
    metadata_modified: r.updatedAt,
    cache_url: null,
    resource_type: null,
  };
}

export function packageDict(ds: OpenDataset, org: Organization, origin: string, counts?: DatasetCounts) {
  const r = ds.resource;
  const tags = r.keywords.map(tagDict);
  return {
    id: ds.id,
    name: ds.name,
    title: r.name,
    notes: r.summary,
    type: 'dataset',
    state: 'active',
    private: false,
    isopen: true,
    author: org.name,
    author_email: null,
    maintainer: org.name,
    maintainer_email: null,
    license_id: LICENCE.id,
    license_title: LICENCE.title,
    license_url: licenceUrl(origin),
    url: datasetPage(origin, ds.name),
    version: String(r.version),
    metadata_created: r.publishedAt,
    metadata_modified: r.updatedAt,
    creator_user_id: null,
    owner_org: orgName(org.code),
    organization: organizationDict(org, origin),
    groups: [groupDict(r.category)],
    tags,
    num_tags: tags.length,
    resources: DISTRIBUTIONS.map((d) => resourceDict(ds, d, origin)),
    num_resources: DISTRIBUTIONS.length,
    relationships_as_object: [],
    relationships_as_subject: [],
    extras: [
      { key: 'code', value: r.code },
      { key: 'update_frequency', value: r.updateFrequency },
      { key: 'record_count', value: String(r.recordCount) },
      ...(counts
        ? [
            { key: 'views', value: String(counts.views) },
            { key: 'downloads', value: String(counts.downloads) },
            { key: 'calls', value: String(counts.calls) },
          ]
        : []),
    ],
  };
}

/**
 * datastore_search's `fields`: the id column first, as CKAN's datastore has, then each shown field;
 * the record's key (`keyField`, when the dataset shows it) is marked in its data dictionary entry,
 * as datapackage.json's primaryKey says of it.
 */
export function datastoreFields(fields: readonly Field[], keyField?: string) {
  return fields.map((f) => ({
    id: f.name,
    type: DATASTORE_TYPES[f.type] ?? 'text',
    info: { label: f.label, ...(f.name === keyField ? { primary_key: true } : {}) },
  }));
}

const DATASTORE_TYPES: Partial<Record<Field['type'], string>> = {
  integer: 'int',
  number: 'numeric',
  date: 'date',
  boolean: 'bool',
};
