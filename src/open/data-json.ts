import type { OpenDataset } from './datasets.js';
import { DISTRIBUTIONS } from './ids.js';
import { MEDIA_TYPES, datasetPage, downloadUrl, licenceUrl } from './urls.js';
import { CATEGORY_TITLES, FREQUENCY_ISO } from './vocab.js';

/**
 * The open datasets as a DCAT-US 1.1 catalogue (Project Open Data's data.json), written a batch
 * of datasets at a time: however many there are, the answer streams with flat memory.
 */
export async function* dataJson(
  origin: string,
  contactEmail: string,
  batches: AsyncIterable<OpenDataset[]>,
): AsyncGenerator<string> {
  yield JSON.stringify({
    '@context': 'https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld',
    '@id': `${origin}/data.json`,
    '@type': 'dcat:Catalog',
    conformsTo: 'https://project-open-data.cio.gov/v1.1/schema',
    describedBy: 'https://project-open-data.cio.gov/v1.1/schema/catalog.json',
  }).replace(/}$/, ',"dataset":[');
  let first = true;
  for await (const batch of batches) {
    for (const ds of batch) {
      yield (first ? '\n' : ',\n') + JSON.stringify(datasetOf(origin, contactEmail, ds));
      first = false;
    }
  }
  yield '\n]}\n';
}

function datasetOf(origin: string, contactEmail: string, ds: OpenDataset) {
  const r = ds.resource;
  return {
    '@type': 'dcat:Dataset',
    identifier: ds.id,
    title: r.name,
    description: r.summary || r.name,
    keyword: r.keywords.length > 0 ? r.keywords : [r.name],
    modified: r.updatedAt,
    ...(r.publishedAt ? { issued: r.publishedAt } : {}),
    publisher: { '@type': 'org:Organization', name: r.provider.name },
    contactPoint: { '@type': 'vcard:Contact', fn: r.provider.name, hasEmail: `mailto:${contactEmail}` },
    accessLevel: 'public',
    license: licenceUrl(origin),
    landingPage: datasetPage(origin, ds.name),
    accrualPeriodicity: FREQUENCY_ISO[r.updateFrequency],
    language: ['zh-CN'],
    theme: [CATEGORY_TITLES[r.category].zh],
    distribution: DISTRIBUTIONS.map((d) => ({
      '@type': 'dcat:Distribution',
      title: `${r.name}（${d.toUpperCase()}）`,
      downloadURL: downloadUrl(origin, ds.name, d),
      mediaType: MEDIA_TYPES[d],
      format: d.toUpperCase(),
    })),
  };
}
