import type { Actor } from '../access/index.js';
import type { ConsentTerms } from '../consent/index.js';
import type { Hub } from '../hub/index.js';
import { prng, type PersonRow } from './people.js';

const DAY = 86_400_000;

/** The resources the demo's consent requests name, by what they hold. */
export interface ConsentResources {
  person: string;
  insurance: string;
  enterprise: string;
  employers: string;
  settlements: string;
}

/**
 * The seeds' two scenarios of authorization on the chain (授权, #16), pending for the demo
 * citizen to decide: 一贷通 — the bank asks the enterprise the citizen represents for its
 * registration and social-insurance records; 保医通 — the insurer asks the citizen for their
 * medical settlement. And the bank's personal-loan request, filed last so it is shown first.
 */
export async function requestDemoConsents(
  hub: Hub,
  parties: { bank: Actor; insurer: Actor },
  subjects: { citizenId: string; creditCode: string },
  r: ConsentResources,
): Promise<void> {
  await hub.consents.request(parties.bank, {
    subject: { kind: 'legal_entity', id: subjects.creditCode },
    purpose: 'loan_underwriting',
    terms: terms(
      [
        { resource: r.enterprise, fields: ['name', 'legal_rep', 'reg_capital'] },
        { resource: r.employers, fields: ['insured'] },
      ],
      { unit: 'month', max: 2 },
      90,
    ),
  });
  await hub.consents.request(parties.insurer, {
    subject: { kind: 'person', id: subjects.citizenId },
    purpose: 'insurance_claim',
    terms: { ...terms([{ resource: r.settlements, fields: SETTLEMENT_FIELDS }], null, 30), fetchType: 'once' },
  });
  await hub.consents.request(parties.bank, {
    subject: { kind: 'person', id: subjects.citizenId },
    purpose: 'loan_underwriting',
    terms: terms(
      [
        { resource: r.person, fields: ['name', 'gender', 'birth_date'] },
        { resource: r.insurance, fields: ['insurance_type', 'start_date', 'active'] },
      ],
      { unit: 'month', max: 4 },
      180,
    ),
  });
}

function terms(data: ConsentTerms['data'], frequency: ConsentTerms['frequency'], days: number) {
  return {
    data,
    expiresAt: new Date(Date.now() + days * DAY).toISOString(),
    fetchType: 'periodic' as const,
    frequency,
    dataLifeDays: 30,
    range: null,
  };
}

const SETTLEMENT_FIELDS = ['settle_date', 'institution', 'visit_type', 'total_cost', 'fund_paid', 'self_paid'];
const INSTITUTIONS = ['山东大学齐鲁医院', '山东省立医院', '济南市中心医院', '济南市第四人民医院', '历下区人民医院'];

/** 市医保局's latest settlement of 60 % of the residents (the first always has one: the demo citizen's claim). */
export function* settlements(population: Iterable<PersonRow>) {
  const rand = prng(4201);
  let first = true;
  for (const p of population) {
    if (!first && rand() >= 0.6) continue;
    first = false;
    const inpatient = rand() < 0.2;
    const total = Math.round((inpatient ? 3000 + rand() * 40_000 : 80 + rand() * 900) * 100) / 100;
    const fund = Math.round(total * (inpatient ? 0.7 : 0.5) * 100) / 100;
    yield {
      citizen_id: p.citizen_id,
      settle_date: `2026-${String(1 + Math.floor(rand() * 11)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`,
      institution: INSTITUTIONS[Math.floor(rand() * INSTITUTIONS.length)]!,
      visit_type: inpatient ? '住院' : '门诊',
      total_cost: total,
      fund_paid: fund,
      self_paid: Math.round((total - fund) * 100) / 100,
    };
  }
}
