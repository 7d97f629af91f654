import type { ModuleMigrations } from '../db/index.js';

/**
 * The module was called `exchange` until #12; its first migrations keep that schema name, as
 * they ran, and `004-share-schema` renames it. `migrate` carries the old bookkeeping rows over.
 */
export const shareMigrations: ModuleMigrations = {
  module: 'share',
  renamedFrom: 'exchange',
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
    {
      id: '002-demands-services-usage',
      sql: `
-- Grants name which granted fields leave masked, carry a daily quota and a rate, and can be
-- suspended (and resumed) as well as revoked.
alter table exchange.grant drop constraint grant_state_check;
alter table exchange.grant
  add constraint grant_state_check check (state in ('active','suspended','revoked')),
  add column masked text[] not null default '{}',
  add column daily_quota int check (daily_quota > 0),
  add column rate_per_second int check (rate_per_second > 0),
  add column demand_id int,
  add column suspended_at timestamptz;
-- 供需对接: a consumer's demand, with the provider's working-day deadlines.
create table exchange.demand (
  id serial primary key,
  consumer_org text not null,
  resource_code text,
  need text not null default '',
  fields text[] not null default '{}',
  purpose text not null,
  legal_basis text not null default '',
  volume text not null default '',
  frequency text not null default '',
  state text not null check (state in ('basis_review','filed','confirmed','refused','published')),
  filed_by int not null,
  filed_at timestamptz not null default now(),
  confirm_due date,
  publish_due date,
  confirmed_at timestamptz,
  refused_reason text,
  published_at timestamptz,
  grant_id int,
  service_code text
);
create index demand_consumer on exchange.demand (consumer_org, id);
create index demand_resource on exchange.demand (resource_code, id);
-- 数据服务: a published query API over one resource; grants decide who sees which fields.
create table exchange.service (
  code text primary key,
  resource_code text not null unique,
  published_by text not null,
  published_at timestamptz not null default now()
);
-- Calls per minute, service and consumer: the monitoring's raw material and the quota's count.
create table exchange.usage (
  minute timestamptz not null,
  service_code text not null,
  consumer_org text not null,
  calls int not null default 0,
  rows int not null default 0,
  errors int not null default 0,
  latency_ms_sum double precision not null default 0,
  latency_ms_max double precision not null default 0,
  primary key (service_code, consumer_org, minute)
);
-- What the monitoring noticed, for auditors.
create table exchange.alert (
  id serial primary key,
  kind text not null,
  consumer_org text not null,
  service_code text,
  detail jsonb not null,
  at timestamptz not null default now(),
  acknowledged_by text,
  acknowledged_at timestamptz
);
-- Every watermarked bulk export, so that a leaked file names who took it.
create table exchange.export (
  id serial primary key,
  mark text not null unique,
  consumer_org text not null,
  resource_code text not null,
  rows int not null,
  created_by text not null,
  created_at timestamptz not null default now()
);
`,
    },
    {
      id: '003-purpose-codes',
      // Runs after the purpose module's registry exists (hub MIGRATIONS order); the one place this
      // module writes another's table, to carry the purposes already written into the registry.
      sql: `
-- Purposes become codes of the purpose registry (issue #13): a grant allows some and every call
-- states one; a demand asks for some, its free text staying as the explanation. A free-text
-- purpose written before that names a registered purpose (by code or name) becomes that code;
-- any other text becomes a registered purpose of its own, so a grant keeps allowing what it did.
create temporary table purpose_text on commit drop as
select distinct purpose as text, coalesce(nullif(left(btrim(purpose), 60), ''), '未说明用途') as name
from (select purpose from exchange.grant union select purpose from exchange.demand) t;
insert into purpose.purpose (code, name, description, created_by)
select 'legacy_' || row_number() over (order by name collate "C"), name, '由升级前的自由文本用途迁移而来', 'migration'
from (select distinct name from purpose_text t
      where not exists (select 1 from purpose.purpose p where p.code = t.text or p.name = t.name)) n;
create temporary table purpose_map on commit drop as
select t.text, (select p.code from purpose.purpose p where p.code = t.text or p.name = t.name
                order by p.code = t.text desc limit 1) as code
from purpose_text t;

alter table exchange.grant add column purposes text[];
update exchange.grant g set purposes = array[(select m.code from purpose_map m where m.text = g.purpose)];
alter table exchange.grant
  alter column purposes set not null,
  add constraint grant_purposes_check check (cardinality(purposes) > 0),
  drop column purpose;

alter table exchange.demand add column purposes text[] not null default '{}';
update exchange.demand d set purposes = array[(select m.code from purpose_map m where m.text = d.purpose)];
`,
    },
    {
      id: '004-share-schema',
      sql: `alter schema exchange rename to share;`,
    },
    {
      id: '005-demand-assignment',
      sql: `
-- A demand for data not yet in the catalog names no resource: the operators assign it to the
-- department that should provide the data, which then answers it like one on its own resource.
alter table share.demand add column assigned_org text;
create index demand_assigned on share.demand (assigned_org, id) where assigned_org is not null;
`,
    },
    {
      id: '006-quota-counters',
      sql: `
-- Quotas and rates exact across hub processes (docs/share.md): the calls admitted per service,
-- consumer and China day, and each rate-limited grant's theoretical arrival time (GCRA, in ms).
-- Unlogged: a call's commit then waits for no WAL flush (one per call would cap a hot counter at
-- the disk's flush rate). After a PostgreSQL crash they are empty: a day's count starts again
-- from the durable minute tallies (share.usage), a rate from a full bucket.
create unlogged table share.quota_use (
  service_code text not null,
  consumer_org text not null,
  day date not null,
  calls integer not null,
  primary key (service_code, consumer_org, day)
);
create unlogged table share.rate_use (
  grant_id integer primary key,
  tat_ms double precision not null
);
`,
    },
    {
      // 需求确认/发布时长 kept as demands move (docs/cockpit.md): the cockpit read every timed demand
      // and counted its working days per request. The days are counted once, in the process (the
      // holiday calendar is the kernel's), when a step is taken, with the department they count
      // for; a tally per department and step follows every change of them.
      id: '007-demand-days',
      sql: `
alter table share.demand add column days_org text,
  add column confirm_days int check (confirm_days >= 0),
  add column publish_days int check (publish_days >= 0);
create index demand_days_missing on share.demand (id)
  where (confirmed_at is not null and confirm_days is null) or (published_at is not null and publish_days is null);
create table share.demand_days (
  org text not null,
  step text not null check (step in ('confirm','publish')),
  days bigint not null,
  demands bigint not null,
  primary key (org, step)
);
-- Adds per-department and step sums of timed demands (negative for rows that left).
create function share.add_demand_days(orgs text[], steps text[], days bigint[], demands bigint[]) returns void
language sql as $$
  insert into share.demand_days as t (org, step, days, demands)
  select * from unnest(orgs, steps, days, demands)
  on conflict (org, step) do update set days = t.days + excluded.days, demands = t.demands + excluded.demands
$$;
create function share.demand_days_inserted() returns trigger language plpgsql as $$
begin
  perform share.add_demand_days(array_agg(org), array_agg(step), array_agg(d), array_agg(n))
  from (select org, step, sum(d) as d, count(*) as n from (
          select days_org as org, 'confirm' as step, confirm_days as d from fresh where confirm_days is not null
          union all
          select days_org, 'publish', publish_days from fresh where publish_days is not null) r
        where org is not null group by org, step) g
  having count(*) > 0;
  return null;
end $$;
create function share.demand_days_updated() returns trigger language plpgsql as $$
begin
  perform share.add_demand_days(array_agg(org), array_agg(step), array_agg(d), array_agg(n))
  from (select org, step, sum(d) as d, sum(n) as n from (
          select days_org as org, 'confirm' as step, confirm_days as d, 1 as n from fresh where confirm_days is not null
          union all
          select days_org, 'publish', publish_days, 1 from fresh where publish_days is not null
          union all
          select days_org, 'confirm', -confirm_days, -1 from stale where confirm_days is not null
          union all
          select days_org, 'publish', -publish_days, -1 from stale where publish_days is not null) r
        where org is not null group by org, step having sum(n) <> 0 or sum(d) <> 0) g
  having count(*) > 0;
  return null;
end $$;
create function share.demand_days_deleted() returns trigger language plpgsql as $$
begin
  perform share.add_demand_days(array_agg(org), array_agg(step), array_agg(-d), array_agg(-n))
  from (select org, step, sum(d) as d, count(*) as n from (
          select days_org as org, 'confirm' as step, confirm_days as d from stale where confirm_days is not null
          union all
          select days_org, 'publish', publish_days from stale where publish_days is not null) r
        where org is not null group by org, step) g
  having count(*) > 0;
  return null;
end $$;
create trigger demand_days_inserted after insert on share.demand
  referencing new table as fresh for each statement execute function share.demand_days_inserted();
create trigger demand_days_updated after update on share.demand
  referencing old table as stale new table as fresh for each statement execute function share.demand_days_updated();
create trigger demand_days_deleted after delete on share.demand
  referencing old table as stale for each statement execute function share.demand_days_deleted();
`,
    },
  ],
};
