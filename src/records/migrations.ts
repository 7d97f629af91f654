import type { ModuleMigrations } from '../db/index.js';

export const recordsMigrations: ModuleMigrations = {
  module: 'records',
  migrations: [
    {
      id: '001-records-schema',
      // The records leave the catalog's schema for their own (the catalog keeps the metadata):
      // the partitioned table and each resource's partition move, their keys and indexes with
      // them. The catalog's trigger that made a partition for every new resource goes, since it
      // reached from the catalog's table into this one; a resource's first load makes its
      // partition now (load.ts). Tables an interrupted load staged in the catalog's schema are
      // dropped: a rerun stages in this one.
      sql: `
create schema if not exists records;
alter table catalog.record set schema records;
do $$
declare t record;
begin
  for t in
    select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'records.record'::regclass
  loop
    execute format('alter table catalog.%I set schema records', t.relname);
  end loop;
  for t in select tablename as relname from pg_tables where schemaname = 'catalog' and tablename like 'stage\\_%' loop
    execute format('drop table catalog.%I', t.relname);
  end loop;
end $$;
drop trigger resource_record_partition on catalog.resource;
drop function catalog.create_record_partition();
`,
    },
    {
      id: '002-shared-partition',
      // One partition per resource made planning, locking and DDL grow with the number of
      // resources (docs/records.md). Every small resource now shares the DEFAULT partition,
      // hashed into 16 leaves; a resource keeps a partition of its own only when it is large
      // (100 000 rows, or the database setting qdh.own_partition_rows), and the shared partition
      // gets its shield, a validated check that the resource's rows are not there, so that its
      // swaps attach without scanning the shared partition. The shields are added while the
      // shared partition is still empty (validation reads nothing), then the small partitions'
      // rows move into it, each partition counted no further than the threshold.
      // Every partition moved is locked until this transaction commits: a database with many
      // thousands may need max_locks_per_transaction raised for the upgrade (docs/records.md).
      sql: `
create table records.record_shared partition of records.record default partition by hash (resource_id);
do $$
declare
  threshold bigint := coalesce(nullif(current_setting('qdh.own_partition_rows', true), '')::bigint, 100000);
  t record;
  n bigint;
  rel text;
  small text[] := '{}';
begin
  for i in 0..15 loop
    execute format('create table records.record_shared_%s partition of records.record_shared
      for values with (modulus 16, remainder %s)', i, i);
  end loop;
  for t in
    select c.relname, substring(pg_get_expr(c.relpartbound, c.oid) from '\\((\\d+)\\)')::int as rid
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'records.record'::regclass and c.relname <> 'record_shared'
  loop
    execute format('select count(*) from (select 1 from records.%I limit %s) s', t.relname, threshold) into n;
    if n < threshold then
      small := small || t.relname::text;
    else
      execute format('alter table records.record_shared add constraint %I check (resource_id <> %s)',
        'record_shared_not_r' || t.rid, t.rid);
      if t.relname <> 'record_r' || t.rid then
        execute format('alter table records.%I rename to %I', t.relname, 'record_r' || t.rid);
      end if;
    end if;
  end loop;
  foreach rel in array small loop
    execute format('alter table records.record detach partition records.%I', rel);
    execute format('insert into records.record (resource_id, key, doc, job_id, source_row, loaded_at, corrected)
      select resource_id, key, doc, job_id, source_row, loaded_at, corrected from records.%I', rel);
    execute format('drop table records.%I', rel);
  end loop;
end $$;
analyze records.record_shared;
`,
    },
  ],
};
