import type { ModuleMigrations } from '../db/index.js';

/**
 * The ledger's storage. Entries, stored subtree hashes and signed heads are append-only:
 * triggers refuse UPDATE and DELETE, and `qdh ledger verify` still recomputes everything
 * from the entries, so a superuser who disables the triggers is caught as well.
 */
export const ledgerMigrations: ModuleMigrations = {
  module: 'ledger',
  migrations: [
    {
      id: '001-log',
      sql: `
create schema if not exists ledger;
-- One row: the log's suite, fixed at creation, and its size. Appends lock this row.
create table ledger.state (
  id int primary key check (id = 1),
  suite text not null check (suite in ('gm','intl')),
  tree_size bigint not null default 0,
  created_at timestamptz not null default now()
);
create table ledger.key (
  id int primary key check (id = 1),
  private_key text not null,
  public_key_pem text not null,
  public_key_hex text,
  subject_key bytea not null
);
create table ledger.entry (
  idx bigint primary key,
  entry text not null,
  leaf_hash bytea not null,
  subject text,
  created_at timestamptz not null default now()
);
create index entry_subject on ledger.entry (subject, idx) where subject is not null;
create index entry_leaf_hash on ledger.entry (leaf_hash);
-- Hashes of perfect subtrees above the leaves: (level, index) covers leaves [index·2^level, (index+1)·2^level).
create table ledger.node (
  level smallint not null,
  idx bigint not null,
  hash bytea not null,
  primary key (level, idx)
);
create table ledger.head (
  tree_size bigint primary key,
  root_hash bytea not null,
  timestamp bigint not null,
  signature text not null
);
create function ledger.refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'the ledger is append-only: % on %.% refused', tg_op, tg_table_schema, tg_table_name;
end $$;
create trigger entry_append_only before update or delete on ledger.entry for each row execute function ledger.refuse_change();
create trigger node_append_only before update or delete on ledger.node for each row execute function ledger.refuse_change();
create trigger head_append_only before update or delete on ledger.head for each row execute function ledger.refuse_change();
create trigger entry_no_truncate before truncate on ledger.entry execute function ledger.refuse_change();
`,
    },
    {
      // Search by kind, organization and time (docs/ledger.md, "Search"): indexes derived from the
      // entries, so that a page of the newest matches costs the same in a log of any size.
      id: '002-search',
      sql: `
-- The kind an entry is read as: its own, or for a legacy entry (no "v") the kind that replaced it (legacy.ts).
create function ledger.kind_of(entry text) returns text language sql immutable parallel safe as $$
  select case
    when j ? 'v' then j->>'kind'
    else case j->>'kind'
      when 'access' then 'share.read'
      when 'catalog.event' then 'catalog.resource.changed'
      when 'quality.rules' then 'quality.rules.set'
      when 'correction' then 'quality.correction.changed'
      when 'grant' then case when j->>'action' = 'create' then 'share.grant.created' else 'share.grant.changed' end
      when 'demand' then 'share.demand.changed'
      when 'purpose' then 'purpose.added'
      when 'base.event' then case when j->>'action' = 'resolve' then 'base.conflict.decided' else 'base.label.defined' end
      when 'person' then case when j->>'action' = 'authority' then 'base.authority.set' end
      when 'legal_entity' then case when j->>'action' = 'authority' then 'base.authority.set' end
      else j->>'kind' end
    end
  from (select entry::jsonb as j) as e
$$;
-- The organizations an entry concerns: the actor's (org), a grant's or demand's consumer, a
-- correction's provider, and the provider of a catalog resource it names (code <ORG>-<n>).
create function ledger.orgs_of(entry text) returns text[] language sql immutable parallel safe as $$
  select coalesce(array_agg(distinct o), '{}') from (select entry::jsonb as j) as e,
    unnest(array[j->>'org', j->>'consumer', j->>'provider',
                 substring(j->>'resource' from '^([A-Z][A-Z0-9]*)-[0-9]+$')]) as o
   where o is not null
$$;
create index entry_kind on ledger.entry (ledger.kind_of(entry), idx);
create index entry_created on ledger.entry (created_at, idx);
-- One row per entry and organization it concerns; written with the entries by the trigger below.
create table ledger.entry_org (
  org text not null,
  idx bigint not null,
  kind text,
  primary key (org, idx)
);
create index entry_org_kind on ledger.entry_org (org, kind, idx);
insert into ledger.entry_org (org, idx, kind)
  select o, e.idx, ledger.kind_of(e.entry) from ledger.entry e, unnest(ledger.orgs_of(e.entry)) as o;
create function ledger.index_orgs() returns trigger language plpgsql as $$
begin
  insert into ledger.entry_org (org, idx, kind)
    select o, a.idx, ledger.kind_of(a.entry) from added a, unnest(ledger.orgs_of(a.entry)) as o;
  return null;
end $$;
create trigger entry_orgs after insert on ledger.entry referencing new table as added
  for each statement execute function ledger.index_orgs();
`,
    },
    {
      // The kind and the organizations an entry concerns are written by the append itself, beside
      // the entry (store.ts): a trigger and an expression index that parsed every entry's JSON again
      // cost a third of PostgreSQL's work per data-service call (bench:share). Entries already
      // written get their kind once; their text, the hashed part, is not touched.
      id: '003-search-columns',
      sql: `
alter table ledger.entry add column kind text;
alter table ledger.entry disable trigger entry_append_only;
update ledger.entry set kind = ledger.kind_of(entry);
alter table ledger.entry enable trigger entry_append_only;
alter table ledger.entry alter column kind set not null;
drop index ledger.entry_kind;
create index entry_kind on ledger.entry (kind, idx);
drop trigger entry_orgs on ledger.entry;
drop function ledger.index_orgs();
`,
    },
  ],
};
