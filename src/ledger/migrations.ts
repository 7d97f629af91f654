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
  ],
};
