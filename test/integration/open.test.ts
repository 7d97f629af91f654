import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import rdf from '@zazuko/env';
import { Package, validate } from 'datapackage';
import jsonld from 'jsonld';
import N3 from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Author, ResourceInput } from '../../src/catalog/index.js';
import { advance } from '../../src/demo/catalog.js';
import { sql } from '../../src/db/index.js';
import { datasetId, distributionId } from '../../src/open/index.js';
import { PUBLIC_QUERY_MS, withStatementTimeout, type RecordTables } from '../../src/records/index.js';
import { engines } from '../databases.js';
import { openSeededApp, type SeededApp } from '../seeded-app.js';

/** Marker texts put into records and entries that must never reach a public answer. */
const SECRET = {
  closedName: '泄露检验不予开放数据',
  conditionalName: '泄露检验有条件开放数据',
  draftName: '泄露检验未发布开放数据',
  closedValue: 'CLOSED-VALUE-7731',
  conditionalValue: 'CONDITIONAL-VALUE-7732',
  draftValue: 'DRAFT-VALUE-7733',
  personalValue: 'PERSONAL-VALUE-7734',
  tag: '泄露检验专用标签',
};

const input = (name: string, openType: ResourceInput['openType'], keyword: string): ResourceInput => ({
  name,
  summary: `${name}：开放门户检验用`,
  category: 'department',
  shareType: 'conditional',
  shareCondition: '检验',
  openType,
  level: 'general',
  levelReason: '检验用的示例数据，不含真实个人信息',
  keywords: [keyword, '开放检验'],
  keyField: 'item_no',
  fields: [
    { name: 'item_no', label: '编号', type: 'string', required: true },
    { name: 'title', label: '名称', type: 'string' },
    { name: 'amount', label: '数量', type: 'integer' },
    { name: 'contact', label: '联系人', type: 'string', sensitivity: 2 },
    { name: 'home', label: '住址', type: 'string', sensitivity: 3 },
    { name: 'holder_id', label: '身份证号', element: 'citizen_id' },
  ],
});

/**
 * The open-data portal (#18): CKAN's Action API in CKAN's request and response shapes, the
 * downloads and datapackage.json — and that a closed, a conditional or an unpublished entry, and
 * the personal fields of an open one, never appear in any public answer.
 */
describe.each(engines())('the open-data portal on $name', (engine) => {
  let s: SeededApp;
  const codes: Record<'open' | 'closed' | 'conditional' | 'draft', string> = {
    open: '',
    closed: '',
    conditional: '',
    draft: '',
  };
  const ids: Record<string, number> = {};
  const get = (url: string) => s.app.inject({ url });
  const action = async (name: string, query = '') => get(`/api/3/action/${name}${query ? `?${query}` : ''}`);

  beforeAll(async () => {
    if (engine.skip) return;
    // Every answer of every dataset, from one address: above the anonymous limits (open-developers.test.ts tests those).
    s = await openSeededApp(engine, [], { openLimits: { anonymous: { perMinute: 1_000_000, perDay: 1_000_000 } } });
    const officer: Author = { userId: (await s.hub.access.actorOf('officer')).userId, username: 'officer' };
    const operator: Author = { userId: (await s.hub.access.actorOf('operator')).userId, username: 'operator' };
    const made = [
      ['open', input('泄露检验开放数据', 'open', '开放检验甲'), 'published', 'OPEN-VALUE'],
      ['closed', input(SECRET.closedName, 'closed', SECRET.tag), 'published', SECRET.closedValue],
      ['conditional', input(SECRET.conditionalName, 'conditional', SECRET.tag), 'published', SECRET.conditionalValue],
      ['draft', input(SECRET.draftName, 'open', SECRET.tag), 'submitted', SECRET.draftValue],
    ] as const;
    for (const [kind, content, status, value] of made) {
      const r = await s.hub.catalog.register('JNGAJ', officer, content);
      await advance(s.hub, r.code, status, officer, operator);
      codes[kind] = r.code;
      ids[kind] = r.id;
      const rows = Array.from({ length: 5 }, (_, i) => ({
        key: `K${i}`,
        sourceRow: i + 1,
        doc: {
          item_no: `K${i}`,
          title: `${value}-${i}`,
          amount: i * 10,
          contact: '张三丰',
          home: `${SECRET.personalValue}-${i}`,
          holder_id: '11010519491231002X',
        },
      }));
      await s.hub.records.load(
        r.id,
        `open-test-${kind}`,
        (async function* () {
          yield rows;
        })(),
      );
    }
  });
  afterAll(async () => {
    await s?.close();
  });

  /** Every public answer the portal gives about everything, as text. */
  async function everyPublicAnswer(): Promise<string[]> {
    const bodies: string[] = [];
    const list = (await action('package_list')).json().result as string[];
    // Views counted for the hidden entries (as if viewed while they were open): the most viewed list passes them over.
    for (const kind of ['closed', 'conditional', 'draft'] as const) s.hub.open.counters.add(ids[kind]!, 'view');
    await s.hub.open.counters.flush();
    const urls = [
      '/api/3/action/package_list',
      '/api/3/action/package_search?rows=1000',
      `/api/3/action/package_search?q=${encodeURIComponent('泄露检验')}&rows=1000`,
      `/api/3/action/package_search?q=${encodeURIComponent(SECRET.closedName)}`,
      '/api/3/action/package_search?facet.field=["organization","groups"]&rows=0',
      '/api/3/action/package_search?sort=views_total%20desc&rows=1000',
      '/api/3/action/organization_list?all_fields=true',
      '/api/3/action/organization_show?id=jngaj&include_datasets=true',
      '/api/3/action/group_list?all_fields=true',
      '/api/3/action/group_show?id=department&include_datasets=true',
      '/api/3/action/tag_list',
      ...list.flatMap((name) => [
        `/api/3/action/package_show?id=${name}`,
        `/api/3/action/datastore_search?resource_id=${name}&limit=1000`,
        `/open/datasets/${name}/download.csv`,
        `/open/datasets/${name}/download.json`,
        `/open/datasets/${name}/datapackage.json`,
      ]),
      `/api/3/action/datastore_search_sql?sql=${encodeURIComponent(`select * from "${codes.open.toLowerCase()}"`)}`,
      '/catalog.ttl',
      '/catalog.rdf',
      '/catalog.jsonld',
      '/data.json',
    ];
    for (const url of urls) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      bodies.push(res.body);
    }
    return bodies;
  }

  it.skipIf(engine.skip || engine.name !== 'postgres')(
    'cancels a public query past its time limit on PostgreSQL, answered as too slow',
    async () => {
      const db = s.hub.db.kysely.withTables<RecordTables>();
      const slow = withStatementTimeout(db, 50, (trx) => sql`select pg_sleep(2)`.execute(trx));
      await expect(slow).rejects.toMatchObject({ code: '57014' });
      // The limit the API runs under leaves an ordinary query alone.
      const quick = await withStatementTimeout(db, PUBLIC_QUERY_MS, (trx) => sql`select 1 as one`.execute(trx));
      expect(quick.rows).toEqual([{ one: 1 }]);
    },
  );

  it.skipIf(engine.skip)('lists only published entries whose open type is open', async () => {
    const names = (await action('package_list')).json().result as string[];
    expect(names).toContain(codes.open.toLowerCase());
    for (const kind of ['closed', 'conditional', 'draft'] as const)
      expect(names).not.toContain(codes[kind].toLowerCase());
    // The demo city opens at least 40 datasets, each with records.
    expect(names.length).toBeGreaterThanOrEqual(40);
    const { results } = (await action('package_search', 'rows=1000')).json().result;
    for (const p of results)
      expect(Number(p.extras.find((e: { key: string }) => e.key === 'record_count').value)).toBeGreaterThan(0);
  });

  it.skipIf(engine.skip)(
    'never tells of a closed, conditional or unpublished entry, or of personal fields',
    async () => {
      const bodies = (await everyPublicAnswer()).join('\n');
      for (const text of [
        SECRET.closedName,
        SECRET.conditionalName,
        SECRET.draftName,
        SECRET.closedValue,
        SECRET.conditionalValue,
        SECRET.draftValue,
        SECRET.personalValue,
        SECRET.tag,
        '11010519491231002X',
        '张三丰',
        codes.closed.toLowerCase(),
        codes.conditional.toLowerCase(),
        codes.draft.toLowerCase(),
      ])
        expect(bodies, text).not.toContain(text);
      // The masked field is there, masked.
      expect(bodies).toContain('张****丰');
    },
  );

  it.skipIf(engine.skip)('answers every way of naming a hidden entry as one that does not exist', async () => {
    for (const kind of ['closed', 'conditional', 'draft'] as const) {
      const name = codes[kind].toLowerCase();
      const id = ids[kind]!;
      for (const url of [
        `/api/3/action/package_show?id=${name}`,
        `/api/3/action/package_show?id=${codes[kind]}`,
        `/api/3/action/package_show?id=${datasetId(id)}`,
        `/api/3/action/resource_show?id=${distributionId(id, 'csv')}`,
        `/api/3/action/datastore_search?resource_id=${distributionId(id, 'json')}`,
        `/api/3/action/datastore_search?resource_id=${name}`,
      ]) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(404);
        expect(res.json(), url).toMatchObject({ success: false, error: { __type: 'Not Found Error' } });
      }
      const sql = await action('datastore_search_sql', `sql=${encodeURIComponent(`select * from "${name}"`)}`);
      const none = await action('datastore_search_sql', `sql=${encodeURIComponent('select * from "zzzz-9999"')}`);
      expect(sql.statusCode).toBe(409);
      expect(sql.json().error.__type).toBe('Validation Error');
      expect(none.statusCode).toBe(409);
      for (const file of ['download.csv', 'download.xlsx', 'datapackage.json']) {
        expect((await get(`/open/datasets/${name}/${file}`)).statusCode).toBe(404);
      }
      expect((await action('package_search', `q=${encodeURIComponent(SECRET.closedName)}`)).json().result.count).toBe(
        0,
      );
    }
  });

  it.skipIf(engine.skip)('answers package_search and package_show in CKAN’s shapes', async () => {
    const search = await action(
      'package_search',
      `q=${encodeURIComponent('泄露检验')}&rows=5&facet.field=${encodeURIComponent('["organization","groups","res_format"]')}`,
    );
    expect(search.statusCode).toBe(200);
    const body = search.json();
    expect(body).toMatchObject({
      success: true,
      help: expect.stringContaining('/api/3/action/help_show?name=package_search'),
    });
    expect(body.result.count).toBe(1);
    expect(Object.keys(body.result).sort()).toEqual(['count', 'facets', 'results', 'search_facets', 'sort']);
    expect(body.result.search_facets.organization).toEqual({
      title: 'organization',
      items: [{ name: 'jngaj', display_name: '济南市公安局', count: 1 }],
    });
    expect(body.result.facets.organization).toEqual({ jngaj: 1 });
    const pkg = body.result.results[0];
    const name = codes.open.toLowerCase();
    expect(pkg).toMatchObject({
      name,
      id: datasetId(ids.open!),
      title: '泄露检验开放数据',
      type: 'dataset',
      state: 'active',
      private: false,
      owner_org: 'jngaj',
      organization: { name: 'jngaj', title: '济南市公安局', is_organization: true },
      num_resources: 3,
      tags: expect.arrayContaining([expect.objectContaining({ name: '开放检验甲' })]),
    });
    const show = (await action('package_show', `id=${name}`)).json().result;
    expect(show.resources.map((r: { format: string }) => r.format)).toEqual(['CSV', 'JSON', 'XLSX']);
    for (const r of show.resources) {
      expect(r.package_id).toBe(show.id);
      expect(r.url).toMatch(new RegExp(`/open/datasets/${name}/download\\.(csv|json|xlsx)$`));
      const url = new URL(r.url);
      expect((await get(url.pathname)).statusCode).toBe(200);
      expect((await action('resource_show', `id=${r.id}`)).json().result).toEqual(r);
    }
    // The same by POST with a JSON body, as CKAN clients send it.
    const posted = await s.app.inject({ method: 'POST', url: '/api/3/action/package_show', payload: { id: show.id } });
    expect(posted.json().result.name).toBe(name);
    // By organization and sort, and CKAN's errors for what cannot be read.
    const fq = (await action('package_search', 'fq=organization:jngaj&sort=metadata_modified%20desc&rows=1')).json()
      .result;
    expect(fq.results[0].organization.name).toBe('jngaj');
    const bad = await action('package_search', 'fq=nonsense:1');
    expect(bad.statusCode).toBe(409);
    expect(bad.json().error.__type).toBe('Search Query Error');
    const rows = await action('package_search', 'rows=abc');
    expect(rows.statusCode).toBe(409);
    expect(rows.json().error).toMatchObject({ __type: 'Validation Error', rows: [expect.any(String)] });
    const unknown = await action('package_create');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ success: false, error: { __type: 'Bad request' } });
    expect((await action('package_show')).json().error).toMatchObject({
      __type: 'Validation Error',
      id: [expect.any(String)],
    });
  });

  it.skipIf(engine.skip)('answers datastore_search and datastore_search_sql over the public fields only', async () => {
    const name = codes.open.toLowerCase();
    const res = await action(
      'datastore_search',
      `resource_id=${name}&filters=${encodeURIComponent('{"item_no":["K1","K3"]}')}&sort=amount%20desc&limit=1`,
    );
    expect(res.statusCode).toBe(200);
    const r = res.json().result;
    expect(r).toMatchObject({
      resource_id: name,
      records_format: 'objects',
      limit: 1,
      total: 2,
      total_was_estimated: false,
      _links: { start: `/api/3/action/datastore_search?resource_id=${name}` },
    });
    expect(r.fields.map((f: { id: string }) => f.id)).toEqual(['_id', 'item_no', 'title', 'amount', 'contact']);
    // The record's key is marked in its data dictionary entry, as datapackage.json's primaryKey.
    expect(r.fields.filter((f: { info?: { primary_key?: boolean } }) => f.info?.primary_key)).toEqual([
      expect.objectContaining({ id: 'item_no' }),
    ]);
    expect(r.records).toEqual([{ _id: 1, item_no: 'K3', title: 'OPEN-VALUE-3', amount: 30, contact: '张****丰' }]);
    expect((await action('datastore_search', `resource_id=${name}&q=VALUE-2`)).json().result.total).toBe(1);
    // A masked or a left-out field is no filter, search or sort: it would tell its value.
    for (const query of [
      `filters=${encodeURIComponent('{"contact":"张三丰"}')}`,
      `filters=${encodeURIComponent('{"home":"x"}')}`,
      'sort=contact',
    ]) {
      const refused = await action('datastore_search', `resource_id=${name}&${query}`);
      expect(refused.statusCode, query).toBe(409);
      expect(refused.json().error.__type).toBe('Validation Error');
    }
    const sql = (text: string) => action('datastore_search_sql', `sql=${encodeURIComponent(text)}`);
    const picked = (
      await sql(
        `SELECT item_no, amount AS n FROM "${name}" WHERE amount >= 20 AND title LIKE 'OPEN%' ORDER BY amount DESC LIMIT 2`,
      )
    ).json().result;
    expect(picked.records).toEqual([
      { item_no: 'K4', n: 40 },
      { item_no: 'K3', n: 30 },
    ]);
    expect(picked.fields.map((f: { id: string }) => f.id)).toEqual(['item_no', 'n']);
    expect(
      (await sql(`select count(*) from "${distributionId(ids.open!, 'csv')}" where item_no in ('K0','K1')`)).json()
        .result.records,
    ).toEqual([{ count: 2 }]);
    for (const [text, status] of [
      [`delete from "${name}"`, 403],
      [`select * from "${name}"; drop table records.record`, 403],
      [`select pg_sleep(1) from "${name}"`, 409],
      [`select * from "${name}" where home = 'x'`, 409],
      [`select * from records.record`, 409],
      [`select * from "${name}" a join "${name}" b on a.item_no = b.item_no`, 409],
      [`select * from (select * from "${name}") x`, 409],
      ['not sql at all', 409],
    ] as const) {
      expect((await sql(text)).statusCode, text).toBe(status);
    }
  });

  it.skipIf(engine.skip)('counts views, downloads and calls', async () => {
    const name = codes.open.toLowerCase();
    await action('package_show', `id=${name}`);
    await get(`/open/datasets/${name}/download.csv`);
    await action('datastore_search', `resource_id=${name}`);
    await s.hub.open.counters.flush();
    const counts = (await s.hub.open.counters.of([ids.open!])).get(ids.open!)!;
    expect(counts.views).toBeGreaterThanOrEqual(1);
    expect(counts.downloads).toBeGreaterThanOrEqual(1);
    expect(counts.calls).toBeGreaterThanOrEqual(1);

    // CKAN's tracking sort: the most viewed, with their counts; the hidden ones never, however viewed.
    const top = (
      await action('package_search', 'sort=views_total%20desc&rows=5&facet.field=%5B%22groups%22%5D')
    ).json() as {
      result: {
        count: number;
        results: Array<{ name: string; extras: Array<{ key: string; value: string }> }>;
        search_facets: Record<string, unknown>;
      };
    };
    expect(top.result.results.map((r) => r.name)).toContain(name);
    const mine = top.result.results.find((r) => r.name === name)!;
    expect(Number(mine.extras.find((e) => e.key === 'views')?.value)).toBeGreaterThanOrEqual(1);
    expect(top.result.count).toBeGreaterThanOrEqual(1);
    expect(Object.keys(top.result.search_facets)).toEqual(['groups']);
    expect((await action('package_search', 'sort=views_total%20desc&q=x')).statusCode).toBe(409);
  });

  it.skipIf(engine.skip)('serves the CSV download and its data package with the public fields, masked', async () => {
    const name = codes.open.toLowerCase();
    const csv = await get(`/open/datasets/${name}/download.csv`);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('item_no,title,amount,contact');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toBe('K0,OPEN-VALUE-0,0,张****丰');
    const pkg = (await get(`/open/datasets/${name}/datapackage.json`)).json();
    expect(pkg.resources[0].path).toMatch(new RegExp(`/open/datasets/${name}/download\\.csv$`));
    expect(pkg.resources[0].schema.fields.map((f: { name: string }) => f.name)).toEqual([
      'item_no',
      'title',
      'amount',
      'contact',
    ]);
  });

  it.skipIf(engine.skip)('serves data packages that Frictionless validates and reads', async () => {
    const origin = await s.app.listen({ port: 0, host: '127.0.0.1' });
    const name = codes.open.toLowerCase();
    const url = `${origin}/open/datasets/${name}/datapackage.json`;
    const descriptor = (await (await fetch(url)).json()) as object;
    expect(await validate(descriptor)).toEqual({ valid: true, errors: [] });
    const pkg = await Package.load(url);
    expect(pkg.valid).toBe(true);
    const rows = (await pkg.resources[0]!.read({ keyed: true })) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(5);
    expect(rows[3]).toEqual({ item_no: 'K3', title: 'OPEN-VALUE-3', amount: 30, contact: '张****丰' });
    // Every demo dataset's package is valid too.
    const names = (await action('package_list')).json().result as string[];
    for (const n of names.slice(0, 50)) {
      const d = (await get(`/open/datasets/${n}/datapackage.json`)).json();
      expect((await validate(d)).errors, n).toEqual([]);
    }
  });

  it.skipIf(engine.skip)('serves DCAT-AP 3 that the DCAT-AP SHACL shapes accept, in three formats alike', async () => {
    const shapes = rdf.dataset(new N3.Parser().parse(readFileSync(SHAPES, 'utf8')));
    const validator = new SHACLValidator(shapes, { factory: rdf });
    const ttl = await get('/catalog.ttl');
    expect(ttl.headers['content-type']).toMatch(/^text\/turtle/);
    const fromTtl = new N3.Parser().parse(ttl.body);
    const report = await validator.validate(rdf.dataset(fromTtl));
    expect(
      report.results.map((r) => `${r.focusNode?.value} ${r.path?.value} ${r.sourceConstraintComponent?.value}`),
    ).toEqual([]);
    expect(report.conforms).toBe(true);
    const fromXml = await parseRdfXml((await get('/catalog.rdf')).body);
    const expanded = JSON.parse((await get('/catalog.jsonld')).body);
    const fromJsonLd = new N3.Parser({ format: 'N-Quads' }).parse(
      (await jsonld.toRDF(expanded, { format: 'application/n-quads' })) as unknown as string,
    );
    // The same graph whatever the format (blank node labels and the page's own address aside).
    const canon = (quads: N3.Quad[]) =>
      quads
        .map((q) => [q.subject, q.predicate, q.object].map((t) => (t.termType === 'BlankNode' ? '_' : t.id)).join(' '))
        // The paging triples name the page's own address.
        .map((line) => line.replace(/catalog\.(ttl|rdf|jsonld)\?/g, 'catalog.*?'))
        .sort();
    expect(canon(fromXml)).toEqual(canon(fromTtl));
    expect(canon(fromJsonLd)).toEqual(canon(fromTtl));
    // Paging as ckanext-dcat: Hydra's paged collection.
    const names = (await action('package_list')).json().result as string[];
    const hydra = 'http://www.w3.org/ns/hydra/core#';
    const total = fromTtl.find((q) => q.predicate.value === `${hydra}totalItems`);
    expect(Number(total?.object.value)).toBe(names.length);
    expect(fromTtl.filter((q) => q.predicate.value === 'http://www.w3.org/ns/dcat#dataset')).toHaveLength(names.length);
    // Content negotiation on /catalog.
    expect(
      (await s.app.inject({ url: '/catalog', headers: { accept: 'text/turtle' } })).headers['content-type'],
    ).toMatch(/^text\/turtle/);
    expect(
      (await s.app.inject({ url: '/catalog', headers: { accept: 'application/ld+json' } })).headers['content-type'],
    ).toMatch(/^application\/ld\+json/);
    expect((await s.app.inject({ url: '/catalog', headers: { accept: '*/*' } })).headers['content-type']).toMatch(
      /^application\/rdf\+xml/,
    );
    expect((await get('/catalog.ttl?page=99')).statusCode).toBe(404);
  });

  it.skipIf(engine.skip)('serves data.json (DCAT-US 1.1) of every open dataset', async () => {
    const res = await get('/data.json');
    const body = res.json();
    const names = (await action('package_list')).json().result as string[];
    expect(body).toMatchObject({
      conformsTo: 'https://project-open-data.cio.gov/v1.1/schema',
      '@type': 'dcat:Catalog',
    });
    expect(body.dataset).toHaveLength(names.length);
    for (const d of body.dataset) {
      expect(Object.keys(d)).toEqual(
        expect.arrayContaining([
          'title',
          'description',
          'keyword',
          'modified',
          'publisher',
          'contactPoint',
          'identifier',
          'accessLevel',
        ]),
      );
      expect(d.contactPoint.hasEmail).toMatch(/^mailto:/);
      expect(d.distribution[0].downloadURL).toMatch(/\/download\.csv$/);
    }
  });
});

const SHAPES = new URL('../../src/open/shapes/dcat-ap-3.0.0-SHACL.ttl', import.meta.url);

function parseRdfXml(text: string): Promise<N3.Quad[]> {
  const quads: N3.Quad[] = [];
  const parser = new RdfXmlParser({ dataFactory: N3.DataFactory });
  return new Promise((resolve, reject) => {
    Readable.from([text])
      .pipe(parser)
      .on('data', (q: N3.Quad) => quads.push(q))
      .on('error', reject)
      .on('end', () => resolve(quads));
  });
}
