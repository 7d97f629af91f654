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
-- The data a resource mounts: one row per subject key. Loaded by ingest, read by share.
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
    {
      id: '003-registration-search',
      // The registration workflow, the metadata of GB/T 21063, and the search index. Entries
      // registered before the workflow existed were live, so they count as published.
      sql: `
alter table catalog.resource
  add column status text not null default 'published'
    check (status in ('draft','submitted','returned','approved','published')),
  add column share_condition text not null default '',
  add column level_reason text not null default '',
  add column update_frequency text not null default 'irregular'
    check (update_frequency in ('realtime','daily','weekly','monthly','quarterly','yearly','irregular')),
  add column format text not null default 'table' check (format in ('table','file','api')),
  add column keywords text[] not null default '{}',
  add column mount jsonb not null default '{"kind":"records"}',
  add column return_reason text,
  add column submitted_at timestamptz,
  add column published_at timestamptz,
  add column search_text text not null default '';
update catalog.resource set published_at = created_at;
alter table catalog.resource alter column status set default 'draft';
create index resource_status on catalog.resource (status);
-- The search index: one narrow row per entry with its facets and index terms (see
-- search-terms.ts), so that a broad query counts facets without reading the entries' fields.
-- Filled by the service in the same transaction as each change; rows of entries made before it
-- existed are filled when the hub opens (CatalogService.reindexMissing).
create table catalog.resource_search (
  resource_id int primary key references catalog.resource(id),
  code text not null,
  name text not null,
  provider_org text not null,
  category text not null,
  share_type text not null,
  open_type text not null,
  level text not null,
  status text not null,
  published boolean not null,
  updated_at timestamptz not null,
  terms text[] not null
);
create index resource_search_terms on catalog.resource_search using gin (terms);
create index resource_search_code on catalog.resource_search (code);
create index resource_search_provider on catalog.resource_search (provider_org, code);
create index resource_search_name on catalog.resource_search (name, code);
create index resource_search_updated on catalog.resource_search (updated_at desc, code);
-- How many entries of each facet combination hold each term ('' = every entry), kept with each
-- change: facet counts of a browse or a one-word query are sums over a few hundred rows instead
-- of a pass over every matching entry. Counts that fall to zero stay as zero.
create table catalog.search_count (
  term text not null,
  provider_org text not null,
  category text not null,
  share_type text not null,
  open_type text not null,
  level text not null,
  status text not null,
  published boolean not null,
  n int not null,
  primary key (term, provider_org, category, share_type, open_type, level, status, published)
);
-- Every content version, whole, so that any older one can be read as it was.
create table catalog.resource_version (
  resource_id int not null references catalog.resource(id),
  version int not null,
  doc jsonb not null,
  primary key (resource_id, version)
);
-- Who did what to a resource and when: edits with their diff, and each step of the workflow.
create table catalog.resource_event (
  id serial primary key,
  resource_id int not null references catalog.resource(id),
  version int not null,
  action text not null check (action in ('create','edit','submit','approve','return','publish','import')),
  actor text not null,
  at timestamptz not null default now(),
  note text,
  diff jsonb not null default '[]'
);
create index resource_event_resource on catalog.resource_event (resource_id, id);
`,
    },
    {
      id: '004-record-partitions',
      // One partition of catalog.record per resource, so that a full load can be built beside the
      // live data and swapped in by one transaction (detach the old partition, attach the new):
      // readers see either the old rows or the new, and a load never rewrites the live table row
      // by row. A trigger gives every new resource its partition, whatever path registers it.
      // The foreign key to catalog.resource goes: attaching a partition would re-check it row by
      // row, and resources are never deleted (they are retired).
      sql: `
alter table catalog.record rename to record_unpartitioned;
alter table catalog.record_unpartitioned rename constraint record_pkey to record_unpartitioned_pkey;
create table catalog.record (
  resource_id int not null,
  key text not null,
  doc jsonb not null,
  job_id text,
  source_row int,
  loaded_at timestamptz not null default now(),
  primary key (resource_id, key)
) partition by list (resource_id);
create function catalog.create_record_partition() returns trigger language plpgsql as $$
begin
  execute format('create table catalog.record_r%s partition of catalog.record for values in (%s)', new.id, new.id);
  return new;
end $$;
create trigger resource_record_partition after insert on catalog.resource
  for each row execute function catalog.create_record_partition();
do $$
declare r record;
begin
  for r in select id from catalog.resource loop
    execute format('create table catalog.record_r%s partition of catalog.record for values in (%s)', r.id, r.id);
  end loop;
end $$;
insert into catalog.record select resource_id, key, doc, job_id, source_row, loaded_at from catalog.record_unpartitioned;
drop table catalog.record_unpartitioned;
`,
    },
    {
      id: '005-corrected-values',
      // Which fields of a record hold a value an accepted correction (纠错) wrote, not the last
      // load: field → {"correction": id, "at": ISO time}. A load that writes the record again
      // clears it, since the value then comes from the job (see RecordStore.correct in src/records).
      sql: `
alter table catalog.record add column corrected jsonb not null default '{}';
`,
    },
    {
      id: '006-published-version',
      // Readers outside the provider see the last published version until an edit is approved
      // (see visibility.ts), so the entry keeps which version that is and its search text, and
      // the search index holds up to two rows per entry: its working copy and, while an edit
      // waits, its published content. Entries published before the workflow recorded a publish
      // were published as they stood before their first edit. The index rows of published
      // content under an edit are written when the hub opens (CatalogService.reindexMissing),
      // since SQL cannot segment their text.
      sql: `
alter table catalog.resource add column published_version int, add column published_text text;
update catalog.resource r set published_version = coalesce(
  (select max(e.version) from catalog.resource_event e where e.resource_id = r.id and e.action = 'publish'),
  (select min(e.version) - 1 from catalog.resource_event e where e.resource_id = r.id and e.action = 'edit'),
  r.version)
where r.published_at is not null;
update catalog.resource set published_text = search_text where published_version = version;
alter table catalog.resource_search add column working boolean not null default true;
alter table catalog.resource_search drop constraint resource_search_pkey;
alter table catalog.resource_search add primary key (resource_id, working);
update catalog.resource_search s set published = (r.published_version is not distinct from r.version)
from catalog.resource r where r.id = s.resource_id;
alter table catalog.search_count add column working boolean not null default true;
alter table catalog.search_count drop constraint search_count_pkey;
alter table catalog.search_count
  add primary key (term, provider_org, category, share_type, open_type, level, status, published, working);
delete from catalog.search_count;
insert into catalog.search_count (term, provider_org, category, share_type, open_type, level, status, published, working, n)
select t, provider_org, category, share_type, open_type, level, status, published, working, count(*)::int
from catalog.resource_search, unnest(terms || '{""}'::text[]) as t
group by t, provider_org, category, share_type, open_type, level, status, published, working;
`,
    },
    {
      id: '007-resource-tally',
      sql: `
-- The counts every catalog indicator divides (src/catalog/indicators.ts), kept per combination of
-- what they look at, in the transaction of each change: an indicator reads a few hundred rows,
-- not every resource. A row of catalog.resource moves between combinations only when one of
-- these changes (publication, share or open type, mount, first or last records), so loads and
-- edits of other columns do not touch the tally.
create table catalog.resource_tally (
  provider_org text not null,
  category text not null,
  share_type text not null,
  open_type text not null,
  published boolean not null,
  mount_kind text not null,
  has_records boolean not null,
  n bigint not null,
  primary key (provider_org, category, share_type, open_type, published, mount_kind, has_records)
);
insert into catalog.resource_tally
select provider_org, category, share_type, open_type, published_at is not null, coalesce(mount->>'kind', ''),
  record_count > 0, count(*)
from catalog.resource
group by 1, 2, 3, 4, 5, 6, 7;
create function catalog.tally_resource() returns trigger language plpgsql as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    update catalog.resource_tally set n = n - 1
    where provider_org = old.provider_org and category = old.category and share_type = old.share_type
      and open_type = old.open_type and published = (old.published_at is not null)
      and mount_kind = coalesce(old.mount->>'kind', '') and has_records = (old.record_count > 0);
  end if;
  if tg_op in ('UPDATE', 'INSERT') then
    insert into catalog.resource_tally as t
    values (new.provider_org, new.category, new.share_type, new.open_type, new.published_at is not null,
      coalesce(new.mount->>'kind', ''), new.record_count > 0, 1)
    on conflict (provider_org, category, share_type, open_type, published, mount_kind, has_records)
    do update set n = t.n + 1;
  end if;
  return null;
end $$;
create trigger resource_tally_change after insert or delete on catalog.resource
  for each row execute function catalog.tally_resource();
create trigger resource_tally_update after update on catalog.resource
  for each row when (
    old.provider_org is distinct from new.provider_org or old.category is distinct from new.category
    or old.share_type is distinct from new.share_type or old.open_type is distinct from new.open_type
    or (old.published_at is null) <> (new.published_at is null)
    or coalesce(old.mount->>'kind', '') <> coalesce(new.mount->>'kind', '')
    or (old.record_count > 0) <> (new.record_count > 0))
  execute function catalog.tally_resource();
-- The largest published resources, read top first (the cockpit's recordsByResource).
create index resource_published_records on catalog.resource (record_count desc, id) where published_at is not null;
-- Review timeliness reads the workflow's steps only, not every edit.
create index resource_event_review on catalog.resource_event (resource_id, id) where action in ('submit', 'approve', 'return');
`,
    },
    {
      id: '008-change-order',
      sql: `
-- The order a node that keeps a copy of this catalog reads its changes in, (updated_at, id)
-- (CatalogService.publishedChanges): walked by this index, a sync costs what changed, not the
-- size of the catalog.
create index resource_changes on catalog.resource (updated_at, id);
-- A provider takes a publication back (CatalogService.withdraw): the change a city is told of.
alter table catalog.resource_event drop constraint resource_event_action_check;
alter table catalog.resource_event add constraint resource_event_action_check
  check (action in ('create','edit','submit','approve','return','publish','import','withdraw'));
`,
    },
    {
      id: '009-search-frequency',
      sql: `
-- The update frequency is a facet of the search (the open-data portal's, #18): the index rows and
-- their term counts carry it as they carry the open type. Published content under an edit takes
-- it from its stored version.
alter table catalog.resource_search add column update_frequency text not null default 'irregular';
update catalog.resource_search s set update_frequency = r.update_frequency
from catalog.resource r where r.id = s.resource_id and s.working;
update catalog.resource_search s set update_frequency = coalesce(v.doc->>'updateFrequency', 'irregular')
from catalog.resource r join catalog.resource_version v on v.resource_id = r.id and v.version = r.published_version
where r.id = s.resource_id and not s.working;
alter table catalog.search_count add column update_frequency text not null default 'irregular';
alter table catalog.search_count drop constraint search_count_pkey;
delete from catalog.search_count;
insert into catalog.search_count
  (term, provider_org, category, share_type, open_type, level, update_frequency, status, published, working, n)
select t, provider_org, category, share_type, open_type, level, update_frequency, status, published, working, count(*)::int
from catalog.resource_search, unnest(terms || '{""}'::text[]) as t
group by t, provider_org, category, share_type, open_type, level, update_frequency, status, published, working;
alter table catalog.search_count add primary key
  (term, provider_org, category, share_type, open_type, level, update_frequency, status, published, working);
`,
    },
  ],
};
