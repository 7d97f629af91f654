import { findDivision } from '../kernel/index.js';
import { prng, type PersonRow } from './people.js';

/** One party's marriage registration, as 市民政局's 婚姻登记信息 holds it (one record a person). */
export interface MarriageRow {
  citizen_id: string;
  name: string;
  marital_status: '已婚';
  register_type: '结婚登记';
  register_date: string;
  spouse_id: string;
  spouse_name: string;
  cert_no: string;
  registry_org: string;
}

const ADULT_BORN_BY = '2002-12-31';

/**
 * 市民政局's marriage registrations of the demo population: the first resident (the demo citizen)
 * married five years before `now` to the first resident of the other sex — the 结婚证 the demo
 * issues is made from that record — and about half of the other adults married to one another.
 * A couple is two records, one per party, each naming the other.
 */
export function* marriages(population: PersonRow[], now = new Date()): Generator<MarriageRow> {
  const [citizen, ...rest] = population;
  if (!citizen) return;
  const spouse = rest.find((p) => p.gender !== citizen.gender);
  const rand = prng(4104);
  const taken = new Set<string>();
  if (spouse) {
    const married = new Date(now);
    married.setUTCFullYear(married.getUTCFullYear() - 5);
    const date = married.toISOString().slice(0, 10);
    yield* couple(citizen, spouse, date, 318);
    taken.add(citizen.citizen_id).add(spouse.citizen_id);
  }
  const waiting: Record<string, PersonRow | undefined> = {};
  let serial = 1000;
  for (const p of rest) {
    if (taken.has(p.citizen_id) || p.birth_date > ADULT_BORN_BY || rand() >= 0.55) continue;
    const partner = Object.entries(waiting).find(([gender]) => gender !== p.gender)?.[1];
    if (!partner) {
      waiting[p.gender] = p;
      continue;
    }
    waiting[partner.gender] = undefined;
    const year = 1975 + Math.floor(rand() * 48);
    const date = `${year}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
    yield* couple(partner, p, date, serial++);
  }
}

function* couple(a: PersonRow, b: PersonRow, date: string, serial: number): Generator<MarriageRow> {
  const cert_no = `J${a.division}-${date.slice(0, 4)}-${String(serial).padStart(6, '0')}`;
  const registry_org = `济南市${findDivision(a.division)?.name ?? ''}民政局婚姻登记处`;
  const common = {
    marital_status: '已婚',
    register_type: '结婚登记',
    register_date: date,
    cert_no,
    registry_org,
  } as const;
  yield { citizen_id: a.citizen_id, name: a.name, spouse_id: b.citizen_id, spouse_name: b.name, ...common };
  yield { citizen_id: b.citizen_id, name: b.name, spouse_id: a.citizen_id, spouse_name: a.name, ...common };
}
