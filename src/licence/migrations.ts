import type { ModuleMigrations } from '../db/index.js';
import { SEEDED_TYPES } from './seed-types.js';

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const seeded = SEEDED_TYPES.map(
  (t) =>
    `(${quote(t.code)}, ${quote(t.name['zh-CN'])}, ${quote(t.name.en)}, ${quote(t.holderKind)}, ` +
    `${quote(JSON.stringify(t.fields))}::jsonb, ${t.validityDays ?? 'null'})`,
).join(',\n');

export const licenceMigrations: ModuleMigrations = {
  module: 'licence',
  migrations: [
    {
      id: '001-licences',
      sql: `
create schema if not exists licence;
-- 证照类型 (docs/licence.md): the fields of each type and which a presentation may leave out.
create table licence.type (
  code text primary key check (code ~ '^[0-9A-Z]{2,20}$'),
  name_zh text not null,
  name_en text not null,
  holder_kind text not null check (holder_kind in ('person','legal_entity')),
  fields jsonb not null,
  validity_days int check (validity_days > 0)
);
insert into licence.type (code, name_zh, name_en, holder_kind, fields, validity_days) values
${seeded};
-- 电子证照: one row per version; the holder found by its keyed tag, its ID and the fields sealed.
create table licence.licence (
  id uuid primary key,
  seq bigserial unique,
  identifier text not null unique,
  type_code text not null references licence.type (code),
  issuer_org text not null,
  serial int not null,
  version int not null check (version > 0),
  holder_kind text not null check (holder_kind in ('person','legal_entity')),
  holder_tag text not null,
  holder_key text not null,
  fields text not null,
  status text not null check (status in ('valid','superseded','revoked')),
  valid_from timestamptz not null,
  valid_until timestamptz,
  supersedes uuid references licence.licence (id),
  issued_by text not null,
  issued_at timestamptz not null,
  revoked_at timestamptz,
  revoke_reason text,
  status_list text not null,
  status_index int not null,
  unique (status_list, status_index)
);
create index licence_by_holder on licence.licence (holder_tag, seq desc);
create index licence_by_issuer on licence.licence (issuer_org, seq desc);
create table licence.serial (
  issuer_org text not null,
  type_code text not null,
  last int not null,
  primary key (issuer_org, type_code)
);
create table licence.status_list (
  id text primary key,
  issuer_org text not null,
  size int not null,
  next_index int not null
);
create table licence.issuer_key (
  key_id text primary key,
  issuer_org text not null,
  alg text not null check (alg in ('ES256','EdDSA','SM2')),
  public_jwk jsonb not null,
  private_jwk text not null,
  created_at timestamptz not null default now(),
  unique (issuer_org, alg)
);
create table licence.event_count (
  day text not null,
  type_code text not null,
  issuer_org text not null,
  event text not null check (event in ('issued','revised','revoked','presented','verified')),
  count int not null,
  primary key (day, type_code, issuer_org, event)
);
`,
    },
  ],
};
