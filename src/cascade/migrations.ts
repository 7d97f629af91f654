import type { ModuleMigrations } from '../db/index.js';

/**
 * The cascade's storage (docs/cascade.md): this node's identity and keys, its peers, one-time
 * enrolment tokens, and the nonces of signed requests seen within the replay window.
 */
export const cascadeMigrations: ModuleMigrations = {
  module: 'cascade',
  migrations: [
    {
      id: '001-nodes',
      sql: `
create schema if not exists cascade;
create table cascade.self (
  id int primary key check (id = 1),
  node_id text not null unique,
  role text not null check (role in ('city','district')),
  division text not null check (division ~ '^[0-9]{6}$'),
  sm2_private text not null,
  sm2_public text not null,
  ed25519_private text not null,
  ed25519_public text not null,
  -- Whether the role was given (qdh serve --role): a default one may still become another.
  chosen boolean not null,
  created_at timestamptz not null default now()
);
create table cascade.peer (
  node_id text primary key,
  relation text not null check (relation in ('parent','child')),
  division text not null check (division ~ '^[0-9]{6}$'),
  url text not null,
  sm2_public text not null,
  ed25519_public text not null,
  status text not null default 'active' check (status in ('active','suspended')),
  enrolled_at timestamptz not null default now(),
  last_seen_at timestamptz,
  last_sync_at timestamptz,
  lag_ms bigint,
  last_error text,
  last_error_at timestamptz
);
-- One active node per district: a district that enrols again replaces its old keys.
create unique index peer_division on cascade.peer (division, relation);
create table cascade.enrolment (
  token_hash text primary key,
  division text check (division ~ '^[0-9]{6}$'),
  created_by text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  used_by text
);
-- Nonces seen inside the replay window; older ones are pruned, so the table stays small.
create table cascade.nonce (
  node_id text not null,
  nonce text not null,
  seen_at timestamptz not null default now(),
  primary key (node_id, nonce)
);
create index nonce_seen on cascade.nonce (seen_at);
`,
    },
    {
      id: '002-federation',
      // The federated catalog (docs/cascade.md): on the city, each district's cursor and the
      // codes its resources and organizations have here. (The order a district's parent reads
      // its catalog changes in is the catalog's own: catalog/008-change-order.)
      sql: `
create table cascade.catalog_cursor (
  node_id text primary key,
  position text not null,
  synced_at timestamptz not null default now()
);
-- Keyed by district, not node: a district rebuilt under a new node id keeps its entries here.
create table cascade.remote_resource (
  division text not null check (division ~ '^[0-9]{6}$'),
  remote_code text not null,
  local_code text not null unique,
  node_id text not null,
  published boolean not null,
  primary key (division, remote_code)
);
create table cascade.remote_org (
  division text not null check (division ~ '^[0-9]{6}$'),
  remote_org text not null,
  local_org text not null unique,
  primary key (division, remote_org)
);
`,
    },
    {
      id: '003-push',
      // Push up (归集): on a district, what it pushes, each run and each batch sent, so that a
      // run interrupted anywhere resumes after its last acknowledged batch; on the city, each
      // batch applied, so that a batch sent again is answered with its outcome, not applied twice.
      sql: `
create table cascade.push (
  id text primary key,
  resource_code text not null,
  target_code text not null,
  every_minutes int check (every_minutes between 1 and 44640),
  batch_rows int not null default 5000 check (batch_rows between 1 and 20000),
  next_run_at timestamptz,
  last_cutoff timestamptz,
  created_by text not null,
  created_at timestamptz not null default now(),
  unique (resource_code, target_code)
);
create table cascade.push_run (
  id text primary key,
  push_id text not null references cascade.push (id) on delete cascade,
  since timestamptz,
  cutoff timestamptz not null,
  state text not null check (state in ('running','succeeded','failed')),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  rows_sent int not null default 0,
  rows_loaded int not null default 0,
  rows_rejected int not null default 0,
  acked_seq int not null default 0,
  error text
);
create index push_run_of on cascade.push_run (push_id, started_at);
create table cascade.push_batch (
  run_id text not null references cascade.push_run (id) on delete cascade,
  seq int not null,
  after_key text,
  last_key text not null,
  rows int not null,
  state text not null check (state in ('sent','acked')),
  job_id text,
  rows_loaded int,
  rows_rejected int,
  sent_at timestamptz not null default now(),
  acked_at timestamptz,
  primary key (run_id, seq)
);
create table cascade.push_applied (
  node_id text not null,
  run_id text not null,
  seq int not null,
  push_id text not null,
  target_code text not null,
  job_id text not null,
  rows_loaded int not null,
  rows_rejected int not null,
  applied_at timestamptz not null default now(),
  primary key (node_id, run_id, seq)
);
`,
    },
    {
      // 数据返还 (docs/cascade.md, "Data return"): on a district, its copy of the city's bases.
      id: '004-return',
      sql: `
-- The subjects of this district the city returned, one row per subject: the subject key only as
-- a keyed tag (HMAC under the scope's lookup key), the key and the values sealed together.
create table cascade.returned (
  kind text not null check (kind in ('person','legal_entity')),
  subject_tag text not null,
  doc text not null,
  seq bigint not null,
  received_at timestamptz not null default now(),
  primary key (kind, subject_tag)
);
-- Where each base's pull stands: the city's change number it has taken up to.
create table cascade.return_cursor (
  kind text primary key check (kind in ('person','legal_entity')),
  after bigint not null default 0,
  pulled_at timestamptz
);
`,
    },
    {
      id: '005-witness',
      sql: `
-- Peers' heads this node witnessed (one per size it saw), and its cosignature of each.
create table cascade.witness (
  node_id text not null,
  tree_size bigint not null,
  root_hash text not null,
  timestamp bigint not null,
  suite text not null check (suite in ('gm','intl')),
  signature text not null,
  cosignature text not null,
  witnessed_at timestamptz not null default now(),
  primary key (node_id, tree_size)
);
-- This node's heads as its peers cosigned them: GET /api/v1/ledger/witnessed.
create table cascade.witnessed (
  tree_size bigint not null,
  witness text not null,
  root_hash text not null,
  timestamp bigint not null,
  signature text not null,
  cosignature text not null,
  received_at timestamptz not null default now(),
  primary key (tree_size, witness)
);
create table cascade.ledger_key (
  node_id text primary key,
  suite text not null check (suite in ('gm','intl')),
  public_key text not null,
  pinned_at timestamptz not null default now()
);
create table cascade.alert (
  id bigserial primary key,
  node_id text not null,
  kind text not null check (kind in ('fork','inconsistent','rollback','key_changed','reported')),
  detail text not null,
  at timestamptz not null default now()
);
create index alert_node on cascade.alert (node_id, id);
`,
    },
    {
      // A full push's staged load on the city, from its first batch to its end: a newer full run
      // of the same copy gives up an older one that never ended (docs/cascade.md, "Push up"),
      // so that no staged table is left behind and a given-up run cannot swap in a dropped load.
      id: '006-push-staging',
      sql: `
create table cascade.push_staging (
  node_id text not null,
  run_id text not null,
  target_code text not null,
  started_at timestamptz not null default now(),
  superseded_by text,
  primary key (node_id, run_id)
);
create index push_staging_open on cascade.push_staging (node_id, target_code) where superseded_by is null;
`,
    },
  ],
};
