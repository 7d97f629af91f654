import type { ModuleMigrations } from '../db/index.js';
import { SEEDED_DASHBOARDS } from './seed-dashboards.js';

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const seeded = SEEDED_DASHBOARDS.map((d) => `(${quote(d.id)}, 1, ${quote(JSON.stringify(d))}::jsonb, 'system')`).join(
  ',\n',
);

export const cockpitMigrations: ModuleMigrations = {
  module: 'cockpit',
  migrations: [
    {
      id: '001-cockpit',
      sql: `
create schema if not exists cockpit;
-- 数据专题: the current version of each topic dashboard, and every version it had (docs/cockpit.md).
create table cockpit.dashboard (
  id text primary key check (id ~ '^[a-z0-9-]{2,40}$'),
  version int not null check (version > 0),
  doc jsonb not null,
  updated_by text not null,
  updated_at timestamptz not null default now()
);
create table cockpit.dashboard_version (
  id text not null references cockpit.dashboard (id),
  version int not null,
  doc jsonb not null,
  by text not null,
  at timestamptz not null default now(),
  primary key (id, version)
);
insert into cockpit.dashboard (id, version, doc, updated_by) values
${seeded};
insert into cockpit.dashboard_version (id, version, doc, by) select id, version, doc, updated_by from cockpit.dashboard;
-- 考核指数: each department's score in a month (China time), as last computed in that month.
create table cockpit.score (
  month text not null check (month ~ '^[0-9]{4}-[0-9]{2}$'),
  org text not null,
  score numeric(5,1) not null,
  parts jsonb not null,
  at timestamptz not null default now(),
  primary key (month, org)
);`,
    },
  ],
};
