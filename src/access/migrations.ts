import type { ModuleMigrations } from '../db/index.js';

export const accessMigrations: ModuleMigrations = {
  module: 'access',
  migrations: [
    {
      id: '001-orgs-users',
      sql: `
create schema if not exists access;
create table access.organization (
  id serial primary key,
  code text not null unique check (code ~ '^[A-Z0-9]{2,16}$'),
  name text not null,
  kind text not null check (kind in ('platform','department','district','enterprise','third_party')),
  division char(6) not null,
  credit_code char(18) unique,
  parent_code text references access.organization(code),
  created_at timestamptz not null default now()
);
create table access.user (
  id serial primary key,
  username text not null unique check (username ~ '^[a-z][a-z0-9_.-]{1,63}$'),
  display_name text not null,
  password_hash text not null,
  org_id int references access.organization(id),
  roles text[] not null check (roles <@ array['operator','officer','consumer','citizen','auditor','third_party']::text[] and cardinality(roles) > 0),
  citizen_id char(18),
  disabled boolean not null default false,
  created_at timestamptz not null default now()
);
create table access.api_key (
  id serial primary key,
  user_id int not null references access.user(id),
  name text not null,
  prefix text not null,
  key_hash char(64) not null unique,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create table access.login_failure (
  username text not null,
  at timestamptz not null default now()
);
create index login_failure_user_at on access.login_failure (username, at);
create table access.secret (
  name text primary key,
  value text not null
);
`,
    },
    {
      id: '002-officers-tasks',
      sql: `
-- 数据官制: each organization's chief data officer and data stewards.
create table access.officer (
  org_code text not null references access.organization(code),
  user_id int not null references access.user(id),
  duty text not null check (duty in ('chief','steward')),
  primary key (org_code, user_id)
);
create unique index officer_one_chief on access.officer (org_code) where duty = 'chief';
-- Work waiting for an organization's officers; org_code null addresses the platform operators.
create table access.task (
  id serial primary key,
  org_code text references access.organization(code),
  kind text not null,
  ref text not null,
  title text not null,
  due_date date,
  state text not null default 'open' check (state in ('open','done')),
  created_at timestamptz not null default now(),
  done_at timestamptz
);
create index task_open on access.task (org_code, state);
create unique index task_one_open on access.task (kind, ref) where state = 'open';
`,
    },
    {
      id: '003-login-throttle-sessions',
      sql: `
-- #13: a failed login is counted against its (user name, source) pair, its address and its user
-- name, so that nobody locks an account by failing from elsewhere. The source is the device
-- cookie of a browser that logged into the account before, else the address.
alter table access.login_failure add column source text not null default '';
alter table access.login_failure add column address text not null default '';
create index login_failure_address_at on access.login_failure (address, at);
create index login_failure_at on access.login_failure (at);
-- Where each account logged in before ('addr:…', 'device:<sha256>'): failures elsewhere do not slow these.
create table access.known_source (
  user_id int not null references access.user(id),
  source text not null,
  last_at timestamptz not null,
  primary key (user_id, source)
);
-- One row per issued token (its jti), so that logout, a password change or disabling the user
-- revokes tokens in every process before they expire.
create table access.session (
  id text primary key,
  user_id int not null references access.user(id),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index session_user_live on access.session (user_id) where revoked_at is null;
`,
    },
    {
      id: '004-must-change-password',
      sql: `
-- #14: a password an operator set or reset is known to someone other than its user: the user
-- must choose their own at the next login before any token is issued.
alter table access.user add column must_change_password boolean not null default false;
`,
    },
    {
      id: '005-oidc-handoff',
      sql: `
-- #16: a login through the unified identity (OIDC) ends in the browser with a one-time code, not
-- the token, in the address the provider sent it back to; the web app trades the code for the
-- token. Any process of the hub may take the code (so it is here, not in memory), once, within a
-- minute. Only its hash is kept.
create table access.oidc_handoff (
  code_hash char(64) primary key,
  user_id int not null references access.user(id),
  expires_at timestamptz not null
);
create index oidc_handoff_expires on access.oidc_handoff (expires_at);
`,
    },
    {
      id: '006-enterprises',
      sql: `
-- #16: an enterprise account (企业账号) is bound to its unified social credit code (GB 32100; the
-- check characters are checked where it enters) and to its legal representative, a citizen account.
-- An operator binds it; in a deployment the binding comes from the market-regulation registry.
create table access.enterprise (
  credit_code char(18) primary key check (credit_code ~ '^[0-9A-HJ-NP-RTUW-Y]{18}$'),
  name text not null check (length(name) between 1 and 200),
  representative_user int not null references access.user(id),
  bound_by int not null references access.user(id),
  bound_at timestamptz not null default now()
);
create index enterprise_representative on access.enterprise (representative_user);
-- Agents (经办人) the representative appoints: citizen accounts that act for the enterprise for the
-- purposes named (null: any) until valid_until (null: until revoked). A revoked appointment stays as
-- history; an agent holds at most one live appointment per enterprise.
create table access.enterprise_agent (
  id serial primary key,
  credit_code char(18) not null references access.enterprise(credit_code),
  agent_user int not null references access.user(id),
  purposes text[] check (cardinality(purposes) > 0),
  valid_until timestamptz,
  appointed_by int not null references access.user(id),
  appointed_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_by int references access.user(id)
);
create unique index enterprise_agent_live on access.enterprise_agent (credit_code, agent_user) where revoked_at is null;
create index enterprise_agent_user_live on access.enterprise_agent (agent_user) where revoked_at is null;
`,
    },
    {
      id: '007-organization-purposes',
      sql: `
-- #16: a third party (a bank, an insurer) registers with the purposes it may ask data subjects to
-- consent to (codes of the purpose registry); null: none registered, so it may ask for none.
alter table access.organization add column purposes text[];
`,
    },
    {
      id: '008-sealed-citizen-ids',
      // #15: a citizen account's ID is kept sealed and found by its keyed tag (citizen-ids.ts).
      // IDs stored in clear before have no tag: the hub seals them when it starts.
      sql: `
alter table access.user alter column citizen_id type text;
alter table access.user add column citizen_tag text;
create index user_citizen_tag on access.user (citizen_tag);
create index user_citizen_unsealed on access.user (id) where citizen_id is not null and citizen_tag is null;
`,
    },
  ],
};
