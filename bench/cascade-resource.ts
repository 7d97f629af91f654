import type { ResourceInput } from '../src/catalog/index.js';
import type { Hub } from '../src/hub/index.js';

export const ORG = 'D370102';

/** 历下区's register of residents: the person file's columns, validated as the city validates them. */
const RESIDENTS: ResourceInput = {
  name: '历下区常住人口登记',
  summary: '历下区常住人口登记：归集基准测试用',
  category: 'department',
  shareType: 'conditional',
  shareCondition: '基准测试',
  openType: 'closed',
  level: 'important',
  keyField: 'citizen_id',
  fields: [
    { name: 'citizen_id', label: '公民身份号码', type: 'citizen_id', required: true, sensitivity: 3 },
    { name: 'name', label: '姓名', type: 'string', required: true, sensitivity: 3 },
    { name: 'gender', label: '性别', type: 'string' },
    { name: 'birth_date', label: '出生日期', type: 'date' },
    { name: 'division', label: '行政区划', type: 'division' },
    { name: 'address', label: '住址', type: 'string', sensitivity: 3 },
    { name: 'phone', label: '联系电话', type: 'phone', sensitivity: 3 },
  ],
};

/** The district's organization and an operator on a node, and the register of residents they own there. */
export async function registerResidents(hub: Hub): Promise<string> {
  await hub.access.createOrganization({ code: ORG, name: '历下区大数据中心', kind: 'district', division: '370102' });
  const user = await hub.access.createUser({
    username: 'bench_operator',
    displayName: '基准测试',
    password: 'bench-cascade-password',
    roles: ['operator'],
    orgCode: ORG,
  });
  return (await hub.catalog.register(ORG, { userId: user.id, username: user.username }, RESIDENTS)).code;
}
