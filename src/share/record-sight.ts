import { isAllowed, type Actor } from '../access/index.js';
import type { Sight } from './service.js';

/**
 * How much of a provider's records the actor sees before any grant, by the access policy:
 * records:read-all-fields on the provider's own, else records:read-masked-fields, else only
 * what a grant gives. The hub hands it to ShareService, whose read path asks no role itself.
 */
export function recordSight(actor: Actor, provider: string): Sight {
  if (isAllowed(actor, 'records:read-all-fields', { ownerOrg: provider })) return 'all';
  if (isAllowed(actor, 'records:read-masked-fields')) return 'masked';
  return 'granted';
}
