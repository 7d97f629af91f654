import { readFileSync } from 'node:fs';
import { createHash, createHmac } from 'node:crypto';
import { fieldCipher, HubError, msg, type SuiteName } from '../kernel/index.js';

/**
 * A key-encryption key (KEK): wraps and unwraps data keys, never data. The local one holds the
 * key in this process's memory; a KMS or HSM plugs in behind the same interface by calling its
 * own wrap/unwrap (e.g. a KMS's Encrypt/Decrypt of a 32-byte blob) with `id` naming its key
 * version — the hub keeps only what `wrap` returns and the `id`, never the KEK.
 */
export interface KeyEncryptionKey {
  /** Stable name of this key (version): stored beside every key it wraps, so that a ring finds its KEK. */
  readonly id: string;
  wrap(dek: Uint8Array): Promise<Buffer>;
  unwrap(wrapped: Uint8Array): Promise<Buffer>;
}

const KEK_BYTES = 32;

/**
 * A KEK held locally: 32 bytes from configuration. Wraps with the suite's AEAD (SM4-GCM under
 * a 16-byte key derived by HMAC-SM3, or AES-256-GCM), the KEK's id as associated data.
 */
export class LocalKek implements KeyEncryptionKey {
  readonly id: string;
  private readonly key: Buffer;
  private readonly cipher;

  constructor(secret: Uint8Array, suite: SuiteName = 'gm') {
    if (secret.length !== KEK_BYTES) throw new HubError('KEY_BAD_KEK', msg('keys.kekLength', { bytes: secret.length }));
    this.cipher = fieldCipher(suite);
    // The id is a hash of the key: it names the key without revealing it, and a different key has another.
    this.id = `local-${suite}-${createHash('sha256').update('qdh kek id').update(secret).digest('hex').slice(0, 16)}`;
    this.key = createHmac('sha256', secret).update('qdh kek wrap').digest().subarray(0, this.cipher.keyBytes);
  }

  async wrap(dek: Uint8Array): Promise<Buffer> {
    return this.cipher.seal(this.key, dek, Buffer.from(this.id));
  }

  async unwrap(wrapped: Uint8Array): Promise<Buffer> {
    return this.cipher.open(this.key, wrapped, Buffer.from(this.id));
  }
}

/** 32 bytes written as 64 hex digits or in base64. */
export function parseKek(text: string, source: string): Buffer {
  const t = text.trim();
  const hex = /^[0-9a-fA-F]{64}$/.test(t);
  const bytes = hex ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  // Buffer.from ignores what is not base64: only a text that encodes back to itself is one.
  const unpadded = (s: string) => s.replace(/=+$/, '');
  if (bytes.length !== KEK_BYTES || (!hex && unpadded(bytes.toString('base64')) !== unpadded(t))) {
    throw new HubError('KEY_BAD_KEK', msg('keys.kekFormat', { source, encoding: 'base64' }));
  }
  return bytes;
}

/** The configured KEKs, newest first: `QDH_KEK` (or `QDH_KEK_FILE`), then `QDH_KEK_PREVIOUS` (or `…_FILE`). */
export function configuredKeks(env: NodeJS.ProcessEnv, suite: SuiteName): LocalKek[] {
  const read = (name: string): Buffer | undefined => {
    if (env[name]) return parseKek(env[name]!, name);
    const file = env[`${name}_FILE`];
    if (!file) return undefined;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new HubError('KEY_BAD_KEK', msg('keys.kekFile', { source: `${name}_FILE` }));
    }
    return parseKek(text, `${name}_FILE`);
  };
  return [read('QDH_KEK'), read('QDH_KEK_PREVIOUS')]
    .filter((k): k is Buffer => k !== undefined)
    .map((k) => new LocalKek(k, suite));
}
