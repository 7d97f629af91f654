import type { Viewer } from '../catalog/index.js';

/**
 * The holder of the server: whoever runs `qdh` where the hub's database opens (its PGlite data
 * directory, or DATABASE_URL with its password). No policy can stand between them and the data —
 * they could read and write every table with psql — so a command without `--as` acts as them and
 * calls the domain services directly, without asking the access policy. That is also how
 * `qdh user add` makes the first operator of a fresh install, when nobody exists to act as.
 *
 * Every such command says so in its `--help` with `.addHelpText('after', ACTS_AS_HOLDER)`, so that
 * `grep -rn ACTS_AS_HOLDER src/cli` lists them (README.md, "The qdh command", names them too):
 * user add; catalog search and export; ingest schedule list and remove; quality rules, ingest
 * mapping (show, suggest) and correction indicators when given no `--as`; watermark identify;
 * ledger verify and prove. A command that names a user with `--as` calls the same authorized
 * services as the API (hub.authorizedCatalog, hub.authorizedAccess, hub.ingestScope, …), so the
 * policy decides for it as for a request.
 */
export const ACTS_AS_HOLDER =
  '\nWithout --as this acts as the holder of the server (whoever can open its database), unchecked by the access policy.';

/** How the holder reads the catalog: every provider's working copy, drafts included. */
export const HOLDER_VIEWER: Viewer = { org: null, all: true };
