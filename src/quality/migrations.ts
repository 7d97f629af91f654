import type { ModuleMigrations } from '../db/index.js';

export const qualityMigrations: ModuleMigrations = {
  module: 'quality',
  migrations: [
    {
      id: '001-rules-corrections',
      sql: `
create schema if not exists quality;
-- The configurable rules of a resource, every version whole: who set which rules when.
create table quality.rule_set (
  resource_code text not null,
  version int not null check (version > 0),
  rules jsonb not null,
  set_by text not null,
  set_at timestamptz not null default now(),
  primary key (resource_code, version)
);
-- 纠错: a reported wrong value, routed to the provider with a working-day due date.
-- Values are kept as text as reported; old_value/new_value are the typed values an accepted
-- correction replaced and wrote.
create table quality.correction (
  id serial primary key,
  resource_code text not null,
  provider_org text not null,
  record_key text not null,
  field text not null,
  claimed_value text not null,
  proposed_value text,
  note text not null default '',
  reporter_kind text not null check (reporter_kind in ('citizen','consumer','operator')),
  reported_by int not null,
  reporter_org text,
  state text not null default 'open' check (state in ('open','accepted','rejected')),
  filed_at timestamptz not null,
  due_date date not null,
  overdue_at timestamptz,
  decided_at timestamptz,
  decided_by text,
  reject_reason text,
  old_value jsonb,
  new_value jsonb,
  check ((state = 'open') = (decided_at is null)),
  check (state <> 'rejected' or reject_reason is not null)
);
create index correction_provider on quality.correction (provider_org, state, id);
create index correction_reporter on quality.correction (reported_by, id);
create index correction_subject on quality.correction (record_key);
create index correction_open_due on quality.correction (due_date) where state = 'open';
`,
    },
    {
      id: '002-threshold',
      // The quality threshold (rules.ts) is part of a rule-set version: null keeps the default.
      sql: `alter table quality.rule_set add column threshold jsonb;`,
    },
    {
      id: '003-portal-reporter',
      // A developer of the open-data portal reports through the portal (docs/open.md): a reporter
      // kind of its own; reported_by 0 is no hub user, the open module keeps which developer it was.
      sql: `
alter table quality.correction drop constraint correction_reporter_kind_check;
alter table quality.correction add constraint correction_reporter_kind_check
  check (reporter_kind in ('citizen','consumer','operator','portal'));
`,
    },
  ],
};
