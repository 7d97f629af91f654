import type { ResourceInput } from '../catalog/index.js';

/** The demo catalog's resources with data, by provider organization. */
export const PERSON_RESOURCE: ResourceInput = {
  name: '人口基础信息',
  summary:
    '全市常住人口的身份、出生、户籍地址与联系方式，人口基础库的权威来源（一数一源：公民身份号码、姓名、出生日期）。',
  category: 'base',
  shareType: 'conditional',
  openType: 'closed',
  shareCondition: '仅用于法定职责范围内的身份核验与资格审核，按最小必要原则申请信息项',
  level: 'core',
  updateFrequency: 'daily',
  keywords: ['人口', '户籍', '身份核验'],
  keyField: 'citizen_id',
  fields: [
    { name: 'citizen_id', label: '公民身份号码', element: 'citizen_id', required: true },
    { name: 'name', label: '姓名', element: 'person_name', required: true },
    { name: 'gender', label: '性别', element: 'gender', required: true },
    { name: 'birth_date', label: '出生日期', element: 'birth_date', required: true },
    { name: 'division', label: '户籍地行政区划', element: 'division', required: true },
    { name: 'address', label: '住址', element: 'address' },
    { name: 'phone', label: '联系电话', element: 'phone' },
  ],
};

export const ENTERPRISE_RESOURCE: ResourceInput = {
  name: '企业登记信息',
  summary: '在济企业的统一社会信用代码、名称、法定代表人、成立日期、注册资本与登记状态，法人基础库的权威来源。',
  category: 'base',
  shareType: 'unconditional',
  openType: 'conditional',
  level: 'general',
  updateFrequency: 'daily',
  keywords: ['法人', '企业登记', '营业执照'],
  keyField: 'credit_code',
  fields: [
    { name: 'credit_code', label: '统一社会信用代码', element: 'credit_code', required: true },
    { name: 'name', label: '企业名称', element: 'enterprise_name', required: true },
    { name: 'legal_rep', label: '法定代表人', element: 'legal_rep', required: true },
    { name: 'reg_date', label: '成立日期', type: 'date', required: true, sensitivity: 1 },
    { name: 'division', label: '登记机关区划', element: 'division', required: true },
    { name: 'reg_capital', label: '注册资本（万元）', element: 'reg_capital' },
    { name: 'status', label: '登记状态', type: 'string', required: true, sensitivity: 1, maxLength: 10 },
  ],
};

export const SOCIAL_INSURANCE_RESOURCE: ResourceInput = {
  name: '社会保险参保信息',
  summary: '职工与城乡居民养老、医疗等社会保险的参保状态与起始日期。',
  category: 'theme',
  shareType: 'conditional',
  shareCondition: '用于社会保障待遇资格认证与社会救助核验',
  openType: 'closed',
  level: 'important',
  updateFrequency: 'monthly',
  keywords: ['社保', '养老保险', '参保'],
  keyField: 'citizen_id',
  fields: [
    { name: 'citizen_id', label: '公民身份号码', element: 'citizen_id', required: true },
    { name: 'insurance_type', label: '险种', type: 'string', required: true, sensitivity: 2, maxLength: 30 },
    { name: 'start_date', label: '参保日期', type: 'date', required: true, sensitivity: 2 },
    { name: 'active', label: '是否在保', type: 'boolean', required: true, sensitivity: 2 },
  ],
};
