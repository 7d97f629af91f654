import type { ModuleMigrations } from '../db/index.js';

export const attestMigrations: ModuleMigrations = {
  module: 'attest',
  migrations: [
    {
      id: '001-proof-items',
      sql: `
create schema if not exists attest;
-- 证明事项 (docs/attest.md): proof items answered from data instead of a paper certificate.
create table attest.item (
  code text primary key,
  name_zh text not null,
  name_en text not null,
  provider text not null,
  subject_kind text not null check (subject_kind in ('person','legal_entity')),
  version int not null check (version > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- Each save of a rule is a new version; the service only ever inserts here.
create table attest.rule_version (
  item text not null references attest.item (code),
  version int not null check (version > 0),
  rule jsonb not null,
  description jsonb not null,
  digest text not null,
  note text not null default '',
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (item, version)
);
-- Answers given per minute, without their subjects: the cockpit's counters. Counted in memory
-- and added here a second later (stats.ts), so an answer costs no write of its own.
create table attest.answer_count (
  minute timestamptz not null,
  item text not null,
  version int not null,
  provider text not null,
  asker_org text not null,
  answer boolean not null,
  n int not null check (n > 0),
  primary key (minute, item, version, provider, asker_org, answer)
);
`,
    },
  ],
};
