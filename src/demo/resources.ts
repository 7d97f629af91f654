import type { ResourceInput } from '../catalog/index.js';

/** The demo catalog's resources with data, by provider organization. */
export const PERSON_RESOURCE: ResourceInput = {
  name: '人口基础信息',
  summary:
    '全市常住人口的身份、出生、户籍地址与联系方式，人口基础库的权威来源（一数一源：公民身份号码、姓名、出生日期）。',
  category: 'base',
  shareType: 'conditional',
  openType: 'closed',
  level: 'important',
  keyField: 'citizen_id',
  fields: [
    { name: 'citizen_id', label: '公民身份号码', type: 'citizen_id', required: true, sensitivity: 4 },
    { name: 'name', label: '姓名', type: 'string', required: true, sensitivity: 3, maxLength: 50 },
    { name: 'gender', label: '性别', type: 'string', required: true, sensitivity: 2, maxLength: 2 },
    { name: 'birth_date', label: '出生日期', type: 'date', required: true, sensitivity: 3 },
    { name: 'division', label: '户籍地行政区划', type: 'division', required: true, sensitivity: 1 },
    { name: 'address', label: '住址', type: 'string', required: false, sensitivity: 3, maxLength: 200 },
    { name: 'phone', label: '联系电话', type: 'phone', required: false, sensitivity: 4 },
  ],
};

export const ENTERPRISE_RESOURCE: ResourceInput = {
  name: '企业登记信息',
  summary: '在济企业的统一社会信用代码、名称、法定代表人、成立日期、注册资本与登记状态，法人基础库的权威来源。',
  category: 'base',
  shareType: 'unconditional',
  openType: 'conditional',
  level: 'general',
  keyField: 'credit_code',
  fields: [
    { name: 'credit_code', label: '统一社会信用代码', type: 'credit_code', required: true, sensitivity: 1 },
    { name: 'name', label: '企业名称', type: 'string', required: true, sensitivity: 1, maxLength: 200 },
    { name: 'legal_rep', label: '法定代表人', type: 'string', required: true, sensitivity: 2, maxLength: 50 },
    { name: 'reg_date', label: '成立日期', type: 'date', required: true, sensitivity: 1 },
    { name: 'division', label: '登记机关区划', type: 'division', required: true, sensitivity: 1 },
    { name: 'reg_capital', label: '注册资本（万元）', type: 'number', required: false, sensitivity: 1 },
    { name: 'status', label: '登记状态', type: 'string', required: true, sensitivity: 1, maxLength: 10 },
  ],
};

export const SOCIAL_INSURANCE_RESOURCE: ResourceInput = {
  name: '社会保险参保信息',
  summary: '职工与城乡居民养老、医疗等社会保险的参保状态与起始日期。',
  category: 'theme',
  shareType: 'conditional',
  openType: 'closed',
  level: 'important',
  keyField: 'citizen_id',
  fields: [
    { name: 'citizen_id', label: '公民身份号码', type: 'citizen_id', required: true, sensitivity: 4 },
    { name: 'insurance_type', label: '险种', type: 'string', required: true, sensitivity: 2, maxLength: 30 },
    { name: 'start_date', label: '参保日期', type: 'date', required: true, sensitivity: 2 },
    { name: 'active', label: '是否在保', type: 'boolean', required: true, sensitivity: 2 },
  ],
};
