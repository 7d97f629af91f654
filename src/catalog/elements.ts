import { ETHNICITY, GENDER, MARITAL_STATUS, labelsOf, type CodeList } from './code-lists.js';
import type { FieldType } from './fields.js';

/**
 * How a value is shown to someone who may not see it plainly. The one implementation of each
 * kind is `maskValue` in share; the catalog only says which kind a field takes.
 */
export const MASKINGS = ['none', 'id', 'name', 'phone', 'address', 'year', 'partial', 'full'] as const;
export type Masking = (typeof MASKINGS)[number];

/** 数据元: the standard definition a field binds to, so that it is validated and masked alike everywhere. */
export interface DataElement {
  code: string;
  name: string;
  type: FieldType;
  /** How a value is written, for people filling a form or a spreadsheet. */
  format: string;
  maxLength?: number;
  /** Default 个人信息敏感级 of a field bound to it (4 = sensitive personal information). */
  sensitivity: 1 | 2 | 3 | 4;
  masking: Masking;
  /** The labels a value must be one of; with `codes`, exactly that list's labels. */
  codeList?: string[];
  /** The national code list behind `codeList`: a load accepts a code or a label and stores the label. */
  codes?: CodeList;
  /** True when the value identifies or describes a natural person. */
  personal: boolean;
  description: string;
}

const el = (e: DataElement): DataElement => e;

/**
 * The library of standard data elements, after GB/T 19488 (电子政务数据元) and the national
 * population and legal-entity base database specifications. Versioned with the software: a
 * change here changes validation and masking of every bound field at once, which is the point.
 */
export const DATA_ELEMENTS: readonly DataElement[] = [
  el({
    code: 'citizen_id',
    name: '公民身份号码',
    type: 'citizen_id',
    format: '18 位，GB 11643 校验码',
    sensitivity: 4,
    masking: 'id',
    personal: true,
    description: '居民身份证号码，人口基础库主键',
  }),
  el({
    code: 'person_name',
    name: '姓名',
    type: 'string',
    format: '汉字或外文姓名',
    maxLength: 50,
    sensitivity: 3,
    masking: 'name',
    personal: true,
    description: '自然人姓名',
  }),
  el({
    code: 'gender',
    name: '性别',
    type: 'string',
    format: 'GB/T 2261.1：代码 0/1/2/9 或名称（男、女…）',
    maxLength: 6,
    sensitivity: 2,
    masking: 'none',
    codeList: labelsOf(GENDER),
    codes: GENDER,
    personal: true,
    description: '自然人性别',
  }),
  el({
    code: 'birth_date',
    name: '出生日期',
    type: 'date',
    format: 'YYYY-MM-DD',
    sensitivity: 3,
    masking: 'year',
    personal: true,
    description: '自然人出生日期，与公民身份号码中的出生日期一致',
  }),
  el({
    code: 'ethnicity',
    name: '民族',
    type: 'string',
    format: 'GB/T 3304：两位代码（01 汉族）或民族名称',
    maxLength: 20,
    sensitivity: 2,
    masking: 'full',
    codeList: labelsOf(ETHNICITY),
    codes: ETHNICITY,
    personal: true,
    description: '自然人民族',
  }),
  el({
    code: 'marital_status',
    name: '婚姻状况',
    type: 'string',
    format: 'GB/T 2261.2：两位代码（10 未婚）或名称',
    maxLength: 8,
    sensitivity: 3,
    masking: 'full',
    codeList: labelsOf(MARITAL_STATUS),
    codes: MARITAL_STATUS,
    personal: true,
    description: '自然人婚姻状况',
  }),
  el({
    code: 'education',
    name: '学历',
    type: 'string',
    format: 'GB/T 4658',
    maxLength: 20,
    sensitivity: 2,
    masking: 'full',
    personal: true,
    description: '最高学历',
  }),
  el({
    code: 'division',
    name: '行政区划代码',
    type: 'division',
    format: '6 位，GB/T 2260',
    sensitivity: 1,
    masking: 'none',
    personal: false,
    description: '县级及以上行政区划代码',
  }),
  el({
    code: 'address',
    name: '地址',
    type: 'string',
    format: '省市区（县）街道门牌',
    maxLength: 200,
    sensitivity: 3,
    masking: 'address',
    personal: true,
    description: '住址或经营地址；脱敏时保留到区县',
  }),
  el({
    code: 'phone',
    name: '联系电话',
    type: 'phone',
    format: '11 位手机号或区号-号码',
    sensitivity: 4,
    masking: 'phone',
    personal: true,
    description: '手机或固定电话',
  }),
  el({
    code: 'email',
    name: '电子邮箱',
    type: 'string',
    format: 'name@example.cn',
    maxLength: 100,
    sensitivity: 3,
    masking: 'partial',
    personal: true,
    description: '电子邮箱地址',
  }),
  el({
    code: 'health_status',
    name: '健康状况',
    type: 'string',
    format: '文本',
    maxLength: 200,
    sensitivity: 4,
    masking: 'full',
    personal: true,
    description: '医疗健康信息，属敏感个人信息',
  }),
  el({
    code: 'religion',
    name: '宗教信仰',
    type: 'string',
    format: '文本',
    maxLength: 50,
    sensitivity: 4,
    masking: 'full',
    personal: true,
    description: '宗教信仰，属敏感个人信息',
  }),
  el({
    code: 'biometric',
    name: '生物识别信息',
    type: 'string',
    format: '特征值或文件引用',
    maxLength: 2000,
    sensitivity: 4,
    masking: 'full',
    personal: true,
    description: '人脸、指纹等生物识别信息，属敏感个人信息',
  }),
  el({
    code: 'bank_account',
    name: '银行账号',
    type: 'string',
    format: '12–19 位数字',
    maxLength: 32,
    sensitivity: 4,
    masking: 'partial',
    personal: true,
    description: '金融账户，属敏感个人信息',
  }),
  el({
    code: 'vehicle_plate',
    name: '机动车号牌',
    type: 'string',
    format: '鲁A12345',
    maxLength: 10,
    sensitivity: 3,
    masking: 'partial',
    personal: true,
    description: '机动车号牌号码',
  }),
  el({
    code: 'credit_code',
    name: '统一社会信用代码',
    type: 'credit_code',
    format: '18 位，GB 32100 校验码',
    sensitivity: 1,
    masking: 'none',
    personal: false,
    description: '法人和其他组织统一社会信用代码，法人基础库主键',
  }),
  el({
    code: 'enterprise_name',
    name: '企业名称',
    type: 'string',
    format: '登记名称全称',
    maxLength: 200,
    sensitivity: 1,
    masking: 'none',
    personal: false,
    description: '市场主体登记名称',
  }),
  el({
    code: 'org_name',
    name: '机构名称',
    type: 'string',
    format: '全称',
    maxLength: 200,
    sensitivity: 1,
    masking: 'none',
    personal: false,
    description: '机关、事业单位或社会组织名称',
  }),
  el({
    code: 'legal_rep',
    name: '法定代表人',
    type: 'string',
    format: '姓名',
    maxLength: 50,
    sensitivity: 2,
    masking: 'name',
    personal: true,
    description: '法定代表人或负责人姓名',
  }),
  el({
    code: 'reg_capital',
    name: '注册资本（万元）',
    type: 'number',
    format: '数字，单位万元',
    sensitivity: 1,
    masking: 'none',
    personal: false,
    description: '注册资本',
  }),
  el({
    code: 'licence_no',
    name: '证照编号',
    type: 'string',
    format: '发证机关编号',
    maxLength: 64,
    sensitivity: 1,
    masking: 'none',
    personal: false,
    description: '电子证照或许可证编号',
  }),
  el({
    code: 'issue_date',
    name: '发证日期',
    type: 'date',
    format: 'YYYY-MM-DD',
    sensitivity: 1,
    masking: 'none',
    personal: false,
    description: '证照签发日期',
  }),
  el({
    code: 'expiry_date',
    name: '有效期至',
    type: 'date',
    format: 'YYYY-MM-DD',
    sensitivity: 1,
    masking: 'none',
    personal: false,
    description: '证照有效期截止日期',
  }),
  el({
    code: 'coordinate',
    name: '经纬度',
    type: 'string',
    format: '经度,纬度（CGCS2000）',
    maxLength: 40,
    sensitivity: 2,
    masking: 'full',
    personal: false,
    description: '空间位置',
  }),
  // Elements the base databases' labels are computed from (老年人独居, 残疾人, 小微企业).
  el({
    code: 'household_size',
    name: '同住人数',
    type: 'integer',
    format: '整数，含本人；1 为独居',
    sensitivity: 2,
    masking: 'none',
    personal: true,
    description: '同一住址共同生活的人数（含本人）',
  }),
  el({
    code: 'disability_cert_no',
    name: '残疾人证号',
    type: 'string',
    format: '20 位：公民身份号码 + 残疾类别（1–7）+ 残疾等级（1–4）',
    maxLength: 20,
    sensitivity: 4,
    masking: 'partial',
    personal: true,
    description: '《中华人民共和国残疾人证》编号，含残疾类别与等级，属敏感个人信息',
  }),
  el({
    code: 'employees',
    name: '从业人数',
    type: 'integer',
    format: '整数，期末从业人员数',
    sensitivity: 1,
    masking: 'none',
    personal: false,
    description: '法人单位期末从业人员数',
  }),
  el({
    code: 'revenue',
    name: '营业收入（万元）',
    type: 'number',
    format: '数字，单位万元',
    sensitivity: 2,
    masking: 'none',
    personal: false,
    description: '上一年度营业收入',
  }),
];

const BY_CODE = new Map(DATA_ELEMENTS.map((e) => [e.code, e]));

export function findDataElement(code: string): DataElement | undefined {
  return BY_CODE.get(code);
}
