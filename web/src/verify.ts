import { sm3 } from 'sm-crypto-v2';

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
