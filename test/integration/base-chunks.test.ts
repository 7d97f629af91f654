import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BaseTables } from '../../src/base/tables.js';
import { sql } from '../../src/db/index.js';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { createLogger, makeCitizenId } from '../../src/kernel/index.js';
import { engines, SEEDED_PASSWORD as PASSWORD } from '../databases.js';

type App = Awaited<ReturnType<typeof buildApp>>;
const PEOPLE = 'JNGAJ-0001';
/**
 * Twenty chunks: enough for requests to land between them. ROWS stays within what the stage's
 * first chunk may hold, so that an absorb can also take them in one, to compare.
 */
const ROWS = 5000;
const CHUNK = 250;

/**
 * #13.11: a large base update commits chunk by chunk, and the hub answers (on PGlite too, one
 * connection) between chunks — while the job still says `phase: base`.
 */
describe.each(engines())('a large absorb on $name', (engine) => {
  let hub: Hub;
  let app: App;
  let token: string;

  beforeAll(async () => {
    if (engine.skip) return;
    hub = await openHub({ ...(await engine.seededDatabase()), headIntervalMs: 100 });
    app = await buildApp(hub, { logger: createLogger('silent'), demo: true });
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'officer', password: PASSWORD },
    });
    token = login.json().token;
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  /** A load of ROWS people the base has never seen, not absorbed yet. */
  const loadPeople = async () => {
    const people = await hub.catalog.get(PEOPLE);
    const [seeded] = await hub.records.jobs(people.id);
    const { value: batch } = await hub.records.ofJob(people.id, seeded!, 1).next();
    const doc = batch![0]!.doc;
    const lines = Array.from({ length: ROWS }, (_, i) => {
      const born = `1931-01-${String(1 + Math.floor(i / 1000)).padStart(2, '0')}`;
      const key = makeCitizenId('370102', born, i);
      const row = { ...doc, [people.keyField]: key, birth_date: born, gender: Number(key[16]) % 2 ? '男' : '女' };
      return people.fields.map((f) => String(row[f.name] ?? '')).join(',');
    });
    const header = people.fields.map((f) => f.name).join(',');
    const officer = await hub.access.actorOf('officer');
    const job = await hub.ingest.runFile(people, Readable.from([`${header}\n${lines.join('\n')}\n`]), {
      createdBy: officer.userId,
      source: 'test:large-absorb',
      followUp: false,
    });
    expect(job).toMatchObject({ state: 'succeeded', rowsLoaded: ROWS, phase: 'base' });
    return { people, jobId: job.id };
  };

  const db = () => hub.db.kysely.withTables<BaseTables>();
  const absorbed = async (jobId: string) =>
    (await sql<{ n: number }>`select count(*)::int as n from base.subject where first_job = ${jobId}`.execute(db()))
      .rows[0]!.n;
  /** The job's subjects as the base holds them, a digest per table (their observations' order of arrival aside). */
  const state = async (jobId: string) => {
    const of = sql`(select key from base.subject where first_job = ${jobId})`;
    const digest = async (rows: ReturnType<typeof sql>) =>
      (
        await sql<{ d: string }>`select md5(coalesce(string_agg(r::text, '|' order by r::text), '')) as d
        from (${rows}) r`.execute(db())
      ).rows[0]!.d;
    return {
      subjects: await digest(sql`select kind, key from base.subject where first_job = ${jobId}`),
      observations: await digest(sql`select kind, subject_key, element, resource_code, provider_org, value, norm,
        valid, invalid_reason, job_id, source_row from base.observation where subject_key in ${of}`),
      values: await digest(sql`select * from base.value where subject_key in ${of}`),
      conflicts: await digest(sql`select subject_key, element, state from base.conflict where subject_key in ${of}`),
      labels: await digest(sql`select * from base.subject_label where subject_key in ${of}`),
    };
  };
  const forget = async (jobId: string) => {
    const of = sql`(select key from base.subject where first_job = ${jobId})`;
    for (const table of ['base.observation', 'base.value', 'base.conflict', 'base.subject_label']) {
      await sql`delete from ${sql.table(table)} where subject_key in ${of}`.execute(db());
    }
    await sql`delete from base.subject where first_job = ${jobId}`.execute(db());
    await sql`delete from base.absorption where job_id = ${jobId}`.execute(db());
  };

  it.skipIf(engine.skip)(
    'answers requests between the chunks of a large absorb, and ends where one chunk would',
    async () => {
      const { people, jobId } = await loadPeople();
      // Read back a chunk's worth at a time: a chunk takes in whole batches.
      const rows = hub.records.ofJob(people.id, jobId, CHUNK);
      const absorbing = hub.base.absorb(people, jobId, rows, { chunk: CHUNK });
      let done = false;
      void absorbing.finally(() => (done = true)).catch(() => {});
      // Each probe waits for its answer; counted when the base held part of the job's subjects.
      let answeredPartway = 0;
      while (!done) {
        expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
        expect((await get('/api/v1/catalog/resources')).statusCode).toBe(200);
        const job = await get(`/api/v1/ingest/jobs/${jobId}`);
        const taken = await absorbed(jobId);
        if (!done && taken > 0 && taken < ROWS) {
          expect(job.json().phase).toBe('base');
          answeredPartway++;
        }
      }
      expect(await absorbing).toMatchObject({ subjects: ROWS, departed: 0 });
      expect(answeredPartway).toBeGreaterThan(0);
      expect((await get(`/api/v1/ingest/jobs/${jobId}`)).json().phase).toBe('done');
      const chunked = await state(jobId);
      await forget(jobId);
      await hub.base.absorb(people, jobId, hub.records.ofJob(people.id, jobId, 10_000), { chunk: ROWS });
      expect(await state(jobId)).toEqual(chunked);
    },
    240_000,
  );
});
