import type { Hub } from '../hub/index.js';
import type { EnterpriseRow } from './people.js';
import { marriages } from './marriages.js';
import { people } from './people.js';

type Person = ReturnType<typeof people> extends Iterable<infer P> ? P : never;

/**
 * 我的证照 of the demo: the demo citizen holds a resident ID card copy and a driving licence (市公安局),
 * and a marriage certificate (市民政局); the enterprise it represents holds a business licence
 * (市市场监督管理局). Issued through the real issuing path, by each department's officer.
 */
export async function issueDemoLicences(hub: Hub, citizen: Person, firm: EnterpriseRow): Promise<void> {
  const as = (username: string) => hub.access.actorOf(username);
  const police = await as('officer');
  const person = { kind: 'person' as const, id: citizen.citizen_id };
  const years = (n: number) => new Date(Date.now() - n * 365.25 * 86_400_000).toISOString();
  await hub.licences.issue(police, {
    type: 'JMSFZ',
    holder: person,
    validFrom: years(3),
    fields: {
      name: citizen.name,
      gender: citizen.gender,
      ethnicity: '汉',
      birth_date: citizen.birth_date,
      address: citizen.address,
      id_number: citizen.citizen_id,
      authority: '济南市公安局',
    },
  });
  await hub.licences.issue(police, {
    type: 'JSZ',
    holder: person,
    validFrom: years(2),
    fields: {
      name: citizen.name,
      licence_no: citizen.citizen_id,
      vehicle_class: 'C1',
      first_issued: years(8).slice(0, 10),
      gender: citizen.gender,
      address: citizen.address,
    },
  });
  // Made from 市民政局's registration of the marriage (marriages.ts), as a real 结婚证 is.
  const [marriage] = marriages([...people(50, 2026)]);
  if (marriage?.citizen_id !== citizen.citizen_id) throw new Error('the demo citizen has no marriage registered');
  await hub.licences.issue(await as('cdo_jnmzj'), {
    type: 'JHZ',
    holder: person,
    validFrom: new Date(`${marriage.register_date}T09:00:00+08:00`).toISOString(),
    fields: {
      holder_name: citizen.name,
      registered_on: marriage.register_date,
      certificate_no: marriage.cert_no,
      spouse_name: marriage.spouse_name,
      holder_id_number: citizen.citizen_id,
      spouse_id_number: marriage.spouse_id,
    },
  });
  await hub.licences.issue(await as('officer_scjg'), {
    type: 'YYZZ',
    holder: { kind: 'legal_entity', id: firm.credit_code },
    validFrom: new Date(`${firm.reg_date}T09:00:00+08:00`).toISOString(),
    fields: {
      credit_code: firm.credit_code,
      name: firm.name,
      entity_type: '有限责任公司（自然人投资或控股）',
      legal_representative: citizen.name,
      registered_capital: `${firm.reg_capital}万元人民币`,
      established: firm.reg_date,
      address: `济南市${firm.division === '370102' ? '历下区' : ''}经十路${100 + (firm.name.length % 50)}号`,
      business_scope: '一般项目：技术服务、技术开发、技术咨询；信息系统集成服务。',
    },
  });
}
