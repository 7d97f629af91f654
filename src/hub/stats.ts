import { authorize, type Actor } from '../access/index.js';
import type { Hub } from './index.js';

/** The headline figures every home page shows, gathered from the modules that keep them. */
export async function platformStats(hub: Hub, actor: Actor | null) {
  authorize(actor, 'stats:read');
  const [counts, orgs, grants, head] = await Promise.all([
    hub.catalog.countAll(),
    hub.access.listOrganizations(),
    hub.share.listGrants(actor),
    hub.ledger.latestHead(),
  ]);
  return {
    ...counts,
    organizations: orgs.length,
    grants: grants.filter((g) => g.state === 'active').length,
    ledgerSize: head.treeSize,
  };
}
