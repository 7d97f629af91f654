import canonicalize from 'canonicalize';
import type { CryptoSuite, SigningKey, SuiteName } from '../kernel/index.js';

/** A signed tree head. The signature covers the RFC 8785 canonical JSON of the other four fields. */
export interface SignedTreeHead {
  treeSize: number;
  /** Lowercase hex. */
  rootHash: string;
  /** Milliseconds since the Unix epoch. */
  timestamp: number;
  suite: SuiteName;
  /** Base64: DER-encoded SM2 (r, s) for gm; 64-byte Ed25519 for intl. */
  signature: string;
}

export type UnsignedHead = Omit<SignedTreeHead, 'signature'>;

export function headMessage(head: UnsignedHead): Buffer {
  const { treeSize, rootHash, timestamp, suite } = head;
  return Buffer.from(canonicalize({ treeSize, rootHash, timestamp, suite })!, 'utf8');
}

export function signHead(suite: CryptoSuite, key: SigningKey, head: UnsignedHead): SignedTreeHead {
  return { ...head, signature: suite.sign(key, headMessage(head)).toString('base64') };
}

export function verifyHead(suite: CryptoSuite, publicKey: string, head: SignedTreeHead): boolean {
  try {
    return suite.verify(publicKey, headMessage(head), Buffer.from(head.signature, 'base64'));
  } catch {
    return false;
  }
}
