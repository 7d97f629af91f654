import { randomUUID } from 'node:crypto';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceInput } from '../../src/catalog/index.js';
import { PUSH_BATCH_PATH, signRequest, type Push, type PushRun } from '../../src/cascade/index.js';
import { sql } from '../../src/db/index.js';
import { postgresMissing, seededCityDatabase, startNode, type StartedNode } from './nodes.js';

const PASSWORD = 'push-test-password-1';
const ORG = 'D370102';

/** A district's register of cases: small, with a number the city's rule bounds. */
const cases = (name: string): ResourceInput => ({
  name,
  summary: `${name}：归集检验用`,
  category: 'department',
  shareType: 'conditional',
  shareCondition: '检验',
  openType: 'closed',
  level: 'general',
  levelReason: '检验用的示例数据，不含个人信息',
  keyField: 'case_no',
  fields: [
    { name: 'case_no', label: '案件编号', type: 'string', required: true },
    { name: 'title', label: '案由', type: 'string' },
    { name: 'amount', label: '金额', type: 'integer' },
  ],
});
/** Every 50th case from the 8th has an amount the city's rule refuses (0–1000): 7, 57, 107, … */
const isBad = (i: number) => i % 50 === 7;
const row = (i: number, title = `案件${i}`) => [`C${String(i).padStart(5, '0')}`, title, String(isBad(i) ? 5000 : i)];

/**
 * Push up (归集, #20): 历下区 on PGlite pushes its resources into its copies on the city (the
 * seeded demo on PostgreSQL) — validated and quarantined by the city's own rules, resumed after
 * the city is killed mid-push with no row lost or doubled, a batch sent twice applied once, and
 * an incremental push carrying only what changed.
 */
describe.skipIf(postgresMissing())('cascade push up', () => {
  let city: StartedNode;
  let lixia: StartedNode;
  let cityOperator: string;
  let districtOperator: string;
  const targets: Record<'small' | 'large', string> = { small: '', large: '' };
  const sources: Record<'small' | 'large', string> = { small: '', large: '' };

  const call = async <T>(node: StartedNode, token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${node.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  /** Loads rows into a district resource as its officers would (an ingest job, merged by key). */
  const loadOnDistrict = async (code: string, rows: string[][]) => {
    const hub = lixia.running.hub;
    const report = await hub.ingest.run(
      await hub.catalog.get(code),
      (async function* () {
        yield ['case_no', 'title', 'amount'];
        yield* rows;
      })(),
      { createdBy: 1, source: 'test:push' },
    );
    expect(report.state).toBe('succeeded');
  };
  const cityRows = async (code: string) => {
    const hub = city.running.hub;
    const resource = await hub.catalog.get(code);
    const docs: Array<Record<string, unknown>> = [];
    for await (const batch of hub.records.scan(resource.id, 1000)) docs.push(...batch);
    return docs;
  };
  /** The city's ingest jobs made of a run's batches: one per batch applied, never two. */
  const cityJobs = async (runId: string) => {
    const { rows } = await sql<{
      source: string;
      state: string;
      rows_loaded: number;
      rows_rejected: number;
      merge: string | null;
      finished_at: Date;
    }>`
      select source, state, rows_loaded, rows_rejected, merge, finished_at from ingest.job
      where source like ${`cascade:370102:${runId}:%`} order by source`.execute(city.running.hub.db.kysely);
    return rows;
  };

  let dispatcher: Dispatcher;

  /** Whether the city's copy has a partition of its own (a staged table swapped in as it). */
  const ownPartition = async (code: string) => {
    const hub = city.running.hub;
    const { id } = await hub.catalog.get(code);
    const { rows } = await sql<{ own: boolean }>`
      select to_regclass(${`records.record_r${id}`}) is not null as own`.execute(hub.db.kysely);
    return rows[0]!.own;
  };
  /** How many merges a run's batches went in by on the city: the distinct [merge, finished at] of its succeeded jobs. */
  const merges = async (runId: string) =>
    new Set(
      (await cityJobs(runId))
        .filter((j) => j.state === 'succeeded')
        .map((j) => `${j.merge} ${new Date(j.finished_at).toISOString()}`),
    ).size;
  /** A batch signed by the district as its push would sign it, sent straight to the city. */
  const sendSigned = (batch: object) => {
    const self = lixia.running.hub.cascade.self;
    const body = Buffer.from(JSON.stringify(batch));
    return fetch(`${city.url}${PUSH_BATCH_PATH}`, {
      method: 'POST',
      headers: {
        ...signRequest(self.nodeId, self.keys, { method: 'POST', path: PUSH_BATCH_PATH, body }),
        'content-type': 'application/json',
      },
      body,
    });
  };
  /** A batch of a full run of cases, as the district's push sends it. */
  const fullBatch = (b: {
    push: string;
    run: string;
    seq: number;
    target: string;
    rows: string[][];
    end: boolean;
  }) => ({
    push: b.push,
    run: b.run,
    seq: b.seq,
    target: b.target,
    fields: ['case_no', 'title', 'amount'],
    rows: b.rows,
    full: true,
    ...(b.end ? { end: true } : {}),
  });
  /** Rows loaded on the city itself: the copy as it was before a full push. */
  const loadOnCity = async (code: string, rows: string[][]) => {
    const hub = city.running.hub;
    const report = await hub.ingest.run(
      await hub.catalog.get(code),
      (async function* () {
        yield ['case_no', 'title', 'amount'];
        yield* rows;
      })(),
      { createdBy: 1, source: 'test:city' },
    );
    expect(report.state).toBe('succeeded');
  };
  const ownPartitionRows = process.env.QDH_OWN_PARTITION_ROWS;

  beforeAll(async () => {
    // Copies of more than 50 rows get a partition of their own: a full push swaps its staged table in as it.
    process.env.QDH_OWN_PARTITION_ROWS = '50';
    // A killed node's connections die with it; a closed one waits for its clients' idle
    // keep-alive connections (Fastify keeps them 72 s), so the district lets go of them at once.
    dispatcher = getGlobalDispatcher();
    setGlobalDispatcher(new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 }));
    city = await startNode({ database: await seededCityDatabase(), role: 'city' });
    cityOperator = await city.login('operator');
    const { body } = await call<{ token: string }>(city, cityOperator, 'POST', '/cascade/tokens', {
      division: '370102',
    });
    lixia = await startNode({
      database: {},
      role: 'district',
      division: '370102',
      parentUrl: city.url,
      token: body.token,
    });
    // The district's own organization and operator, and the same registers on both nodes.
    const district = lixia.running.hub;
    await district.access.createOrganization({
      code: ORG,
      name: '历下区大数据中心',
      kind: 'district',
      division: '370102',
    });
    await district.access.createUser({
      username: 'lixia_operator',
      displayName: '历下区运维',
      password: PASSWORD,
      roles: ['operator'],
      orgCode: ORG,
    });
    districtOperator = await lixia.login('lixia_operator', PASSWORD);
    const cityActor = await city.running.hub.access.actorOf('operator');
    const districtActor = await district.access.actorOf('lixia_operator');
    for (const kind of ['small', 'large'] as const) {
      const input = cases(kind === 'small' ? '历下区案件登记' : '历下区案件台账');
      targets[kind] = (await city.running.hub.catalog.register(ORG, cityActor, input)).code;
      sources[kind] = (await district.catalog.register(ORG, districtActor, input)).code;
    }
    const rules = await call(city, cityOperator, 'PUT', `/resources/${targets.small}/quality-rules`, {
      rules: [{ field: 'amount', kind: 'range', severity: 'reject', min: 0, max: 1000 }],
    });
    expect(rules.status, JSON.stringify(rules.body)).toBe(200);
    await loadOnDistrict(
      sources.small,
      Array.from({ length: 120 }, (_, i) => row(i)),
    );
    await loadOnDistrict(
      sources.large,
      Array.from({ length: 400 }, (_, i) => [`L${String(i).padStart(5, '0')}`, `台账${i}`, String(i % 1000)]),
    );
  });
  afterAll(async () => {
    if (ownPartitionRows === undefined) delete process.env.QDH_OWN_PARTITION_ROWS;
    else process.env.QDH_OWN_PARTITION_ROWS = ownPartitionRows;
    await lixia?.close();
    await city?.close();
    setGlobalDispatcher(dispatcher);
  });

  it('pushes all rows into the city’s copy, the city’s rules quarantining the bad ones', async () => {
    const made = await call<Push>(lixia, districtOperator, 'POST', '/cascade/pushes', {
      resource: sources.small,
      target: targets.small,
      batchRows: 25,
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const ran = await call<PushRun>(lixia, districtOperator, 'POST', `/cascade/pushes/${made.body.id}/run`);
    expect(ran.status, JSON.stringify(ran.body)).toBe(200);
    expect(ran.body).toMatchObject({
      kind: 'full',
      state: 'succeeded',
      rowsSent: 120,
      rowsLoaded: 117,
      rowsRejected: 3,
      // Five batches of rows, then the end that swapped them in.
      ackedSeq: 6,
    });
    const docs = await cityRows(targets.small);
    expect(docs).toHaveLength(117);
    expect(docs.some((d) => d.amount === 5000)).toBe(false);
    // Five batches staged, then swapped in at once: every job in one merge, the staged table the copy's partition.
    const jobs = await cityJobs(ran.body.id);
    expect(jobs).toHaveLength(5);
    expect(jobs.every((j) => j.state === 'succeeded' && j.merge === 'swap')).toBe(true);
    expect(await merges(ran.body.id)).toBe(1);
    expect(await ownPartition(targets.small)).toBe(true);
    expect(jobs.reduce((n, j) => n + j.rows_loaded, 0)).toBe(117);
    // Quarantined on the city as any load's rows are, with the rule's reason.
    const { rows: rejects } = await sql<{ field: string; reason_code: string | null }>`
      select r.field, r.reason_code from ingest.reject r join ingest.job j on j.id = r.job_id
      where j.source like ${`cascade:370102:${ran.body.id}:%`} and r.severity = 'reject'`.execute(
      city.running.hub.db.kysely,
    );
    expect(rejects).toHaveLength(3);
    expect(rejects.every((r) => r.field === 'amount')).toBe(true);
    // The operations view: the district's push and its sync with the city.
    const listed = await call<Push[]>(lixia, districtOperator, 'GET', '/cascade/pushes');
    expect(listed.body).toEqual([
      expect.objectContaining({ resource: sources.small, target: targets.small, batchesInFlight: 0 }),
    ]);
    const nodes = await call<Array<{ status: string; lastSync: string | null }>>(
      lixia,
      districtOperator,
      'GET',
      '/cascade/nodes',
    );
    expect(nodes.body[0]).toMatchObject({ status: 'active', lastSync: expect.any(String) });
    // The city's cockpit: rows pushed up, one of Jinan's 12 districts and counties with a node, district by district.
    city.running.hub.cockpit.refresh();
    type Figure = { code: string; value: number | null; numerator: number; denominator: number | null };
    const figures = async (query: string) =>
      new Map(
        (await call<Figure[]>(city, cityOperator, 'GET', `/cockpit/indicators${query}`)).body.map((f) => [f.code, f]),
      );
    const cityWide = await figures('');
    expect(cityWide.get('cascadeRowsPushed')).toMatchObject({ value: 117 });
    expect(cityWide.get('cascadeCoverage')).toMatchObject({ numerator: 1, denominator: 12 });
    const drill = await call<{ rows: Array<{ district: string; state: string; rowsPushed: number }> }>(
      city,
      cityOperator,
      'GET',
      '/cockpit/indicators/cascadeRowsPushed/rows',
    );
    expect(drill.body.rows).toHaveLength(12);
    expect(drill.body.rows[0]).toMatchObject({ district: '历下区', rowsPushed: 117 });
    expect(drill.body.rows[1]).toMatchObject({ district: '市中区', state: 'not_enrolled', rowsPushed: 0 });
  });

  it('carries only the records changed since the last push', async () => {
    const [push] = (await call<Push[]>(lixia, districtOperator, 'GET', '/cascade/pushes')).body;
    await loadOnDistrict(sources.small, [row(3, '案件3（更正）'), row(4, '案件4（更正）'), row(500)]);
    const ran = await call<PushRun>(lixia, districtOperator, 'POST', `/cascade/pushes/${push!.id}/run`);
    expect(ran.body).toMatchObject({ kind: 'incremental', state: 'succeeded', rowsSent: 3, rowsLoaded: 3 });
    const docs = new Map((await cityRows(targets.small)).map((d) => [d.case_no, d]));
    expect(docs.size).toBe(118);
    expect(docs.get('C00003')?.title).toBe('案件3（更正）');
    expect(docs.get('C00500')?.title).toBe('案件500');
    // Nothing changed since: nothing goes.
    const again = await call<PushRun>(lixia, districtOperator, 'POST', `/cascade/pushes/${push!.id}/run`);
    expect(again.body).toMatchObject({ kind: 'incremental', state: 'succeeded', rowsSent: 0 });
  });

  it('applies a batch sent twice once, answering the second with the first’s outcome', async () => {
    const self = lixia.running.hub.cascade.self;
    const body = Buffer.from(
      JSON.stringify({
        push: randomUUID(),
        run: randomUUID(),
        seq: 1,
        target: targets.small,
        fields: ['case_no', 'title', 'amount'],
        rows: [row(900), row(957)],
      }),
    );
    const send = () =>
      fetch(`${city.url}${PUSH_BATCH_PATH}`, {
        method: 'POST',
        headers: {
          ...signRequest(self.nodeId, self.keys, { method: 'POST', path: PUSH_BATCH_PATH, body }),
          'content-type': 'application/json',
        },
        body,
      });
    const first = await send();
    expect(first.status).toBe(200);
    const ack = (await first.json()) as { job: string; loaded: number; rejected: number; replayed: boolean };
    expect(ack).toMatchObject({ loaded: 1, rejected: 1, replayed: false });
    const second = await send();
    expect(await second.json()).toEqual({ ...ack, replayed: true });
    const run = (JSON.parse(body.toString()) as { run: string }).run;
    expect(await cityJobs(run)).toHaveLength(1);
    // Only the district's own copy takes its batches.
    const other = Buffer.from(
      JSON.stringify({ ...JSON.parse(body.toString()), run: randomUUID(), target: 'JNGAJ-0001' }),
    );
    const refused = await fetch(`${city.url}${PUSH_BATCH_PATH}`, {
      method: 'POST',
      headers: {
        ...signRequest(self.nodeId, self.keys, { method: 'POST', path: PUSH_BATCH_PATH, body: other }),
        'content-type': 'application/json',
      },
      body: other,
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('CAS_PUSH_TARGET');
  });

  it('stages a full push’s batch delivered twice once, and swaps in only when every batch is there', async () => {
    const actor = await city.running.hub.access.actorOf('operator');
    const target = (await city.running.hub.catalog.register(ORG, actor, cases('历下区案件暂存'))).code;
    await loadOnCity(target, [row(1), row(2)]);
    const [push, run] = [randomUUID(), randomUUID()];
    const batch = (seq: number, rows: string[][], end = false) => fullBatch({ push, run, seq, target, rows, end });
    // The first batch: five cases and one whose amount is no integer, delivered twice at once and once more.
    const first = batch(1, [...[900, 901, 902, 903, 904].map((i) => row(i)), ['C00905', '案件905', '十元']]);
    const racing = await Promise.all([sendSigned(first), sendSigned(first)]);
    const acks = (await Promise.all(racing.map((r) => r.json()))) as Array<{ loaded: number; replayed: boolean }>;
    expect(
      racing.map((r) => r.status),
      JSON.stringify(acks),
    ).toEqual([200, 200]);
    expect(acks.filter((a) => !a.replayed)).toHaveLength(1);
    expect(acks.every((a) => a.loaded === 5)).toBe(true);
    expect(await (await sendSigned(first)).json()).toMatchObject({ loaded: 5, rejected: 1, replayed: true });
    // Staged, not loaded: the copy still serves what it had.
    expect((await cityRows(target)).map((d) => d.case_no)).toEqual(['C00001', 'C00002']);
    // An end before every batch is acknowledged is refused.
    const early = await sendSigned(batch(3, [], true));
    expect(early.status).toBe(400);
    expect(
      await (
        await sendSigned(
          batch(
            2,
            [910, 911].map((i) => row(i)),
          ),
        )
      ).json(),
    ).toMatchObject({ loaded: 2 });
    const end = await sendSigned(batch(3, [], true));
    expect(end.status).toBe(200);
    expect(await end.json()).toMatchObject({ loaded: 0, rejected: 0, replayed: false });
    // Each row once, the old rows gone; the value that is no integer quarantined as an upload's would be.
    const docs = await cityRows(target);
    expect(docs.map((d) => d.case_no)).toEqual(['C00900', 'C00901', 'C00902', 'C00903', 'C00904', 'C00910', 'C00911']);
    expect(await merges(run)).toBe(1);
    const jobs = await cityJobs(run);
    expect(jobs.filter((j) => j.state === 'succeeded').map((j) => [j.source.split(':').at(-1), j.rows_loaded])).toEqual(
      [
        ['1', 5],
        ['2', 2],
      ],
    );
    const { rows: rejects } = await sql<{ field: string; row_number: number }>`
      select r.field, r.row_number from ingest.reject r join ingest.job j on j.id = r.job_id
      where j.source = ${`cascade:370102:${run}:1`} and j.state = 'succeeded'`.execute(city.running.hub.db.kysely);
    expect(rejects).toEqual([{ field: 'amount', row_number: 7 }]);
    // The end again: its first outcome, nothing merged twice.
    expect(await (await sendSigned(batch(3, [], true))).json()).toMatchObject({ replayed: true });
    expect(await cityRows(target)).toHaveLength(7);
  });

  it('gives up a full run that never ended once a newer one of the same copy begins, leaving no staged table', async () => {
    const actor = await city.running.hub.access.actorOf('operator');
    const target = (await city.running.hub.catalog.register(ORG, actor, cases('历下区案件重推'))).code;
    await loadOnCity(target, [row(1)]);
    const [old, fresh] = [randomUUID(), randomUUID()];
    const batch = (run: string, seq: number, rows: string[][], end = false) =>
      fullBatch({ push: run, run, seq, target, rows, end });
    const staged = async (run: string) => {
      const { rows } = await sql<{ there: boolean }>`
        select to_regclass(${`records.stage_${run.replaceAll('-', '')}`}) is not null as there`.execute(
        city.running.hub.db.kysely,
      );
      return rows[0]!.there;
    };
    // The old run stages a batch and is never ended (its push was deleted on the district).
    expect((await sendSigned(batch(old, 1, [row(500), row(501)]))).status).toBe(200);
    expect(await staged(old)).toBe(true);
    // A new full run of the same copy gives it up: its staged table dropped, its job failed.
    expect((await sendSigned(batch(fresh, 1, [row(600)]))).status).toBe(200);
    expect(await staged(old)).toBe(false);
    expect((await cityJobs(old)).map((j) => j.state)).toEqual(['failed']);
    // Nothing of the old run is taken any more, its end least of all: the copy keeps what it has.
    for (const late of [batch(old, 2, [row(502)]), batch(old, 2, [], true)]) {
      const refused = await sendSigned(late);
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as { code: string }).code).toBe('CAS_RUN_SUPERSEDED');
    }
    expect((await cityRows(target)).map((d) => d.case_no)).toEqual(['C00001']);
    // The new run ends as any does, and leaves nothing staged.
    expect((await sendSigned(batch(fresh, 2, [], true))).status).toBe(200);
    expect((await cityRows(target)).map((d) => d.case_no)).toEqual(['C00600']);
    expect(await staged(fresh)).toBe(false);
    const { rows: open } = await sql<{ run_id: string }>`
      select run_id from cascade.push_staging where target_code = ${target} and superseded_by is null`.execute(
      city.running.hub.db.kysely,
    );
    expect(open).toEqual([]);
  });

  it('resumes a push interrupted by killing the city node, losing no row and doubling none', async () => {
    const pushes = lixia.running.hub.pushes;
    // The city's copy held rows of its own before: they are served until the push is complete.
    await loadOnCity(targets.large, [row(1), row(2), row(3)]);
    const push = await pushes.define({ resource: sources.large, target: targets.large, batchRows: 20 }, 'test');
    const port = Number(new URL(city.url).port);
    const running = pushes.run(push.id).then(
      () => 'completed',
      (e: Error) => e.message,
    );
    // The city goes down once it has acknowledged a batch.
    for (;;) {
      const { lastRun } = await pushes.get(push.id);
      if ((lastRun?.ackedSeq ?? 0) >= 1) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    await city.close();
    expect(await running).not.toBe('completed');
    const stopped = await pushes.get(push.id);
    expect(stopped.lastRun).toMatchObject({ state: 'failed', error: expect.any(String) });
    expect(stopped.lastRun!.rowsSent).toBeLessThan(400);
    // Why, in the reader's language: the city could not be reached, or refused while it stopped.
    const failing = await lixia.running.hub.cascade.nodes();
    expect(failing[0]).toMatchObject({
      status: 'failing',
      lastError: expect.stringMatching(/^节点 .*(无法连接|拒绝)|^无法连接节点/),
    });
    const [inEnglish] = await lixia.running.hub.cascade.nodes('en');
    expect(inEnglish!.lastError).toMatch(/^node .*(cannot be reached|refused)/);

    city = await startNode({ database: city.database, role: 'city', port });
    expect((await cityRows(targets.large)).map((d) => d.case_no)).toEqual(['C00001', 'C00002', 'C00003']);
    const resumed = await pushes.run(push.id);
    expect(resumed).toMatchObject({ id: stopped.lastRun!.id, kind: 'full', state: 'succeeded', rowsLoaded: 400 });
    // Exactly the district's records: none of the city's own left, none lost or doubled.
    const docs = await cityRows(targets.large);
    const hub = lixia.running.hub;
    const theirs: Array<Record<string, unknown>> = [];
    for await (const b of hub.records.scan((await hub.catalog.get(sources.large)).id, 1000)) theirs.push(...b);
    expect(docs).toEqual(theirs);
    // In one merge; the copy's own rows were in the shared partition, and the pushed ones take their place there.
    expect(await merges(resumed.id)).toBe(1);
    expect(await ownPartition(targets.large)).toBe(false);
    // Each of the 20 batches became exactly one load on the city.
    const jobs = (await cityJobs(resumed.id)).filter((j) => j.state === 'succeeded');
    expect(jobs).toHaveLength(20);
    expect(jobs.reduce((n, j) => n + j.rows_loaded, 0)).toBe(400);
    expect((await pushes.get(push.id)).batchesInFlight).toBe(0);
    expect((await lixia.running.hub.cascade.nodes())[0]).toMatchObject({ status: 'active' });
  });
});
