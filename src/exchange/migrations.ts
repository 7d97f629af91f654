import type { ModuleMigrations } from '../db/index.js';

export const exchangeMigrations: ModuleMigrations = {
  module: 'exchange',
  migrations: [
    {
      id: '001-grants',
      sql: `
create schema if not exists exchange;
create table exchange.grant (
  id serial primary key,
  consumer_org text not null,
  resource_code text not null,
  fields text[] not null check (cardinality(fields) > 0),
  purpose text not null,
  expires_at timestamptz,
  state text not null default 'active' check (state in ('active','revoked')),
  created_by int not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index grant_lookup on exchange.grant (consumer_org, resource_code) where state = 'active';
`,
    },
  ],
};
