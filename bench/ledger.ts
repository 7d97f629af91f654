/**
 * npm run bench:ledger — the 泉城链 ledger on a real PostgreSQL server, each figure beside a
 * baseline measured in the same run:
 *  1. sustained durable appends/s from concurrent writers vs the same number of bare
 *     single-row INSERTs, one transaction each, same durability and concurrency;
 *  2. time to build an inclusion and a consistency proof in logs of 1 M and 10 M entries;
 *  3. `verify` of the whole 1 M-entry log.
 * Sizes: LEDGER_APPENDS (default 100000), LEDGER_WRITERS (default 256), LEDGER_SIZES (default
 * 1000000,10000000). The large logs are bulk-loaded into the real storage layout with COPY.
 */
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { connect, migrate } from '../src/db/index.js';
import { ledgerMigrations, openLedger, verifyLedger, type LedgerTables } from '../src/ledger/index.js';
import { createDatabase, drive, fmt, summarize } from './lib.js';

const APPENDS = Number(process.env.LEDGER_APPENDS ?? 100_000);
const WRITERS = Number(process.env.LEDGER_WRITERS ?? 256);
const SIZES = (process.env.LEDGER_SIZES ?? '1000000,10000000').split(',').map(Number);

async function appendThroughput() {
  const bare = await createDatabase('bare');
  const hub = await createDatabase('appends');
  try {
    const pool = new pg.Pool({ connectionString: bare.url, max: 32 });
    await pool.query('create table t (id bigserial primary key, entry text not null, leaf_hash bytea not null)');
    const entry = (i: number) => JSON.stringify({ kind: 'access', actor: 'consumer', resource: 'JNGAJ-0001', n: i });
    const bareRate = await drive(APPENDS, WRITERS, (i) =>
      pool.query('insert into t (entry, leaf_hash) values ($1, $2)', [
        entry(i),
        createHash('sm3').update(entry(i)).digest(),
      ]),
    );
    await pool.end();

    const db = await connect({ databaseUrl: hub.url, poolSize: 32 });
    await migrate(db, [ledgerMigrations]);
    const ledger = await openLedger(db);
    const rate = await drive(APPENDS, WRITERS, (i) =>
      ledger.append({
        kind: 'share.read',
        op: 'lookup',
        actor: 'consumer',
        org: 'JNMZJ',
        resource: 'JNGAJ-0001',
        purpose: 'bench',
        subject: ledger.subjectTag(String(i)),
        outcome: 'allowed',
        at: new Date().toISOString(),
      }),
    );
    const head = await ledger.latestHead();
    await ledger.close();
    await db.close();
    console.log(`appends (${fmt(APPENDS)} entries, ${WRITERS} concurrent writers, synchronous_commit on):`);
    console.log(`  bare single-row INSERT, one transaction each : ${fmt(bareRate)} /s`);
    console.log(
      `  ledger.append (group commit, tree nodes, SM3): ${fmt(rate)} /s   ratio ${fmt(rate / bareRate, 2)}   (tree size ${fmt(head.treeSize)})`,
    );
  } finally {
    await bare.drop();
    await hub.drop();
  }
}

/** Writes n entries, their leaf hashes and every perfect subtree hash with COPY, as appends would. */
async function bulkFill(url: string, n: number) {
  const db = await connect({ databaseUrl: url });
  await migrate(db, [ledgerMigrations]);
  await (await openLedger(db)).close();
  await db.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const sm3 = (...parts: Buffer[]) => createHash('sm3').update(Buffer.concat(parts)).digest();
  const nodes: string[] = [];
  const stack: Array<{ level: number; hash: Buffer }> = [];
  function* entries() {
    let buf = '';
    for (let i = 0; i < n; i++) {
      const text = `{"kind":"access","n":${i}}`;
      let node = { level: 0, hash: sm3(Buffer.of(0), Buffer.from(text)) };
      buf += `${i}\t${text}\t\\\\x${node.hash.toString('hex')}\t\\N\n`;
      let idx = i;
      while (stack.length > 0 && stack[stack.length - 1]!.level === node.level) {
        const left = stack.pop()!;
        idx = Math.floor(idx / 2);
        node = { level: node.level + 1, hash: sm3(Buffer.of(1), left.hash, node.hash) };
        nodes.push(`${node.level}\t${idx}\t\\\\x${node.hash.toString('hex')}\n`);
      }
      stack.push(node);
      if (buf.length > 1 << 16) {
        yield buf;
        buf = '';
      }
    }
    yield buf;
  }
  await pipeline(
    Readable.from(entries()),
    client.query(copyFrom('copy ledger.entry (idx, entry, leaf_hash, subject) from stdin')),
  );
  await pipeline(
    Readable.from(
      (function* () {
        for (let i = 0; i < nodes.length; i += 10_000) yield nodes.slice(i, i + 10_000).join('');
      })(),
    ),
    client.query(copyFrom('copy ledger.node (level, idx, hash) from stdin')),
  );
  await client.query('update ledger.state set tree_size = $1 where id = 1', [n]);
  await client.query('analyze');
  await client.end();
}

async function proofs(n: number) {
  const target = await createDatabase(`proofs${n}`);
  try {
    const t0 = performance.now();
    await bulkFill(target.url, n);
    const fill = (performance.now() - t0) / 1000;
    const db = await connect({ databaseUrl: target.url });
    const ledger = await openLedger(db);
    await ledger.latestHead();
    const incl: number[] = [];
    const cons: number[] = [];
    const leaf: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const index = Math.floor(Math.random() * n);
      let t = performance.now();
      await ledger.inclusionProof(index, n);
      incl.push(performance.now() - t);
      t = performance.now();
      await ledger.consistencyProof(1 + Math.floor(Math.random() * (n - 1)), n);
      cons.push(performance.now() - t);
      t = performance.now();
      await db.kysely
        .withTables<LedgerTables>()
        .selectFrom('ledger.entry')
        .select('leaf_hash')
        .where('idx', '=', index)
        .execute();
      leaf.push(performance.now() - t);
    }
    const [i, c, l] = [summarize(incl), summarize(cons), summarize(leaf)];
    console.log(`proofs in a log of ${fmt(n)} entries (bulk-loaded in ${fmt(fill, 1)} s; 1000 random proofs each):`);
    console.log(`  baseline: one indexed single-row SELECT     median ${fmt(l.median, 3)} ms  p99 ${fmt(l.p99, 3)} ms`);
    console.log(
      `  inclusion proof (read + hash)               median ${fmt(i.median, 3)} ms  p99 ${fmt(i.p99, 3)} ms  ratio ${fmt(i.median / l.median, 1)}`,
    );
    console.log(
      `  consistency proof (read + hash)             median ${fmt(c.median, 3)} ms  p99 ${fmt(c.p99, 3)} ms  ratio ${fmt(c.median / l.median, 1)}`,
    );
    if (n <= 1_000_000) {
      const t = performance.now();
      const report = await verifyLedger(db.kysely.withTables<LedgerTables>());
      const seconds = (performance.now() - t) / 1000;
      console.log(
        `verify of ${fmt(n)} entries: ${fmt(seconds, 1)} s (${fmt(n / seconds)} entries/s), ok=${report.ok}; bulk load of the same entries took ${fmt(fill, 1)} s`,
      );
    }
    await ledger.close();
    await db.close();
  } finally {
    await target.drop();
  }
}

await appendThroughput();
for (const n of SIZES) await proofs(n);
