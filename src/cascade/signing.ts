import { createHash, randomBytes } from 'node:crypto';
import { getSuite, type SigningKey } from '../kernel/index.js';

/**
 * Signed requests between nodes (docs/cascade.md, "Signed requests"). The sender signs one line
 * per part — method, path with query, date, nonce, SM3 of the body — with both of its keys:
 * SM2 (GB/T 32918) for domestic verifiers and Ed25519. The receiver checks both against the keys
 * it stored at enrolment, the date against its clock, and the nonce against those it has seen.
 */
export const SIGNED_HEADERS = {
  node: 'qdh-node',
  date: 'qdh-date',
  nonce: 'qdh-nonce',
  signature: 'qdh-signature',
} as const;

/** How far a request's date may be from the receiver's clock; nonces are kept twice as long. */
export const REPLAY_WINDOW_MS = 5 * 60_000;

export interface NodeKeys {
  sm2: SigningKey;
  ed25519: SigningKey;
}

export interface PublicKeys {
  /** Uncompressed SM2 point, hex. */
  sm2: string;
  /** Ed25519 SubjectPublicKeyInfo PEM. */
  ed25519: string;
}

export interface RequestParts {
  method: string;
  /** Path with its query string, as sent. */
  path: string;
  date: string;
  nonce: string;
  body: Uint8Array;
}

export function signingString(parts: RequestParts): Buffer {
  const bodyHash = createHash('sm3').update(parts.body).digest('hex');
  return Buffer.from([parts.method.toUpperCase(), parts.path, parts.date, parts.nonce, bodyHash].join('\n'));
}

/** Both signatures over a message, as the header carries them. */
export function signBoth(keys: NodeKeys, message: Uint8Array): string {
  const sm2 = getSuite('gm').sign(keys.sm2, message).toString('base64');
  const ed = getSuite('intl').sign(keys.ed25519, message).toString('base64');
  return `sm2=${sm2}, ed25519=${ed}`;
}

/** Whether both signatures of a header are good for the message; a header lacking one is not. */
export function verifyBoth(keys: PublicKeys, message: Uint8Array, header: string): boolean {
  const parts = Object.fromEntries(
    header.split(',').map((p) => {
      const at = p.indexOf('=');
      return [p.slice(0, at).trim(), p.slice(at + 1).trim()];
    }),
  );
  if (!parts.sm2 || !parts.ed25519) return false;
  try {
    return (
      getSuite('gm').verify(keys.sm2, message, Buffer.from(parts.sm2, 'base64')) &&
      getSuite('intl').verify(keys.ed25519, message, Buffer.from(parts.ed25519, 'base64'))
    );
  } catch {
    return false;
  }
}

/** Headers of a request signed by `nodeId`. */
export function signRequest(
  nodeId: string,
  keys: NodeKeys,
  req: { method: string; path: string; body: Uint8Array },
  now = Date.now(),
): Record<string, string> {
  const date = String(now);
  const nonce = randomBytes(16).toString('hex');
  const signature = signBoth(keys, signingString({ ...req, date, nonce }));
  return {
    [SIGNED_HEADERS.node]: nodeId,
    [SIGNED_HEADERS.date]: date,
    [SIGNED_HEADERS.nonce]: nonce,
    [SIGNED_HEADERS.signature]: signature,
  };
}
