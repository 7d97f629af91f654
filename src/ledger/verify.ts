import canonicalize from 'canonicalize';
import type { Kysely } from '../db/index.js';
import { getSuite, type SuiteName } from '../kernel/index.js';
import { verifyHead } from './heads.js';
import { leafHash, nodeHash, nodeKey, rootOf, type Hash } from './merkle.js';
import type { LedgerTables } from './tables.js';

export interface VerifyProblem {
  /** The first entry index that differs, when one can be named. */
  index?: number;
  treeSize?: number;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  treeSize: number;
  entriesChecked: number;
  headsChecked: number;
  problems: VerifyProblem[];
  seconds: number;
}

const BATCH = 20_000;

/**
 * Recomputes the whole tree from the stored entries and checks, in one pass: each entry's text
 * is canonical and hashes to its stored leaf hash, indexes run without gaps, every stored subtree
 * hash matches, and every signed tree head's root and signature match the recomputed tree — so a
 * changed, deleted or reordered entry is named, even when whoever changed it bypassed the triggers.
 */
export async function verifyLedger(
  db: Kysely<LedgerTables>,
  onProgress?: (checked: number, total: number) => void,
): Promise<VerifyReport> {
  const t0 = Date.now();
  const state = await db.selectFrom('ledger.state').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  const key = await db.selectFrom('ledger.key').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  const suite = getSuite(state.suite as SuiteName);
  const h = (d: Uint8Array) => suite.hash(d);
  const heads = await db.selectFrom('ledger.head').selectAll().orderBy('tree_size').execute();
  const problems: VerifyProblem[] = [];
  const report = (p: VerifyProblem) => problems.length < 20 && problems.push(p);

  // The right edge of the tree built so far: perfect subtrees by level, as in an append.
  const stack: Array<{ level: number; hash: Hash }> = [];
  const rootOfStack = () =>
    stack.reduceRight<Hash | undefined>((acc, s) => (acc ? nodeHash(h, s.hash, acc) : s.hash), undefined) ??
    rootOf(h, []);
  let expected = 0;
  let headAt = 0;
  // A head signed before the first append (a hub that opened and timed a head with nothing logged
  // yet) is of the empty tree: check it before any entry, or it would look larger than the log.
  while (headAt < heads.length && heads[headAt]!.tree_size === 0) checkHead(heads[headAt++]!);
  for (;;) {
    const rows = await db
      .selectFrom('ledger.entry')
      .select(['idx', 'entry', 'leaf_hash'])
      .where('idx', '>=', expected)
      .orderBy('idx')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    const computed: Array<{ level: number; idx: number; hash: Hash }> = [];
    for (const row of rows) {
      if (row.idx !== expected) {
        report({ index: expected, reason: `entry ${expected} is missing (next stored is ${row.idx})` });
        return finish();
      }
      const text = Buffer.from(row.entry, 'utf8');
      const leaf = leafHash(h, text);
      if (canonicalize(JSON.parse(row.entry)) !== row.entry)
        report({ index: row.idx, reason: 'entry text is not canonical JSON' });
      if (!leaf.equals(row.leaf_hash))
        report({ index: row.idx, reason: 'entry text does not hash to its stored leaf hash' });
      let node = { level: 0, hash: leaf };
      let index = row.idx;
      while (stack.length > 0 && stack[stack.length - 1]!.level === node.level) {
        const left = stack.pop()!;
        index = Math.floor(index / 2);
        node = { level: node.level + 1, hash: nodeHash(h, left.hash, node.hash) };
        computed.push({ level: node.level, idx: index, hash: node.hash });
      }
      stack.push(node);
      expected++;
      while (headAt < heads.length && heads[headAt]!.tree_size === expected) checkHead(heads[headAt++]!);
    }
    await compareNodes(computed);
    onProgress?.(expected, state.tree_size);
    if (problems.length > 0) return finish();
  }
  if (expected !== state.tree_size)
    report({ treeSize: state.tree_size, reason: `state says ${state.tree_size} entries, found ${expected}` });
  for (; headAt < heads.length; headAt++)
    report({ treeSize: heads[headAt]!.tree_size, reason: 'a signed head is larger than the log' });
  return finish();

  function checkHead(head: (typeof heads)[number]) {
    const root = rootOfStack();
    const signed = {
      treeSize: head.tree_size,
      rootHash: head.root_hash.toString('hex'),
      timestamp: Number(head.timestamp),
      suite: state.suite as SuiteName,
      signature: head.signature,
    };
    if (!root.equals(head.root_hash)) {
      report({
        treeSize: head.tree_size,
        reason: `signed head of size ${head.tree_size} does not match the entries before it`,
      });
    }
    if (!verifyHead(suite, key.public_key_pem, signed))
      report({ treeSize: head.tree_size, reason: 'head signature does not verify' });
  }

  /** Reports the lowest stored subtree that differs; the ones above it differ because of it. */
  async function compareNodes(nodes: Array<{ level: number; idx: number; hash: Hash }>) {
    const stored = new Map<string, Hash>();
    for (const level of new Set(nodes.map((n) => n.level))) {
      const idx = nodes.filter((n) => n.level === level).map((n) => n.idx);
      const rows = await db
        .selectFrom('ledger.node')
        .select(['idx', 'hash'])
        .where('level', '=', level)
        .where('idx', '>=', Math.min(...idx))
        .where('idx', '<=', Math.max(...idx))
        .execute();
      for (const r of rows) stored.set(nodeKey({ level, index: r.idx }), r.hash);
    }
    const bad: Array<[number, number]> = [];
    for (const n of nodes) {
      if (stored.get(nodeKey({ level: n.level, index: n.idx }))?.equals(n.hash)) continue;
      const [from, to] = [n.idx * 2 ** n.level, (n.idx + 1) * 2 ** n.level - 1];
      if (bad.some(([a, b]) => a >= from && b <= to)) continue;
      bad.push([from, to]);
      report({
        index: from,
        reason: `stored subtree hash over entries ${from}..${to} differs: an entry or its leaf hash was changed`,
      });
    }
  }

  function finish(): VerifyReport {
    problems.sort((a, b) => (a.index ?? a.treeSize ?? 0) - (b.index ?? b.treeSize ?? 0));
    return {
      ok: problems.length === 0,
      treeSize: state.tree_size,
      entriesChecked: expected,
      headsChecked: headAt,
      problems,
      seconds: (Date.now() - t0) / 1000,
    };
  }
}
