import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Actor, Role } from '../access/index.js';
import type { Author, Resource } from '../catalog/index.js';
import type { Logger } from '../kernel/index.js';
import type { Hub } from '../hub/index.js';
import { PLATFORM_ORG, demoOrganizations } from './orgs.js';
import { enterprises, people, toCsv, prng } from './people.js';
import { importOne, seedCatalog } from './catalog.js';
import { readDemoCatalog, WITH_DATA_DIR, type DemoDepartment } from './catalog-files.js';
import { marriages } from './marriages.js';
import { owners } from './real-estate.js';

/** The demo's seeded generator, for tests that want the demo's kind of data without a hub. */
export { prng } from './people.js';
/** The demo catalog's registrations as its files hold them, for benchmarks that want a city-sized catalog. */
export { readDemoCatalog, type DemoDepartment, type DemoRegistration, type DemoStatus } from './catalog-files.js';
import { declareBases, seedBaseSources } from './base-sources.js';
import { requestDemoConsents, settlements } from './consents.js';
import { seedProofItems } from './attest.js';
import { issueDemoLicences } from './licences.js';
import { seedOpenData } from './open-data.js';

export interface DemoSummary {
  /** False when the database already held data: the demo never seeds over real data. */
  seeded: boolean;
  password: string | null;
  accounts: Array<{ username: string; roles: Role[]; org: string | null }>;
}

export interface DemoOptions {
  password?: string | undefined;
  people?: number;
  logger?: Logger;
  /** Where a generated demo password is kept so a restart can show it again (never for a given one). */
  dataDir?: string | undefined;
}

const ACCOUNTS: Array<{ username: string; displayName: string; roles: Role[]; org: string | null }> = [
  { username: 'operator', displayName: '平台运营（市大数据局）', roles: ['operator'], org: PLATFORM_ORG },
  { username: 'officer', displayName: '数据专管员（市公安局）', roles: ['officer'], org: 'JNGAJ' },
  { username: 'officer_scjg', displayName: '数据专管员（市市场监管局）', roles: ['officer'], org: 'JNSCJG' },
  { username: 'officer_rsj', displayName: '数据专管员（市人社局）', roles: ['officer'], org: 'JNRSJ' },
  { username: 'consumer', displayName: '业务人员（市民政局）', roles: ['consumer'], org: 'JNMZJ' },
  { username: 'citizen', displayName: '市民', roles: ['citizen'], org: null },
  { username: 'auditor', displayName: '安全审计员', roles: ['auditor'], org: PLATFORM_ORG },
  { username: 'third_party', displayName: '示例银行接口', roles: ['third_party'], org: 'DEMOBANK' },
  { username: 'insurer', displayName: '示例保险理赔接口', roles: ['third_party'], org: 'DEMOINS' },
];

/** Seeds the demo city into an empty hub: organizations, accounts, a catalog with data, one grant. */
export async function seedDemo(hub: Hub, opts: DemoOptions = {}): Promise<DemoSummary> {
  const passwordFile =
    opts.dataDir && !opts.dataDir.startsWith('memory://') ? join(opts.dataDir, 'demo-password.txt') : undefined;
  if ((await hub.access.listOrganizations()).length > 0) {
    const saved = passwordFile && existsSync(passwordFile) ? readFileSync(passwordFile, 'utf8').trim() : null;
    return { seeded: false, password: opts.password ?? saved, accounts: ACCOUNTS };
  }
  const password = opts.password ?? randomBytes(9).toString('base64url');
  if (!opts.password && passwordFile) writeFileSync(passwordFile, password + '\n', { mode: 0o600 });
  for (const org of demoOrganizations()) await hub.access.createOrganization(org);
  const citizens = [...people(1, 2026)];
  const ids = new Map<string, Actor>();
  for (const a of ACCOUNTS) {
    const user = await hub.access.createUser({
      username: a.username,
      displayName: a.displayName,
      password,
      orgCode: a.org,
      roles: a.roles,
      citizenId: a.roles.includes('citizen') ? citizens[0]!.citizen_id : null,
    });
    const org = a.org ? await hub.access.findOrganization(a.org) : undefined;
    ids.set(a.username, {
      userId: user.id,
      username: user.username,
      roles: user.roles,
      org: org ? { id: org.id, code: org.code, name: org.name } : null,
      via: 'token',
    });
  }
  const operator = ids.get('operator')!;
  const officers = await appointOfficers(hub, ids, password);
  const count = opts.people ?? 10_000;
  await declareBases(hub, operator);
  const withData = await readDemoCatalog(WITH_DATA_DIR);
  const loaded = await seedPopulation(hub, withData, officers, operator, count);
  const person = loaded.person;
  opts.logger?.info({ people: count }, 'demo population loaded');

  await hub.share.createGrant(ids.get('operator')!, {
    consumer: 'JNMZJ',
    resource: person.code,
    fields: ['citizen_id', 'name', 'gender', 'birth_date', 'division'],
    purposes: ['social_assistance', 'eligibility_check'],
    masked: ['birth_date'],
    dailyQuota: 100_000,
  });
  await hub.share.services.publish(person.code, 'operator');
  const entries = await seedCatalog(hub, officers, operator);
  opts.logger?.info({ entries }, 'demo catalog registered');
  const opened = await seedOpenData(hub, officers, operator);
  opts.logger?.info({ opened }, 'demo open datasets filled');
  const firms = Math.max(50, Math.round(count / 10));
  const sources = await seedBaseSources(hub, { people: count, enterprises: firms, operator, officers, withData });
  opts.logger?.info('demo base databases absorbed');
  // 我的企业: the demo citizen is the legal representative of the first enterprise of the demo's registry.
  const firm = enterprises(1).next().value!;
  await hub.enterprises.bind(operator, { creditCode: firm.credit_code, name: firm.name, representative: 'citizen' });
  await requestDemoConsents(
    hub,
    { bank: ids.get('third_party')!, insurer: ids.get('insurer')! },
    { citizenId: citizens[0]!.citizen_id, creditCode: firm.credit_code },
    {
      person: person.code,
      insurance: loaded.insurance.code,
      enterprise: loaded.enterprise.code,
      employers: sources.get('社会保险参保单位信息')!,
      settlements: loaded.settlements.code,
    },
  );
  await seedProofItems(hub, operator);
  await issueDemoLicences(hub, citizens[0]!, firm);
  opts.logger?.info('demo e-licences issued');
  return { seeded: true, password, accounts: ACCOUNTS };
}

/** The resources the demo fills from its generators: residents, enterprises, their insurance, medical settlements, marriages and real-estate holders. */
async function seedPopulation(
  hub: Hub,
  withData: DemoDepartment[],
  officers: Map<string, Author>,
  operator: Author,
  count: number,
): Promise<Record<'person' | 'enterprise' | 'insurance' | 'settlements', Resource>> {
  const load = async (name: string, rows: Iterable<object>, source: string) => {
    const resource = await importOne(hub, withData, name, officers, operator);
    const createdBy = officers.get(resource.provider.code)!.userId;
    await hub.ingest.runFile(resource, toCsv(rows), { createdBy, source });
    return resource;
  };
  const person = await load('人口基础信息', people(count, 2026), 'demo:people.csv');
  const enterprise = await load(
    '企业登记信息',
    enterprises(Math.max(50, Math.round(count / 10))),
    'demo:enterprises.csv',
  );
  const insurance = await load('社会保险参保信息', insured(count), 'demo:insurance.csv');
  const settled = await load('参保人医疗结算摘要信息', settlements(people(count, 2026)), 'demo:settlements.csv');
  await load('婚姻登记信息', marriages([...people(count, 2026)]), 'demo:marriages.csv');
  await load('不动产权利人信息', owners([...people(count, 2026)]), 'demo:real-estate-owners.csv');
  return { person, enterprise, insurance, settlements: settled };
}

function* insured(count: number) {
  const rand = prng(44);
  for (const p of people(count, 2026)) {
    if (rand() < 0.3) continue;
    yield {
      citizen_id: p.citizen_id,
      insurance_type: rand() < 0.6 ? '职工基本养老保险' : '城乡居民基本养老保险',
      start_date: `${2000 + Math.floor(rand() * 25)}-0${1 + Math.floor(rand() * 9)}-15`,
      active: rand() < 0.92 ? '是' : '否',
    };
  }
}

/**
 * Every department gets a chief data officer (数据官): the named demo officers where there is
 * one, else an account `cdo_<code>` with the demo password, not listed among the demo accounts.
 */
async function appointOfficers(hub: Hub, ids: Map<string, Actor>, password: string): Promise<Map<string, Author>> {
  const officers = new Map<string, Author>();
  for (const a of ids.values()) if (a.roles.includes('officer') && a.org) officers.set(a.org.code, a);
  for (const org of await hub.access.listOrganizations()) {
    if (org.kind !== 'department' || officers.has(org.code)) continue;
    const user = await hub.access.createUser({
      username: `cdo_${org.code.toLowerCase()}`,
      displayName: `首席数据官（${org.name.replace(/^济南市/, '')}）`,
      password,
      orgCode: org.code,
      roles: ['officer'],
    });
    officers.set(org.code, { userId: user.id, username: user.username });
  }
  for (const [org, author] of officers) await hub.officers.setOfficers(org, author.username, []);
  return officers;
}
