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
    {
      // 整改时长 kept as corrections are decided (docs/cockpit.md): the cockpit read every accepted
      // correction and counted its working days per request. The days are counted once, in the
      // process (the holiday calendar is the kernel's), when a correction is accepted; a tally per
      // department follows every change of them. Rows accepted before are counted on first read.
      id: '004-fix-days',
      sql: `
alter table quality.correction add column fix_days int check (fix_days >= 0);
create index correction_fix_days_missing on quality.correction (id)
  where state = 'accepted' and fix_days is null;
create table quality.fix_tally (
  provider_org text primary key,
  days bigint not null,
  fixes bigint not null
);
-- Adds per-department sums of counted rows (days and rows, negative for rows that left).
create function quality.add_fixes(orgs text[], days bigint[], fixes bigint[]) returns void language sql as $$
  insert into quality.fix_tally as t (provider_org, days, fixes)
  select * from unnest(orgs, days, fixes)
  on conflict (provider_org) do update set days = t.days + excluded.days, fixes = t.fixes + excluded.fixes
$$;
create function quality.fixes_inserted() returns trigger language plpgsql as $$
begin
  perform quality.add_fixes(array_agg(org), array_agg(d), array_agg(n))
  from (select provider_org as org, sum(fix_days) as d, count(*) as n from fresh
        where state = 'accepted' and fix_days is not null group by provider_org) g
  having count(*) > 0;
  return null;
end $$;
create function quality.fixes_updated() returns trigger language plpgsql as $$
begin
  perform quality.add_fixes(array_agg(org), array_agg(d), array_agg(n))
  from (select org, sum(d) as d, sum(n) as n from (
          select provider_org as org, fix_days as d, 1 as n from fresh where state = 'accepted' and fix_days is not null
          union all
          select provider_org, -fix_days, -1 from stale where state = 'accepted' and fix_days is not null) r
        group by org having sum(n) <> 0 or sum(d) <> 0) g
  having count(*) > 0;
  return null;
end $$;
create function quality.fixes_deleted() returns trigger language plpgsql as $$
begin
  perform quality.add_fixes(array_agg(org), array_agg(-d), array_agg(-n))
  from (select provider_org as org, sum(fix_days) as d, count(*) as n from stale
        where state = 'accepted' and fix_days is not null group by provider_org) g
  having count(*) > 0;
  return null;
end $$;
create trigger fixes_inserted after insert on quality.correction
  referencing new table as fresh for each statement execute function quality.fixes_inserted();
create trigger fixes_updated after update on quality.correction
  referencing old table as stale new table as fresh for each statement execute function quality.fixes_updated();
create trigger fixes_deleted after delete on quality.correction
  referencing old table as stale for each statement execute function quality.fixes_deleted();
`,
    },
    {
      // Corrections sealed at rest (correction-box.ts): key, values and note are sealed, and a
      // citizen's reports are found by the ledger's keyed tag of the key, not by the key. Rows
      // from before have no tag: the hub seals them at its next start (Corrections.sealAtRest).
      id: '005-sealed',
      sql: `
alter table quality.correction add column subject_tag text;
drop index quality.correction_subject;
create index correction_subject on quality.correction (subject_tag);
create index correction_unsealed on quality.correction (id) where subject_tag is null;
`,
    },
  ],
};
