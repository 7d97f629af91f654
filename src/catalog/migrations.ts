import type { ModuleMigrations } from '../db/index.js';

export const catalogMigrations: ModuleMigrations = {
  module: 'catalog',
  migrations: [
    {
      id: '001-resources-records',
      sql: `
create schema if not exists catalog;
create table catalog.resource (
  id serial primary key,
  code text not null unique,
  name text not null,
  summary text not null default '',
  provider_org text not null,
  category text not null check (category in ('base','theme','topic','department')),
  share_type text not null check (share_type in ('unconditional','conditional','none')),
  open_type text not null check (open_type in ('open','conditional','closed')),
  level text not null check (level in ('general','important','core')),
  key_field text not null,
  fields jsonb not null,
  version int not null default 1,
  created_by int not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index resource_provider on catalog.resource (provider_org);
create table catalog.code_sequence (
  provider_org text primary key,
  last int not null
);
-- The data a resource mounts: one row per subject key. Loaded by ingest, read by exchange.
create table catalog.record (
  resource_id int not null references catalog.resource(id),
  key text not null,
  doc jsonb not null,
  job_id text,
  source_row int,
  loaded_at timestamptz not null default now(),
  primary key (resource_id, key)
);
`,
    },
    {
      id: '002-record-count',
      // Kept with the resource and updated by each load, so that neither the catalog list nor a
      // data-service call counts a resource's rows.
      sql: `
alter table catalog.resource add column record_count bigint not null default 0;
update catalog.resource r set record_count = (select count(*) from catalog.record d where d.resource_id = r.id);
`,
    },
  ],
};
