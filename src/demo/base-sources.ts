import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import type { Actor } from '../access/index.js';
import type { Author, Resource } from '../catalog/index.js';
import type { Hub } from '../hub/index.js';
import { JINAN, countiesOf, findDivision, makeCitizenId } from '../kernel/index.js';
import type { SourceFormat } from '../ingest/index.js';
import { importOne } from './catalog.js';
import type { DemoDepartment } from './catalog-files.js';
import {
  GIVEN,
  STREETS,
  enterprises,
  people,
  prng,
  randomAddress,
  type EnterpriseRow,
  type PersonRow,
} from './people.js';

/**
 * The base databases of the demo city: several departments' sources for the population and
 * legal-entity bases, as departments really send them — a GBK export, wrong check digits,
 * repeated keys, dates that cannot be, addresses and legal representatives that disagree — so
 * that ingest's quarantine, the base's conflicts and its accuracy all have something to show.
 * Deterministic: the same city every time. (市残联 and 市税务局 are not among the demo's 21
 * departments; 市民政局 sends the disability certificates and 市统计局 the enterprise figures.)
 */

/** 一数一源 as the demo city declares it; phone (person) and address (legal entity) name no source. */
const AUTHORITIES: Array<[kind: 'person' | 'legal_entity', element: string, provider: string]> = [
  ['person', 'person_name', 'JNGAJ'],
  ['person', 'gender', 'JNGAJ'],
  ['person', 'birth_date', 'JNGAJ'],
  ['person', 'division', 'JNGAJ'],
  ['person', 'address', 'JNGAJ'],
  ['person', 'household_size', 'JNMZJ'],
  ['person', 'disability_cert_no', 'JNMZJ'],
  ['legal_entity', 'enterprise_name', 'JNSCJG'],
  ['legal_entity', 'legal_rep', 'JNSCJG'],
  ['legal_entity', 'reg_capital', 'JNSCJG'],
  ['legal_entity', 'division', 'JNSCJG'],
  ['legal_entity', 'employees', 'JNTJJ'],
  ['legal_entity', 'revenue', 'JNTJJ'],
];

/** The demo's labels (docs/base.md explains each threshold). */
export const DEMO_LABELS = [
  {
    code: 'elderly',
    name: '老年人',
    kind: 'person' as const,
    description: '年满 60 周岁（《老年人权益保障法》）',
    rule: { element: 'birth_date', op: 'ageAtLeast' as const, value: 60 },
  },
  {
    code: 'elderly_alone',
    name: '独居老人',
    kind: 'person' as const,
    description: '老年人，且民政局登记的同住人数为 1',
    rule: { all: [{ label: 'elderly' }, { element: 'household_size', op: 'eq' as const, value: 1 }] },
  },
  {
    code: 'disabled',
    name: '残疾人',
    kind: 'person' as const,
    description: '持有有效证号的第二代残疾人证',
    rule: { element: 'disability_cert_no', op: 'exists' as const },
  },
  {
    code: 'small_micro',
    name: '小微企业',
    kind: 'legal_entity' as const,
    description: '从业人数 < 100，且营业收入 < 2000 万元；无营业收入数据时以注册资本 < 500 万元判断',
    rule: {
      all: [
        { element: 'employees', op: 'lt' as const, value: 100 },
        {
          any: [
            { element: 'revenue', op: 'lt' as const, value: 2000 },
            {
              all: [
                { not: { element: 'revenue', op: 'exists' as const } },
                { element: 'reg_capital', op: 'lt' as const, value: 500 },
              ],
            },
          ],
        },
      ],
    },
  },
];

export interface BaseSeed {
  people: number;
  enterprises: number;
  operator: Actor;
  officers: Map<string, Author>;
  /** The files of `workbooks/with-data/`, where these sources' registrations are. */
  withData: DemoDepartment[];
}

/**
 * The demo city's sources of record and labels, declared before anything is loaded, so that
 * every absorb (whenever it happens) merges under them rather than being recomputed later.
 */
export async function declareBases(hub: Hub, operator: Actor): Promise<void> {
  for (const [kind, element, provider] of AUTHORITIES) {
    await hub.base.setAuthority(operator, { kind, element, provider });
  }
  for (const label of DEMO_LABELS) await hub.base.defineLabel(operator, label);
}

/**
 * Registers and loads the other departments' sources, and waits until the bases have absorbed
 * every load. Answers the resources' codes by name.
 */
export async function seedBaseSources(hub: Hub, seed: BaseSeed): Promise<Map<string, string>> {
  const people_ = [...people(seed.people, 2026)];
  const firms = [...enterprises(seed.enterprises)];
  const codes = new Map<string, string>();
  const load = async (name: string, file: (r: Resource) => Readable, source: string, format: SourceFormat = 'csv') =>
    void codes.set(name, await loadSource(hub, seed, name, file, source, format));
  await load('健康档案居民身份与联系信息', (r) => gbkCsv(healthRecords(people_), r), 'demo:健康档案.csv');
  await load('居家老年人家庭状况信息', () => utf8Csv(households(people_)), 'demo:居家老年人.csv');
  await load('残疾人证持证信息', () => ndjson(disabilityCerts(people_)), 'demo:残疾人证.ndjson', 'ndjson');
  await load('基本单位名录（法人单位）', () => utf8Csv(statUnits(firms)), 'demo:基本单位名录.csv');
  await load('社会保险参保单位信息', () => utf8Csv(insuredEmployers(firms)), 'demo:参保单位.csv');
  await hub.ingest.settled();
  return codes;
}

async function loadSource(
  hub: Hub,
  seed: BaseSeed,
  name: string,
  file: (r: Resource) => Readable,
  source: string,
  format: SourceFormat,
): Promise<string> {
  const resource = await importOne(hub, seed.withData, name, seed.officers, seed.operator);
  const createdBy = seed.officers.get(resource.provider.code)!.userId;
  await hub.ingest.runFile(resource, file(resource), { createdBy, source, format });
  return resource.code;
}

// ---- the sources, dirt included --------------------------------------------------------------

type Row = Record<string, string | number>;

/** 市卫健委: 40 % of residents; moved addresses, other phones, typos, a future birth date, bad IDs, repeats. */
export function* healthRecords(population: PersonRow[]): Generator<Row> {
  const rand = prng(4101);
  let n = 0;
  for (const p of population) {
    if (rand() >= 0.4) continue;
    n++;
    const row: Row = { ...pick(p, ['citizen_id', 'name', 'gender', 'birth_date', 'address', 'phone']) };
    const r = rand();
    if (r < 0.045) row.address = movedAddress(rand);
    else if (r < 0.07) row.address = `${p.address}${1 + Math.floor(rand() * 6)}单元${101 + Math.floor(rand() * 20)}室`;
    if (rand() < 0.1) row.phone = `13${String(Math.floor(rand() * 1e9)).padStart(9, '0')}`;
    if (rand() < 0.005) row.name = p.name.slice(0, -1) + GIVEN[Math.floor(rand() * GIVEN.length)];
    if (rand() < 0.005) row.birth_date = shiftDay(p.birth_date);
    if (n % 661 === 0) row.birth_date = `2031${p.birth_date.slice(4)}`; // 出生日期在未来
    if (n % 797 === 0) row.birth_date = `${p.birth_date.slice(0, 4)}-02-30`; // 不存在的日期：拒收
    if (n % 541 === 0) row.citizen_id = wrongCheckDigit(p.citizen_id); // 校验码错误：拒收
    yield row;
    if (n % 997 === 0) yield { ...row, address: movedAddress(rand) }; // 重复主键：拒收
  }
}

/** 市民政局: everyone born in 1966 or earlier, a quarter living alone; some other addresses, one impossible size. */
export function* households(population: PersonRow[]): Generator<Row> {
  const rand = prng(4102);
  let n = 0;
  for (const p of population) {
    if (p.birth_date > '1966-12-31') continue;
    n++;
    const alone = rand() < 0.25;
    const row: Row = {
      citizen_id: n % 601 === 0 ? wrongCheckDigit(p.citizen_id) : p.citizen_id,
      name: p.name,
      household_size: n % 1201 === 0 ? 0 : alone ? 1 : 2 + Math.floor(rand() * 4),
      address: rand() < 0.04 ? movedAddress(rand) : p.address,
    };
    yield row;
    if (n % 1409 === 0) yield { ...row, household_size: 3 };
  }
}

/** 市民政局（残疾人证）: 3 % of residents, some certificates with a category that does not exist, a few not in 公安's data. */
export function* disabilityCerts(population: PersonRow[]): Generator<Row> {
  const rand = prng(4103);
  let n = 0;
  for (const p of population) {
    if (rand() >= 0.03) continue;
    n++;
    const category = n % 53 === 0 ? 9 : 1 + Math.floor(rand() * 7);
    yield {
      citizen_id: n % 67 === 0 ? wrongCheckDigit(p.citizen_id) : p.citizen_id,
      name: p.name,
      cert_no: `${p.citizen_id}${category}${1 + Math.floor(rand() * 4)}`,
      issue_date: `20${10 + Math.floor(rand() * 15)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`,
    };
  }
  for (let i = 0; i < 3; i++) {
    const id = makeCitizenId('370112', `195${i}-07-0${i + 1}`, 900 + i); // 户籍不在本市人口库
    yield {
      citizen_id: id,
      name: `${'孙周吴'[i]}${GIVEN[i]}${GIVEN[i + 3]}`,
      cert_no: `${id}4${i + 1}`,
      issue_date: '2019-05-20',
    };
  }
}

/** 市统计局: every enterprise, with figures; some other legal representatives and names, bad codes. */
export function* statUnits(firms: EnterpriseRow[]): Generator<Row> {
  const rand = prng(4104);
  for (const [i, f] of firms.entries()) {
    const small = rand() < 0.7;
    yield {
      credit_code: i % 401 === 7 ? wrongCheckChar(f.credit_code) : f.credit_code,
      name: rand() < 0.01 ? f.name.replace('有限公司', '股份有限公司') : f.name,
      legal_rep: rand() < 0.04 ? f.legal_rep.slice(0, 1) + GIVEN[Math.floor(rand() * GIVEN.length)] : f.legal_rep,
      address: firmAddress(f, i),
      employees: small ? 3 + Math.floor(rand() * 90) : 100 + Math.floor(rand() * 900),
      revenue: small ? Math.round(50 + rand() * 1900) : Math.round(2000 + rand() * 50000),
    };
    if (i % 503 === 11) yield { credit_code: f.credit_code, name: f.name, legal_rep: f.legal_rep, address: '' };
  }
}

/** 市人社局: 70 % of enterprises; their office address differs from 统计局's for some. */
export function* insuredEmployers(firms: EnterpriseRow[]): Generator<Row> {
  const rand = prng(4105);
  for (const [i, f] of firms.entries()) {
    if (rand() >= 0.7) continue;
    yield {
      credit_code: f.credit_code,
      name: f.name,
      legal_rep: rand() < 0.03 ? f.legal_rep.slice(0, 1) + GIVEN[Math.floor(rand() * GIVEN.length)] : f.legal_rep,
      address: rand() < 0.08 ? firmAddress(f, i + 7) : firmAddress(f, i),
      insured: 1 + Math.floor(rand() * 300),
    };
  }
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}

function movedAddress(rand: () => number): string {
  const counties = countiesOf(JINAN).filter((c) => !c.functional);
  const county = counties[Math.floor(rand() * counties.length)]!;
  return randomAddress(county.name, rand);
}

function firmAddress(f: EnterpriseRow, i: number): string {
  const county = findDivision(f.division)?.name ?? '';
  return `山东省济南市${county}${STREETS[i % STREETS.length]}${10 + ((i * 37) % 500)}号`;
}

function shiftDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function wrongCheckDigit(id: string): string {
  const last = id[17] === '0' ? '1' : id[17] === 'X' ? '0' : String((Number(id[17]) + 1) % 10);
  return id.slice(0, 17) + last;
}

function wrongCheckChar(code: string): string {
  return code.slice(0, 17) + (code[17] === 'A' ? 'B' : 'A');
}

/** The labels as header, encoded in GBK as a department's spreadsheet export would be. */
function gbkCsv(rows: Iterable<Row>, resource: Resource): Readable {
  const fields = resource.fields.map((f) => f.name);
  const header = resource.fields.map((f) => f.label);
  const text = stringify([header, ...[...rows].map((r) => fields.map((f) => r[f] ?? ''))]);
  return Readable.from([iconv.encode(text, 'gbk')]);
}

function utf8Csv(rows: Iterable<Row>): Readable {
  return Readable.from([stringify([...rows], { header: true })]);
}

function ndjson(rows: Iterable<Row>): Readable {
  return Readable.from([[...rows].map((r) => JSON.stringify(r)).join('\n') + '\n']);
}
