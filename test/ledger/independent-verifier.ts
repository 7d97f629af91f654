/**
 * A verifier written from docs/ledger.md alone, as a third party would: it shares no code with
 * the hub (only node:crypto and the sm-crypto package, a different SM2 implementation from the
 * one the hub signs with).
 */
import { createHash, createPublicKey, verify as edVerify } from 'node:crypto';
import smCrypto from 'sm-crypto';

export interface Head {
  treeSize: number;
  rootHash: string;
  timestamp: number;
  suite: 'gm' | 'intl';
  signature: string;
}

const h = (suite: string, ...parts: Buffer[]) =>
  createHash(suite === 'gm' ? 'sm3' : 'sha256')
    .update(Buffer.concat(parts))
    .digest();

export function leaf(suite: string, entry: string): Buffer {
  return h(suite, Buffer.from([0]), Buffer.from(entry, 'utf8'));
}

export function checkHeadSignature(head: Head, key: { publicKeyPem: string; publicKeyHex?: string }): boolean {
  // The doc: keys sorted, no whitespace — the four fields are plain strings and integers.
  const message = `{"rootHash":"${head.rootHash}","suite":"${head.suite}","timestamp":${head.timestamp},"treeSize":${head.treeSize}}`;
  const sig = Buffer.from(head.signature, 'base64');
  if (head.suite === 'gm') {
    return smCrypto.sm2.doVerifySignature(message, sig.toString('hex'), key.publicKeyHex!, { der: true, hash: true });
  }
  return edVerify(null, Buffer.from(message), createPublicKey(key.publicKeyPem), sig);
}

/** RFC 9162 §2.1.3.2, transcribed. */
export function checkInclusion(
  suite: string,
  leafHash: Buffer,
  index: number,
  size: number,
  path: string[],
  root: string,
): boolean {
  if (index >= size) return false;
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = leafHash;
  for (const p of path.map((x) => Buffer.from(x, 'hex'))) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = h(suite, Buffer.from([1]), p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = h(suite, Buffer.from([1]), r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.toString('hex') === root;
}

/** RFC 9162 §2.1.4.2, transcribed. */
export function checkConsistency(
  suite: string,
  first: number,
  second: number,
  proof: string[],
  root1: string,
  root2: string,
): boolean {
  let path = proof.map((x) => Buffer.from(x, 'hex'));
  if (first === second) return path.length === 0 && root1 === root2;
  if ((first & (first - 1)) === 0) path = [Buffer.from(root1, 'hex'), ...path];
  let fn = BigInt(first - 1);
  let sn = BigInt(second - 1);
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = h(suite, Buffer.from([1]), c, fr);
      sr = h(suite, Buffer.from([1]), c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = h(suite, Buffer.from([1]), sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && fr.toString('hex') === root1 && sr.toString('hex') === root2;
}
