import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/http/index.js';
import { sql } from '../../src/db/index.js';
import { msg, render } from '../../src/kernel/index.js';

import { engines } from '../databases.js';
import { openSeededApp, type App } from '../seeded-app.js';

type Job = {
  id: string;
  state: string;
  outcome: string;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  merge?: string | null;
  threshold: { minPassRate: number; action: string } | null;
  decidedBy: string | null;
  mayDecide: boolean;
};

/** 犬牌: a small resource of the 市公安局's own, keyed by tag, so that loads here touch no base database. */
const REGISTRATION = {
  name: '结果测试犬牌登记',
  summary: '犬牌与犬只数量',
  category: 'department',
  shareType: 'conditional',
  shareCondition: '仅用于测试',
  openType: 'closed',
  level: 'general',
  updateFrequency: 'monthly',
  format: 'table',
  keyField: 'tag',
  fields: [
    { name: 'tag', label: '犬牌号', type: 'string', required: true },
    { name: 'dogs', label: '犬只数量', type: 'integer', required: true },
  ],
};

/** `good` rows that load, then `bad` rows whose count is not a number; tags start at `from`. */
const csv = (good: number, bad = 0, from = 1) => {
  const rows = ['tag,dogs'];
  for (let i = 0; i < good; i++) rows.push(`T${from + i},${1 + (i % 3)}`);
  for (let i = 0; i < bad; i++) rows.push(`B${from + i},many`);
  return rows.join('\n') + '\n';
};

/**
 * #14: a load's outcome says what happened — loaded, with rejects, below the resource's quality
 * threshold (warned), held (released or discarded by the provider's officer), failed — in every
 * job read; the threshold is part of the versioned rule set.
 */
describe.each(engines())('ingest outcomes on $name', (engine) => {
  let hub: Hub;
  let app: App;
  let tokens: Record<string, string> = {};
  let code: string;

  beforeAll(async () => {
    if (engine.skip) return;
    ({ hub, app, tokens } = await openSeededApp(engine, ['officer', 'operator', 'officer_scjg'], { demo: false }));
    const created = await call('officer', 'POST', '/catalog/resources', REGISTRATION);
    expect(created.statusCode, created.body).toBe(201);
    code = created.json().code;
    for (const [who, step] of [
      ['officer', 'submit'],
      ['operator', 'approve'],
      ['operator', 'publish'],
    ] as const) {
      const res = await call(who, 'POST', `/catalog/resources/${code}/${step}`);
      expect(res.statusCode, res.body).toBe(200);
    }
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  const call = (user: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    app.inject({ method, url: `/api/v1${url}`, payload, headers: { authorization: `Bearer ${tokens[user]}` } });

  const upload = async (text: string): Promise<Job> => {
    const boundary = '----qdhoutcome';
    const payload =
      `--${boundary}\r\nContent-Disposition: form-data; name="resource"\r\n\r\n${code}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="dogs.csv"\r\n` +
      `Content-Type: text/csv\r\n\r\n${text}\r\n--${boundary}--\r\n`;
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/ingest/jobs',
      payload,
      headers: {
        authorization: `Bearer ${tokens.officer}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  /** The job as the list and the detail both show it: they must agree. */
  const read = async (id: string, user = 'officer'): Promise<Job> => {
    const detail = (await call(user, 'GET', `/ingest/jobs/${id}`)).json() as Job;
    const listed = (await call(user, 'GET', `/ingest/jobs?resource=${code}&pageSize=100`)).json().items as Job[];
    const inList = listed.find((j) => j.id === id)!;
    expect(inList.outcome).toBe(detail.outcome);
    expect(inList.mayDecide).toBe(detail.mayDecide);
    return detail;
  };
  const tags = async () => {
    const resource = await hub.catalog.get(code);
    const found = await hub.records.findMany(
      resource.id,
      Array.from({ length: 40 }, (_, i) => `T${i + 1}`),
    );
    return found.map((r) => r.key).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  };
  const setThreshold = (threshold: object | null | undefined, baseVersion?: number) =>
    call('officer', 'PUT', `/resources/${code}/quality-rules`, {
      rules: [],
      ...(threshold === undefined ? {} : { threshold }),
      ...(baseVersion === undefined ? {} : { baseVersion }),
    });

  it.skipIf(engine.skip)('judges loads by the default threshold: warn below 95 %', async () => {
    const rules = (await call('officer', 'GET', `/resources/${code}/quality-rules`)).json();
    expect(rules).toMatchObject({
      version: 0,
      threshold: { minPassRate: 95, action: 'warn' },
      thresholdIsDefault: true,
    });

    const clean = await upload(csv(3));
    expect(clean).toMatchObject({ state: 'succeeded', outcome: 'loaded', rowsLoaded: 3, mayDecide: false });
    expect(clean.threshold).toEqual({ minPassRate: 95, action: 'warn' });

    // 19 of 20 accepted is exactly 95 %: at the threshold, not below it.
    const fewRejects = await upload(csv(19, 1));
    expect(fewRejects).toMatchObject({ outcome: 'loaded_with_rejects', rowsLoaded: 19, rowsRejected: 1 });

    // The job: 4 of 7 rows rejected (57 %) — it went in, and says it fell short.
    const poor = await upload(csv(3, 4, 30));
    expect(poor).toMatchObject({ state: 'succeeded', outcome: 'below_threshold', rowsLoaded: 3, rowsRejected: 4 });
    expect((await read(poor.id)).outcome).toBe('below_threshold');
    expect(await tags()).toContain('T30');
  });

  it.skipIf(engine.skip)('keeps each threshold edit as a version of the rule set, on the ledger', async () => {
    const before = (await call('officer', 'GET', `/resources/${code}/quality-rules`)).json().version as number;
    const set = await setThreshold({ minPassRate: 80, action: 'hold' }, before);
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({
      version: before + 1,
      threshold: { minPassRate: 80, action: 'hold' },
      thresholdIsDefault: false,
      setBy: 'officer',
    });
    // Rules replaced without naming a threshold keep it; a bad threshold is refused.
    const kept = await setThreshold(undefined);
    expect(kept.json()).toMatchObject({ version: before + 2, threshold: { minPassRate: 80, action: 'hold' } });
    expect((await setThreshold({ minPassRate: 120, action: 'hold' })).statusCode).toBe(400);
    expect((await setThreshold({ minPassRate: 80, action: 'ignore' })).statusCode).toBe(400);

    const versions = await hub.db.kysely
      .withTables<{ 'quality.rule_set': { resource_code: string; version: number; threshold: unknown } }>()
      .selectFrom('quality.rule_set')
      .select(['version', 'threshold'])
      .where('resource_code', '=', code)
      .orderBy('version')
      .execute();
    expect(versions.map((v) => v.threshold)).toEqual([
      ...Array(before).fill(null),
      { minPassRate: 80, action: 'hold' },
      { minPassRate: 80, action: 'hold' },
    ]);
    const entries = await ledgerEntries();
    expect(entries.filter((e) => e.kind === 'quality.rules.set' && e.resource === code).length).toBeGreaterThanOrEqual(
      2,
    );
  });

  it.skipIf(engine.skip)('holds a load below a hold threshold; the officer releases it and it swaps in', async () => {
    const before = await tags();
    expect(before.length).toBeGreaterThan(0);
    const resource = await hub.catalog.get(code);
    // A snapshot of 5 good and 3 bad rows (62.5 %): held, nothing of it in the resource.
    const held = await hub.ingest.run(resource, rowsOf(csv(5, 3, 11)), {
      createdBy: 1,
      source: 'test:snapshot.csv',
      snapshot: true,
    });
    expect(held).toMatchObject({ state: 'held', outcome: 'held', rowsRead: 8, rowsLoaded: 0, rowsRejected: 3 });
    expect(held.threshold).toEqual({ minPassRate: 80, action: 'hold' });
    expect(await tags()).toEqual(before);
    expect((await read(held.id)).mayDecide).toBe(true);
    // Only an officer of the provider decides: not the operator, not another department's officer.
    expect((await read(held.id, 'operator')).mayDecide).toBe(false);
    expect((await call('operator', 'POST', `/ingest/jobs/${held.id}/release`)).statusCode).toBe(403);
    const other = await call('officer_scjg', 'POST', `/ingest/jobs/${held.id}/release`);
    expect(other.statusCode).toBe(403);
    expect((await read(held.id)).outcome).toBe('held');

    const released = await call('officer', 'POST', `/ingest/jobs/${held.id}/release`);
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json()).toMatchObject({
      state: 'succeeded',
      outcome: 'below_threshold',
      rowsLoaded: 5,
      rowsRejected: 3,
      merge: 'swap',
      decidedBy: 'officer',
      // Names where people read them: who released it, and the resource, beside their codes.
      decidedByName: '数据专管员（市公安局）',
      resourceName: REGISTRATION.name,
      mayDecide: false,
    });
    // The snapshot replaced the records: its five tags, and none of before.
    expect(await tags()).toEqual(['T11', 'T12', 'T13', 'T14', 'T15']);
    expect((await hub.catalog.get(code)).recordCount).toBe(5);
    expect((await call('officer', 'POST', `/ingest/jobs/${held.id}/release`)).statusCode).toBe(409);
    const entry = (await ledgerEntries()).find((e) => e.kind === 'ingest.job.decided' && e.job === held.id);
    expect(entry).toMatchObject({ action: 'release', actor: 'officer', org: 'JNGAJ', rowsRead: 8, minPassRate: 80 });
  });

  it.skipIf(engine.skip)('discards a held load: the resource keeps its records', async () => {
    const before = await tags();
    const held = await upload(csv(1, 2, 21));
    expect(held).toMatchObject({ outcome: 'held', mayDecide: true });
    // A release whose process died midway: nothing went in, and the load waits for a decision again.
    await sql`update ingest.job set state = 'running', decided_by = 'officer', decided_at = now(),
      heartbeat_at = now() - interval '5 minutes' where id = ${held.id}`.execute(hub.db.kysely);
    await hub.jobs.requeueStale();
    expect(await read(held.id)).toMatchObject({ state: 'held', outcome: 'held', decidedBy: null });
    const discarded = await call('officer', 'POST', `/ingest/jobs/${held.id}/discard`);
    expect(discarded.statusCode, discarded.body).toBe(200);
    expect(discarded.json()).toMatchObject({ state: 'discarded', outcome: 'discarded', rowsLoaded: 0 });
    expect(await tags()).toEqual(before);
    expect((await call('officer', 'POST', `/ingest/jobs/${held.id}/release`)).statusCode).toBe(409);
    const entry = (await ledgerEntries()).find((e) => e.kind === 'ingest.job.decided' && e.job === held.id);
    expect(entry).toMatchObject({ action: 'discard', actor: 'officer' });
    // Nothing of it waits any more.
    const left = await hub.db.kysely
      .withTables<{ 'ingest.held_row': { job_id: string } }>()
      .selectFrom('ingest.held_row')
      .select('job_id')
      .where('job_id', '=', held.id)
      .execute();
    expect(left).toEqual([]);
  });

  it.skipIf(engine.skip)('loads at once a load that meets a hold threshold; duplicates count', async () => {
    // Two rows of the same tag: the later is quarantined, 4 of 5 accepted is 80 %, at the threshold.
    const text = 'tag,dogs\nT16,1\nT17,1\nT18,1\nT19,1\nT16,2\n';
    const job = await upload(text);
    expect(job).toMatchObject({ state: 'succeeded', outcome: 'loaded_with_rejects', rowsLoaded: 4, rowsRejected: 1 });
    expect(await tags()).toEqual(expect.arrayContaining(['T16', 'T17', 'T18', 'T19']));
    const clean = await upload(csv(2, 0, 1));
    expect(clean.outcome).toBe('loaded');
  });

  /** An upload of a file without the resource's columns, as the officer: a job that fails (ING_BAD_FILE). */
  const uploadWithoutColumns = (language = 'zh-CN') =>
    app.inject({
      method: 'POST',
      url: '/api/v1/ingest/jobs',
      payload:
        `--b\r\nContent-Disposition: form-data; name="resource"\r\n\r\n${code}\r\n` +
        `--b\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\nContent-Type: text/csv\r\n\r\nnothing,here\n1,2\r\n--b--\r\n`,
      headers: {
        authorization: `Bearer ${tokens.officer}`,
        'content-type': 'multipart/form-data; boundary=b',
        'accept-language': language,
      },
    });

  it.skipIf(engine.skip)('says failed and queued too, and returns to the default threshold', async () => {
    expect((await uploadWithoutColumns()).statusCode).toBe(400);
    const listed = (await call('officer', 'GET', `/ingest/jobs?resource=${code}&state=failed`)).json().items as Job[];
    expect(listed[0]).toMatchObject({ state: 'failed', outcome: 'failed' });

    const queued = await hub.jobs.enqueue({
      resource: code,
      spec: { kind: 'http', url: 'https://example.invalid/dogs' },
      createdBy: 1,
      hold: true,
    });
    expect((await read(queued)).outcome).toBe('queued');

    const reset = await setThreshold(null);
    expect(reset.json()).toMatchObject({ threshold: { minPassRate: 95, action: 'warn' }, thresholdIsDefault: true });
    const warned = await upload(csv(1, 1, 25));
    expect(warned.outcome).toBe('below_threshold');
  });

  /** A job as the route answers it to a reader of `language`, and as the list does: they must agree. */
  const readIn = async (id: string, language: string) => {
    const headers = { authorization: `Bearer ${tokens.officer}`, 'accept-language': language };
    const detail = await app.inject({ method: 'GET', url: `/api/v1/ingest/jobs/${id}`, headers });
    expect(detail.statusCode, detail.body).toBe(200);
    const list = await app.inject({ method: 'GET', url: `/api/v1/ingest/jobs?resource=${code}&pageSize=100`, headers });
    const listed = (list.json().items as Array<{ id: string; error: string | null; errorCode: string | null }>).find(
      (j) => j.id === id,
    )!;
    const job = detail.json() as { error: string | null; errorCode: string | null; resourceName: string | null };
    expect({ error: listed.error, errorCode: listed.errorCode }).toEqual({
      error: job.error,
      errorCode: job.errorCode,
    });
    return job;
  };
  const stored = async (id: string) =>
    (
      await sql<{ error: string | null; error_code: string | null; error_detail: unknown }>`
        select error, error_code, error_detail from ingest.job where id = ${id}`.execute(hub.db.kysely)
    ).rows[0]!;
  const detailOf = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  const lastFailed = async () =>
    (
      await sql<{ id: string }>`select id from ingest.job where resource_code = ${code} and state = 'failed'
        order by created_at desc limit 1`.execute(hub.db.kysely)
    ).rows[0]!.id;

  it.skipIf(engine.skip)(
    "keeps a failed job's error as a code and a message, read in the reader's language",
    async () => {
      // A file without the resource's columns: ING_BAD_FILE, its message keyed, whoever ran it.
      expect((await uploadWithoutColumns('en')).statusCode).toBe(400);
      const badFile = await lastFailed();
      const missing = msg('ingest.missingColumns', { columns: ['tag', 'dogs'] });
      expect(await stored(badFile)).toMatchObject({ error_code: 'ING_BAD_FILE' });
      expect(detailOf((await stored(badFile)).error_detail)).toEqual(missing);
      expect(await readIn(badFile, 'zh-CN')).toMatchObject({
        error: render(missing, 'zh-CN'),
        errorCode: 'ING_BAD_FILE',
        resourceName: REGISTRATION.name,
      });
      expect(await readIn(badFile, 'en')).toMatchObject({ error: render(missing, 'en'), errorCode: 'ING_BAD_FILE' });

      // A full disk (PostgreSQL's SQLSTATE 53100): in words, in each reader's language.
      const resource = await hub.catalog.get(code);
      const full = Object.assign(new Error('could not extend file "base/5/16384": No space left on device'), {
        code: '53100',
      });
      await expect(
        hub.ingest.run(resource, failingRows(full), { createdBy: 1, source: 'test:full.csv' }),
      ).rejects.toMatchObject({ code: 'ING_STORAGE_FULL' });
      const fullJob = await lastFailed();
      expect(detailOf((await stored(fullJob)).error_detail)).toEqual({ key: 'ingest.storageFull' });
      const fullZh = await readIn(fullJob, 'zh-CN');
      expect(fullZh).toMatchObject({
        error: render(msg('ingest.storageFull'), 'zh-CN'),
        errorCode: 'ING_STORAGE_FULL',
      });
      expect(fullZh.error).toMatch(/^数据库存储空间已满/);
      expect(await readIn(fullJob, 'en')).toMatchObject({
        error: expect.stringMatching(/^the database ran out of storage space/),
        errorCode: 'ING_STORAGE_FULL',
      });

      // Anything else is unexpected: KRN_INTERNAL, said as such; its own English words stay for the log.
      const boom = new Error('boom: relation "x" does not exist');
      await expect(hub.ingest.run(resource, failingRows(boom), { createdBy: 1, source: 'test:boom.csv' })).rejects.toBe(
        boom,
      );
      const boomJob = await lastFailed();
      expect(await stored(boomJob)).toMatchObject({ error: boom.message, error_code: 'KRN_INTERNAL' });
      const boomZh = await readIn(boomJob, 'zh-CN');
      expect(boomZh).toMatchObject({ error: render(msg('ingest.unexpected'), 'zh-CN'), errorCode: 'KRN_INTERNAL' });
      const boomEn = await readIn(boomJob, 'en');
      expect(boomEn).toMatchObject({ error: render(msg('ingest.unexpected'), 'en'), errorCode: 'KRN_INTERNAL' });
      expect(boomEn.error).not.toContain('boom');

      // An upload whose process died: failed by the hub that finds it, keyed too.
      const orphan = await upload(csv(1, 0, 40));
      await sql`update ingest.job set state = 'running', heartbeat_at = now() - interval '1 hour', spec = null
      where id = ${orphan.id}`.execute(hub.db.kysely);
      await hub.jobs.requeueStale();
      expect(await readIn(orphan.id, 'zh-CN')).toMatchObject({
        error: '执行该任务的中枢进程已停止：请重新上传文件',
        errorCode: 'KRN_INTERNAL',
      });
      expect((await readIn(orphan.id, 'en')).error).toBe('the hub process running it stopped: upload the file again');

      // A job that failed before codes were kept reads as it was written; a new run clears the error.
      await sql`update ingest.job set error = 'an old reason', error_code = null, error_detail = null
      where id = ${boomJob}`.execute(hub.db.kysely);
      expect(await readIn(boomJob, 'zh-CN')).toMatchObject({ error: 'an old reason', errorCode: null });
      const ok = await hub.ingest.run(resource, rowsOf(csv(1, 0, 41)), { createdBy: 1, source: 'x', jobId: boomJob });
      expect(ok).toMatchObject({ state: 'succeeded', error: null, errorCode: null, errorDetail: null });
    },
  );

  async function ledgerEntries(): Promise<Array<Record<string, unknown>>> {
    const size = await hub.ledger.size();
    return (await hub.ledger.entries(Math.max(0, size - 200), size)).map(
      (e) => JSON.parse(e.entry) as Record<string, unknown>,
    );
  }
});

/** A source that fails after its header and one row, with `error`. */
async function* failingRows(error: Error): AsyncIterable<string[]> {
  yield ['tag', 'dogs'];
  yield ['T90', '1'];
  throw error;
}

async function* rowsOf(text: string): AsyncIterable<string[]> {
  for (const line of text.trim().split('\n')) yield line.split(',');
}
