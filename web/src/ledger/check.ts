import { client, ok, type Answer } from '../api';
import type { Head } from './types';
import { headSignatureHolds, leafHashOf, rootFromProof } from './verify';

export type InclusionProof = Answer<'/api/v1/ledger/proof/inclusion'>;

/** An entry as the browser checks it: where it is, the text that was hashed, and the leaf hash claimed for it. */
export interface ProvableEntry {
  index: number;
  entry: string;
  leafHash: string;
}

/** The latest signed head, its signature checked here under the ledger's key (null: this browser cannot tell). */
export async function latestCheckedHead(): Promise<{ head: Head; signature: boolean | null }> {
  const [head, key] = await Promise.all([ok(client.GET('/api/v1/ledger/head')), ok(client.GET('/api/v1/ledger/key'))]);
  return { head, signature: await headSignatureHolds(head, key) };
}

/**
 * Whether an entry is in the tree of `head` (RFC 9162 §2.1.3.2), taken on no one's word: its leaf
 * hash recomputed from its text, and the root recomputed from its inclusion proof at the head's size.
 */
export async function checkInclusion(
  head: Head,
  e: ProvableEntry,
): Promise<{ proof: InclusionProof; root: string | null; ok: boolean }> {
  const proof = await ok(
    client.GET('/api/v1/ledger/proof/inclusion', { params: { query: { index: e.index, treeSize: head.treeSize } } }),
  );
  const leaf = await leafHashOf(head.suite, e.entry);
  const root = await rootFromProof(head.suite, leaf, e.index, head.treeSize, proof.auditPath);
  return { proof, root, ok: leaf === e.leafHash && root === head.rootHash };
}
