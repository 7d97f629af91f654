import type { FieldDef, LicenceType } from './types.js';

/** A field: [name, zh, en, omittable]; every seeded field is required at issue. */
type F = [name: string, zh: string, en: string, omittable: boolean];
const fields = (...list: F[]): FieldDef[] =>
  list.map(([name, zh, en, omittable]) => ({ name, label: { 'zh-CN': zh, en }, required: true, omittable }));

/**
 * The licence types the hub starts with (证照类型目录). The codes are the hub's own short codes
 * (pinyin initials); a deployment takes them from the national licence-type catalogue. Changing
 * this list changes a migration: add a new migration instead.
 */
export const SEEDED_TYPES: LicenceType[] = [
  {
    code: 'JMSFZ',
    name: { 'zh-CN': '居民身份证（电子复印件）', en: 'Resident identity card (electronic copy)' },
    holderKind: 'person',
    validityDays: 3650,
    fields: fields(
      ['name', '姓名', 'Name', false],
      ['gender', '性别', 'Sex', true],
      ['ethnicity', '民族', 'Ethnicity', true],
      ['birth_date', '出生日期', 'Date of birth', true],
      ['address', '住址', 'Address', true],
      ['id_number', '公民身份号码', 'Citizen ID number', true],
      ['authority', '签发机关', 'Issuing authority', false],
    ),
  },
  {
    code: 'YYZZ',
    name: { 'zh-CN': '营业执照', en: 'Business licence' },
    holderKind: 'legal_entity',
    validityDays: null,
    fields: fields(
      ['credit_code', '统一社会信用代码', 'Unified social credit code', false],
      ['name', '名称', 'Name', false],
      ['entity_type', '类型', 'Type', true],
      ['legal_representative', '法定代表人', 'Legal representative', true],
      ['registered_capital', '注册资本', 'Registered capital', true],
      ['established', '成立日期', 'Date of establishment', true],
      ['address', '住所', 'Domicile', true],
      ['business_scope', '经营范围', 'Business scope', true],
    ),
  },
  {
    code: 'JHZ',
    name: { 'zh-CN': '结婚证', en: 'Marriage certificate' },
    holderKind: 'person',
    validityDays: null,
    fields: fields(
      ['holder_name', '持证人', 'Holder', false],
      ['registered_on', '登记日期', 'Date of registration', false],
      ['certificate_no', '结婚证字号', 'Certificate number', true],
      ['spouse_name', '配偶姓名', 'Spouse’s name', true],
      ['holder_id_number', '持证人身份证件号', 'Holder’s ID number', true],
      ['spouse_id_number', '配偶身份证件号', 'Spouse’s ID number', true],
    ),
  },
  {
    code: 'BDCQZ',
    name: { 'zh-CN': '不动产权证书', en: 'Real estate title certificate' },
    holderKind: 'person',
    validityDays: null,
    fields: fields(
      ['owner', '权利人', 'Owner', false],
      ['location', '坐落', 'Location', false],
      ['unit_no', '不动产单元号', 'Real estate unit number', true],
      ['right_type', '权利类型', 'Type of right', false],
      ['area', '面积', 'Area', true],
      ['use', '用途', 'Use', true],
      ['co_ownership', '共有情况', 'Co-ownership', true],
    ),
  },
  {
    code: 'JSZ',
    name: { 'zh-CN': '机动车驾驶证', en: 'Driving licence' },
    holderKind: 'person',
    validityDays: 2192,
    fields: fields(
      ['name', '姓名', 'Name', false],
      ['licence_no', '证号', 'Licence number', true],
      ['vehicle_class', '准驾车型', 'Vehicle classes', false],
      ['first_issued', '初次领证日期', 'First issued', true],
      ['gender', '性别', 'Sex', true],
      ['address', '住址', 'Address', true],
    ),
  },
  {
    code: 'SBK',
    name: { 'zh-CN': '社会保障卡', en: 'Social security card' },
    holderKind: 'person',
    validityDays: 3650,
    fields: fields(
      ['name', '姓名', 'Name', false],
      ['ss_number', '社会保障号码', 'Social security number', true],
      ['card_no', '卡号', 'Card number', true],
      ['issued_in', '发卡地', 'Issued in', false],
    ),
  },
];
