import { sql, type Database } from '../db/index.js';
import { getSuite, msg, type Message } from '../kernel/index.js';
import { verifyHead, verifyLedger, type Ledger, type LedgerTables } from '../ledger/index.js';
import type { Manifest } from './manifest.js';

/** Problems named at most: the first ones say what failed; the rest add nothing an operator acts on. */
const MAX_PROBLEMS = 5;

/**
 * What a restored database must pass before the hub serves it: the ledger's own verification
 * (every entry, subtree hash and stored signed head recomputed), and the head signed at the
 * backup is in it: the ledger reaches its size, has the same root there, under the same key,
 * and the head's signature checks with that key. Returns the problems; none means verified.
 */
export async function verifyRestored(
  db: Database,
  ledger: Ledger,
  manifest: Manifest,
  onProgress?: (done: number, total: number) => void,
): Promise<Message[]> {
  const exists = await sql<{ t: string | null }>`select to_regclass('ledger.entry')::text as t`.execute(db.kysely);
  if (!exists.rows[0]?.t) return [msg('ops.noLedger')];
  const problems: Message[] = [];
  // A ledger whose state or key rows are gone cannot even be walked: that is its problem.
  const report = await verifyLedger(db.kysely.withTables<LedgerTables>(), onProgress).catch((e: Error) => ({
    problems: [{ treeSize: 0, index: undefined, reason: e.message }],
  }));
  for (const p of report.problems.slice(0, MAX_PROBLEMS)) {
    problems.push(
      p.index !== undefined
        ? msg('ops.ledgerEntry', { index: p.index, reason: p.reason })
        : msg('ops.ledgerSize', { size: p.treeSize ?? 0, reason: p.reason }),
    );
  }
  const head = manifest.ledger.head;
  const size = await ledger.size();
  if (size < head.treeSize) problems.push(msg('ops.headMissing', { size, headSize: head.treeSize }));
  else if (!(await rootMatches(() => ledger.rootAt(head.treeSize), head.rootHash)))
    problems.push(msg('ops.headRoot', { size: head.treeSize }));
  const key = ledger.publicKey().publicKeyPem;
  if (key.trim() !== manifest.ledger.publicKeyPem.trim()) problems.push(msg('ops.headKey'));
  if (!verifyHead(getSuite(head.suite), key, head)) problems.push(msg('ops.headSignature'));
  return problems;
}

/** A root that cannot even be computed (a subtree missing from storage) does not match either. */
async function rootMatches(root: () => Promise<Buffer>, expected: string): Promise<boolean> {
  try {
    return (await root()).toString('hex') === expected;
  } catch {
    return false;
  }
}
