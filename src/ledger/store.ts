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

/** Reads stored perfect-subtree hashes in one query: leaves from ledger.entry, higher levels from ledger.node. */
export async function readNodes(
  db: Kysely<LedgerTables> | Transaction<LedgerTables>,
  refs: NodeRef[],
): Promise<Map<string, Hash>> {
  const out = new Map<string, Hash>();
  const leaves = refs.filter((r) => r.level === 0).map((r) => r.index);
  const inner = refs.filter((r) => r.level > 0);
  if (refs.length === 0) return out;
  const leafQuery = db
    .selectFrom('ledger.entry')
    .select([sql<number>`0`.as('level'), 'idx', 'leaf_hash as hash'])
    .where('idx', 'in', leaves.length > 0 ? leaves : [-1]);
  const rows = await (
    inner.length > 0
      ? leafQuery.unionAll(
          db
            .selectFrom('ledger.node')
            .select(['level', 'idx', 'hash'])
            .where((eb) => eb.or(inner.map((r) => eb.and([eb('level', '=', r.level), eb('idx', '=', r.index)])))),
        )
      : leafQuery
  ).execute();
  for (const r of rows) out.set(nodeKey({ level: r.level, index: r.idx }), r.hash);
  return out;
}

/**
 * Appends a batch in one transaction: the state row is locked so that appends from every hub
 * process are serialized in the database; indexes follow on from the stored size, and every
 * perfect subtree the batch completes is stored. Returns the index of the batch's first leaf.
 */
export async function appendBatch(db: Kysely<LedgerTables>, h: HashFn, batch: PendingLeaf[]): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { tree_size: start } = await trx
      .selectFrom('ledger.state')
      .select('tree_size')
      .where('id', '=', 1)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const known = await readNodes(trx, frontier(start));
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
    for (let i = 0; i < batch.length; i += 5000) {
      const rows = batch.slice(i, i + 5000).map((leaf, k) => ({
        idx: start + i + k,
        entry: leaf.text,
        leaf_hash: leaf.leafHash,
        subject: leaf.subject,
      }));
      await trx.insertInto('ledger.entry').values(rows).execute();
    }
    for (let i = 0; i < nodes.length; i += 10000) {
      await trx
        .insertInto('ledger.node')
        .values(nodes.slice(i, i + 10000))
        .execute();
    }
    await trx
      .updateTable('ledger.state')
      .set({ tree_size: start + batch.length })
      .where('id', '=', 1)
      .execute();
    return start;
  });
}
