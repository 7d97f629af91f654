import { sql, type Kysely, type Transaction } from '../db/index.js';
import { nodeHash, nodeKey, type Hash, type HashFn, type NodeRef } from './merkle.js';
import type { LedgerTables } from './tables.js';

export interface PendingLeaf {
  text: string;
  leafHash: Hash;
  /** Kept beside the entry for search, not hashed: its subject tag, kind and the organizations it concerns. */
  subject: string | null;
  kind: string;
  orgs: string[];
}

/** The perfect subtrees a tree of `size` leaves decomposes into: one per set bit of size. */
export function frontier(size: number): NodeRef[] {
  const refs: NodeRef[] = [];
  for (let level = 0; 2 ** level <= size; level++) {
    const count = Math.floor(size / 2 ** level);
    if (count % 2 === 1) refs.push({ level, index: count - 1 });
  }
  return refs;
}

/**
 * Reads stored perfect-subtree hashes in one query: leaves from ledger.entry, higher levels from
 * ledger.node, each looked up by its primary key through a join on the wanted (level, idx) pairs.
 */
export async function readNodes(
  db: Kysely<LedgerTables> | Transaction<LedgerTables>,
  refs: NodeRef[],
): Promise<Map<string, Hash>> {
  const out = new Map<string, Hash>();
  if (refs.length === 0) return out;
  const leaves = refs.filter((r) => r.level === 0).map((r) => r.index);
  const inner = refs.filter((r) => r.level > 0);
  const rows = await sql<{ level: number; idx: number; hash: Buffer }>`
    select 0 as level, e.idx, e.leaf_hash as hash
      from unnest(cast(${leaves} as bigint[])) as w(idx) join ledger.entry e on e.idx = w.idx
    union all
    select n.level, n.idx, n.hash
      from unnest(cast(${inner.map((r) => r.level)} as smallint[]), cast(${inner.map((r) => r.index)} as bigint[])) as w(level, idx)
      join ledger.node n on n.level = w.level and n.idx = w.idx`.execute(db);
  for (const r of rows.rows) out.set(nodeKey({ level: r.level, index: r.idx }), r.hash);
  return out;
}

/** The right edge of the tree as last committed by this process: enough to append without reading. */
export interface Frontier {
  size: number;
  nodes: Map<string, Hash>;
}

/**
 * Appends a batch. Indexes follow on from the stored size and every perfect subtree the batch
 * completes is stored; entries, subtrees and the new size are written by one statement, which
 * writes nothing unless the stored size is still the one the batch was planned on.
 *
 * With `cached`, the right edge this process committed last, that one statement is the whole
 * append: one round trip and one commit, the common case of a single hub appending. When it
 * claims nothing (another process appended since) or there is no edge, the append runs again in
 * a transaction that locks the state row, so that appends from every hub process are
 * serialized in the database. The returned frontier serves the next batch.
 */
export async function appendBatch(
  db: Kysely<LedgerTables>,
  h: HashFn,
  batch: PendingLeaf[],
  cached: Frontier | null,
): Promise<{ start: number; frontier: Frontier }> {
  if (cached) {
    const planned = plan(h, batch, cached.size, new Map(cached.nodes));
    if (await write(db, batch, planned)) return { start: cached.size, frontier: planned.frontier };
  }
  return db.transaction().execute((trx) => appendInTransaction(trx, h, batch));
}

/**
 * Appends a batch inside a transaction the caller holds: the state row is locked until it ends,
 * so the entries commit (or roll back) with whatever else that transaction changes.
 */
export async function appendInTransaction(
  trx: Transaction<LedgerTables>,
  h: HashFn,
  batch: PendingLeaf[],
): Promise<{ start: number; frontier: Frontier }> {
  const { tree_size: start } = await trx
    .selectFrom('ledger.state')
    .select('tree_size')
    .where('id', '=', 1)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const planned = plan(h, batch, start, await readNodes(trx, frontier(start)));
  await write(trx, batch, planned);
  return { start, frontier: planned.frontier };
}

interface Planned {
  start: number;
  nodes: Array<{ level: number; idx: number; hash: Buffer }>;
  frontier: Frontier;
}

/** The subtrees a batch appended at `start` completes, from the right edge `known` of the tree before it. */
function plan(h: HashFn, batch: PendingLeaf[], start: number, known: Map<string, Hash>): Planned {
  const nodes: Planned['nodes'] = [];
  batch.forEach((leaf, i) => {
    const index = start + i;
    known.set(nodeKey({ level: 0, index }), leaf.leafHash);
    for (let level = 1; (index + 1) % 2 ** level === 0; level++) {
      const j = (index + 1) / 2 ** level - 1;
      const left = known.get(nodeKey({ level: level - 1, index: 2 * j }))!;
      const right = known.get(nodeKey({ level: level - 1, index: 2 * j + 1 }))!;
      const hash = nodeHash(h, left, right);
      known.set(nodeKey({ level, index: j }), hash);
      nodes.push({ level, idx: j, hash });
    }
  });
  const size = start + batch.length;
  const edge = new Map(frontier(size).map((r) => [nodeKey(r), known.get(nodeKey(r))!]));
  return { start, nodes, frontier: { size, nodes: edge } };
}

/**
 * One statement: claims the sizes start…start+n by moving the stored size on only if it is still
 * `start`, and writes the entries and subtrees only if it did. Under READ COMMITTED a concurrent
 * append that committed first makes the claim find no row; one still running makes it wait.
 */
async function write(
  db: Kysely<LedgerTables> | Transaction<LedgerTables>,
  batch: PendingLeaf[],
  { start, nodes, frontier: { size } }: Planned,
): Promise<boolean> {
  const orgRows = batch.flatMap((b, i) => b.orgs.map((org) => ({ org, idx: start + i, kind: b.kind })));
  const { rows } = await sql<{ claimed: number }>`
    with claimed as (
      update ledger.state set tree_size = ${size} where id = 1 and tree_size = ${start} returning 1
    ), entries as (
      insert into ledger.entry (idx, entry, leaf_hash, subject, kind)
      select * from unnest(cast(${batch.map((_, i) => start + i)} as bigint[]), cast(${batch.map((b) => b.text)} as text[]),
                           cast(${batch.map((b) => b.leafHash)} as bytea[]), cast(${batch.map((b) => b.subject)} as text[]),
                           cast(${batch.map((b) => b.kind)} as text[]))
      where exists (select from claimed)
    ), orgs as (
      insert into ledger.entry_org (org, idx, kind)
      select * from unnest(cast(${orgRows.map((o) => o.org)} as text[]), cast(${orgRows.map((o) => o.idx)} as bigint[]),
                           cast(${orgRows.map((o) => o.kind)} as text[]))
      where exists (select from claimed)
    ), subtrees as (
      insert into ledger.node (level, idx, hash)
      select * from unnest(cast(${nodes.map((n) => n.level)} as smallint[]), cast(${nodes.map((n) => n.idx)} as bigint[]),
                           cast(${nodes.map((n) => n.hash)} as bytea[]))
      where exists (select from claimed)
    )
    select count(*)::int as claimed from claimed`.execute(db);
  return rows[0]!.claimed === 1;
}
