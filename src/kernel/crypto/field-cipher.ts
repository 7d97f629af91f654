import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { gcmOpenMany, gcmSealMany, NONCE_BYTES, TAG_BYTES, type GcmItem } from './gcm.js';
import type { SuiteName } from './suite.js';

/**
 * The authenticated ciphers of the two suites, for values at rest (fields, wrapped keys).
 *
 *  gm   — SM4 (GB/T 32907) in GCM mode (as RFC 8998 uses it): GCM composed over Node's native
 *         SM4 block cipher (gcm.ts), since Node's OpenSSL has SM4 but not SM4-GCM, and a batch of
 *         values is sealed or opened in one native call (~3.5 µs a citizen ID, where the per-value
 *         JavaScript SM4-GCM of sm-crypto-v2 took ~29 µs).
 *  intl — AES-256-GCM, native.
 * Blind indexes (keyed hashes for lookups) are HMAC-SM3 and HMAC-SHA256.
 *
 * A sealed value is nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes). A wrong key, another
 * `aad`, or any changed byte makes `open` throw rather than return something else.
 */
export interface FieldCipher {
  suite: SuiteName;
  name: 'SM4-GCM' | 'AES-256-GCM';
  /** Bytes of a data key: 16 for SM4, 32 for AES-256. */
  keyBytes: number;
  seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Buffer;
  open(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Buffer;
  /**
   * Many values under one key at once (a batch of a load): what `seal` does to each, faster.
   * `nonces` (12 bytes per item, in order) replaces the random ones: only for a caller that
   * derives each from its item's plaintext and AAD (a deterministic seal), never a counter.
   */
  sealMany(key: Uint8Array, items: readonly GcmItem[], nonces?: Buffer): Buffer[];
  /** Opens many sealed values under one key; throws SealBroken if any does not authenticate. */
  openMany(key: Uint8Array, items: readonly GcmItem[]): Buffer[];
  /** The keyed hash of a lookup value (HMAC-SM3 or HMAC-SHA256), whole. */
  mac(key: Uint8Array, data: string | Uint8Array): Buffer;
}

/** The message every failed `open` throws: a wrong key and a changed ciphertext look alike, by design. */
export class SealBroken extends Error {
  constructor() {
    super('sealed value does not authenticate (wrong key or altered data)');
  }
}

function authenticated<T>(open: () => T): T {
  try {
    return open();
  } catch {
    throw new SealBroken();
  }
}

const sm4Gcm: FieldCipher = {
  suite: 'gm',
  name: 'SM4-GCM',
  keyBytes: 16,
  seal: (key, data, aad) => gcmSealMany('sm4-ecb', key, [{ data, aad }])[0]!,
  open: (key, data, aad) => authenticated(() => gcmOpenMany('sm4-ecb', key, [{ data, aad }])[0]!),
  sealMany: (key, items, nonces) => gcmSealMany('sm4-ecb', key, items, nonces),
  openMany: (key, items) => authenticated(() => gcmOpenMany('sm4-ecb', key, items)),
  mac: (key, data) => createHmac('sm3', key).update(data).digest(),
};

function aesSeal(
  key: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
  nonce: Uint8Array = randomBytes(NONCE_BYTES),
) {
  const c = createCipheriv('aes-256-gcm', key, nonce).setAAD(aad);
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([nonce, body, c.getAuthTag()]);
}

const aesGcm: FieldCipher = {
  suite: 'intl',
  name: 'AES-256-GCM',
  keyBytes: 32,
  seal: (key, plaintext, aad) => aesSeal(key, plaintext, aad),
  open(key, sealed, aad) {
    return authenticated(() => {
      const b = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
      if (b.length < NONCE_BYTES + TAG_BYTES) throw new SealBroken();
      const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, NONCE_BYTES)).setAAD(aad);
      d.setAuthTag(b.subarray(b.length - TAG_BYTES));
      return Buffer.concat([d.update(b.subarray(NONCE_BYTES, b.length - TAG_BYTES)), d.final()]);
    });
  },
  sealMany(key, items, nonces) {
    const nonceOf = (i: number) => nonces?.subarray(i * NONCE_BYTES, (i + 1) * NONCE_BYTES);
    return items.map((it, i) => aesSeal(key, it.data, it.aad, nonceOf(i)));
  },
  openMany(key, items) {
    return items.map((it) => this.open(key, it.data, it.aad));
  },
  mac: (key, data) => createHmac('sha256', key).update(data).digest(),
};

export function fieldCipher(suite: SuiteName): FieldCipher {
  return suite === 'gm' ? sm4Gcm : aesGcm;
}

/** One SM4 block (ECB, no padding) with Node's native SM4: what GB/T 32907's example checks. */
export function sm4Block(key: Uint8Array, block: Uint8Array): Buffer {
  const c = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}
