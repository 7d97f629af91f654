import type { ModuleMigrations } from '../db/index.js';

export const baseMigrations: ModuleMigrations = {
  module: 'base',
  migrations: [
    {
      id: '001-bases',
      sql: `
create schema if not exists base;
-- 一数一源: the provider that is the source of record of each data element of each base.
create table base.authority (
  base_kind text not null check (base_kind in ('person','legal_entity')),
  element text not null,
  provider_org text not null,
  updated_by text not null,
  updated_at timestamptz not null default now(),
  primary key (base_kind, element)
);
-- One row per subject: a person by citizen ID, a legal entity by credit code.
create table base.subject (
  kind text not null check (kind in ('person','legal_entity')),
  key text not null,
  first_job text not null,
  created_at timestamptz not null default now(),
  primary key (kind, key)
);
-- Every provider's value of every element of every subject (one per feeding resource), with
-- its lineage. The merged value is derived from these, so a change of authority or a review
-- recomputes it without reloading anything. seq orders first arrivals ("the first value kept").
create table base.observation (
  kind text not null,
  subject_key text not null,
  element text not null,
  resource_code text not null,
  provider_org text not null,
  value jsonb not null,
  norm text not null,
  valid boolean not null,
  invalid_reason text,
  job_id text not null,
  source_row int not null,
  seq bigserial,
  primary key (kind, subject_key, element, resource_code)
);
-- The merged value of each element of each subject, and the observation it came from.
create table base.value (
  kind text not null,
  subject_key text not null,
  element text not null,
  value jsonb not null,
  norm text not null,
  valid boolean not null,
  invalid_reason text,
  resource_code text not null,
  provider_org text not null,
  job_id text not null,
  source_row int not null,
  authoritative boolean not null,
  agrees boolean not null,
  confirmations int not null,
  kept_by_conflict bigint,
  primary key (kind, subject_key, element)
);
-- Two providers disagree: the kept (authoritative) value and the other, each with its origin.
-- The unique key makes re-absorbing the same data find the same conflict, never a second one.
create table base.conflict (
  id bigserial primary key,
  kind text not null,
  subject_key text not null,
  element text not null,
  auth_value jsonb not null,
  auth_norm text not null,
  auth_resource text not null,
  auth_provider text not null,
  auth_job text not null,
  auth_row int not null,
  other_value jsonb not null,
  other_norm text not null,
  other_resource text not null,
  other_provider text not null,
  other_job text not null,
  other_row int not null,
  state text not null default 'open' check (state in ('open','resolved','dismissed','superseded')),
  kept text check (kept in ('authoritative','other')),
  note text,
  resolved_by text,
  resolved_at timestamptz,
  created_at timestamptz not null default now(),
  unique (kind, subject_key, element, auth_resource, auth_norm, other_resource, other_norm)
);
create index conflict_state on base.conflict (state, id);
create index conflict_subject on base.conflict (kind, subject_key, element);
-- Labels (数字画像): declared rules, and the subjects that have each.
create table base.label_rule (
  code text primary key,
  name text not null,
  kind text not null check (kind in ('person','legal_entity')),
  rule jsonb not null,
  description text not null default '',
  updated_by text not null,
  updated_at timestamptz not null default now()
);
create table base.subject_label (
  label text not null references base.label_rule(code) on delete cascade,
  kind text not null,
  subject_key text not null,
  primary key (label, kind, subject_key)
);
create index subject_label_subject on base.subject_label (kind, subject_key);
-- Which jobs were absorbed, with what came of them.
create table base.absorption (
  job_id text primary key,
  resource_code text not null,
  kind text not null,
  subjects int not null,
  values_absorbed int not null,
  conflicts int not null,
  absorbed_at timestamptz not null default now()
);
`,
    },
    {
      // 数据返还 (docs/cascade.md, "Data return"): which subjects changed, by the county of their
      // division, so that a district's pull costs what changed in it, not the size of the base.
      id: '002-changes',
      sql: `
create sequence base.change_seq;
-- One row per subject and county it was ever returned to: the latest change of the subject there,
-- and whether it left (moved to another county, lost its division, or left the base).
create table base.change (
  kind text not null,
  subject_key text not null,
  division text not null check (division ~ '^[0-9]{6}$'),
  seq bigint not null,
  gone boolean not null,
  changed_at timestamptz not null default now(),
  primary key (kind, subject_key, division)
);
create index change_division_seq on base.change (kind, division, seq);

-- The subjects whose merged values changed: each is numbered again in its county now, and
-- marked gone in any county it was in before. Called by the triggers on base.value, so every
-- path that changes a value (absorb, review, authority) is counted, under the base's lock.
create function base.note_changed(kinds text[], keys text[]) returns void language plpgsql as $$
begin
  with touched as (
    select distinct t.kind, t.key from unnest(kinds, keys) as t(kind, key)
  ), now_in as (
    select t.kind, t.key,
      (select left(v.norm, 6) from base.value v
        where v.kind = t.kind and v.subject_key = t.key and v.element = 'division' and v.norm ~ '^[0-9]{6}') as division
    from touched t
  ), left_behind as (
    update base.change c set gone = true, seq = nextval('base.change_seq'), changed_at = now()
    from now_in n
    where c.kind = n.kind and c.subject_key = n.key and not c.gone and c.division is distinct from n.division
  )
  insert into base.change as c (kind, subject_key, division, seq, gone)
  select kind, key, division, nextval('base.change_seq'), false from now_in where division is not null
  on conflict (kind, subject_key, division) do update set seq = excluded.seq, gone = false, changed_at = now();
end $$;

create function base.value_inserted() returns trigger language plpgsql as $$
declare kinds text[]; keys text[];
begin
  select array_agg(kind), array_agg(subject_key) into kinds, keys
    from (select distinct kind, subject_key from fresh) d;
  perform base.note_changed(kinds, keys);
  return null;
end $$;
-- An update that leaves the value as it was (a confirmation counted) is no change to return.
create function base.value_updated() returns trigger language plpgsql as $$
declare kinds text[]; keys text[];
begin
  select array_agg(kind), array_agg(subject_key) into kinds, keys
    from (select distinct n.kind, n.subject_key from fresh n
          join stale o on o.kind = n.kind and o.subject_key = n.subject_key and o.element = n.element
          where o.value is distinct from n.value or o.norm is distinct from n.norm) d;
  perform base.note_changed(kinds, keys);
  return null;
end $$;
create function base.value_deleted() returns trigger language plpgsql as $$
declare kinds text[]; keys text[];
begin
  select array_agg(kind), array_agg(subject_key) into kinds, keys
    from (select distinct kind, subject_key from stale) d;
  perform base.note_changed(kinds, keys);
  return null;
end $$;
create trigger value_inserted after insert on base.value
  referencing new table as fresh for each statement execute function base.value_inserted();
create trigger value_updated after update on base.value
  referencing old table as stale new table as fresh for each statement execute function base.value_updated();
create trigger value_deleted after delete on base.value
  referencing old table as stale for each statement execute function base.value_deleted();

-- What the bases held before: every subject with a division, numbered once.
insert into base.change (kind, subject_key, division, seq, gone)
select kind, subject_key, left(norm, 6), nextval('base.change_seq'), false
from base.value where element = 'division' and norm ~ '^[0-9]{6}' order by kind, subject_key;
`,
    },
    {
      // The cockpit's map of subjects by county (docs/cockpit.md, "District map"): a count per
      // base and county kept where base.change is, so that the map reads a dozen rows however many
      // subjects there are; note_changed is the one place every change of a county passes.
      id: '003-county-tally',
      sql: `
create table base.county_tally (
  kind text not null,
  division text not null check (division ~ '^[0-9]{6}$'),
  subjects bigint not null,
  primary key (kind, division)
);
insert into base.county_tally (kind, division, subjects)
select kind, division, count(*) from base.change where not gone group by kind, division;

-- As 002's, and the tally moved with it: a subject counts in the county it arrived in (a new row,
-- or one it had left) and stops counting in the one it left. Every part of the statement sees
-- base.change as it was before it, so arrival is judged on the state before this change.
create or replace function base.note_changed(kinds text[], keys text[]) returns void language plpgsql as $$
begin
  with touched as (
    select distinct t.kind, t.key from unnest(kinds, keys) as t(kind, key)
  ), now_in as (
    select t.kind, t.key,
      (select left(v.norm, 6) from base.value v
        where v.kind = t.kind and v.subject_key = t.key and v.element = 'division' and v.norm ~ '^[0-9]{6}') as division
    from touched t
  ), left_behind as (
    update base.change c set gone = true, seq = nextval('base.change_seq'), changed_at = now()
    from now_in n
    where c.kind = n.kind and c.subject_key = n.key and not c.gone and c.division is distinct from n.division
    returning c.kind, c.division
  ), arriving as (
    select n.kind, n.division from now_in n
    where n.division is not null and not exists (
      select 1 from base.change c
      where c.kind = n.kind and c.subject_key = n.key and c.division = n.division and not c.gone)
  ), noted as (
    insert into base.change as c (kind, subject_key, division, seq, gone)
    select kind, key, division, nextval('base.change_seq'), false from now_in where division is not null
    on conflict (kind, subject_key, division) do update set seq = excluded.seq, gone = false, changed_at = now()
  ), moves as (
    select kind, division, 1 as delta from arriving
    union all
    select kind, division, -1 from left_behind
  )
  insert into base.county_tally as t (kind, division, subjects)
  select kind, division, sum(delta) from moves group by kind, division having sum(delta) <> 0
  on conflict (kind, division) do update set subjects = t.subjects + excluded.subjects;
end $$;
`,
    },
    {
      // 字段准确率 kept as the values change (docs/base.md, "Field accuracy"): the cockpit's figure
      // and the accuracy page read a row per base and element, not every value of the bases.
      id: '004-accuracy-tally',
      sql: `
-- Whether an open conflict disputes the value, kept on the value by the conflicts' triggers, so
-- that a value's class (accurate, invalid, unconfirmed, disputed) is a function of its own row.
alter table base.value add column disputed boolean not null default false;
update base.value v set disputed = true
where exists (select 1 from base.conflict c where c.kind = v.kind and c.subject_key = v.subject_key
  and c.element = v.element and c.state = 'open');

create table base.accuracy_tally (
  kind text not null,
  element text not null,
  "values" bigint not null,
  invalid bigint not null,
  unconfirmed bigint not null,
  disputed bigint not null,
  confirmed bigint not null,
  primary key (kind, element)
);

-- Adds the rows' classes to the tally, each row with its sign (+1 new, -1 old).
create function base.add_to_accuracy(kinds text[], elements text[], valids boolean[], agrees boolean[],
    disputeds boolean[], confirmations int[], signs int[]) returns void language sql as $$
  insert into base.accuracy_tally as t (kind, element, "values", invalid, unconfirmed, disputed, confirmed)
  select kind, element, sum(s), coalesce(sum(s) filter (where not valid), 0),
    coalesce(sum(s) filter (where valid and not agrees), 0),
    coalesce(sum(s) filter (where valid and agrees and disputed), 0),
    coalesce(sum(s) filter (where confirmations > 0), 0)
  from unnest(kinds, elements, valids, agrees, disputeds, confirmations, signs)
    as r(kind, element, valid, agrees, disputed, confirmations, s)
  group by kind, element
  on conflict (kind, element) do update set
    "values" = t."values" + excluded."values",
    invalid = t.invalid + excluded.invalid,
    unconfirmed = t.unconfirmed + excluded.unconfirmed,
    disputed = t.disputed + excluded.disputed,
    confirmed = t.confirmed + excluded.confirmed
$$;
insert into base.accuracy_tally (kind, element, "values", invalid, unconfirmed, disputed, confirmed)
select kind, element, count(*), count(*) filter (where not valid), count(*) filter (where valid and not agrees),
  count(*) filter (where valid and agrees and disputed), count(*) filter (where confirmations > 0)
from base.value group by kind, element;

-- A value (re)inserted while a conflict about it is open is disputed: marked by an update, which
-- the update trigger tallies (the few open conflicts are joined, not each new value looked up).
create function base.value_tally_inserted() returns trigger language plpgsql as $$
begin
  perform base.add_to_accuracy(array_agg(kind), array_agg(element), array_agg(valid), array_agg(agrees),
    array_agg(disputed), array_agg(confirmations), array_agg(1)) from fresh having count(*) > 0;
  update base.value v set disputed = true
  from fresh f, base.conflict c
  where c.state = 'open' and c.kind = f.kind and c.subject_key = f.subject_key and c.element = f.element
    and v.kind = f.kind and v.subject_key = f.subject_key and v.element = f.element and not v.disputed;
  return null;
end $$;
create function base.value_tally_updated() returns trigger language plpgsql as $$
begin
  perform base.add_to_accuracy(array_agg(kind), array_agg(element), array_agg(valid), array_agg(agrees),
    array_agg(disputed), array_agg(confirmations), array_agg(s))
  from (select kind, element, valid, agrees, disputed, confirmations, 1 as s from fresh
        union all
        select kind, element, valid, agrees, disputed, confirmations, -1 from stale) r
  having count(*) > 0;
  return null;
end $$;
create function base.value_tally_deleted() returns trigger language plpgsql as $$
begin
  perform base.add_to_accuracy(array_agg(kind), array_agg(element), array_agg(valid), array_agg(agrees),
    array_agg(disputed), array_agg(confirmations), array_agg(-1)) from stale having count(*) > 0;
  return null;
end $$;
create trigger value_tally_inserted after insert on base.value
  referencing new table as fresh for each statement execute function base.value_tally_inserted();
create trigger value_tally_updated after update on base.value
  referencing old table as stale new table as fresh for each statement execute function base.value_tally_updated();
create trigger value_tally_deleted after delete on base.value
  referencing old table as stale for each statement execute function base.value_tally_deleted();

-- A conflict opened, decided or removed: the values it is about say again whether one disputes them.
create function base.mark_disputed(kinds text[], keys text[], elements text[]) returns void language sql as $$
  update base.value v set disputed = d.open
  from (select distinct t.kind, t.key, t.element,
          exists (select 1 from base.conflict c where c.kind = t.kind and c.subject_key = t.key
                  and c.element = t.element and c.state = 'open') as open
        from unnest(kinds, keys, elements) as t(kind, key, element)) d
  where v.kind = d.kind and v.subject_key = d.key and v.element = d.element and v.disputed <> d.open
$$;
create function base.conflict_inserted() returns trigger language plpgsql as $$
begin
  perform base.mark_disputed(array_agg(kind), array_agg(subject_key), array_agg(element)) from fresh;
  return null;
end $$;
create function base.conflict_updated() returns trigger language plpgsql as $$
begin
  perform base.mark_disputed(array_agg(kind), array_agg(subject_key), array_agg(element))
  from (select kind, subject_key, element from fresh union select kind, subject_key, element from stale) t;
  return null;
end $$;
create function base.conflict_deleted() returns trigger language plpgsql as $$
begin
  perform base.mark_disputed(array_agg(kind), array_agg(subject_key), array_agg(element)) from stale;
  return null;
end $$;
create trigger conflict_inserted after insert on base.conflict
  referencing new table as fresh for each statement execute function base.conflict_inserted();
create trigger conflict_updated after update on base.conflict
  referencing old table as stale new table as fresh for each statement execute function base.conflict_updated();
create trigger conflict_deleted after delete on base.conflict
  referencing old table as stale for each statement execute function base.conflict_deleted();
`,
    },
    {
      // 004's tally at less cost per absorb (docs/base.md, "Field accuracy"): its own triggers read
      // each statement's transition tables a second time and passed seven arrays of one element per
      // changed row, to be unnested and grouped again. Now 002's triggers, which read those tables
      // anyway, also move the tally in the same invocation: they group the rows by base, element and
      // class where they read them, and pass the few groups (at most 16 per element) to one function
      // that holds the classification, so it is written once.
      id: '005-one-pass-tallies',
      sql: `
drop trigger value_tally_inserted on base.value;
drop trigger value_tally_updated on base.value;
drop trigger value_tally_deleted on base.value;
drop function base.value_tally_inserted();
drop function base.value_tally_updated();
drop function base.value_tally_deleted();
drop function base.add_to_accuracy(text[], text[], boolean[], boolean[], boolean[], int[], int[]);

-- Adds groups of rows to the tally: each group's rows share base, element and class (valid, agrees,
-- disputed, confirmed) and count n, negative for rows that left. The classes are those of 004.
create function base.tally_accuracy(kinds text[], elements text[], valids boolean[], agrees boolean[],
    disputeds boolean[], confirmeds boolean[], ns bigint[]) returns void language sql as $$
  insert into base.accuracy_tally as t (kind, element, "values", invalid, unconfirmed, disputed, confirmed)
  select kind, element, sum(n), coalesce(sum(n) filter (where not valid), 0),
    coalesce(sum(n) filter (where valid and not agrees), 0),
    coalesce(sum(n) filter (where valid and agrees and disputed), 0),
    coalesce(sum(n) filter (where confirmed), 0)
  from unnest(kinds, elements, valids, agrees, disputeds, confirmeds, ns)
    as g(kind, element, valid, agrees, disputed, confirmed, n)
  group by kind, element
  on conflict (kind, element) do update set
    "values" = t."values" + excluded."values",
    invalid = t.invalid + excluded.invalid,
    unconfirmed = t.unconfirmed + excluded.unconfirmed,
    disputed = t.disputed + excluded.disputed,
    confirmed = t.confirmed + excluded.confirmed
$$;

-- As 002's, and the new rows counted in the tally. A value (re)inserted while a conflict about it
-- is open is then marked disputed by an update, which the update trigger tallies (the few open
-- conflicts are joined, not each new value looked up).
create or replace function base.value_inserted() returns trigger language plpgsql as $$
declare kinds text[]; keys text[];
begin
  select array_agg(kind), array_agg(subject_key) into kinds, keys
    from (select distinct kind, subject_key from fresh) d;
  perform base.note_changed(kinds, keys);
  perform base.tally_accuracy(array_agg(kind), array_agg(element), array_agg(valid), array_agg(agrees),
    array_agg(disputed), array_agg(confirmed), array_agg(n))
  from (select kind, element, valid, agrees, disputed, confirmations > 0 as confirmed, count(*) as n
        from fresh group by 1, 2, 3, 4, 5, 6) g
  having count(*) > 0;
  update base.value v set disputed = true
  from fresh f, base.conflict c
  where c.state = 'open' and c.kind = f.kind and c.subject_key = f.subject_key and c.element = f.element
    and v.kind = f.kind and v.subject_key = f.subject_key and v.element = f.element and not v.disputed;
  return null;
end $$;
-- As 002's, and the tally moved: each new row counts +1 and each old row -1 in its class, so a row
-- whose class stayed (a confirmation counted again, a value replaced by one of the same class) nets out
-- before the tally is touched.
create or replace function base.value_updated() returns trigger language plpgsql as $$
declare kinds text[]; keys text[];
begin
  select array_agg(kind), array_agg(subject_key) into kinds, keys
    from (select distinct n.kind, n.subject_key from fresh n
          join stale o on o.kind = n.kind and o.subject_key = n.subject_key and o.element = n.element
          where o.value is distinct from n.value or o.norm is distinct from n.norm) d;
  perform base.note_changed(kinds, keys);
  perform base.tally_accuracy(array_agg(kind), array_agg(element), array_agg(valid), array_agg(agrees),
    array_agg(disputed), array_agg(confirmed), array_agg(n))
  from (select kind, element, valid, agrees, disputed, confirmed, sum(s) as n
        from (select kind, element, valid, agrees, disputed, confirmations > 0 as confirmed, 1 as s from fresh
              union all
              select kind, element, valid, agrees, disputed, confirmations > 0, -1 from stale) r
        group by 1, 2, 3, 4, 5, 6 having sum(s) <> 0) g
  having count(*) > 0;
  return null;
end $$;
-- As 002's, and the old rows taken out of the tally.
create or replace function base.value_deleted() returns trigger language plpgsql as $$
declare kinds text[]; keys text[];
begin
  select array_agg(kind), array_agg(subject_key) into kinds, keys
    from (select distinct kind, subject_key from stale) d;
  perform base.note_changed(kinds, keys);
  perform base.tally_accuracy(array_agg(kind), array_agg(element), array_agg(valid), array_agg(agrees),
    array_agg(disputed), array_agg(confirmed), array_agg(-n))
  from (select kind, element, valid, agrees, disputed, confirmations > 0 as confirmed, count(*) as n
        from stale group by 1, 2, 3, 4, 5, 6) g
  having count(*) > 0;
  return null;
end $$;
`,
    },
    {
      // Encryption at rest (docs/encryption.md, "The base databases"): a citizen ID is stored as its
      // blind index from now on, the ID itself sealed once here. Never deleted with its subject:
      // a change returned to a district and a conflict on record still name a departed subject.
      id: '006-key-book',
      sql: `
create table base.key_book (
  kind text not null,
  key text not null,
  sealed text not null,
  primary key (kind, key)
);
-- The bases of an earlier version, in clear: sealed by the hub at its next start (BaseService.sealAtRest).
create table base.seal_pending (kind text primary key);
insert into base.seal_pending select distinct kind from base.subject;
`,
    },
  ],
};
