import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  consistencyPlan,
  evaluate,
  inclusionPlan,
  leafHash,
  nodeKey,
  nodesOf,
  rootOf,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../src/ledger/merkle.js';

/**
 * The RFC 6962 / Certificate Transparency reference tree (as published in transparency-dev's
 * merkle test data): eight leaves, the root at every size, and a few proofs — used as data.
 */
const sha256 = (d: Uint8Array) => createHash('sha256').update(d).digest();
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  (h) => Buffer.from(h, 'hex'),
);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION: Array<[number, number, string[]]> = [
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];
const CONSISTENCY: Array<[number, number, string[]]> = [
  [
    2,
    8,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];

const leaves = LEAVES.map((l) => leafHash(sha256, l));
const hex = (h: Hash) => h.toString('hex');

/** Every perfect subtree of the 8 leaves, as storage would hold them. */
function storedNodes(): Map<string, Hash> {
  const nodes = new Map<string, Hash>();
  for (let level = 0; 2 ** level <= leaves.length; level++) {
    for (let i = 0; (i + 1) * 2 ** level <= leaves.length; i++) {
      nodes.set(nodeKey({ level, index: i }), rootOf(sha256, leaves.slice(i * 2 ** level, (i + 1) * 2 ** level)));
    }
  }
  return nodes;
}

describe('RFC 6962 reference vectors', () => {
  it('gives the published root at every size 0..8', () => {
    ROOTS.forEach((root, n) => expect(hex(rootOf(sha256, leaves.slice(0, n))), `size ${n}`).toBe(root));
  });

  it('plans the published inclusion proofs from stored subtrees', () => {
    const nodes = storedNodes();
    for (const [index, size, path] of INCLUSION) {
      const plan = inclusionPlan(index, size);
      expect(nodesOf(plan).every((n) => nodes.has(nodeKey(n)))).toBe(true);
      expect(plan.map((e) => hex(evaluate(sha256, e, nodes)))).toEqual(path);
      const proof = path.map((p) => Buffer.from(p, 'hex'));
      expect(verifyInclusion(sha256, leaves[index]!, index, size, proof, Buffer.from(ROOTS[size]!, 'hex'))).toBe(true);
    }
  });

  it('plans the published consistency proofs and verifies them', () => {
    const nodes = storedNodes();
    for (const [first, second, proof] of CONSISTENCY) {
      expect(consistencyPlan(first, second).map((e) => hex(evaluate(sha256, e, nodes)))).toEqual(proof);
      const hashes = proof.map((p) => Buffer.from(p, 'hex'));
      const [r1, r2] = [Buffer.from(ROOTS[first]!, 'hex'), Buffer.from(ROOTS[second]!, 'hex')];
      expect(verifyConsistency(sha256, first, second, hashes, r1, r2)).toBe(true);
      expect(verifyConsistency(sha256, first, second, hashes, r2, r1)).toBe(false);
    }
  });

  it('verifies every proof of every tree up to 40 leaves, and rejects altered ones', () => {
    const many = Array.from({ length: 40 }, (_, i) => leafHash(sha256, Buffer.from([i, i * 3])));
    const nodes = new Map<string, Hash>();
    for (let level = 0; 2 ** level <= many.length; level++) {
      for (let i = 0; (i + 1) * 2 ** level <= many.length; i++) {
        nodes.set(nodeKey({ level, index: i }), rootOf(sha256, many.slice(i * 2 ** level, (i + 1) * 2 ** level)));
      }
    }
    for (let n = 1; n <= many.length; n++) {
      const root = rootOf(sha256, many.slice(0, n));
      for (let i = 0; i < n; i++) {
        const path = inclusionPlan(i, n).map((e) => evaluate(sha256, e, nodes));
        expect(verifyInclusion(sha256, many[i]!, i, n, path, root)).toBe(true);
        if (n > 1) expect(verifyInclusion(sha256, many[(i + 1) % n]!, i, n, path, root)).toBe(false);
      }
      for (let m = 1; m <= n; m++) {
        const proof = consistencyPlan(m, n).map((e) => evaluate(sha256, e, nodes));
        expect(verifyConsistency(sha256, m, n, proof, rootOf(sha256, many.slice(0, m)), root), `${m}→${n}`).toBe(true);
      }
    }
  });
});
