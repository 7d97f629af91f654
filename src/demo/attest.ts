import type { Actor } from '../access/index.js';
import type { NewItem } from '../attest/index.js';
import type { Hub } from '../hub/index.js';

/** The catalog resources the demo's rules read, by name and provider (their codes come from the seed). */
const RESOURCES = {
  insurance: ['JNRSJ', '社会保险参保信息'],
  settlements: ['JNYBJ', '参保人医疗结算摘要信息'],
  marriages: ['JNMZJ', '婚姻登记信息'],
  crimes: ['JNGAJ', '违法犯罪记录信息'],
  corrections: ['JNSFJ', '社区矫正对象信息'],
  enterprises: ['JNSCJG', '企业登记信息'],
  owners: ['JNZRZY', '不动产权利人信息'],
} as const;

/**
 * The demo city's proof items (证明事项), with rules over its real data (docs/attest.md, "The
 * demo"): the demo citizen is answered yes for 户籍证明, 无犯罪记录证明, 生存状态证明, 社保缴纳证明
 * 婚姻状况证明 (its marriage is registered, marriages.ts) and 不动产权属证明 (it holds a unit in
 * 市自然资源和规划局's register of rights holders, real-estate.ts).
 */
export async function seedProofItems(hub: Hub, operator: Actor): Promise<void> {
  const code = await resourceCodes(hub);
  const items: NewItem[] = [
    {
      code: 'household_registration',
      name: { 'zh-CN': '户籍证明', en: 'Household registration' },
      provider: 'JNGAJ',
      subjectKind: 'person',
      rule: { field: 'division', op: 'prefix', value: '3701' },
      note: '户籍地在济南市（人口基础库的户籍地行政区划以 3701 开头）',
    },
    {
      code: 'marital_status',
      name: { 'zh-CN': '婚姻状况证明（已婚）', en: 'Marital status (married)' },
      provider: 'JNMZJ',
      subjectKind: 'person',
      rule: { exists: { resource: code.marriages, where: { field: 'marital_status', op: 'eq', value: '已婚' } } },
    },
    {
      code: 'no_criminal_record',
      name: { 'zh-CN': '无犯罪记录证明', en: 'No criminal record' },
      provider: 'JNGAJ',
      subjectKind: 'person',
      rule: {
        all: [
          { exists: { base: 'person' } },
          { not_exists: { resource: code.crimes } },
          { not_exists: { resource: code.corrections } },
        ],
      },
    },
    {
      code: 'alive',
      name: { 'zh-CN': '生存状态证明', en: 'Proof of life' },
      provider: 'JNRSJ',
      subjectKind: 'person',
      rule: {
        all: [
          { exists: { base: 'person' } },
          {
            any: [
              { exists: { resource: code.insurance, where: { field: 'active', op: 'eq', value: true } } },
              {
                exists: { resource: code.settlements, where: { field: 'settle_date', op: 'within_days', value: 365 } },
              },
            ],
          },
        ],
      },
      note: '在人口基础库中，且仍在参保或近一年内有医疗结算',
    },
    {
      code: 'social_insurance',
      name: { 'zh-CN': '社保缴纳证明', en: 'Social insurance contributions' },
      provider: 'JNRSJ',
      subjectKind: 'person',
      rule: {
        exists: {
          resource: code.insurance,
          where: {
            all: [
              { field: 'active', op: 'eq', value: true },
              { field: 'start_date', op: 'le', value: 'today' },
            ],
          },
        },
      },
    },
    {
      code: 'real_estate',
      name: { 'zh-CN': '不动产权属证明', en: 'Real estate ownership' },
      provider: 'JNZRZY',
      subjectKind: 'person',
      rule: { exists: { resource: code.owners, where: { field: 'unit_count', op: 'ge', value: 1 } } },
      note: '不动产权利人信息中登记为权利人，且持有至少一个不动产单元',
    },
    {
      code: 'enterprise_active',
      name: { 'zh-CN': '企业存续证明', en: 'Enterprise in existence' },
      provider: 'JNSCJG',
      subjectKind: 'legal_entity',
      rule: { exists: { resource: code.enterprises, where: { field: 'status', op: 'eq', value: '存续' } } },
    },
  ];
  for (const item of items) await hub.attest.create(operator, item);
}

async function resourceCodes(hub: Hub): Promise<Record<keyof typeof RESOURCES, string>> {
  const all = { all: true, org: null };
  const entries = await Promise.all(
    Object.entries(RESOURCES).map(async ([key, [provider, name]]) => {
      const found = await hub.catalog.listAll({ provider, q: name }, all, 50);
      const resource = found.find((r) => r.name === name);
      if (!resource) throw new Error(`the demo catalog has no ${name} of ${provider}`);
      return [key, resource.code] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<keyof typeof RESOURCES, string>;
}
