import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * Digest of a JSON value as the ledger records it: RFC 8785 canonical JSON, hashed with the
 * suite's hash (SM3 for 'gm', SHA-256 for 'intl'), lowercase hex. Anyone holding the same
 * value can recompute it.
 */
export function digestJson(suite: 'gm' | 'intl', value: unknown): string {
  const text = canonicalize(value) ?? 'null';
  return createHash(suite === 'gm' ? 'sm3' : 'sha256')
    .update(text)
    .digest('hex');
}
