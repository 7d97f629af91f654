import { randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Database, Kysely } from '../db/index.js';
import { HubError, getSuite, type CryptoSuite, type SigningKey, type SuiteName } from '../kernel/index.js';
import { signHead, type SignedTreeHead } from './heads.js';
import {
  consistencyPlan,
  evaluate,
  inclusionPlan,
  leafHash,
  nodesOf,
  rangeExpr,
  type Hash,
  type HashExpr,
  type HashFn,
} from './merkle.js';
import { appendBatch, readNodes, type Frontier, type PendingLeaf } from './store.js';
import type { LedgerTables } from './tables.js';

export interface LedgerEntryRow {
  index: number;
  /** The exact canonical JSON text that was hashed. */
  entry: string;
  leafHash: string;
}

export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  auditPath: string[];
}

export interface ConsistencyProof {
  first: number;
  second: number;
  proof: string[];
}

export interface LedgerKey {
  suite: SuiteName;
  algorithm: 'SM2' | 'Ed25519';
  hash: 'SM3' | 'SHA-256';
  publicKeyPem: string;
  publicKeyHex?: string;
  sm2UserId?: string;
}

/** Appends that wait together for one transaction; more would only lengthen the transaction. */
const MAX_BATCH = 4000;
const MAX_RANGE = 1000;

type Waiter = PendingLeaf & { resolve: (r: { index: number; leafHash: string }) => void; reject: (e: unknown) => void };

/**
 * The 泉城链 ledger: an RFC 9162 transparency log of every access, grant and catalog version.
 * `append` resolves only after the entry is committed; concurrent appends share one commit.
 */
export class Ledger {
  readonly suite: SuiteName;
  private readonly crypto: CryptoSuite;
  private readonly h: HashFn;
  private queue: Waiter[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private lastHead: SignedTreeHead | undefined;
  private closed = false;
  private frontier: Frontier | null = null;

  constructor(
    private readonly db: Kysely<LedgerTables>,
    suite: SuiteName,
    private readonly key: SigningKey,
    private readonly subjectKey: Buffer,
  ) {
    this.suite = suite;
    this.crypto = getSuite(suite);
    this.h = (d) => this.crypto.hash(d);
  }

  /** Starts issuing a signed tree head every `intervalMs` while entries arrive. */
  startHeads(intervalMs: number): void {
    this.timer = setInterval(() => void this.latestHead().catch(() => {}), intervalMs);
    this.timer.unref();
  }

  append(entry: Record<string, unknown>): Promise<{ index: number; leafHash: string }> {
    if (this.closed) return Promise.reject(new Error('the ledger is closed'));
    const text = canonicalize(entry);
    if (text === undefined) return Promise.reject(new Error('entry is not JSON'));
    const hash = leafHash(this.h, Buffer.from(text, 'utf8'));
    const subject = typeof entry.subject === 'string' ? entry.subject : null;
    return new Promise((resolve, reject) => {
      this.queue.push({ text, leafHash: hash, subject, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Drains the queue batch by batch: whatever arrived while one batch committed goes in the next. */
  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const { start, frontier } = await appendBatch(this.db, this.h, batch, this.frontier);
        this.frontier = frontier;
        batch.forEach((w, i) => w.resolve({ index: start + i, leafHash: w.leafHash.toString('hex') }));
      } catch (e) {
        this.frontier = null;
        batch.forEach((w) => w.reject(e));
      }
    }
    this.flushing = null;
  }

  subjectTag(identifier: string): string {
    return this.crypto.hmac(this.subjectKey, identifier.trim().toUpperCase());
  }

  async size(): Promise<number> {
    const row = await this.db
      .selectFrom('ledger.state')
      .select('tree_size')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    return row.tree_size;
  }

  /** The newest signed head; issues one first when entries arrived since the last. */
  async latestHead(): Promise<SignedTreeHead> {
    const size = await this.size();
    if (this.lastHead?.treeSize === size) return this.lastHead;
    const stored = await this.db.selectFrom('ledger.head').selectAll().where('tree_size', '=', size).executeTakeFirst();
    if (stored) return (this.lastHead = toHead(stored, this.suite));
    const root = await this.rootAt(size);
    const head = signHead(this.crypto, this.key, {
      treeSize: size,
      rootHash: root.toString('hex'),
      timestamp: Date.now(),
      suite: this.suite,
    });
    await this.db
      .insertInto('ledger.head')
      .values({ tree_size: size, root_hash: root, timestamp: head.timestamp, signature: head.signature })
      .onConflict((oc) => oc.column('tree_size').doNothing())
      .execute();
    // Another process may have signed this size first: the stored head is the one that counts.
    const row = await this.db
      .selectFrom('ledger.head')
      .selectAll()
      .where('tree_size', '=', size)
      .executeTakeFirstOrThrow();
    return (this.lastHead = toHead(row, this.suite));
  }

  async heads(from = 0, to = Number.MAX_SAFE_INTEGER, limit = MAX_RANGE): Promise<SignedTreeHead[]> {
    const rows = await this.db
      .selectFrom('ledger.head')
      .selectAll()
      .where('tree_size', '>=', from)
      .where('tree_size', '<=', to)
      .orderBy('tree_size')
      .limit(limit)
      .execute();
    return rows.map((r) => toHead(r, this.suite));
  }

  publicKey(): LedgerKey {
    return this.suite === 'gm'
      ? {
          suite: 'gm',
          algorithm: 'SM2',
          hash: 'SM3',
          publicKeyPem: this.key.publicKeyPem,
          publicKeyHex: this.key.publicKeyHex!,
          sm2UserId: '1234567812345678',
        }
      : { suite: 'intl', algorithm: 'Ed25519', hash: 'SHA-256', publicKeyPem: this.key.publicKeyPem };
  }

  async rootAt(size: number): Promise<Hash> {
    if (size === 0) return this.h(new Uint8Array());
    return (await this.evaluateAll([rangeExpr(0, size)]))[0]!;
  }

  async inclusionProof(index: number, treeSize?: number): Promise<InclusionProof> {
    const size = await this.checkedSize(treeSize);
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw new HubError('LED_BAD_RANGE', `index ${index} is not in a tree of size ${size}`, {
        problems: [{ field: 'index', reason: `must be 0 ≤ index < ${size}` }],
      });
    }
    const plan = inclusionPlan(index, size);
    const [leaf, ...path] = await this.evaluateAll([{ node: { level: 0, index } }, ...plan]);
    return {
      leafIndex: index,
      treeSize: size,
      leafHash: leaf!.toString('hex'),
      auditPath: path.map((p) => p.toString('hex')),
    };
  }

  async indexOfLeaf(leafHashHex: string): Promise<number> {
    const row = await this.db
      .selectFrom('ledger.entry')
      .select('idx')
      .where('leaf_hash', '=', Buffer.from(leafHashHex, 'hex'))
      .orderBy('idx')
      .executeTakeFirst();
    if (!row) throw new HubError('LED_ENTRY_NOT_FOUND', `no entry with leaf hash ${leafHashHex}`);
    return row.idx;
  }

  async consistencyProof(first: number, second?: number): Promise<ConsistencyProof> {
    const size = await this.checkedSize(second);
    if (!Number.isInteger(first) || first < 1 || first > size) {
      throw new HubError('LED_BAD_RANGE', `no consistency proof from ${first} to ${size}`, {
        problems: [{ field: 'first', reason: `must be 1 ≤ first ≤ ${size}` }],
      });
    }
    const proof = await this.evaluateAll(consistencyPlan(first, size));
    return { first, second: size, proof: proof.map((p) => p.toString('hex')) };
  }

  async entries(start: number, end: number): Promise<LedgerEntryRow[]> {
    if (!(start >= 0 && end >= start && end - start <= MAX_RANGE)) {
      throw new HubError('LED_BAD_RANGE', `entries ${start}..${end}: at most ${MAX_RANGE} at a time`, {
        problems: [{ field: 'end', reason: `0 ≤ start ≤ end ≤ start + ${MAX_RANGE}` }],
      });
    }
    const rows = await this.db
      .selectFrom('ledger.entry')
      .select(['idx', 'entry', 'leaf_hash'])
      .where('idx', '>=', start)
      .where('idx', '<', end)
      .orderBy('idx')
      .execute();
    return rows.map(toRow);
  }

  async entriesBySubject(tag: string, opts: { limit?: number; beforeIndex?: number } = {}): Promise<LedgerEntryRow[]> {
    let q = this.db.selectFrom('ledger.entry').select(['idx', 'entry', 'leaf_hash']).where('subject', '=', tag);
    if (opts.beforeIndex !== undefined) q = q.where('idx', '<', opts.beforeIndex);
    const rows = await q
      .orderBy('idx', 'desc')
      .limit(Math.min(opts.limit ?? 100, MAX_RANGE))
      .execute();
    return rows.map(toRow);
  }

  hashFn(): HashFn {
    return this.h;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.closed = true;
    while (this.flushing) await this.flushing;
  }

  private async checkedSize(treeSize: number | undefined): Promise<number> {
    // The log only grows: a size within the last head known here needs no read to be valid.
    const known = this.lastHead?.treeSize ?? 0;
    const current =
      treeSize !== undefined && Number.isInteger(treeSize) && treeSize >= 1 && treeSize <= known
        ? known
        : await this.size();
    const size = treeSize ?? current;
    if (!Number.isInteger(size) || size < 1 || size > current) {
      throw new HubError('LED_BAD_RANGE', `tree size ${size} is not between 1 and ${current}`, {
        problems: [{ field: 'treeSize', reason: `must be 1 ≤ treeSize ≤ ${current}` }],
      });
    }
    return size;
  }

  private async evaluateAll(exprs: HashExpr[]): Promise<Hash[]> {
    const nodes = await readNodes(this.db, nodesOf(exprs));
    return exprs.map((e) => evaluate(this.h, e, nodes));
  }
}

function toRow(r: { idx: number; entry: string; leaf_hash: Buffer }): LedgerEntryRow {
  return { index: r.idx, entry: r.entry, leafHash: r.leaf_hash.toString('hex') };
}

function toHead(
  r: { tree_size: number; root_hash: Buffer; timestamp: number; signature: string },
  suite: SuiteName,
): SignedTreeHead {
  return {
    treeSize: r.tree_size,
    rootHash: r.root_hash.toString('hex'),
    timestamp: Number(r.timestamp),
    suite,
    signature: r.signature,
  };
}

/** Opens the ledger, creating its suite, signing key and subject key on first use. */
export async function openLedger(
  database: Database,
  opts: { suite?: SuiteName; headIntervalMs?: number } = {},
): Promise<Ledger> {
  const db = database.kysely.withTables<LedgerTables>();
  const suite = opts.suite ?? 'gm';
  await db
    .insertInto('ledger.state')
    .values({ id: 1, suite })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const state = await db.selectFrom('ledger.state').select('suite').where('id', '=', 1).executeTakeFirstOrThrow();
  // A key pair is made only on first use: SM2 key generation is not free, and start-up should be.
  const existing = await db.selectFrom('ledger.key').select('id').where('id', '=', 1).executeTakeFirst();
  if (!existing) {
    const fresh = getSuite(state.suite).generateSigningKey();
    await db
      .insertInto('ledger.key')
      .values({
        id: 1,
        private_key: fresh.privateKey,
        public_key_pem: fresh.publicKeyPem,
        public_key_hex: fresh.publicKeyHex ?? null,
        subject_key: randomBytes(32),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
  const key = await db.selectFrom('ledger.key').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  const ledger = new Ledger(
    db,
    state.suite,
    { privateKey: key.private_key, publicKeyPem: key.public_key_pem, publicKeyHex: key.public_key_hex ?? undefined },
    key.subject_key,
  );
  if (opts.headIntervalMs) ledger.startHeads(opts.headIntervalMs);
  return ledger;
}
