import { isAllowed, type Actor } from '../access/index.js';
import { sql, type RawBuilder } from '../db/index.js';

/**
 * Who reads a catalog entry how: the one rule of every catalog read path (list, search and its
 * facets, export, detail, versions). Readers of drafts by the access policy (catalog:read-drafts:
 * the operators, and the provider's own officers) read the working copy — drafts and unpublished
 * edits included. Everybody else reads the last published version, and an entry never published
 * not at all. `all`: the reader sees every provider's working copies; `org`: its own only.
 */
export interface Viewer {
  org: string | null;
  all: boolean;
}

/**
 * The viewer an actor reads the catalog as. `all` asks the policy without a target, which only
 * a rule that ignores the owner (the operators') grants; `org` asks about the actor's own
 * organization, which the officer role grants and a consumer of the same organization does not.
 */
export function viewerOf(actor: Actor | null): Viewer {
  const org = actor?.org?.code ?? null;
  return {
    all: isAllowed(actor, 'catalog:read-drafts'),
    org: org !== null && isAllowed(actor, 'catalog:read-drafts', { ownerOrg: org }) ? org : null,
  };
}

export function seesWorkingCopy(viewer: Viewer, providerOrg: string): boolean {
  return viewer.all || viewer.org === providerOrg;
}

/**
 * The same rule over the rows of catalog.resource_search and catalog.search_count: an entry has a
 * working row and, while an edit of its published content waits, a published one besides (a row
 * that is both serves both), so each viewer matches at most one row per entry.
 */
export function visibleRows(viewer: Viewer): RawBuilder<unknown> {
  if (viewer.all) return sql`working`;
  if (viewer.org === null) return sql`published`;
  return sql`(case when provider_org = ${viewer.org} then working else published end)`;
}
