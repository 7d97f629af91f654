import type { OrganizationInput } from '../access/index.js';
import { JINAN, countiesOf, makeCreditCode } from '../kernel/index.js';

/**
 * The demo city's organizations: Jinan's real municipal departments and its real districts
 * and counties (from the GB/T 2260 package). Credit codes are synthetic but valid.
 */
const DEPARTMENTS: Array<[code: string, name: string]> = [
  ['JNGAJ', '济南市公安局'],
  ['JNSCJG', '济南市市场监督管理局'],
  ['JNRSJ', '济南市人力资源和社会保障局'],
  ['JNWJW', '济南市卫生健康委员会'],
  ['JNYBJ', '济南市医疗保障局'],
  ['JNMZJ', '济南市民政局'],
  ['JNZRZY', '济南市自然资源和规划局'],
  ['JNJYJ', '济南市教育局'],
  ['JNZJJ', '济南市住房和城乡建设局'],
  ['JNJTJ', '济南市交通运输局'],
  ['JNSFJ', '济南市司法局'],
  ['JNCZJ', '济南市财政局'],
  ['JNSTHJ', '济南市生态环境局'],
  ['JNNYJ', '济南市农业农村局'],
  ['JNWLJ', '济南市文化和旅游局'],
  ['JNTJJ', '济南市统计局'],
  ['JNYJJ', '济南市应急管理局'],
  ['JNSWJ', '济南市水务局'],
  ['JNSPJ', '济南市行政审批服务局'],
  ['JNFGW', '济南市发展和改革委员会'],
  ['JNGXJ', '济南市工业和信息化局'],
];

export const PLATFORM_ORG = 'JNDSJ';

export function demoOrganizations(): OrganizationInput[] {
  let serial = 1;
  const next = (division: string) => makeCreditCode(division, serial++);
  const orgs: OrganizationInput[] = [
    { code: PLATFORM_ORG, name: '济南市大数据局', kind: 'platform', division: JINAN, creditCode: next(JINAN) },
    ...DEPARTMENTS.map(([code, name]) => ({
      code,
      name,
      kind: 'department' as const,
      division: JINAN,
      creditCode: next(JINAN),
    })),
  ];
  for (const county of countiesOf(JINAN).filter((c) => !c.functional)) {
    orgs.push({
      code: `D${county.code}`,
      name: `${county.name}大数据中心`,
      kind: 'district',
      division: county.code,
      parentCode: PLATFORM_ORG,
    });
  }
  orgs.push(
    { code: 'JNSWJT', name: '济南水务集团（示例）', kind: 'enterprise', division: JINAN, creditCode: next(JINAN) },
    { code: 'JNNYJT', name: '济南能源集团（示例）', kind: 'enterprise', division: JINAN, creditCode: next(JINAN) },
    // Third parties register with the purposes they may ask citizens and enterprises to consent to.
    {
      code: 'DEMOBANK',
      name: '示例商业银行济南分行',
      kind: 'third_party',
      division: JINAN,
      creditCode: next(JINAN),
      purposes: ['loan_underwriting', 'credit_service'],
    },
    {
      code: 'DEMOINS',
      name: '示例财产保险济南中心支公司',
      kind: 'third_party',
      division: JINAN,
      creditCode: next(JINAN),
      purposes: ['insurance_claim', 'credit_service'],
    },
  );
  return orgs;
}
