import { CompactSign, compactVerify, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { json, type Kysely } from '../db/index.js';
import { getSuite, type SigningKey } from '../kernel/index.js';
import type { SecretBox } from '../keys/index.js';
import type { LicenceTables } from './tables.js';

export type SigningAlg = 'ES256' | 'EdDSA';
export const SIGNING_ALGS: readonly SigningAlg[] = ['ES256', 'EdDSA'];

/** A public key of an issuer department, as JWKS (and, but for SM2, the DID document) publish it. */
export interface PublicIssuerKey {
  keyId: string;
  org: string;
  alg: SigningAlg | 'SM2';
  jwk: JWK;
}

const gm = getSuite('gm');

type Signer = { keyId: string; alg: SigningAlg; key: CryptoKey | Uint8Array };
type Verifier = PublicIssuerKey & { key: CryptoKey | Uint8Array };

/**
 * Each issuer department's signing keys: one ES256 (P-256) and one Ed25519 key, made on first
 * use; the private JWK sealed with the keys module, the public one in clear. Keys never change,
 * so a process keeps them once read.
 */
export class IssuerKeys {
  private readonly signers = new Map<string, Promise<Signer>>();
  private readonly verifiers = new Map<string, Promise<Verifier | null>>();

  constructor(
    private readonly db: Kysely<LicenceTables>,
    private readonly box: SecretBox,
  ) {}

  /** The org's key id of an algorithm: also the fragment of its verification method in did.json. */
  static keyIdOf(org: string, alg: SigningAlg | 'SM2'): string {
    return `${org.toLowerCase()}-${{ ES256: 'es256', EdDSA: 'ed25519', SM2: 'sm2' }[alg]}`;
  }

  /**
   * An SM2 signature (GB/T 32918, default user id, DER, hex) of `message` by the org's SM2 key,
   * made on first use: a countersignature for domestic verifiers beside the JOSE signatures.
   */
  async signSm2(org: string, message: string): Promise<{ keyId: string; signature: string }> {
    const key = await this.sm2Key(org);
    return { keyId: IssuerKeys.keyIdOf(org, 'SM2'), signature: gm.sign(key, Buffer.from(message)).toString('hex') };
  }

  /** The org's SM2 signing key, made on first use (two processes at once: the unique key keeps one). */
  private async sm2Key(org: string): Promise<SigningKey> {
    const keyId = IssuerKeys.keyIdOf(org, 'SM2');
    let row = await this.privateOf(keyId);
    if (!row) {
      const key = gm.generateSigningKey();
      const point = key.publicKeyHex!;
      const pub = { kty: 'EC', crv: 'SM2', x: hexToB64url(point.slice(2, 66)), y: hexToB64url(point.slice(66)) };
      await this.db
        .insertInto('licence.issuer_key')
        .values({
          key_id: keyId,
          issuer_org: org,
          alg: 'SM2',
          public_jwk: json(pub),
          private_jwk: await this.box.seal(Buffer.from(JSON.stringify(key))),
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      row = await this.privateOf(keyId);
    }
    return JSON.parse((await this.box.open(row!.private_jwk)).toString('utf8')) as SigningKey;
  }

  /** Whether `signature` (hex) is the org's SM2 signature of `message`; false without an SM2 key. */
  async verifySm2(org: string, message: string, signature: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('licence.issuer_key')
      .select('public_jwk')
      .where('key_id', '=', IssuerKeys.keyIdOf(org, 'SM2'))
      .executeTakeFirst();
    if (!row || !/^[0-9a-f]{16,400}$/.test(signature)) return false;
    const jwk = (typeof row.public_jwk === 'string' ? JSON.parse(row.public_jwk) : row.public_jwk) as JWK;
    const point = `04${b64urlToHex(jwk.x!)}${b64urlToHex(jwk.y!)}`;
    try {
      return gm.verify(point, Buffer.from(message), Buffer.from(signature, 'hex'));
    } catch {
      return false;
    }
  }

  private privateOf(keyId: string) {
    return this.db
      .selectFrom('licence.issuer_key')
      .select('private_jwk')
      .where('key_id', '=', keyId)
      .executeTakeFirst();
  }

  signer(org: string, alg: SigningAlg): Promise<Signer> {
    const id = IssuerKeys.keyIdOf(org, alg);
    let hit = this.signers.get(id);
    if (!hit) {
      hit = this.loadSigner(org, alg);
      hit.catch(() => this.signers.delete(id));
      this.signers.set(id, hit);
    }
    return hit;
  }

  /** Makes both keys of an issuer now, so that its public keys are published before its first credential. */
  async ensure(org: string): Promise<void> {
    for (const alg of SIGNING_ALGS) await this.signer(org, alg);
    await this.sm2Key(org);
  }

  /** A compact JWS of `payload` under the org's key, with these protected header fields. */
  async sign(org: string, alg: SigningAlg, payload: object, header: Record<string, string>): Promise<string> {
    const s = await this.signer(org, alg);
    return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ ...header, alg: s.alg })
      .sign(s.key);
  }

  /** The payload of a compact JWS if a published key verifies it; `unknown` when no key has its id. */
  async verify(jws: string, keyId: string): Promise<{ key: PublicIssuerKey; payload: Uint8Array } | 'unknown' | 'bad'> {
    const key = await this.verifier(keyId);
    if (!key) return 'unknown';
    try {
      const { payload } = await compactVerify(jws, key.key, { algorithms: [key.alg] });
      return { key: { keyId: key.keyId, org: key.org, alg: key.alg, jwk: key.jwk }, payload };
    } catch {
      return 'bad';
    }
  }

  /** Every issuer's public keys, oldest first. */
  async published(): Promise<PublicIssuerKey[]> {
    const rows = await this.db
      .selectFrom('licence.issuer_key')
      .select(['key_id', 'issuer_org', 'alg', 'public_jwk'])
      .orderBy('created_at')
      .orderBy('key_id')
      .execute();
    return rows.map((r) => ({
      keyId: r.key_id,
      org: r.issuer_org,
      alg: r.alg,
      jwk: publicJwk(r.key_id, r.public_jwk),
    }));
  }

  private verifier(keyId: string): Promise<Verifier | null> {
    let hit = this.verifiers.get(keyId);
    if (!hit) {
      hit = this.loadVerifier(keyId);
      // A key not (yet) made is asked again next time: only found keys are kept.
      hit.then((v) => v ?? this.verifiers.delete(keyId)).catch(() => this.verifiers.delete(keyId));
      this.verifiers.set(keyId, hit);
    }
    return hit;
  }

  private async loadVerifier(keyId: string): Promise<Verifier | null> {
    if (!/^[a-z0-9_-]{1,64}$/.test(keyId)) return null;
    const row = await this.db
      .selectFrom('licence.issuer_key')
      .select(['key_id', 'issuer_org', 'alg', 'public_jwk'])
      .where('key_id', '=', keyId)
      .executeTakeFirst();
    if (!row || row.alg === 'SM2') return null;
    const jwk = publicJwk(row.key_id, row.public_jwk);
    return { keyId, org: row.issuer_org, alg: row.alg, jwk, key: await importJWK(jwk, row.alg) };
  }

  private async loadSigner(org: string, alg: SigningAlg): Promise<Signer> {
    const keyId = IssuerKeys.keyIdOf(org, alg);
    const read = () =>
      this.db.selectFrom('licence.issuer_key').select('private_jwk').where('key_id', '=', keyId).executeTakeFirst();
    let row = await read();
    if (!row) {
      const pair = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
      const priv = await exportJWK(pair.privateKey);
      const pub = await exportJWK(pair.publicKey);
      // Two processes may make an issuer's first key at once: the unique key keeps one of them.
      await this.db
        .insertInto('licence.issuer_key')
        .values({
          key_id: keyId,
          issuer_org: org,
          alg,
          public_jwk: json(pub as Record<string, string>),
          private_jwk: await this.box.seal(Buffer.from(JSON.stringify(priv))),
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      row = await read();
    }
    const jwk = JSON.parse((await this.box.open(row!.private_jwk)).toString('utf8')) as JWK;
    return { keyId, alg, key: await importJWK(jwk, alg) };
  }
}

/** A stored public JWK with its key id and use, as published. */
function publicJwk(keyId: string, stored: Record<string, string> | string): JWK {
  const jwk = (typeof stored === 'string' ? JSON.parse(stored) : stored) as JWK;
  const alg = jwk.kty === 'OKP' ? 'EdDSA' : jwk.crv === 'SM2' ? 'SM2' : 'ES256';
  return { ...jwk, kid: keyId, use: 'sig', alg };
}

const hexToB64url = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');
const b64urlToHex = (b64: string) => Buffer.from(b64, 'base64url').toString('hex');
