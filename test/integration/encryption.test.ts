import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseCodecs } from '../../src/base/codec.js';
import type { BaseTables } from '../../src/base/index.js';
import { rotateData } from '../../src/cli/keys.js';
import { sql } from '../../src/db/index.js';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { HeldRows } from '../../src/ingest/held.js';
import { LocalKek } from '../../src/keys/index.js';
import { createLogger, type HubError } from '../../src/kernel/index.js';
import { verifyLedger, type LedgerTables } from '../../src/ledger/index.js';
import type { RecordRow } from '../../src/records/index.js';
import { engines, SEEDED_PASSWORD as PASSWORD } from '../databases.js';
import { probe } from '../ledger/probe.js';

const PEOPLE = 'JNGAJ-0001';
const SERVICE = 'DS-JNGAJ-0001';
/** A purpose the demo grant allows. */
const P = 'social_assistance';
const SEALED = /^~[0-9a-f]{32}\.(\d+)\.[A-Za-z0-9_-]+$/;

/**
 * #15, secrets and personal data at rest, on PGlite (a data directory of its own, so that the hub
 * can be opened again) and PostgreSQL: sensitivity-4 values and keys are not in the table in
 * clear, every reader gets plaintext, lookups stay indexed, KEK and data-key rotations keep every
 * record readable, a wrong KEK stops the hub at start, and the ledger's secrets are sealed.
 */
describe.each(engines())('encryption at rest on $name', (engine) => {
  let hub: Hub;
  let where: { databaseUrl?: string | undefined; dataDir: string };
  let tmp: string | undefined;
  let peopleId: number;
  let sample: RecordRow[];
  const K1 = randomBytes(32);
  const K2 = randomBytes(32);

  beforeAll(async () => {
    if (engine.skip) return;
    const seeded = await engine.seededDatabase();
    if (seeded.databaseUrl) where = { databaseUrl: seeded.databaseUrl, dataDir: 'memory://' };
    else where = { dataDir: (tmp = mkdtempSync(join(tmpdir(), 'qdh-crypt-'))) };
    // The seeded demo city was loaded under a KEK generated and kept in its database.
    hub = await openHub({ ...where, loadDataDir: seeded.loadDataDir, headIntervalMs: 100 });
    const people = await hub.catalog.get(PEOPLE);
    peopleId = people.id;
    const [job] = await hub.records.jobs(peopleId);
    sample = (await hub.records.ofJob(peopleId, job!, 3).next()).value as RecordRow[];
  });
  afterAll(async () => {
    await hub?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const reopen = async (keks: Buffer[]) => {
    await hub.close();
    hub = await openHub({ ...where, keks: keks.map((k) => new LocalKek(k)), headIntervalMs: 100 });
  };
  const stored = async (limit = 500) =>
    (
      await sql<{ key: string; doc: Record<string, unknown>; text: string }>`
        select key, doc, doc::text as text from records.record where resource_id = ${peopleId}
        order by key limit ${limit}`.execute(hub.db.kysely)
    ).rows;
  const wrapped = async () =>
    (
      await sql<{ scope: string; kek_id: string; wrapped: Buffer }>`
        select scope, kek_id, wrapped from keys.dek order by scope, purpose, version`.execute(hub.db.kysely)
    ).rows;
  /** The person base's phone values as stored, and opened. */
  const basePhones = async () => {
    const rows = await hub.db.kysely
      .withTables<BaseTables>()
      .selectFrom('base.value')
      .select(['subject_key', 'value'])
      .where('kind', '=', 'person')
      .where('element', '=', 'phone')
      .orderBy('subject_key')
      .execute();
    const codec = await baseCodecs(hub.keys)('person');
    const items = rows.map((r) => ({ subject: r.subject_key, element: 'phone', value: r.value }));
    return { texts: rows.map((r) => r.value as string), opened: await codec.openValues(items) };
  };
  /** Every sample record found by key, as loaded. */
  const readable = async () => {
    for (const r of sample) expect(await hub.records.find(peopleId, r.key)).toEqual(r.doc);
  };

  it.skipIf(engine.skip)('stores citizen IDs sealed and keys as blind indexes; readers get plaintext', async () => {
    expect(sample).toHaveLength(3);
    for (const r of sample) expect(r.key).toMatch(/^\d{17}[\dX]$/);
    const rows = await stored();
    expect(rows.length).toBeGreaterThanOrEqual(10);
    for (const row of rows) {
      expect(row.key).toMatch(/^[0-9a-f]{32}$/);
      expect(row.doc.citizen_id).toMatch(SEALED);
      // No citizen ID outside the sealed values (a blind index's hex digits may, by chance, run to 18 digits).
      expect(row.text.replace(/~[0-9a-f]{32}\.\d+\.[A-Za-z0-9_-]+/g, '')).not.toMatch(/\d{17}[\dX]/);
    }
    // Fields below sensitivity 4 stay as they were.
    expect(typeof rows[0]!.doc.gender).toBe('string');
    expect(rows[0]!.doc.gender).not.toMatch(/^~/);
    const { rows: clear } = await sql<{ n: number }>`select count(*)::int as n from records.record
      where resource_id = ${peopleId} and key = ${sample[0]!.key}`.execute(hub.db.kysely);
    expect(clear[0]!.n).toBe(0);
    await readable();
  });

  it.skipIf(engine.skip)('keeps a held load sealed while it waits, and gives it back in plaintext', async () => {
    const held = new HeldRows(hub.db, (id) => hub.records.codecOf(id));
    const [job] = await hub.records.jobs(peopleId);
    // The same person twice: the second is a duplicate by key, found through the blind index.
    const rows = [...sample, { ...sample[0]!, sourceRow: 99 }];
    await held.stage(
      job!,
      peopleId,
      (async function* () {
        yield rows;
      })(),
    );
    const { rows: waiting } = await sql<{ key: string; text: string }>`
      select key, doc::text as text from ingest.held_row where job_id = ${job!} order by source_row`.execute(
      hub.db.kysely,
    );
    expect(waiting).toHaveLength(4);
    for (const row of waiting) {
      expect(row.key).toMatch(/^[0-9a-f]{32}$/);
      expect(row.text.replace(/~[0-9a-f]{32}\.\d+\.[A-Za-z0-9_-]+/g, '')).not.toMatch(/\d{17}[\dX]/);
    }
    expect(await held.dedupe(job!)).toEqual([{ sourceRow: 99 }]);
    const back: RecordRow[] = [];
    for await (const batch of held.batches(job!, peopleId)) back.push(...batch);
    // In source-row order, as a load takes them.
    expect(back).toEqual([...sample].sort((a, b) => a.sourceRow - b.sourceRow));
    await held.clear(job!);
  });

  it.skipIf(engine.skip)('answers the data service in plaintext', async () => {
    const app = await buildApp(hub, { logger: createLogger('silent'), demo: true });
    try {
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'consumer', password: PASSWORD },
      });
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/services/${SERVICE}/records?purpose=${P}&key=${sample[0]!.key}`,
        headers: { authorization: `Bearer ${login.json().token}` },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().items[0].citizen_id).toBe(sample[0]!.key);
    } finally {
      await app.close();
    }
  });

  it.skipIf(engine.skip)('looks up by key and by a sealed field through the index', async () => {
    const [a, b] = sample;
    const many = await hub.records.findMany(peopleId, [a!.key, b!.key, '11010519491231002X']);
    expect(many.map((m) => m.key).sort()).toEqual([a!.key, b!.key].sort());
    expect(many.find((m) => m.key === a!.key)!.doc).toEqual(a!.doc);
    const people = await hub.catalog.get(PEOPLE);
    expect(await hub.records.findByField(people, 'citizen_id', [a!.key])).toEqual([{ key: a!.key, value: a!.key }]);
    expect(await hub.records.filter(peopleId, { citizen_id: b!.key }, 0, 10)).toEqual([b!.doc]);
    expect(await hub.records.origin(peopleId, a!.key)).toMatchObject({ jobId: expect.any(String) });
    // The stored key of a record is what a lookup probes, by the primary key's index (the seeded
    // city is small enough for a sequential scan to be cheaper: that plan is taken off the table).
    const [row] = await stored(1);
    const plan = await hub.db.kysely.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      return (
        await sql<{ 'QUERY PLAN': string }>`
          explain select doc from records.record where resource_id = ${peopleId} and key = ${row!.key}`.execute(trx)
      ).rows.map((p) => p['QUERY PLAN']);
    });
    expect(plan.join('\n')).toMatch(/Index Cond: .*key = '[0-9a-f]{32}'/);
  });

  it.skipIf(engine.skip)('rotates the KEK: data keys re-wrapped, records untouched and readable', async () => {
    const before = await wrapped();
    const docs = (await stored(50)).map((r) => r.text);
    const generated = await hub.keys.rewrap();
    const after = await wrapped();
    expect(after).toHaveLength(before.length);
    after.forEach((k, i) => {
      expect(k.kek_id).toBe(generated.kek);
      expect(k.wrapped.equals(before[i]!.wrapped)).toBe(false);
    });
    expect((await stored(50)).map((r) => r.text)).toEqual(docs);
    await readable();
    // Adopting a configured KEK: the generated ones still open (they are in the database) until re-wrapped.
    await reopen([K1]);
    await readable();
    expect((await hub.keys.rewrap()).kek).toBe(new LocalKek(K1).id);
    const { rows: left } = await sql<{ n: number }>`select count(*)::int as n from keys.generated_kek`.execute(
      hub.db.kysely,
    );
    expect(left[0]!.n).toBe(0);
    expect((await hub.keys.status()).kek).toEqual({ id: new LocalKek(K1).id, generated: false });
    // K1 → K2, with K1 kept as the previous KEK until every key is re-wrapped.
    await reopen([K2, K1]);
    await readable();
    await hub.keys.rewrap();
    await reopen([K2]);
    await readable();
  });

  it.skipIf(engine.skip)('refuses to start with a wrong KEK, naming the KEK it needs', async () => {
    await hub.close();
    const wrong = openHub({ ...where, keks: [new LocalKek(randomBytes(32))] });
    await expect(wrong).rejects.toMatchObject({ code: 'KEY_WRONG_KEK' } satisfies Partial<HubError>);
    await expect(wrong).rejects.toThrow(new LocalKek(K2).id);
    // And without any KEK configured: the generated one it would make opens nothing stored.
    await expect(openHub({ ...where, keks: [] })).rejects.toMatchObject({ code: 'KEY_WRONG_KEK' });
    hub = await openHub({ ...where, keks: [new LocalKek(K2)], headIntervalMs: 100 });
    await readable();
  });

  it.skipIf(engine.skip)('rotates the data keys: every record re-encrypted, readable throughout', async () => {
    const before = new Map((await stored(100_000)).map((r) => [r.key, r.text]));
    for (const text of before.values()) expect(text).toMatch(/"~[0-9a-f]{32}\.1\./);
    const count = (await hub.catalog.get(PEOPLE)).recordCount;
    const phones = await basePhones();
    expect(phones.texts.length).toBeGreaterThan(10);
    for (const t of phones.texts) expect(t).toMatch(/^~1\./);
    const rotated = await rotateData(hub, 500, () => {});
    expect(rotated).toBeGreaterThanOrEqual(count);
    const after = await stored(100_000);
    expect(after).toHaveLength(before.size);
    for (const row of after) {
      // Same blind index (the lookup key is not rotated), a new ciphertext under version 2.
      expect(before.has(row.key)).toBe(true);
      expect(row.text).not.toBe(before.get(row.key));
      expect(SEALED.exec(row.doc.citizen_id as string)![1]).toBe('2');
    }
    await readable();
    const status = await hub.keys.status();
    const scope = `resource:${peopleId}`;
    expect(status.scopes.filter((s) => s.scope === scope && s.purpose === 'data')).toMatchObject([
      { version: 1, state: 'retired' },
      { version: 2, state: 'active' },
    ]);
    expect(status.rotations.find((r) => r.scope === scope)).toMatchObject({ toVersion: 2, finished: true });
    // The person base too: its phones sealed under version 2, each opening to what it was, and its key book.
    const resealed = await basePhones();
    for (const t of resealed.texts) expect(t).toMatch(/^~2\./);
    expect(resealed.opened).toEqual(phones.opened);
    const book = await hub.db.kysely.withTables<BaseTables>().selectFrom('base.key_book').select('sealed').execute();
    expect(book.length).toBeGreaterThan(10);
    for (const b of book) expect(b.sealed).toMatch(/^~2\./);
    expect(status.rotations.find((r) => r.scope === 'base:person')).toMatchObject({ toVersion: 2, finished: true });
    // A record sealed under the retired key (a load that started before the rotation) still opens.
    const people = await hub.catalog.get(PEOPLE);
    expect(people.recordCount).toBe(count);
  });

  it.skipIf(engine.skip)('keeps the ledger signing and verifiable, its and access secrets sealed', async () => {
    const { rows } = await sql<{ private_key: string; subject_key: Buffer }>`
      select private_key, subject_key from ledger.key`.execute(hub.db.kysely);
    expect(rows[0]!.private_key).toMatch(/^dek:\d+:/);
    expect(rows[0]!.subject_key.toString('latin1')).toMatch(/^dek:\d+:/);
    // The token signing and watermark keys too (sealed when made; one stored in clear earlier, on first read).
    const { rows: secrets } = await sql<{ name: string; value: string }>`
      select name, value from access.secret order by name`.execute(hub.db.kysely);
    expect(secrets.map((r) => r.name)).toEqual(expect.arrayContaining(['token-hs256', 'watermark']));
    for (const r of secrets) expect(r.value).toMatch(/^dek:\d+:/);
    const key = hub.ledger.publicKey();
    await hub.ledger.append(probe('after the rotations'));
    // A head signed now, with the private key opened from its sealed form.
    expect((await hub.ledger.latestHead()).treeSize).toBe(await hub.ledger.size());
    // A citizen account's ID is sealed and found by its tag; one an earlier version kept in clear is sealed at start.
    const citizen = await hub.access.actorOf('citizen');
    const id = (await hub.access.citizenIdOf(citizen))!;
    const account = async () =>
      (
        await sql<{ citizen_id: string; citizen_tag: string | null }>`
          select citizen_id, citizen_tag from access.user where id = ${citizen.userId}`.execute(hub.db.kysely)
      ).rows[0]!;
    expect((await account()).citizen_id).toMatch(/^dek:\d+:/);
    expect(await hub.access.userBoundTo(id.toLowerCase())).toBe(citizen.userId);
    await sql`update access.user set citizen_id = ${id}, citizen_tag = null where id = ${citizen.userId}`.execute(
      hub.db.kysely,
    );
    await reopen([K2]);
    expect(hub.ledger.publicKey()).toEqual(key);
    expect((await verifyLedger(hub.db.kysely.withTables<LedgerTables>())).ok).toBe(true);
    const resealed = await account();
    expect(resealed.citizen_id).toMatch(/^dek:\d+:/);
    expect(resealed.citizen_tag).toMatch(/^[0-9a-f]{64}$/);
    expect(await hub.access.citizenIdOf(citizen)).toBe(id);
    expect(await hub.access.userBoundTo(id)).toBe(citizen.userId);
  });

  it.skipIf(engine.skip)('fails loudly on a tampered ciphertext rather than answer with something else', async () => {
    const [row] = await stored(1);
    const v = row!.doc.citizen_id as string;
    const flipped = v.slice(0, -2) + (v.at(-2) === 'A' ? 'B' : 'A') + v.at(-1);
    await sql`update records.record set doc = jsonb_set(doc, '{citizen_id}', to_jsonb(${flipped}::text))
      where resource_id = ${peopleId} and key = ${row!.key}`.execute(hub.db.kysely);
    await expect(hub.records.filter(peopleId, {}, 0, 1)).rejects.toMatchObject({ code: 'KEY_UNREADABLE' });
  });
});
