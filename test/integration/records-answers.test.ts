import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../databases.js';
import { openSeededApp, type SeededApp } from '../seeded-app.js';

const RESOURCE = 'JNGAJ-0001';
const PERSON = 'DS-JNGAJ-0001';
/** A purpose the demo grant of 民政局 allows. */
const P = 'social_assistance';
const MISSING = '11010519491231002X';

/**
 * The records routes answer through response schemas (the web's types come from them), and a
 * response schema drops what it does not name: each answer over HTTP must be exactly what the
 * share's read gave, every field of every record included.
 */
describe.each(engines())('records answers on $name', (engine) => {
  let seeded: SeededApp;
  let key: string;

  beforeAll(async () => {
    if (engine.skip) return;
    seeded = await openSeededApp(engine, ['officer', 'consumer']);
    const page = await seeded.call('officer', 'GET', `/catalog/resources/${RESOURCE}/records?page=1&pageSize=1`);
    key = page.json().items[0].citizen_id;
  });
  afterAll(async () => {
    await seeded?.close();
  });

  const actor = (username: string) => seeded.hub.access.actorOf(username);
  /** The read's own answer as JSON would carry it. */
  const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

  it.skipIf(engine.skip)('a page of records and a lookup by key, in the catalog', async () => {
    const { hub, call } = seeded;
    const page = await call('officer', 'GET', `/catalog/resources/${RESOURCE}/records?page=1&pageSize=3`);
    expect(page.statusCode).toBe(200);
    expect(page.json()).toEqual(asJson(await hub.share.browse(await actor('officer'), RESOURCE, 1, 3)));
    expect(Object.keys(page.json()).sort()).toEqual(['items', 'total']);

    const lookup = await call('consumer', 'GET', `/catalog/resources/${RESOURCE}/records?key=${key}&purpose=${P}`);
    expect(lookup.statusCode).toBe(200);
    expect(lookup.json()).toEqual(asJson(await hub.share.lookup(await actor('consumer'), RESOURCE, key, P)));
    expect(Object.keys(lookup.json()).sort()).toEqual(['fields', 'grant', 'items']);
    expect(lookup.json().grant).toEqual(expect.any(Number));
    expect(Object.keys(lookup.json().items[0]).sort()).toEqual([...lookup.json().fields].sort());
  });

  it.skipIf(engine.skip)('a data service by key, by filter and by a batch of keys', async () => {
    const { hub, call } = seeded;
    const consumer = await actor('consumer');
    const byKey = await call('consumer', 'GET', `/services/${PERSON}/records?purpose=${P}&key=${key}`);
    expect(byKey.statusCode).toBe(200);
    expect(byKey.json()).toEqual(asJson(await hub.share.serviceLookup(consumer, PERSON, key, P)));

    const filter = `f.gender=${encodeURIComponent('女')}`;
    const page = await call('consumer', 'GET', `/services/${PERSON}/records?purpose=${P}&${filter}&page=1&pageSize=2`);
    expect(page.statusCode).toBe(200);
    expect(page.json()).toEqual(asJson(await hub.share.serviceFilter(consumer, PERSON, { gender: '女' }, 1, 2, P)));
    expect(Object.keys(page.json()).sort()).toEqual(['fields', 'grant', 'hasMore', 'items', 'page', 'pageSize']);

    const keys = [key, MISSING];
    const batch = await call('consumer', 'POST', `/services/${PERSON}/records/batch`, { keys, purpose: P });
    expect(batch.statusCode).toBe(200);
    expect(batch.json()).toEqual(asJson(await hub.share.serviceBatch(consumer, PERSON, keys, P)));
    expect(batch.json().notFound).toEqual([MISSING]);
  });
});
