import type { ModuleMigrations } from '../db/index.js';

export const openMigrations: ModuleMigrations = {
  module: 'open',
  migrations: [
    {
      id: '001-counts',
      sql: `
create schema if not exists open;
-- Per open dataset (its catalog entry's id): page views, downloads and data API calls (docs/open.md).
create table open.dataset_count (
  resource_id int not null,
  event text not null check (event in ('view','download','call')),
  count bigint not null default 0,
  primary key (resource_id, event)
);
`,
    },
  ],
};
