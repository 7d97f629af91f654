import { randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import { sql, type Database, type Kysely, type Selectable, type Transaction } from '../db/index.js';
import {
  HubError,
  getSuite,
  type CryptoSuite,
  type SigningKey,
  type SuiteName,
  fieldProblem,
  lockForTransaction,
  msg,
} from '../kernel/index.js';
import { ENTRY_VERSION, entryProblem, orgsOf, type EntryKind, type NewEntry } from './entries.js';
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
import { searchEntries, tallySubject, type EntrySearch, type SubjectTally } from './search.js';
import { appendBatch, appendInTransaction, readNodes, type Frontier, type PendingLeaf } from './store.js';
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
/** A page of a search: an auditor reads pages, an export streams the rest. */
const MAX_PAGE = 200;

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
  private headIntervalMs = 0;
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

  /**
   * Issues a signed tree head `intervalMs` after entries this process appended, at most one per
   * interval while they keep coming; a ledger that receives nothing runs no timer at all.
   */
  startHeads(intervalMs: number): void {
    this.headIntervalMs = intervalMs;
  }

  private headSoon(): void {
    if (!this.headIntervalMs || this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.latestHead().catch(() => {});
    }, this.headIntervalMs);
    this.timer.unref();
  }

  /**
   * Writes one entry with the next batch, and answers once that batch is durable; a bad entry
   * throws here (`leafOf`).
   */
  append(entry: NewEntry): Promise<{ index: number; leafHash: string }> {
    if (this.closed) return Promise.reject(new Error('the ledger is closed'));
    const leaf = this.leafOf(entry);
    return new Promise((resolve, reject) => {
      this.queue.push({ ...leaf, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /**
   * An entry stamped with the schema version, as its leaf: the canonical text that is hashed and
   * what search keeps beside it. An entry that is not one of the documented kinds is a
   * programming error: it throws here and is never written, since a written entry stays.
   */
  private leafOf(entry: NewEntry): PendingLeaf {
    const stamped = { ...entry, v: ENTRY_VERSION };
    const problem = entryProblem(stamped);
    if (problem !== undefined) throw new Error(`not written to the ledger: ${problem}`);
    const text = canonicalize(stamped);
    if (text === undefined) throw new Error('entry is not JSON');
    return {
      text,
      leafHash: leafHash(this.h, Buffer.from(text, 'utf8')),
      subject: 'subject' in entry && typeof entry.subject === 'string' ? entry.subject : null,
      kind: entry.kind,
      orgs: orgsOf(entry),
    };
  }

  /**
   * Writes entries inside the caller's transaction, so that a change and its entries commit
   * together or not at all: a process killed between a change's commit and its append would
   * otherwise leave a change the ledger never heard of. The ledger's state row stays locked
   * until that transaction ends, so this is for rare changes (grants, demand steps), not reads.
   */
  async appendWithin<DB>(trx: Transaction<DB>, entries: NewEntry[]): Promise<number> {
    if (this.closed) throw new Error('the ledger is closed');
    const batch = entries.map((entry) => this.leafOf(entry));
    const { start } = await appendInTransaction(trx as unknown as Transaction<LedgerTables>, this.h, batch);
    // The edge this process keeps is behind now: its next batch takes the locked path once.
    this.frontier = null;
    this.headSoon();
    return start;
  }

  /** Drains the queue batch by batch: whatever arrived while one batch committed goes in the next. */
  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const { start, frontier } = await appendBatch(this.db, this.h, batch, this.frontier);
        this.frontier = frontier;
        batch.forEach((w, i) => w.resolve({ index: start + i, leafHash: w.leafHash.toString('hex') }));
        this.headSoon();
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
    return (this.lastHead = toHead(await this.signNewest(), this.suite));
  }

  /**
   * Signs the head of the tree as it stands, one signer at a time across every hub process (an
   * advisory lock held to commit): heads are stored in order of size with timestamps that never
   * go back, whichever process signs. Appends and reads do not wait for it.
   */
  private signNewest(): Promise<Selectable<LedgerTables['ledger.head']>> {
    return this.db.transaction().execute(async (trx) => {
      await lockForTransaction(trx, 'ledger.head');
      const { tree_size: size } = await trx
        .selectFrom('ledger.state')
        .select('tree_size')
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      const newest = await trx
        .selectFrom('ledger.head')
        .selectAll()
        .orderBy('tree_size', 'desc')
        .limit(1)
        .executeTakeFirst();
      // Signed by another process while this one waited for the lock.
      if (newest && newest.tree_size >= size) return newest;
      const root = await this.rootAt(size, trx);
      const head = signHead(this.crypto, this.key, {
        treeSize: size,
        rootHash: root.toString('hex'),
        timestamp: Math.max(Date.now(), Number(newest?.timestamp ?? 0)),
        suite: this.suite,
      });
      const row = { tree_size: size, root_hash: root, timestamp: head.timestamp, signature: head.signature };
      await trx.insertInto('ledger.head').values(row).execute();
      return row;
    });
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

  /**
   * The hub's signature (base64) of a statement's RFC 8785 JSON, by the key that signs tree heads
   * (published at /api/v1/ledger/key): a consent artefact's state, say, provable without the hub.
   */
  signStatement(statement: object): string {
    return this.crypto.sign(this.key, statementMessage(statement)).toString('base64');
  }

  verifyStatement(statement: object, signature: string): boolean {
    try {
      return this.crypto.verify(this.key.publicKeyPem, statementMessage(statement), Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
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

  async rootAt(size: number, db: Kysely<LedgerTables> | Transaction<LedgerTables> = this.db): Promise<Hash> {
    if (size === 0) return this.h(new Uint8Array());
    const expr = rangeExpr(0, size);
    return evaluate(this.h, expr, await readNodes(db, nodesOf([expr])));
  }

  async inclusionProof(index: number, treeSize?: number): Promise<InclusionProof> {
    const size = await this.checkedSize(treeSize);
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw new HubError('LED_BAD_RANGE', msg('ledger.indexOutside', { index, size }), {
        problems: [fieldProblem('index', msg('ledger.indexBound', { size }))],
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
    if (!row) throw new HubError('LED_ENTRY_NOT_FOUND', msg('ledger.noLeaf', { hash: leafHashHex }));
    return row.idx;
  }

  async consistencyProof(first: number, second?: number): Promise<ConsistencyProof> {
    const size = await this.checkedSize(second);
    if (!Number.isInteger(first) || first < 1 || first > size) {
      throw new HubError('LED_BAD_RANGE', msg('ledger.noConsistency', { first, size }), {
        problems: [fieldProblem('first', msg('ledger.firstBound', { size }))],
      });
    }
    const proof = await this.evaluateAll(consistencyPlan(first, size));
    return { first, second: size, proof: proof.map((p) => p.toString('hex')) };
  }

  async entries(start: number, end: number): Promise<LedgerEntryRow[]> {
    if (!(start >= 0 && end >= start && end - start <= MAX_RANGE)) {
      throw new HubError('LED_BAD_RANGE', msg('ledger.rangeTooLong', { start, end, max: MAX_RANGE }), {
        problems: [fieldProblem('end', msg('ledger.rangeBound', { max: MAX_RANGE }))],
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

  /**
   * How many entries of `kind` name the subject, by the user who acted: so that a citizen's own
   * looks at their data can be told apart from others' uses of it. Reads only the subject's entries.
   */
  async countBySubjectActor(tag: string, kind: EntryKind): Promise<Map<string, number>> {
    const { rows } = await sql<{ actor: string; n: string }>`
      select (entry::jsonb)->>'actor' as actor, count(*) as n from ledger.entry
       where subject = ${tag} and kind = ${kind} group by 1`.execute(this.db);
    return new Map(rows.map((r) => [r.actor, Number(r.n)]));
  }

  /**
   * A subject's entries of `kind` counted by actor, organization, purpose and outcome, within the
   * search's month and below its `before` (a signed head's size): a digest of what its pages list.
   */
  tallyBySubject(
    search: EntrySearch & { subject: string; kind: EntryKind | readonly EntryKind[] },
  ): Promise<SubjectTally[]> {
    return tallySubject(this.db, search);
  }

  /** A page of the newest entries matching `search`; `next` continues as `before` (docs/ledger.md). */
  async search(search: EntrySearch, limit = 50): Promise<{ items: LedgerEntryRow[]; next: number | null }> {
    const page = Math.max(1, Math.min(limit, MAX_PAGE));
    const rows = await searchEntries(this.db, search, page + 1);
    const items = rows.slice(0, page).map(toRow);
    return { items, next: rows.length > page ? items[items.length - 1]!.index : null };
  }

  /** The indexes of the newest `max` entries matching `search`, newest first (an export's rows). */
  async matchingIndexes(search: EntrySearch, max: number): Promise<number[]> {
    return (await searchEntries(this.db, search, max, 'idx')).map((r) => r.idx);
  }

  /** The entries at these indexes, in the order given. */
  async entriesAt(indexes: number[]): Promise<LedgerEntryRow[]> {
    if (indexes.length === 0) return [];
    const rows = await this.db
      .selectFrom('ledger.entry')
      .select(['idx', 'entry', 'leaf_hash'])
      .where('idx', 'in', indexes)
      .execute();
    const byIndex = new Map(rows.map((r) => [Number(r.idx), toRow(r)]));
    return indexes.flatMap((i) => byIndex.get(i) ?? []);
  }

  /** Inclusion proofs of several entries in the tree of `treeSize`, from one read of stored hashes. */
  async inclusionProofs(indexes: number[], treeSize: number): Promise<InclusionProof[]> {
    const plans = indexes.map((index) => [{ node: { level: 0, index } }, ...inclusionPlan(index, treeSize)]);
    const hashes = await this.evaluateAll(plans.flat());
    let at = 0;
    return plans.map((plan, i) => {
      const [leaf, ...path] = hashes.slice(at, (at += plan.length));
      return {
        leafIndex: indexes[i]!,
        treeSize,
        leafHash: leaf!.toString('hex'),
        auditPath: path.map((p) => p.toString('hex')),
      };
    });
  }

  /** Signed heads newest first, below tree size `before`. */
  async recentHeads(limit: number, before = Number.MAX_SAFE_INTEGER): Promise<SignedTreeHead[]> {
    const rows = await this.db
      .selectFrom('ledger.head')
      .selectAll()
      .where('tree_size', '<', before)
      .orderBy('tree_size', 'desc')
      .limit(Math.min(limit, MAX_RANGE))
      .execute();
    return rows.map((r) => toHead(r, this.suite));
  }

  hashFn(): HashFn {
    return this.h;
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
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
      throw new HubError('LED_BAD_RANGE', msg('ledger.treeSizeOutside', { size, current }), {
        problems: [fieldProblem('treeSize', msg('ledger.treeSizeBound', { current }))],
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
  opts: { suite?: SuiteName; headIntervalMs?: number; secrets?: LedgerSecrets } = {},
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
        private_key: opts.secrets ? await opts.secrets.seal(Buffer.from(fresh.privateKey)) : fresh.privateKey,
        public_key_pem: fresh.publicKeyPem,
        public_key_hex: fresh.publicKeyHex ?? null,
        subject_key: await sealSubjectKey(randomBytes(32), opts.secrets),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
  const key = await db.selectFrom('ledger.key').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  const { privateKey, subjectKey } = await openKeySecrets(db, key, opts.secrets);
  const ledger = new Ledger(
    db,
    state.suite,
    { privateKey, publicKeyPem: key.public_key_pem, publicKeyHex: key.public_key_hex ?? undefined },
    subjectKey,
  );
  if (opts.headIntervalMs) ledger.startHeads(opts.headIntervalMs);
  return ledger;
}

/**
 * Where the ledger's secrets are sealed at rest: the signing key's private half and the subject
 * key (whose HMACs of citizen IDs are searchable only with it). The hub passes the key store's
 * box for scope `ledger`; the public key and the signed heads stay as they are, so anyone still
 * verifies with the published key.
 */
export interface LedgerSecrets {
  seal(plain: Uint8Array): Promise<string>;
  open(stored: string): Promise<Buffer>;
  isSealed(stored: string): boolean;
}

async function sealSubjectKey(key: Buffer, secrets: LedgerSecrets | undefined): Promise<Buffer> {
  return secrets ? Buffer.from(await secrets.seal(key)) : key;
}

/** The stored secrets opened; ones stored in clear (before encryption at rest) are sealed now, once. */
async function openKeySecrets(
  db: Kysely<LedgerTables>,
  key: { private_key: string; subject_key: Buffer },
  secrets: LedgerSecrets | undefined,
): Promise<{ privateKey: string; subjectKey: Buffer }> {
  if (!secrets) return { privateKey: key.private_key, subjectKey: key.subject_key };
  const storedSubject = key.subject_key.toString('latin1');
  const privateKey = secrets.isSealed(key.private_key)
    ? (await secrets.open(key.private_key)).toString()
    : key.private_key;
  const subjectKey = secrets.isSealed(storedSubject) ? await secrets.open(storedSubject) : key.subject_key;
  if (!secrets.isSealed(key.private_key) || !secrets.isSealed(storedSubject)) {
    await db
      .updateTable('ledger.key')
      .set({
        private_key: await secrets.seal(Buffer.from(privateKey)),
        subject_key: await sealSubjectKey(subjectKey, secrets),
      })
      .where('id', '=', 1)
      .execute();
  }
  return { privateKey, subjectKey };
}

/** What a statement's signature covers: its RFC 8785 canonical JSON. */
function statementMessage(statement: object): Buffer {
  return Buffer.from(canonicalize(statement)!, 'utf8');
}
