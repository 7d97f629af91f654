import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';
import { SignaturePoints } from './sm2-points.js';

/**
 * The two crypto suites of DESIGN.md behind one interface. `gm` (the default, as Chinese
 * government systems require): SM3 hashing and SM2 signatures per GB/T 32918 with the default
 * user id — through sm-crypto-v2, because Node's crypto.sign with an SM2 key is plain ECDSA on
 * that curve, not the standard scheme. `intl`: SHA-256 and Ed25519.
 */
export type SuiteName = 'gm' | 'intl';

export interface SigningKey {
  /** Private key material as stored: hex scalar (gm) or PKCS#8 PEM (intl). */
  privateKey: string;
  publicKeyPem: string;
  /** gm only: the uncompressed public point, '04' + x + y, hex. */
  publicKeyHex?: string;
}

export interface CryptoSuite {
  name: SuiteName;
  hashAlgorithm: 'sm3' | 'sha256';
  signatureAlgorithm: 'SM2' | 'Ed25519';
  hash(data: Uint8Array): Buffer;
  hmac(key: Uint8Array, data: string): string;
  generateSigningKey(): SigningKey;
  /** Signature over the message bytes: DER (r, s) for SM2, raw 64 bytes for Ed25519. */
  sign(key: SigningKey, message: Uint8Array): Buffer;
  verify(publicKeyPemOrHex: string, message: Uint8Array, signature: Uint8Array): boolean;
}

/** GB/T 32918 default distinguishing identifier. */
export const SM2_USER_ID = '1234567812345678';
/** SubjectPublicKeyInfo prefix for an uncompressed point: id-ecPublicKey, curve SM2 (1.2.156.10197.1.301). */
const SM2_SPKI_PREFIX = '3059301306072a8648ce3d020106082a811ccf5501822d034200';

const gm: CryptoSuite = {
  name: 'gm',
  hashAlgorithm: 'sm3',
  signatureAlgorithm: 'SM2',
  hash: (data) => createHash('sm3').update(data).digest(),
  hmac: (key, data) => createHmac('sm3', key).update(data).digest('hex'),
  generateSigningKey() {
    const { privateKey, publicKey } = sm2.generateKeyPairHex();
    return { privateKey, publicKeyHex: publicKey, publicKeyPem: sm2PublicKeyPem(publicKey) };
  },
  // The digest e = SM3(Z ‖ M) of GB/T 32918 is made here: Z (of the signer's public key and the
  // default identifier) once per key, SM3 by Node's OpenSSL rather than in JavaScript; sm-crypto-v2
  // signs e with a point (k, k·G) made ahead on a worker thread (sm2-points.ts). Without the
  // public key, it derives the key and hashes itself (twice the cost).
  sign: (key, message) =>
    Buffer.from(
      key.publicKeyHex
        ? sm2.doSignature(digestOf(key.publicKeyHex, message), key.privateKey, {
            hash: false,
            der: true,
            pointPool: signaturePoints.take(),
          })
        : sm2.doSignature(message, key.privateKey, { hash: true, der: true, userId: SM2_USER_ID }),
      'hex',
    ),
  verify(publicKey, message, signature) {
    const hex = publicKey.startsWith('-----') ? sm2PublicKeyHex(publicKey) : publicKey;
    return sm2.doVerifySignature(message, Buffer.from(signature).toString('hex'), precomputed(hex), {
      hash: true,
      der: true,
      userId: SM2_USER_ID,
    });
  },
};

const signaturePoints = new SignaturePoints();

/** Z of GB/T 32918 per signing key: the hub signs with few keys (its ledger's, its issuers', its node's). */
const zs = new Map<string, Uint8Array>();
function digestOf(publicKeyHex: string, message: Uint8Array): Uint8Array {
  let z = zs.get(publicKeyHex);
  if (!z) {
    if (zs.size >= 64) zs.clear();
    zs.set(publicKeyHex, (z = sm2.getZ(publicKeyHex, SM2_USER_ID)));
  }
  return createHash('sm3').update(z).update(message).digest();
}

/** Verifications are of few keys (the hub's own, its issuers', its nodes'): their tables are kept. */
const points = new Map<string, ReturnType<typeof sm2.precomputePublicKey>>();
function precomputed(hex: string) {
  let point = points.get(hex);
  if (!point) {
    if (points.size >= 64) points.clear();
    points.set(hex, (point = sm2.precomputePublicKey(hex)));
  }
  return point;
}

const intl: CryptoSuite = {
  name: 'intl',
  hashAlgorithm: 'sha256',
  signatureAlgorithm: 'Ed25519',
  hash: (data) => createHash('sha256').update(data).digest(),
  hmac: (key, data) => createHmac('sha256', key).update(data).digest('hex'),
  generateSigningKey() {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return {
      privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    };
  },
  sign: (key, message) => sign(null, message, createPrivateKey(key.privateKey)),
  verify: (publicKeyPem, message, signature) => verify(null, message, createPublicKey(publicKeyPem), signature),
};

export function getSuite(name: SuiteName): CryptoSuite {
  return name === 'gm' ? gm : intl;
}

export function sm2PublicKeyPem(pointHex: string): string {
  const b64 = Buffer.from(SM2_SPKI_PREFIX + pointHex, 'hex').toString('base64');
  return `-----BEGIN PUBLIC KEY-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
}

export function sm2PublicKeyHex(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('hex');
  if (!der.startsWith(SM2_SPKI_PREFIX)) throw new Error('not an SM2 SubjectPublicKeyInfo');
  return der.slice(SM2_SPKI_PREFIX.length);
}
