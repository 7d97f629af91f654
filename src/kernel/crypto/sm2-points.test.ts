import { sm2 } from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import { SignaturePoints } from './sm2-points.js';
import { getSuite, SM2_USER_ID } from './suite.js';

/** Takes points until `wanted` came, waiting for the worker's batches (up to 30 s on a busy machine). */
const settle = async (pool: SignaturePoints, wanted: number) => {
  const taken: ReturnType<SignaturePoints['take']> = [];
  const until = Date.now() + 30_000;
  while (taken.length < wanted && Date.now() < until) {
    taken.push(...pool.take());
    if (taken.length < wanted) await new Promise((r) => setTimeout(r, 10));
  }
  return taken;
};

describe('SM2 signature points made on a worker thread', () => {
  it('gives each point once, k fresh and x1 the x of k·G', async () => {
    const pool = new SignaturePoints();
    const points = await settle(pool, 300);
    expect(points).toHaveLength(300);
    expect(new Set(points.map((p) => p.k)).size).toBe(300);
    for (const p of points.slice(0, 5)) {
      const publicKey = sm2.getPublicKeyFromPrivateKey(p.k.toString(16).padStart(64, '0'));
      expect(BigInt(`0x${publicKey.slice(2, 66)}`)).toBe(p.x1);
    }
  });

  it('makes signatures that verify per GB/T 32918, by the suite and by sm-crypto-v2 itself', async () => {
    const gm = getSuite('gm');
    const key = gm.generateSigningKey();
    // The first second's signatures make their own points; signing on at that rate starts the
    // worker, and the last round takes its points.
    for (const [round, pause] of [
      [0, 1_100],
      [1, 800],
      [2, 0],
    ] as const) {
      for (let i = 0; i < 60; i++) {
        const message = Buffer.from(`statement ${round}-${i}`);
        const signature = gm.sign(key, message);
        expect(gm.verify(key.publicKeyHex!, message, signature)).toBe(true);
        expect(
          sm2.doVerifySignature(message, signature.toString('hex'), key.publicKeyHex!, {
            der: true,
            hash: true,
            userId: SM2_USER_ID,
          }),
        ).toBe(true);
      }
      await new Promise((r) => setTimeout(r, pause));
    }
    // A signature is of its message only.
    const message = Buffer.from('one statement');
    expect(gm.verify(key.publicKeyHex!, Buffer.from('another'), gm.sign(key, message))).toBe(false);
  });
});
