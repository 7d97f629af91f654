import type { ModuleMigrations } from '../db/index.js';

/** Lowercase letters, digits and `_`: safe in a URL, a log line and a ledger entry as it is. */
export const PURPOSE_CODE = '^[a-z][a-z0-9_]{1,39}$';
/** The system purpose under which providers and operators browse, check and correct their data. */
export const GOVERNANCE = 'data_governance';

export const purposeMigrations: ModuleMigrations = {
  module: 'purpose',
  migrations: [
    {
      id: '001-registry',
      sql: `
create schema if not exists purpose;
-- 用途: why data may be read. Grants name the purposes they allow and every call states one;
-- consents (the vault) will name them too, so a citizen reads the same words everywhere.
create table purpose.purpose (
  code text primary key check (code ~ '${PURPOSE_CODE}'),
  name text not null unique check (length(name) between 2 and 60),
  description text not null default '',
  created_by text not null,
  created_at timestamptz not null default now()
);
insert into purpose.purpose (code, name, description, created_by) values
  ('identity_check', '身份核验', '核对当事人身份信息的真实性', 'system'),
  ('eligibility_check', '资格核验', '核定救助、补贴、待遇等资格条件', 'system'),
  ('social_assistance', '社会救助', '最低生活保障、特困供养、临时救助的审核与发放', 'system'),
  ('social_insurance', '社会保险经办', '参保登记、待遇核定与发放', 'system'),
  ('licensing', '行政许可审批', '行政许可和审批事项的受理与审查', 'system'),
  ('public_service', '政务服务办理', '“一网通办”事项办理中免于提交证明材料', 'system'),
  ('supervision', '监管执法', '日常监管、行政检查与执法', 'system'),
  ('emergency', '应急处置', '突发事件的应急处置与救援', 'system'),
  ('statistics', '统计分析', '不针对个人的统计、分析与决策支撑', 'system'),
  ('credit_service', '信用服务', '经本人授权的金融、保险信用评估', 'system'),
  ('self_query', '本人查询', '数据主体查询本人数据', 'system'),
  ('data_governance', '数据治理', '数源单位和平台浏览、核对和纠正所管数据', 'system');
`,
    },
    {
      id: '002-vault-purposes',
      sql: `
-- The purposes third parties ask citizens and enterprises to consent to (授权, #16), after the
-- seeds' scenarios: 一贷通 (a bank's loan), 保医通 (an insurer's claim), and an employer's check.
insert into purpose.purpose (code, name, description, created_by) values
  ('loan_underwriting', '贷款审批', '金融机构经本人或企业授权审核贷款申请（一贷通）', 'system'),
  ('insurance_claim', '保险理赔', '保险机构经本人授权核验理赔所需的医疗结算等信息（保医通）', 'system'),
  ('employment_check', '入职核验', '用人单位经本人授权核验学历、职业资格等入职信息', 'system')
on conflict do nothing;
`,
    },
    {
      id: '003-licence-use',
      sql: `
-- 亮证 for an enterprise (#17): the representative may, and an agent (经办人) only when the
-- appointment names this purpose — an agent for a loan is no agent for the firm's licences.
insert into purpose.purpose (code, name, description, created_by) values
  ('licence_use', '证照使用', '代表企业查看、出示和下载企业的电子证照（亮证）', 'system')
on conflict do nothing;
`,
    },
    {
      id: '004-open-data',
      sql: `
-- 数据需求 of the open-data portal (#18): data asked for by the public, to be opened to everyone.
insert into purpose.purpose (code, name, description, created_by) values
  ('open_data', '数据开放', '向社会无条件开放，供公众和开发者使用（数据开放网的数据需求）', 'system')
on conflict do nothing;
`,
    },
  ],
};
