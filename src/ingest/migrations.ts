import type { ModuleMigrations } from '../db/index.js';

export const ingestMigrations: ModuleMigrations = {
  module: 'ingest',
  migrations: [
    {
      id: '001-jobs',
      sql: `
create schema if not exists ingest;
create table ingest.job (
  id text primary key,
  resource_code text not null,
  source text not null,
  state text not null check (state in ('queued','running','succeeded','failed')),
  rows_read int not null default 0,
  rows_loaded int not null default 0,
  rows_rejected int not null default 0,
  error text,
  created_by int not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz
);
create index job_resource on ingest.job (resource_code, started_at desc);
-- The quarantine: every row that was not loaded, with the reason.
create table ingest.reject (
  job_id text not null references ingest.job(id),
  row_number int not null,
  field text not null,
  reason text not null,
  primary key (job_id, row_number, field)
);
`,
    },
  ],
};
