import { prng, type PersonRow } from './people.js';

/** A rights holder as 市自然资源和规划局's 不动产权利人信息 keeps them: one record a person. */
export interface OwnerRow {
  owner_id: string;
  owner_name: string;
  unit_count: number;
  latest_unit_no: string;
  latest_cert_no: string;
  latest_register_date: string;
}

const ADULT_BORN_BY = '2004-12-31';

/**
 * The real-estate rights holders of the demo population: the first resident (the demo citizen)
 * holds one unit registered three years before `now`, so that 不动产权属证明 answers yes for them;
 * about two in five other adults hold one to three units; minors hold none.
 */
export function* owners(population: PersonRow[], now = new Date()): Generator<OwnerRow> {
  const [citizen, ...rest] = population;
  if (!citizen) return;
  const bought = new Date(now);
  bought.setUTCFullYear(bought.getUTCFullYear() - 3);
  yield ownerOf(citizen, 1, bought.toISOString().slice(0, 10), 1);
  const rand = prng(5301);
  let serial = 1000;
  for (const p of rest) {
    if (p.birth_date > ADULT_BORN_BY || rand() >= 0.4) continue;
    const year = 2000 + Math.floor(rand() * 25);
    const date = `${year}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
    yield ownerOf(p, 1 + Math.floor(rand() * 3), date, serial++);
  }
}

/**
 * The unit number has the 28 characters of GB/T 37346 (宗地 code, 定着物 code); the certificate
 * number is written as Shandong's certificates print it.
 */
function ownerOf(p: PersonRow, units: number, date: string, serial: number): OwnerRow {
  const parcel = String(serial).padStart(6, '0');
  return {
    owner_id: p.citizen_id,
    owner_name: p.name,
    unit_count: units,
    latest_unit_no: `${p.division}${parcel}GB${String(serial % 100_000).padStart(5, '0')}F${String(serial).padStart(8, '0')}`,
    latest_cert_no: `鲁(${date.slice(0, 4)})济南市不动产权第${String(serial).padStart(7, '0')}号`,
    latest_register_date: date,
  };
}
