import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { sm4 } from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import { GcmAuthFailed, gcmOpenMany, gcmSealMany, type GcmItem } from './gcm.js';

/** Values as a load seals them: short, of every length around the block size, with and without AAD. */
const items = fc.array(fc.record({ data: fc.uint8Array({ maxLength: 80 }), aad: fc.uint8Array({ maxLength: 40 }) }), {
  minLength: 1,
  maxLength: 12,
});
const nonce = (n: number) => randomBytes(12 * n);
const at = (nonces: Buffer, i: number) => nonces.subarray(12 * i, 12 * i + 12);

describe('GCM over a native block cipher, a batch at a time', () => {
  it('equals OpenSSL’s AES-256-GCM byte for byte, and OpenSSL opens what it seals', () => {
    fc.assert(
      fc.property(items, (batch: GcmItem[]) => {
        const key = randomBytes(32);
        const nonces = nonce(batch.length);
        const sealed = gcmSealMany('aes-256-ecb', key, batch, nonces);
        batch.forEach((it, i) => {
          const c = createCipheriv('aes-256-gcm', key, at(nonces, i)).setAAD(it.aad);
          const want = Buffer.concat([at(nonces, i), c.update(it.data), c.final(), c.getAuthTag()]);
          expect(sealed[i]).toEqual(want);
          const s = sealed[i]!;
          const d = createDecipheriv('aes-256-gcm', key, s.subarray(0, 12)).setAAD(it.aad);
          d.setAuthTag(s.subarray(s.length - 16));
          expect(Buffer.concat([d.update(s.subarray(12, s.length - 16)), d.final()])).toEqual(Buffer.from(it.data));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('equals sm-crypto-v2’s SM4-GCM, and opens what it sealed', () => {
    fc.assert(
      fc.property(items, (batch: GcmItem[]) => {
        const key = randomBytes(16);
        const nonces = nonce(batch.length);
        const sealed = gcmSealMany('sm4-ecb', key, batch, nonces);
        batch.forEach((it, i) => {
          const r = sm4.encrypt(it.data, key, {
            mode: 'gcm',
            iv: at(nonces, i),
            associatedData: it.aad,
            output: 'array',
            outputTag: true,
          });
          expect(sealed[i]).toEqual(Buffer.concat([at(nonces, i), Buffer.from(r.output), Buffer.from(r.tag!)]));
        });
        const opened = gcmOpenMany(
          'sm4-ecb',
          key,
          sealed.map((data, i) => ({ data, aad: batch[i]!.aad })),
        );
        expect(opened).toEqual(batch.map((it) => Buffer.from(it.data)));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a changed byte, another AAD, another key and a value cut short', () => {
    const key = randomBytes(16);
    const aad = Buffer.from('resource:1\u0000citizen_id');
    const [sealed] = gcmSealMany('sm4-ecb', key, [{ data: Buffer.from('"370102199001011234"'), aad }]);
    for (let i = 0; i < sealed!.length; i++) {
      const changed = Buffer.from(sealed!);
      changed[i]! ^= 1;
      expect(() => gcmOpenMany('sm4-ecb', key, [{ data: changed, aad }])).toThrow(GcmAuthFailed);
    }
    expect(() => gcmOpenMany('sm4-ecb', key, [{ data: sealed!, aad: Buffer.from('x') }])).toThrow(GcmAuthFailed);
    expect(() => gcmOpenMany('sm4-ecb', randomBytes(16), [{ data: sealed!, aad }])).toThrow(GcmAuthFailed);
    expect(() => gcmOpenMany('sm4-ecb', key, [{ data: sealed!.subarray(0, 27), aad }])).toThrow(GcmAuthFailed);
  });

  it('draws a fresh nonce for every value, across batches', () => {
    const key = randomBytes(16);
    const batch = Array.from({ length: 500 }, () => ({ data: Buffer.from('"x"'), aad: Buffer.alloc(0) }));
    const seen = new Set<string>();
    for (let r = 0; r < 4; r++)
      for (const s of gcmSealMany('sm4-ecb', key, batch)) seen.add(s.subarray(0, 12).toString('hex'));
    expect(seen.size).toBe(2000);
  });
});
