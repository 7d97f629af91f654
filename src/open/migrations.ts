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
    {
      id: '002-developers',
      sql: `
-- Developer accounts of the portal (开发者): people, not hub users; they sign up themselves (docs/open.md).
create table open.developer (
  id serial primary key,
  name text not null,
  email text not null unique,
  password_hash text not null,
  created_at timestamptz not null default now()
);
-- A developer's signed-in sessions, by the SHA-256 of their random token.
create table open.developer_session (
  token_hash text primary key,
  developer_id int not null references open.developer(id) on delete cascade,
  expires_at timestamptz not null
);
create index developer_session_of on open.developer_session (developer_id);
-- API keys: only the SHA-256 of the secret is kept (shown once); limits per minute and per China day.
create table open.api_key (
  id serial primary key,
  developer_id int not null references open.developer(id) on delete cascade,
  name text not null,
  prefix text not null,
  secret_hash text not null unique,
  per_minute int not null,
  per_day int not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index api_key_of on open.api_key (developer_id);
-- Fixed-window counters: one row per caller ('key:<id>', 'ip:<hash>', 'login:<hash>') and span,
-- restarted in place when a new window begins, so a call costs one upsert however many callers there are.
create table open.api_use (
  subject text not null,
  span text not null check (span in ('minute','day')),
  window_start timestamptz not null,
  count int not null,
  primary key (subject, span)
);
create index api_use_stale on open.api_use (window_start);
`,
    },
    {
      id: '003-applications',
      sql: `
-- Applications for conditional open (有条件开放) data: a developer states purpose, use and security;
-- the providing department approves with terms and an expiry, or refuses with a reason (docs/open.md).
create table open.application (
  id serial primary key,
  developer_id int not null references open.developer(id) on delete cascade,
  resource_id int not null,
  resource_code text not null,
  provider_org text not null,
  purpose text not null,
  use text not null,
  security text not null,
  state text not null default 'pending' check (state in ('pending','approved','refused')),
  terms text,
  expires_at timestamptz,
  reason text,
  decided_by text,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  check (state <> 'approved' or (terms is not null and expires_at is not null)),
  check (state <> 'refused' or reason is not null)
);
create index application_of_developer on open.application (developer_id, resource_id);
create index application_of_provider on open.application (provider_org, state, id);
`,
    },
    {
      id: '004-ratings',
      sql: `
-- Ratings and comments (好差评) of open datasets by developer accounts, one each, with the provider's public answer.
create table open.rating (
  id serial primary key,
  resource_id int not null,
  resource_code text not null,
  developer_id int not null references open.developer(id) on delete cascade,
  rating int not null check (rating between 1 and 5),
  comment text not null,
  created_at timestamptz not null default now(),
  answer text,
  answered_by text,
  answered_at timestamptz,
  unique (resource_id, developer_id)
);
create index rating_of_provider on open.rating (resource_code);
`,
    },
    {
      id: '005-feedback',
      sql: `
-- A rating is answered by the provider the catalog names for the entry (kept when rated), not by
-- the department a resource code's prefix suggests. Older rows take the code's prefix once.
alter table open.rating add column provider_org text;
update open.rating set provider_org = split_part(resource_code, '-', 1);
alter table open.rating alter column provider_org set not null;
create index rating_of_provider_org on open.rating (provider_org, id);
-- Error reports (纠错) of developers: each is a correction in quality's workflow, filed by the portal.
create table open.error_report (
  id serial primary key,
  developer_id int not null references open.developer(id) on delete cascade,
  resource_code text not null,
  record_key text,
  field text not null,
  correction_id int not null unique,
  created_at timestamptz not null default now()
);
create index error_report_of_developer on open.error_report (developer_id, id);
-- Requests for data not found (数据需求): each is a free-text demand in share's workflow, filed by the portal.
create table open.dataset_request (
  id serial primary key,
  developer_id int not null references open.developer(id) on delete cascade,
  demand_id int not null unique,
  need text not null,
  purpose text not null,
  created_at timestamptz not null default now()
);
create index dataset_request_of_developer on open.dataset_request (developer_id, id);
`,
    },
    {
      id: '006-comment-moderation',
      sql: `
-- Comments are reviewed before they are shown (先审后发): pending until an operator publishes or
-- rejects them (with a reason for the author). Comments given before this were shown already and
-- stay published; the default is dropped so that every new rating states its comment's state.
alter table open.rating add column comment_state text not null default 'published'
  check (comment_state in ('pending', 'published', 'rejected'));
alter table open.rating alter column comment_state drop default;
alter table open.rating add column moderation_reason text;
alter table open.rating add column moderated_by text;
alter table open.rating add column moderated_at timestamptz;
alter table open.rating add constraint rating_rejected_has_reason
  check (comment_state <> 'rejected' or moderation_reason is not null);
create index rating_pending on open.rating (created_at, id) where comment_state = 'pending';
create index rating_of_developer on open.rating (developer_id, id);
`,
    },
  ],
};
