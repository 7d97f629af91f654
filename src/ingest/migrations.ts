import type { ModuleMigrations } from '../db/index.js';

/**
 * The quoting reasons 009 rewrites: old key, new key, the new English, the old English as a
 * pattern. Written out, not taken from the catalogue: a migration's SQL never changes.
 */
const UNQUOTED: ReadonlyArray<readonly [string, string, string, string]> = [
  [
    'id.division',
    'id.divisionUnknown',
    'the first 6 digits are not a division code',
    '^division .* is not a division code$',
  ],
  ['id.checkDigit', 'id.checkDigitWrong', 'the check digit does not match', '^check digit should be .*, got .*$'],
  ['id.birthDateMissing', 'id.birthDateNone', 'the birth date in it does not exist', '^birth date .* does not exist$'],
  ['id.birthDateRange', 'id.birthDateOut', 'the birth date in it is out of range', '^birth date .* is out of range$'],
  [
    'credit.char',
    'credit.charBad',
    'has a character that is not allowed (no I, O, Z, S, V)',
    '^character .* is not allowed \\(no I, O, Z, S, V\\)$',
  ],
  [
    'credit.orgCode',
    'credit.orgCodeWrong',
    'the embedded organization code has a wrong check character',
    '^embedded organization code .* has a wrong check character$',
  ],
  [
    'credit.checkChar',
    'credit.checkCharWrong',
    'the check character does not match',
    '^check character should be .*, got .*$',
  ],
  ['value.dateMissing', 'value.dateNone', 'the date does not exist', '^\\d{4}-\\d{2}-\\d{2} does not exist$'],
  ['kernel.notDivision', 'value.notDivision', 'not a GB/T 2260 division code', '^.* is not a GB/T 2260 division code$'],
];

export const ingestMigrations: ModuleMigrations = {
  module: 'ingest',
  migrations: [
    {
      id: '001-jobs',
      sql: `
create schema if not exists ingest;
create table ingest.job (
  id text primary key,
  resource_code text not null,
  source text not null,
  state text not null check (state in ('queued','running','succeeded','failed')),
  rows_read int not null default 0,
  rows_loaded int not null default 0,
  rows_rejected int not null default 0,
  error text,
  created_by int not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz
);
create index job_resource on ingest.job (resource_code, started_at desc);
-- The quarantine: every row that was not loaded, with the reason.
create table ingest.reject (
  job_id text not null references ingest.job(id),
  row_number int not null,
  field text not null,
  reason text not null,
  primary key (job_id, row_number, field)
);
`,
    },
    {
      id: '002-sources',
      // Jobs from a database or HTTP source wait in the queue (state 'queued', next_attempt_at),
      // are claimed with FOR UPDATE SKIP LOCKED, and beat a heartbeat while they run, so that a
      // job whose process died is found and queued again. Schedules enqueue them by cron.
      sql: `
alter table ingest.job add column spec jsonb;
alter table ingest.job add column attempts int not null default 0;
alter table ingest.job add column max_attempts int not null default 1;
alter table ingest.job add column next_attempt_at timestamptz;
alter table ingest.job add column heartbeat_at timestamptz;
alter table ingest.job add column created_at timestamptz;
update ingest.job set created_at = started_at;
alter table ingest.job alter column created_at set default now();
alter table ingest.job alter column created_at set not null;
create index job_queued on ingest.job (next_attempt_at) where state = 'queued';
create index job_running on ingest.job (heartbeat_at) where state = 'running';
create index job_created on ingest.job (created_at desc);
create table ingest.schedule (
  id serial primary key,
  resource_code text not null,
  spec jsonb not null,
  source text not null,
  cron text not null,
  timezone text not null default 'Asia/Shanghai',
  enabled boolean not null default true,
  max_attempts int not null default 3 check (max_attempts between 1 and 10),
  next_run_at timestamptz,
  last_job_id text,
  created_by int not null,
  created_at timestamptz not null default now()
);
create index schedule_due on ingest.schedule (next_run_at) where enabled;
alter table ingest.job add column schedule_id int references ingest.schedule(id) on delete set null;
`,
    },
    {
      id: '003-quality-issues',
      // Quality rules add issues that do not stop a row (warnings) beside the quarantine's
      // rejects; both count towards a field's pass rate, only rejects keep a row out.
      sql: `
alter table ingest.reject
  add column severity text not null default 'reject' check (severity in ('reject','warn')),
  add column rule text;
alter table ingest.job add column merge text check (merge in ('swap','upsert'));
create index job_finished on ingest.job (resource_code, finished_at);
`,
    },
    {
      id: '004-column-mapping',
      // A provider's source names its columns its own way; the mapping an officer saved is
      // used by every later load of the resource (stage 2, mapping.ts).
      sql: `
create table ingest.column_mapping (
  resource_code text not null,
  source_column text not null,
  field text not null,
  saved_by int not null,
  saved_at timestamptz not null default now(),
  primary key (resource_code, source_column)
);
`,
    },
    {
      id: '005-skipped-columns',
      // A column saved without a field is one the officer chose not to load, even when its
      // name matches a field's (a "姓名" column of the applicant's agent, say).
      sql: `alter table ingest.column_mapping alter column field drop not null;`,
    },
    {
      id: '006-outcome',
      // A load's outcome (outcome.ts) is judged against the quality threshold its resource had
      // when it ran, kept on the job. Below a threshold whose action is 'hold', the rows wait in
      // ingest.held_row, the job 'held', until an officer of the provider releases them (they go
      // in, the job 'succeeded') or discards them ('discarded'). Finished loads from before had
      // the default threshold: warn below 95 %.
      sql: `
alter table ingest.job drop constraint job_state_check;
alter table ingest.job add constraint job_state_check
  check (state in ('queued','running','succeeded','failed','held','discarded'));
alter table ingest.job add column min_pass_rate numeric(5,2);
alter table ingest.job add column below_action text check (below_action in ('warn','hold'));
alter table ingest.job add column snapshot boolean not null default false;
alter table ingest.job add column decided_by text;
alter table ingest.job add column decided_at timestamptz;
update ingest.job set min_pass_rate = 95, below_action = 'warn' where state = 'succeeded';
create table ingest.held_row (
  job_id text not null references ingest.job(id),
  source_row int not null,
  key text not null,
  doc jsonb not null,
  primary key (job_id, source_row)
);
create index job_held on ingest.job (resource_code) where state = 'held';
`,
    },
    {
      id: '007-reason-keys',
      // A quarantined reason keeps its message key and params (src/kernel/messages), so that the
      // rejected-row report reads in the language of whoever asks; `reason` stays, in English.
      sql: `
alter table ingest.reject add column reason_code text;
alter table ingest.reject add column reason_params jsonb;
`,
    },
    {
      id: '008-error-keys',
      // A failed job keeps its error's code (src/kernel/errors.ts) and message (key and params),
      // so that the jobs page reads in the language of whoever looks (job-error.ts); `error` stays,
      // as text for the log. Errors the hub itself wrote before get their keys; others keep their text.
      sql: `
alter table ingest.job add column error_code text;
alter table ingest.job add column error_detail jsonb;
update ingest.job set error_code = 'KRN_INTERNAL', error_detail = '{"key":"ingest.processStopped"}'
  where error = 'the hub process running it stopped';
update ingest.job set error_code = 'KRN_INTERNAL', error_detail = '{"key":"ingest.processStoppedUpload"}'
  where error = 'the hub process running it stopped: upload the file again';
update ingest.job set error_code = 'ING_STORAGE_FULL', error_detail = '{"key":"ingest.storageFull"}'
  where error like '% / the database ran out of storage space%';
`,
    },
    {
      id: '009-unquoted-reasons',
      // A quarantined reason no longer quotes the cell it refuses (kernel/messages: unquoted):
      // reasons stored before lose the quote — a citizen ID's birth date or check digit — and
      // take the quote-free message. Rows from before 007 are known by their English text.
      sql: UNQUOTED.map(
        ([from, to, english, pattern]) => `
update ingest.reject set reason_code = '${to}', reason_params = null, reason = '${english}'
  where reason_code = '${from}' or (reason_code is null and reason ~ '${pattern}');`,
      ).join(''),
    },
  ],
};
