import { sql, type Kysely, type Transaction } from '../db/index.js';
import { nodeHash, nodeKey, type Hash, type HashFn, type NodeRef } from './merkle.js';
import type { LedgerTables } from './tables.js';

export interface PendingLeaf {
  text: string;
  leafHash: Hash;
  subject: string | null;
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
 * Appends a batch in one transaction: the state row is locked so that appends from every hub
 * process are serialized in the database; indexes follow on from the stored size, and every
 * perfect subtree the batch completes is stored. Entries, subtrees and the new size are written
 * by one statement. `frontier` is reused when no other process appended since; the returned
 * one serves the next batch.
 */
export async function appendBatch(
  db: Kysely<LedgerTables>,
  h: HashFn,
  batch: PendingLeaf[],
  cached: Frontier | null,
): Promise<{ start: number; frontier: Frontier }> {
  return db.transaction().execute(async (trx) => {
    const { tree_size: start } = await trx
      .selectFrom('ledger.state')
      .select('tree_size')
      .where('id', '=', 1)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const known = cached?.size === start ? new Map(cached.nodes) : await readNodes(trx, frontier(start));
    const nodes: Array<{ level: number; idx: number; hash: Buffer }> = [];
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
    await sql`
      with entries as (
        insert into ledger.entry (idx, entry, leaf_hash, subject)
        select * from unnest(cast(${batch.map((_, i) => start + i)} as bigint[]), cast(${batch.map((b) => b.text)} as text[]),
                             cast(${batch.map((b) => b.leafHash)} as bytea[]), cast(${batch.map((b) => b.subject)} as text[]))
      ), subtrees as (
        insert into ledger.node (level, idx, hash)
        select * from unnest(cast(${nodes.map((n) => n.level)} as smallint[]), cast(${nodes.map((n) => n.idx)} as bigint[]),
                             cast(${nodes.map((n) => n.hash)} as bytea[]))
      )
      update ledger.state set tree_size = ${size} where id = 1`.execute(trx);
    const edge = new Map(frontier(size).map((r) => [nodeKey(r), known.get(nodeKey(r))!]));
    return { start, frontier: { size, nodes: edge } };
  });
}
