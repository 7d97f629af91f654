import { Readable } from 'node:stream';
import scribe from '@graphy/content.xml.scribe';
import N3, { type Quad } from 'n3';
import type { OpenDataset } from './datasets.js';
import { DISTRIBUTIONS } from './ids.js';
import { MEDIA_TYPES, datasetPage, downloadUrl, licenceUrl, organizationPage } from './urls.js';
import { CATEGORY_TITLES, FILE_TYPES, FREQUENCY_IRIS } from './vocab.js';

/**
 * The open datasets as DCAT-AP 3 (the EU's application profile of W3C DCAT), a page at a time
 * with Hydra paging triples as ckanext-dcat writes them, so that a DCAT harvester takes the
 * portal as it takes a CKAN site. The graph is built once as RDF/JS quads (n3's data factory)
 * and written by libraries: Turtle by n3, RDF/XML by graphy's scriber, JSON-LD by jsonld.js.
 */
const { namedNode, literal, quad, blankNode } = N3.DataFactory;

export const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  hydra: 'http://www.w3.org/ns/hydra/core#',
  adms: 'http://www.w3.org/ns/adms#',
} as const;

const iri = (prefix: keyof typeof NS, local: string) => namedNode(NS[prefix] + local);
const a = iri('rdf', 'type');
const zh = (text: string) => literal(text, 'zh');
const dateTime = (iso: string) => literal(iso, iri('xsd', 'dateTime'));
const integer = (n: number) => literal(String(n), iri('xsd', 'integer'));
const LANGUAGE = 'http://publications.europa.eu/resource/authority/language/ZHO';
const IANA = 'http://www.iana.org/assignments/media-types/';

export const PER_PAGE = 100;

export interface CatalogPage {
  origin: string;
  /** The page's own URL, without the page parameter (`…/catalog.ttl`). */
  base: string;
  page: number;
  total: number;
  datasets: OpenDataset[];
  /** The portal's operator (the catalogue's publisher). */
  publisher: { code: string; name: string };
}

/** The catalogue page as RDF/JS quads. */
export function catalogQuads(p: CatalogPage): Quad[] {
  const out: Quad[] = [];
  const add = (s: N3.Quad_Subject, pr: N3.Quad_Predicate, o: N3.Quad_Object) => out.push(quad(s, pr, o));
  const typed = (node: N3.NamedNode, type: N3.NamedNode) => add(node, a, type);
  const seen = new Set<string>();
  const once = (key: string, fn: () => void) => {
    if (seen.has(key)) return;
    seen.add(key);
    fn();
  };
  const agent = (org: { code: string; name: string }) => {
    const node = namedNode(organizationPage(p.origin, org.code.toLowerCase()));
    once(node.value, () => {
      typed(node, iri('foaf', 'Agent'));
      add(node, iri('foaf', 'name'), zh(org.name));
    });
    return node;
  };
  const typedOnce = (value: string, type: N3.NamedNode) => {
    const node = namedNode(value);
    once(`${value} ${type.value}`, () => typed(node, type));
    return node;
  };

  const catalog = namedNode(`${p.origin}/catalog`);
  typed(catalog, iri('dcat', 'Catalog'));
  add(catalog, iri('dct', 'title'), zh('泉城数据中枢 · 济南公共数据开放'));
  add(catalog, iri('dct', 'title'), literal('Quancheng Data Hub · Jinan public open data', 'en'));
  add(
    catalog,
    iri('dct', 'description'),
    zh('济南市公共数据资源目录中无条件开放的数据集，数据来自全市统一的公共数据平台。'),
  );
  add(catalog, iri('dct', 'description'), literal("Jinan's unconditionally open public datasets.", 'en'));
  add(catalog, iri('dct', 'publisher'), agent(p.publisher));
  add(catalog, iri('foaf', 'homepage'), typedOnce(`${p.origin}/open`, iri('foaf', 'Document')));
  add(catalog, iri('dct', 'language'), typedOnce(LANGUAGE, iri('dct', 'LinguisticSystem')));
  const licence = typedOnce(licenceUrl(p.origin), iri('dct', 'LicenseDocument'));
  const scheme = typedOnce(`${p.origin}/open/groups`, iri('skos', 'ConceptScheme'));
  add(scheme, iri('dct', 'title'), zh('数据资源分类'));
  add(catalog, iri('dcat', 'themeTaxonomy'), scheme);

  for (const ds of p.datasets) {
    const r = ds.resource;
    const node = namedNode(datasetPage(p.origin, ds.name));
    add(catalog, iri('dcat', 'dataset'), node);
    typed(node, iri('dcat', 'Dataset'));
    add(node, iri('dct', 'title'), zh(r.name));
    add(node, iri('dct', 'description'), zh(r.summary || r.name));
    add(node, iri('dct', 'identifier'), literal(ds.id));
    for (const k of r.keywords) add(node, iri('dcat', 'keyword'), zh(k));
    add(node, iri('dct', 'publisher'), agent(r.provider));
    if (r.publishedAt) add(node, iri('dct', 'issued'), dateTime(r.publishedAt));
    add(node, iri('dct', 'modified'), dateTime(r.updatedAt));
    add(node, iri('dct', 'accrualPeriodicity'), typedOnce(FREQUENCY_IRIS[r.updateFrequency], iri('dct', 'Frequency')));
    add(node, iri('dct', 'language'), namedNode(LANGUAGE));
    add(node, iri('dcat', 'landingPage'), typedOnce(datasetPage(p.origin, ds.name), iri('foaf', 'Document')));
    const theme = namedNode(`${p.origin}/open/groups/${r.category}`);
    once(theme.value, () => {
      typed(theme, iri('skos', 'Concept'));
      add(theme, iri('skos', 'prefLabel'), zh(CATEGORY_TITLES[r.category].zh));
      add(theme, iri('skos', 'inScheme'), scheme);
    });
    add(node, iri('dcat', 'theme'), theme);
    const contact = blankNode();
    add(node, iri('dcat', 'contactPoint'), contact);
    add(contact, a, iri('vcard', 'Kind'));
    add(contact, iri('vcard', 'fn'), zh(r.provider.name));
    add(contact, iri('vcard', 'hasURL'), namedNode(organizationPage(p.origin, r.provider.code.toLowerCase())));
    for (const d of DISTRIBUTIONS) {
      const dist = namedNode(`${datasetPage(p.origin, ds.name)}/distributions/${d}`);
      add(node, iri('dcat', 'distribution'), dist);
      typed(dist, iri('dcat', 'Distribution'));
      add(dist, iri('dct', 'title'), zh(`${r.name}（${d.toUpperCase()}）`));
      // Typed, as DCAT-AP's shapes ask of these IRIs (sh:class rdfs:Resource).
      add(dist, iri('dcat', 'accessURL'), typedOnce(datasetPage(p.origin, ds.name), iri('rdfs', 'Resource')));
      add(dist, iri('dcat', 'downloadURL'), typedOnce(downloadUrl(p.origin, ds.name, d), iri('rdfs', 'Resource')));
      add(dist, iri('dct', 'format'), typedOnce(FILE_TYPES[d]!, iri('dct', 'MediaTypeOrExtent')));
      add(dist, iri('dcat', 'mediaType'), typedOnce(IANA + MEDIA_TYPES[d], iri('dct', 'MediaType')));
      add(dist, iri('dct', 'license'), licence);
      add(dist, iri('dct', 'modified'), dateTime(r.updatedAt));
    }
  }

  // Paging as ckanext-dcat writes it (hydra:PagedCollection, the page links as literals).
  const last = Math.max(1, Math.ceil(p.total / PER_PAGE));
  const pageUrl = (n: number) => `${p.base}?page=${n}`;
  const paging = namedNode(pageUrl(p.page));
  typed(paging, iri('hydra', 'PagedCollection'));
  add(paging, iri('hydra', 'totalItems'), integer(p.total));
  add(paging, iri('hydra', 'itemsPerPage'), integer(PER_PAGE));
  add(paging, iri('hydra', 'firstPage'), literal(pageUrl(1)));
  add(paging, iri('hydra', 'lastPage'), literal(pageUrl(last)));
  if (p.page < last) add(paging, iri('hydra', 'nextPage'), literal(pageUrl(p.page + 1)));
  if (p.page > 1) add(paging, iri('hydra', 'previousPage'), literal(pageUrl(p.page - 1)));
  return out;
}

const PREFIXES = { ...NS };

export const RDF_MEDIA_TYPES = {
  ttl: 'text/turtle',
  rdf: 'application/rdf+xml',
  jsonld: 'application/ld+json',
} as const;
export type RdfFormat = keyof typeof RDF_MEDIA_TYPES;

/** The quads written in one of the three formats. */
export async function writeRdf(unsorted: Quad[], format: RdfFormat): Promise<string> {
  // Grouped by subject (a stable sort keeps each subject's order), so each is written once.
  const quads = [...unsorted].sort((x, y) =>
    x.subject.value < y.subject.value ? -1 : x.subject.value > y.subject.value ? 1 : 0,
  );
  if (format === 'ttl') return n3Text(quads, 'text/turtle', PREFIXES);
  if (format === 'rdf') return xmlText(quads);
  const nquads = await n3Text(quads, 'application/n-quads', {});
  // jsonld.js (and its HTTP client), loaded on first use: most processes never write JSON-LD.
  const { default: jsonld } = await import('jsonld');
  const expanded = await jsonld.fromRDF(nquads, { format: 'application/n-quads' });
  const context = Object.fromEntries(Object.entries(NS).filter(([k]) => k !== 'rdf'));
  return JSON.stringify(await jsonld.compact(expanded, context), null, 1);
}

function n3Text(quads: Quad[], format: string, prefixes: Record<string, string>): Promise<string> {
  const writer = new N3.Writer({ format, prefixes });
  writer.addQuads(quads);
  return new Promise((resolve, reject) => writer.end((error, text) => (error ? reject(error) : resolve(text))));
}

async function xmlText(quads: Quad[]): Promise<string> {
  const writer = scribe({ prefixes: PREFIXES });
  const chunks: string[] = [];
  const done = new Promise<void>((resolve, reject) => {
    writer.on('data', (chunk: string) => chunks.push(chunk));
    writer.on('end', () => resolve());
    writer.on('error', reject);
  });
  await new Promise<void>((resolve, reject) => {
    Readable.from(quads).on('error', reject).pipe(writer);
    writer.on('finish', () => resolve());
  });
  await done;
  return chunks.join('');
}

/**
 * Which format an Accept header asks for (ckanext-dcat's /catalog default is RDF/XML); 'html'
 * when a browser asks for a page first (the web app has a page at /catalog).
 */
export function formatOf(accept: string | undefined): RdfFormat | 'html' {
  const wanted = (accept ?? '')
    .split(',')
    .map((part) => {
      const [type, ...params] = part.trim().split(';');
      const q = Number(params.find((x) => x.trim().startsWith('q='))?.split('=')[1] ?? 1);
      return { type: type!.trim().toLowerCase(), q: Number.isFinite(q) ? q : 0 };
    })
    .filter((w) => w.q > 0)
    .sort((x, y) => y.q - x.q);
  for (const w of wanted) {
    if (w.type === 'text/html' || w.type === 'application/xhtml+xml') return 'html';
    if (w.type === 'text/turtle' || w.type === 'application/x-turtle') return 'ttl';
    if (w.type === 'application/rdf+xml' || w.type === 'application/xml' || w.type === 'text/xml') return 'rdf';
    if (w.type === 'application/ld+json' || w.type === 'application/json') return 'jsonld';
  }
  return 'rdf';
}
