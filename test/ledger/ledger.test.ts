import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import smCrypto from 'sm-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, migrate, sql, type Database } from '../../src/db/index.js';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { createLogger, getSuite } from '../../src/kernel/index.js';
import { ledgerMigrations, openLedger, verifyLedger, type Ledger, type LedgerTables } from '../../src/ledger/index.js';
import { engines } from '../databases.js';
import { probe } from './probe.js';
import { checkConsistency, checkHeadSignature, checkInclusion, leaf, type Head } from './independent-verifier.js';

describe('crypto suites against independent implementations', () => {
  it('SM3 of the hub agrees with sm-crypto and the GB/T 32905 example', () => {
    const gm = getSuite('gm');
    expect(gm.hash(Buffer.from('abc')).toString('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
    for (const text of ['', 'abc', '泉城数据中枢', 'x'.repeat(1000)]) {
      expect(gm.hash(Buffer.from(text)).toString('hex')).toBe(smCrypto.sm3(text));
    }
  });

  it('SM2 signatures cross-verify between the hub (sm-crypto-v2) and sm-crypto', () => {
    const gm = getSuite('gm');
    const key = gm.generateSigningKey();
    const message = '{"treeSize":1}';
    const ours = gm.sign(key, Buffer.from(message));
    expect(
      smCrypto.sm2.doVerifySignature(message, ours.toString('hex'), key.publicKeyHex!, { der: true, hash: true }),
    ).toBe(true);
    const theirs = smCrypto.sm2.doSignature(message, key.privateKey, { der: true, hash: true });
    expect(gm.verify(key.publicKeyPem, Buffer.from(message), Buffer.from(theirs, 'hex'))).toBe(true);
    expect(gm.verify(key.publicKeyPem, Buffer.from(message + ' '), Buffer.from(theirs, 'hex'))).toBe(false);
  });
});

describe.each(engines())('ledger storage on $name', (engine) => {
  let db: Database;
  let ledger: Ledger;
  let databaseUrl: string | undefined;
  const k = () => db.kysely.withTables<LedgerTables>();

  beforeAll(async () => {
    if (engine.skip) return;
    databaseUrl = await engine.createDatabase();
    db = await connect({ databaseUrl, dataDir: 'memory://' });
    await migrate(db, [ledgerMigrations]);
    ledger = await openLedger(db);
  });
  afterAll(async () => {
    await ledger?.close();
    await db?.close();
  });

  it.skipIf(engine.skip)('group-commits concurrent appends with consecutive indexes and correct roots', async () => {
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => ledger.append(probe(i))));
    expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    const rows = await ledger.entries(0, 300);
    const h = ledger.hashFn();
    const leaves = rows.map((r) => Buffer.from(r.leafHash, 'hex'));
    for (const size of [1, 2, 3, 7, 8, 100, 255, 256, 300]) {
      const { rootOf } = await import('../../src/ledger/merkle.js');
      expect((await ledger.rootAt(size)).equals(rootOf(h, leaves.slice(0, size))), `size ${size}`).toBe(true);
    }
    // Stored as the exact canonical text that was hashed, stamped with the schema version.
    expect(rows[5]!.entry).toBe(canonicalize({ ...probe(JSON.parse(rows[5]!.entry).name), v: 1 }));
  });

  it.skipIf(engine.skip)('interleaves the appends of two hub processes without a gap or a fork', async () => {
    // A second hub: its own connection on PostgreSQL; on PGlite, which one process holds, its own Ledger.
    const otherDb = databaseUrl ? await connect({ databaseUrl }) : db;
    const other = await openLedger(otherDb);
    try {
      const start = await ledger.size();
      const indexes: number[] = [];
      // Each round leaves the other hub's remembered right edge stale, so its next batch finds its
      // one-statement claim refused and appends again under the lock.
      for (let round = 0; round < 4; round++) {
        const appends = Array.from({ length: 20 }, (_, i) => [
          ledger.append(probe(`a ${round} ${i}`)),
          other.append(probe(`b ${round} ${i}`)),
        ]).flat();
        for (const r of await Promise.all(appends)) indexes.push(r.index);
      }
      expect(indexes.sort((a, b) => a - b)).toEqual(Array.from({ length: 160 }, (_, i) => start + i));
      const { rootOf } = await import('../../src/ledger/merkle.js');
      const leaves = (await ledger.entries(0, start + 160)).map((r) => Buffer.from(r.leafHash, 'hex'));
      expect((await other.rootAt(start + 160)).equals(rootOf(ledger.hashFn(), leaves))).toBe(true);
      expect((await verifyLedger(k())).ok).toBe(true);
    } finally {
      await other.close();
      if (otherDb !== db) await otherDb.close();
    }
  });

  it.skipIf(engine.skip)('proves inclusion and consistency to a verifier that shares no code with it', async () => {
    const head = (await ledger.latestHead()) as Head;
    const key = ledger.publicKey();
    expect(checkHeadSignature(head, key)).toBe(true);
    expect(checkHeadSignature({ ...head, treeSize: head.treeSize + 1 }, key)).toBe(false);
    for (const index of [0, 1, 150, head.treeSize - 1]) {
      const [row] = await ledger.entries(index, index + 1);
      const proof = await ledger.inclusionProof(index, head.treeSize);
      expect(proof.leafHash).toBe(leaf('gm', row!.entry).toString('hex'));
      expect(checkInclusion('gm', leaf('gm', row!.entry), index, head.treeSize, proof.auditPath, head.rootHash)).toBe(
        true,
      );
    }
    const old = (await ledger.rootAt(100)).toString('hex');
    const c = await ledger.consistencyProof(100, head.treeSize);
    expect(checkConsistency('gm', 100, head.treeSize, c.proof, old, head.rootHash)).toBe(true);
    expect(checkConsistency('gm', 100, head.treeSize, c.proof, head.rootHash, old)).toBe(false);
  });

  it.skipIf(engine.skip)('refuses UPDATE and DELETE of entries', async () => {
    await expect(sql`update ledger.entry set entry = '{}' where idx = 1`.execute(db.kysely)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from ledger.entry where idx = 1`.execute(db.kysely)).rejects.toThrow(/append-only/);
    expect((await verifyLedger(k())).ok).toBe(true);
  });

  /** What a superuser could do by hand: switch the triggers off, change something, switch them on. */
  async function tamper(statement: string) {
    await sql
      .raw(`alter table ledger.entry disable trigger user; alter table ledger.node disable trigger user;`)
      .execute(db.kysely);
    await sql.raw(statement).execute(db.kysely);
    await sql
      .raw(`alter table ledger.entry enable trigger user; alter table ledger.node enable trigger user;`)
      .execute(db.kysely);
  }

  it.skipIf(engine.skip)('catches a changed entry, and names it', async () => {
    await tamper(`update ledger.entry set entry = '{"kind":"test","n":9999}' where idx = 42`);
    const report = await verifyLedger(k());
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ index: 42 });
  });

  it.skipIf(engine.skip)(
    'catches an entry rewritten together with its leaf hash, through the stored subtrees',
    async () => {
      const text = '{"kind":"test","n":4242}';
      const hash = createHash('sm3')
        .update(Buffer.concat([Buffer.of(0), Buffer.from(text)]))
        .digest('hex');
      await tamper(`update ledger.entry set entry = (select entry from ledger.entry where idx = 43) where idx = 42`);
      await tamper(`update ledger.entry set entry = '${text}', leaf_hash = '\\x${hash}' where idx = 61`);
      const report = await verifyLedger(k());
      expect(report.problems.map((p) => p.index)).toContain(60);
    },
  );

  it.skipIf(engine.skip)('catches two entries swapped with their leaf hashes, and names them', async () => {
    await tamper(`
      update ledger.entry set idx = -1 where idx = 100;
      update ledger.entry set idx = 100 where idx = 101;
      update ledger.entry set idx = 101 where idx = -1;`);
    const report = await verifyLedger(k());
    expect(report.problems.map((p) => p.index)).toContain(100);
  });

  it.skipIf(engine.skip)('catches a signed head whose root was changed', async () => {
    await ledger.latestHead();
    await sql.raw(`alter table ledger.head disable trigger user`).execute(db.kysely);
    await sql
      .raw(
        `update ledger.head set root_hash = decode(repeat('00', 32), 'hex') where tree_size = (select max(tree_size) from ledger.head)`,
      )
      .execute(db.kysely);
    await sql.raw(`alter table ledger.head enable trigger user`).execute(db.kysely);
    const report = await verifyLedger(k());
    expect(report.problems.some((p) => p.treeSize !== undefined && /does not match|signature/.test(p.reason))).toBe(
      true,
    );
  });

  it.skipIf(engine.skip)('catches a deleted entry, and names it', async () => {
    await tamper(`delete from ledger.entry where idx = 7`);
    const report = await verifyLedger(k());
    expect(report.problems[0]).toMatchObject({ index: 7, reason: expect.stringMatching(/missing/) });
  });
});

describe.each(engines())('ledger over HTTP on $name', (engine) => {
  let hub: Hub;
  let app: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    if (engine.skip) return;
    hub = await openHub({ databaseUrl: await engine.createDatabase(), dataDir: 'memory://' });
    app = await buildApp(hub, { logger: createLogger('silent') });
    await Promise.all(Array.from({ length: 37 }, (_, i) => hub.ledger.append(probe(i))));
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });
  const get = async (url: string) => (await app.inject({ url })).json();

  it.skipIf(engine.skip)('serves the contract a third party verifies against', async () => {
    const head: Head = await get('/api/v1/ledger/head');
    expect(Object.keys(head).sort()).toEqual(['rootHash', 'signature', 'suite', 'timestamp', 'treeSize']);
    expect(head).toMatchObject({ treeSize: 37, suite: 'gm' });
    const key = await get('/api/v1/ledger/key');
    expect(key.publicKeyPem).toMatch(/BEGIN PUBLIC KEY/);
    expect(checkHeadSignature(head, key)).toBe(true);
    const proof = await get('/api/v1/ledger/proof/inclusion?index=20&treeSize=37');
    expect(Object.keys(proof).sort()).toEqual(['auditPath', 'leafHash', 'leafIndex', 'treeSize']);
    expect(checkInclusion('gm', Buffer.from(proof.leafHash, 'hex'), 20, 37, proof.auditPath, head.rootHash)).toBe(true);
    const byHash = await get(`/api/v1/ledger/proof/inclusion?leafHash=${proof.leafHash}&treeSize=37`);
    expect(byHash.leafIndex).toBe(20);
    await Promise.all([hub.ledger.append(probe(100)), hub.ledger.append(probe(101))]);
    const head2: Head = await get('/api/v1/ledger/head');
    const c = await get(`/api/v1/ledger/proof/consistency?first=37&second=${head2.treeSize}`);
    expect(c).toMatchObject({ first: 37, second: 39 });
    expect(checkConsistency('gm', 37, 39, c.proof, head.rootHash, head2.rootHash)).toBe(true);
    expect((await get('/api/v1/ledger/heads?from=0&to=100')).map((h: Head) => h.treeSize)).toEqual(
      expect.arrayContaining([37, 39]),
    );
  });

  it.skipIf(engine.skip)('keeps entries for auditors and rejects out-of-range proofs naming the field', async () => {
    expect((await app.inject({ url: '/api/v1/ledger/entries?start=0&end=5' })).statusCode).toBe(401);
    const bad = await app.inject({ url: '/api/v1/ledger/proof/inclusion?index=500&treeSize=37' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].field).toBe('index');
    const tooBig = await app.inject({ url: '/api/v1/ledger/proof/consistency?first=1&second=99999' });
    expect(tooBig.json().errors[0].field).toBe('treeSize');
  });
});

describe('intl suite', () => {
  it('hashes with SHA-256 and signs with Ed25519, recorded in the ledger', async () => {
    const db = await connect({ dataDir: 'memory://' });
    await migrate(db, [ledgerMigrations]);
    const ledger = await openLedger(db, { suite: 'intl' });
    await ledger.append(probe(0));
    const head = (await ledger.latestHead()) as Head;
    expect(head.suite).toBe('intl');
    expect(head.rootHash).toBe(leaf('intl', canonicalize({ ...probe(0), v: 1 })!).toString('hex'));
    expect(checkHeadSignature(head, ledger.publicKey())).toBe(true);
    await ledger.close();
    const reopened = await openLedger(db, { suite: 'gm' });
    expect(reopened.suite).toBe('intl');
    await reopened.close();
    await db.close();
  });
});

describe('a head signed before the first entry', () => {
  it('is the empty tree, and verification accepts it before and after appends', async () => {
    const db = await connect({ dataDir: 'memory://' });
    await migrate(db, [ledgerMigrations]);
    const ledger = await openLedger(db);
    expect((await ledger.latestHead()).treeSize).toBe(0);
    const k = db.kysely.withTables<LedgerTables>();
    expect(await verifyLedger(k)).toMatchObject({ ok: true, headsChecked: 1 });
    await ledger.append(probe(0));
    await ledger.latestHead();
    expect(await verifyLedger(k)).toMatchObject({ ok: true, entriesChecked: 1, problems: [] });
    await ledger.close();
    await db.close();
  });
});
