import { sm2, sm3 } from 'sm-crypto-v2';
import type { Head, HeadKey } from './types';

/**
 * The browser checks an inclusion proof itself (RFC 9162 §2.1.3.2), with SM3 or SHA-256, so an
 * auditor need not trust the server's word that an entry is in the log.
 */
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

async function hash(suite: string, data: Uint8Array): Promise<Uint8Array> {
  if (suite === 'gm') return unhex(sm3(data));
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data as BufferSource));
}
const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

export async function leafHashOf(suite: string, entry: string): Promise<string> {
  return hex(await hash(suite, join(Uint8Array.of(0), new TextEncoder().encode(entry))));
}

export async function rootFromProof(
  suite: string,
  leafHash: string,
  index: number,
  size: number,
  path: string[],
): Promise<string | null> {
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = unhex(leafHash);
  for (const p of path.map(unhex)) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await hash(suite, join(Uint8Array.of(1), p, r));
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn >> 1, sn >> 1];
    } else {
      r = await hash(suite, join(Uint8Array.of(1), r, p));
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 ? hex(r) : null;
}

/** RFC 9162 §2.1.4.2: is the tree of `first` leaves (root `firstRoot`) a prefix of the one of `second`? */
export async function consistencyHolds(
  suite: string,
  first: number,
  second: number,
  proof: string[],
  firstRoot: string,
  secondRoot: string,
): Promise<boolean> {
  if (first < 1 || first > second) return false;
  if (first === second) return proof.length === 0 && firstRoot === secondRoot;
  const path: Uint8Array[] = ((first & (first - 1)) === 0 ? [firstRoot, ...proof] : proof).map(unhex);
  if (path.length === 0) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await hash(suite, join(Uint8Array.of(1), c, fr));
      sr = await hash(suite, join(Uint8Array.of(1), c, sr));
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
    } else {
      sr = await hash(suite, join(Uint8Array.of(1), sr, c));
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && hex(fr) === firstRoot && hex(sr) === secondRoot;
}

/**
 * Whether the head's signature verifies under the ledger's key (docs/ledger.md, "Signed tree
 * heads"): SM2 with SM3 and the user id, or Ed25519 where the browser's Web Crypto has it;
 * null when this browser cannot check it.
 */
export async function headSignatureHolds(head: Head, key: HeadKey): Promise<boolean | null> {
  // RFC 8785 JSON of the four fields: keys sorted, no whitespace; all are plain strings and integers.
  const message = `{"rootHash":${JSON.stringify(head.rootHash)},"suite":${JSON.stringify(head.suite)},"timestamp":${head.timestamp},"treeSize":${head.treeSize}}`;
  const signature = Uint8Array.from(atob(head.signature), (c) => c.charCodeAt(0));
  try {
    if (head.suite === 'gm') {
      if (!key.publicKeyHex) return false;
      return sm2.doVerifySignature(message, hex(signature), key.publicKeyHex, {
        der: true,
        hash: true,
        userId: key.sm2UserId ?? '1234567812345678',
      });
    }
    const der = Uint8Array.from(atob(key.publicKeyPem.replace(/-----[^-]+-----|\s/g, '')), (c) => c.charCodeAt(0));
    const publicKey = await crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify('Ed25519', publicKey, signature, new TextEncoder().encode(message));
  } catch {
    return head.suite === 'gm' ? false : null;
  }
}
