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
  ],
};
