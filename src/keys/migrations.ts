import type { ModuleMigrations } from '../db/index.js';

export const keysMigrations: ModuleMigrations = {
  module: 'keys',
  migrations: [
    {
      id: '001-keys',
      sql: `
create schema if not exists keys;
create table keys.generated_kek (
  id text primary key,
  key bytea not null,
  created_at timestamptz not null default now()
);
create table keys.dek (
  scope text not null,
  purpose text not null check (purpose in ('data','lookup')),
  version int not null,
  suite text not null check (suite in ('gm','intl')),
  kek_id text not null,
  wrapped bytea not null,
  state text not null default 'active' check (state in ('active','retiring','retired')),
  created_at timestamptz not null default now(),
  primary key (scope, purpose, version)
);
-- At most one active key per scope and purpose: the one that seals.
create unique index dek_active on keys.dek (scope, purpose) where state = 'active';
create table keys.rotation (
  scope text primary key,
  to_version int not null,
  done bigint not null default 0,
  total bigint not null default 0,
  started_at timestamptz not null default now(),
  finished_at timestamptz
);
`,
    },
  ],
};
