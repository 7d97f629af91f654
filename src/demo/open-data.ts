import type { Author, Field, FieldInput, ResourceInput } from '../catalog/index.js';
import type { Hub } from '../hub/index.js';
import { JINAN, countiesOf, makeCitizenId, makeCreditCode } from '../kernel/index.js';
import { advance } from './catalog.js';
import { prng } from './people.js';

/**
 * The demo city's open data (数据开放, #18): a dozen more datasets of the kind every city opens
 * (transport, venues, services, environment), registered and published like any entry, and
 * generated records for every published entry whose open type is `open`, so that the portal, its
 * CKAN API, downloads and DCAT have data to show. Records go straight into the record store (the
 * values are generated valid for their fields): the demo stays fast.
 */
const s = (name: string, label: string, more: Partial<FieldInput> = {}): FieldInput => ({
  name,
  label,
  type: 'string',
  ...more,
});
const n = (name: string, label: string): FieldInput => ({ name, label, type: 'number' });
const i = (name: string, label: string): FieldInput => ({ name, label, type: 'integer' });
const d = (name: string, label: string): FieldInput => ({ name, label, type: 'date' });
const DIVISION: FieldInput = { name: 'division', label: '所属区县', type: 'division' };

type Extra = Omit<ResourceInput, 'shareType' | 'openType' | 'level' | 'category'> & {
  provider: string;
  category?: ResourceInput['category'];
};

const EXTRA: Extra[] = [
  {
    provider: 'JNJTJ',
    name: '公交线路信息',
    summary: '全市公交线路的线路名称、起讫站点、首末班时间与票价。',
    keywords: ['公交', '交通出行', '线路'],
    updateFrequency: 'monthly',
    keyField: 'line_no',
    fields: [
      s('line_no', '线路编号'),
      s('line_name', '线路名称'),
      s('first_stop', '起点站'),
      s('last_stop', '终点站'),
      s('first_bus', '首班时间'),
      s('last_bus', '末班时间'),
      n('fare', '票价（元）'),
      n('length_km', '线路长度（公里）'),
    ],
  },
  {
    provider: 'JNJTJ',
    name: '公共停车场信息',
    summary: '公共停车场的位置、泊位数与收费标准。',
    keywords: ['停车', '交通出行'],
    updateFrequency: 'weekly',
    keyField: 'lot_no',
    fields: [
      s('lot_no', '停车场编号'),
      s('lot_name', '停车场名称'),
      s('address', '地址'),
      DIVISION,
      i('spaces', '泊位数'),
      s('fee_rule', '收费标准'),
    ],
  },
  {
    provider: 'JNZJJ',
    name: '公共厕所分布信息',
    summary: '城区公共厕所的位置、开放时间与无障碍设施。',
    keywords: ['公共厕所', '市政设施', '便民'],
    updateFrequency: 'quarterly',
    keyField: 'toilet_no',
    fields: [
      s('toilet_no', '编号'),
      s('toilet_name', '名称'),
      s('address', '地址'),
      DIVISION,
      s('open_hours', '开放时间'),
      { name: 'accessible', label: '无障碍设施', type: 'boolean' },
    ],
  },
  {
    provider: 'JNWLJ',
    name: '公共图书馆信息',
    summary: '市、区县公共图书馆及分馆的地址、开放时间与藏书量。',
    keywords: ['图书馆', '文化', '公共服务'],
    updateFrequency: 'yearly',
    keyField: 'library_no',
    fields: [
      s('library_no', '编号'),
      s('library_name', '名称'),
      s('address', '地址'),
      DIVISION,
      s('open_hours', '开放时间'),
      i('books', '藏书量（册）'),
    ],
  },
  {
    provider: 'JNWLJ',
    name: 'A级旅游景区名录',
    summary: '全市A级旅游景区的名称、等级、地址与门票价格。',
    keywords: ['旅游', '景区', '泉水'],
    updateFrequency: 'quarterly',
    keyField: 'scenic_no',
    fields: [
      s('scenic_no', '编号'),
      s('scenic_name', '景区名称'),
      s('grade', '等级', { codeList: ['5A', '4A', '3A', '2A', 'A'] }),
      s('address', '地址'),
      DIVISION,
      n('ticket', '门票价格（元）'),
    ],
  },
  {
    provider: 'JNWJW',
    name: '医疗机构名录',
    summary: '全市医疗机构的名称、类别、等级、地址与咨询电话。',
    keywords: ['医疗', '医院', '卫生健康'],
    updateFrequency: 'monthly',
    keyField: 'institution_no',
    fields: [
      s('institution_no', '机构编号'),
      s('institution_name', '机构名称'),
      s('kind', '类别'),
      s('grade', '等级'),
      s('address', '地址'),
      DIVISION,
      { name: 'phone', label: '咨询电话', type: 'phone', sensitivity: 1 },
    ],
  },
  {
    provider: 'JNJYJ',
    name: '中小学校名录',
    summary: '全市中小学校的学校名称、学段、办学性质与地址。',
    keywords: ['教育', '学校'],
    updateFrequency: 'yearly',
    keyField: 'school_no',
    fields: [
      s('school_no', '学校编号'),
      s('school_name', '学校名称'),
      s('stage', '学段', { codeList: ['小学', '初中', '高中', '九年一贯制'] }),
      s('nature', '办学性质', { codeList: ['公办', '民办'] }),
      s('address', '地址'),
      DIVISION,
      i('students', '在校生数'),
    ],
  },
  {
    provider: 'JNSTHJ',
    name: '空气质量日报',
    summary: '各国控、省控监测站点的日均空气质量指数与首要污染物。',
    keywords: ['空气质量', '生态环境', '监测'],
    updateFrequency: 'daily',
    keyField: 'report_no',
    fields: [
      s('report_no', '报告编号'),
      s('station', '监测站点'),
      d('report_date', '日期'),
      i('aqi', '空气质量指数'),
      s('primary_pollutant', '首要污染物'),
      n('pm25', '细颗粒物浓度'),
    ],
  },
  {
    provider: 'JNFGW',
    name: '新能源汽车充电站信息',
    summary: '公共充电站的位置、充电桩数量与运营单位。',
    keywords: ['充电', '新能源', '交通出行'],
    updateFrequency: 'monthly',
    keyField: 'station_no',
    fields: [
      s('station_no', '充电站编号'),
      s('station_name', '名称'),
      s('address', '地址'),
      DIVISION,
      i('piles', '充电桩数'),
      s('operator', '运营单位'),
    ],
  },
  {
    provider: 'JNSPJ',
    name: '政务服务网点信息',
    summary: '市、区县政务服务中心和便民服务站的地址、办公时间与咨询电话。',
    keywords: ['政务服务', '便民', '办事'],
    updateFrequency: 'monthly',
    keyField: 'hall_no',
    fields: [
      s('hall_no', '网点编号'),
      s('hall_name', '网点名称'),
      s('address', '地址'),
      DIVISION,
      s('open_hours', '办公时间'),
      { name: 'phone', label: '咨询电话', type: 'phone', sensitivity: 1 },
    ],
  },
  {
    provider: 'JNZRZY',
    name: '城市公园名录',
    summary: '全市城市公园的名称、类型、面积与地址。',
    keywords: ['公园', '绿地', '泉城'],
    updateFrequency: 'yearly',
    keyField: 'park_no',
    fields: [
      s('park_no', '公园编号'),
      s('park_name', '公园名称'),
      s('kind', '类型'),
      n('area_ha', '面积（公顷）'),
      s('address', '地址'),
      DIVISION,
    ],
  },
  {
    provider: 'JNTJJ',
    name: '国民经济主要指标月度数据',
    summary: '地区生产总值、规模以上工业增加值、社会消费品零售总额等月度指标。',
    keywords: ['统计', '经济', '月度指标'],
    updateFrequency: 'monthly',
    keyField: 'indicator_no',
    fields: [
      s('indicator_no', '指标编号'),
      s('indicator', '指标名称'),
      s('period', '统计期'),
      n('value', '数值'),
      s('unit', '单位'),
      n('growth', '同比增长（%）'),
    ],
  },
];

/** Registers and publishes the extra open datasets, then gives every open published entry records. */
export async function seedOpenData(
  hub: Hub,
  officers: Map<string, Author>,
  operator: Author,
  rowsPer = 60,
): Promise<number> {
  for (const { provider, ...input } of EXTRA) {
    const officer = officers.get(provider);
    if (!officer) throw new Error(`demo open data: ${provider} has no data officer`);
    const resource = await hub.catalog.register(provider, officer, {
      ...input,
      fields: input.fields.map((f) => (f.name === input.keyField ? { ...f, required: true } : f)),
      category: input.category ?? 'theme',
      shareType: 'unconditional',
      openType: 'open',
      level: 'general',
    });
    await advance(hub, resource.code, 'published', officer, operator);
  }
  const { items } = await hub.open.search({ offset: 0, limit: 1000 });
  let filled = 0;
  for (const ds of items) {
    if (ds.resource.recordCount > 0) continue;
    const rand = prng(ds.entry * 7919);
    const rows = Array.from({ length: rowsPer }, (_, row) => {
      const doc = Object.fromEntries(ds.resource.fields.map((f) => [f.name, valueOf(f, row, rand, ds.resource.name)]));
      return { key: String(doc[ds.resource.keyField]), doc, sourceRow: row + 1 };
    });
    await hub.records.load(
      ds.entry,
      `demo-open-${ds.code}`,
      (async function* () {
        yield rows;
      })(),
    );
    filled++;
  }
  return filled;
}

const COUNTIES = countiesOf(JINAN).map((c) => c.code);
const ROADS = [
  '经十路',
  '泉城路',
  '历山路',
  '解放路',
  '和平路',
  '二环东路',
  '工业南路',
  '旅游路',
  '北园大街',
  '英雄山路',
];

/** A value valid for the field, distinct per row where the field is a key. */
function valueOf(f: Field, row: number, rand: () => number, title: string): string | number | boolean | null {
  if (f.codeList) return f.codeList[Math.floor(rand() * f.codeList.length)]!;
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  switch (f.type) {
    case 'integer':
      return Math.floor(rand() * 1000);
    case 'number':
      return Math.round(rand() * 10000) / 100;
    case 'boolean':
      return rand() < 0.5;
    case 'date':
      return `20${20 + Math.floor(rand() * 6)}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
    case 'division':
      return pick(COUNTIES);
    case 'credit_code':
      return makeCreditCode(pick(COUNTIES), 500_000 + row * 37 + Math.floor(rand() * 30));
    case 'citizen_id':
      return makeCitizenId(
        pick(COUNTIES),
        `19${60 + Math.floor(rand() * 40)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`,
        row,
      );
    case 'phone':
      return `0531-${String(80000000 + Math.floor(rand() * 9999999))}`;
    case 'string': {
      const text = /no$|_no$|编号|代码/.test(f.name + f.label)
        ? `${f.name.slice(0, 2).toUpperCase()}${String(row + 1).padStart(5, '0')}`
        : /address|地址|premises|domicile/.test(f.name + f.label)
          ? `济南市${pick(['历下区', '市中区', '槐荫区', '天桥区', '历城区', '长清区', '章丘区'])}${pick(ROADS)}${1 + Math.floor(rand() * 300)}号`
          : `${title.replace(/信息|名录|数据|日报$/g, '')}${f.label}${row + 1}`;
      return f.maxLength ? text.slice(0, f.maxLength) : text;
    }
  }
}
