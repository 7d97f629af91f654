import type { ModuleMigrations } from '../db/index.js';

export const consentMigrations: ModuleMigrations = {
  module: 'consent',
  migrations: [
    {
      id: '001-consents',
      sql: `
create schema if not exists consent;
-- 授权: a data subject's consent to a third party (docs/consent.md). The subject is found by its
-- keyed tag (the ledger's subjectTag) and its key is kept sealed: only the fetch opens it.
create table consent.consent (
  id uuid primary key,
  seq bigserial unique,
  requester_org text not null,
  requested_by text not null,
  subject_kind text not null check (subject_kind in ('person','legal_entity')),
  subject_tag text not null,
  subject_key text not null,
  purpose text not null,
  requested jsonb not null,
  terms jsonb not null,
  status text not null check (status in ('pending','active','paused','revoked','rejected')),
  starts_at timestamptz not null,
  expires_at timestamptz not null,
  version int not null default 1,
  signature text not null,
  decided_by text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index consent_by_subject on consent.consent (subject_tag, seq desc);
create index consent_by_requester on consent.consent (requester_org, seq desc);
-- Fetches counted per period of the consent's frequency ('all' for a one-time fetch).
create table consent.use (
  consent_id uuid not null references consent.consent (id),
  period text not null,
  used int not null check (used > 0),
  primary key (consent_id, period)
);
`,
    },
    {
      // Consents in force for the cockpit (docs/cockpit.md, "What a figure costs"): active consents
      // per requester and day of expiry (UTC), kept by triggers as consents change; the day that
      // is passing is counted exactly from its few rows, the days after it from the tally.
      id: '002-active-tally',
      sql: `
create table consent.active_tally (
  requester_org text not null,
  expires_on date not null,
  n bigint not null,
  primary key (requester_org, expires_on)
);
create index consent_active_expiry on consent.consent (expires_at) where status = 'active';
insert into consent.active_tally (requester_org, expires_on, n)
select requester_org, (expires_at at time zone 'UTC')::date, count(*) from consent.consent
where status = 'active' group by 1, 2;

create function consent.add_active(orgs text[], days date[], signs int[]) returns void language sql as $$
  insert into consent.active_tally as t (requester_org, expires_on, n)
  select org, day, sum(s) from unnest(orgs, days, signs) as r(org, day, s) group by org, day having sum(s) <> 0
  on conflict (requester_org, expires_on) do update set n = t.n + excluded.n
$$;
create function consent.active_inserted() returns trigger language plpgsql as $$
begin
  perform consent.add_active(array_agg(requester_org), array_agg((expires_at at time zone 'UTC')::date), array_agg(1))
  from fresh where status = 'active' having count(*) > 0;
  return null;
end $$;
create function consent.active_updated() returns trigger language plpgsql as $$
begin
  perform consent.add_active(array_agg(org), array_agg(day), array_agg(s))
  from (select requester_org as org, (expires_at at time zone 'UTC')::date as day, 1 as s from fresh where status = 'active'
        union all
        select requester_org, (expires_at at time zone 'UTC')::date, -1 from stale where status = 'active') r
  having count(*) > 0;
  return null;
end $$;
create function consent.active_deleted() returns trigger language plpgsql as $$
begin
  perform consent.add_active(array_agg(requester_org), array_agg((expires_at at time zone 'UTC')::date), array_agg(-1))
  from stale where status = 'active' having count(*) > 0;
  return null;
end $$;
create trigger active_inserted after insert on consent.consent
  referencing new table as fresh for each statement execute function consent.active_inserted();
create trigger active_updated after update on consent.consent
  referencing old table as stale new table as fresh for each statement execute function consent.active_updated();
create trigger active_deleted after delete on consent.consent
  referencing old table as stale for each statement execute function consent.active_deleted();
`,
    },
  ],
};
