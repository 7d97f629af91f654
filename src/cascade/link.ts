import { HubError, msg } from '../kernel/index.js';
import type { NodeIdentity } from './identity.js';
import { signRequest } from './signing.js';

/** How long a call to another node may take before it counts as failed. */
const CALL_TIMEOUT_MS = 30_000;

/**
 * A signed call to another node. Every request carries this node's signatures (signing.ts);
 * an answer that is not 2xx becomes CAS_PEER_FAILED naming the peer's own error code, so that
 * the operations view shows why a sync failed, not only that it did.
 */
export async function callPeer<T>(
  self: NodeIdentity,
  baseUrl: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
  const headers = signRequest(self.nodeId, self.keys, { method, path, body: bytes });
  let res: Response;
  try {
    res = await fetch(new URL(path, baseUrl), {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: bytes }),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
  } catch (e) {
    throw new HubError('CAS_PEER_FAILED', msg('cascade.unreachable', { url: baseUrl, reason: (e as Error).message }));
  }
  const text = await res.text();
  if (!res.ok) {
    let code = String(res.status);
    try {
      code = (JSON.parse(text) as { code?: string }).code ?? code;
    } catch {
      // not a problem document: the status is all there is to say
    }
    throw new HubError('CAS_PEER_FAILED', msg('cascade.peerRefused', { url: baseUrl, code }));
  }
  return (text ? JSON.parse(text) : undefined) as T;
}
