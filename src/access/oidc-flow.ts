import { EncryptJWT, jwtDecrypt } from 'jose';
import { HubError, msg } from '../kernel/index.js';

/** How long a person may take at the provider between the hub's redirect and the callback. */
export const FLOW_TTL_S = 10 * 60;

/** What the callback must match the provider's answer against (state, nonce) and prove (the PKCE verifier). */
export interface OidcFlow {
  state: string;
  nonce: string;
  verifier: string;
}

/**
 * The flow travels in the browser's cookie, encrypted and authenticated under a key every hub
 * process shares (access.secret): any process can finish a login another started, and only the
 * browser that started it can — a callback URL sent to someone else finds no flow in their browser.
 */
export function sealFlow(flow: OidcFlow, key: Uint8Array, now: Date): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new EncryptJWT({ ...flow })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + FLOW_TTL_S)
    .encrypt(key);
}

export async function openFlow(sealed: string | undefined, key: Uint8Array, now: Date): Promise<OidcFlow> {
  const missing = () => new HubError('ACC_OIDC_FAILED', msg('access.oidcNoFlow', { minutes: FLOW_TTL_S / 60 }));
  if (!sealed) throw missing();
  try {
    const { payload } = await jwtDecrypt(sealed, key, {
      currentDate: now,
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
    });
    const { state, nonce, verifier } = payload;
    if (typeof state !== 'string' || typeof nonce !== 'string' || typeof verifier !== 'string') throw missing();
    return { state, nonce, verifier };
  } catch (e) {
    throw e instanceof HubError ? e : missing();
  }
}
