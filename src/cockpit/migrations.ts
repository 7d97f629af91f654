import type { ModuleMigrations } from '../db/index.js';
import { DISTRICT_MAPS, SEEDED_DASHBOARDS } from './seed-dashboards.js';

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const seeded = SEEDED_DASHBOARDS.map((d) => `(${quote(d.id)}, 1, ${quote(JSON.stringify(d))}::jsonb, 'system')`).join(
  ',\n',
);

/**
 * The district maps come to dashboards stored before them as a new version by the system, unless
 * the dashboard has a panel of that id already (an install seeded with them) or no room left.
 */
const mapsAdded = Object.entries(DISTRICT_MAPS)
  .map(
    ([id, panel]) => `
with added as (
  update cockpit.dashboard set version = version + 1, updated_by = 'system', updated_at = now(),
    doc = jsonb_set(doc, '{panels}', (doc->'panels') || jsonb_build_array(${quote(JSON.stringify(panel))}::jsonb))
  where id = ${quote(id)} and jsonb_array_length(doc->'panels') < 12
    and not exists (select 1 from jsonb_array_elements(doc->'panels') p where p->>'id' = ${quote(panel.id)})
  returning id, version, doc
)
insert into cockpit.dashboard_version (id, version, doc, by) select id, version, doc, 'system' from added;`,
  )
  .join('\n');

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
    { id: '002-district-maps', sql: mapsAdded },
  ],
};
